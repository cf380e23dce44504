/* tuner.h - the state of one tune, shared by its modules (internal; see tuner.c): tune.c owns it, tuner.c scores,
 * launch.c runs trials into it, search.c proposes candidates, final.c runs the A/B, impact.c and winner.c read it. */
#ifndef ORTUNE_TUNER_H
#define ORTUNE_TUNER_H
#include "record.h"
#include "tune.h"
#include "verify.h"
#include <signal.h>

typedef struct {
  const ortune_tune_opts *o;
  char work[256];             /* temp dir: specs, results, outputs */
  ortune_results res;         /* what the results file holds; res.trials: every trial so far */
  ortune_trials previous;     /* --resume: trials of the interrupted run */
  double t_start;
  int ntrials;                /* trials run (not resumed) */
  double base_score, noise;   /* baseline's score and relative run-to-run noise */
  double base_p50;            /* the larger p50 of the two baselines: --max-slowdown's yardstick (NAN: unknown) */
  double best_score;          /* best eligible score so far (racing cutoff) */
  int last_rc;                /* why a trial could not be run (besides a signal) */
  int tty;
  int total_hint;             /* for the progress line */
  char inputs[2048];          /* the inputs every trial is measured with (shapes, free dims, --input sources) */
  int stale_previous;         /* --resume: trials of the earlier run measured with other inputs (not reused) */
  ortune_verify *verify;      /* the output check (verify.c) */
} ortune_tuner;

/* The signal that stopped the tune (0: none), and the flag the workers and the A/B poll. */
volatile sig_atomic_t *ortune_tuner_stop_flag(void);
static inline int ortune_tuner_stopped(void) { return *ortune_tuner_stop_flag() != 0; }

/* The objective: p50, p99 or mean latency (over all --shapes), plus first_run_weight x the mean first run; or
 * start-up: session creation + the first run at every shape. INFINITY when the trial has no such numbers. */
double ortune_tuner_score(const ortune_tuner *t, const ortune_trial *tr);
/* Ran, was not dropped by the racing cutoff, and meets --max-gpu-mem / --max-startup / --max-slowdown. */
int ortune_tuner_eligible(const ortune_tuner *t, const ortune_trial *tr);
/* Eligible and faster than `than` beyond the noise (tr may be NULL). */
int ortune_tuner_better(const ortune_tuner *t, const ortune_trial *tr, double than);
/* The same beyond a given relative noise. */
int ortune_tuner_better_by(const ortune_tuner *t, const ortune_trial *tr, double than, double noise);
/* The relative noise of two scores of one config in fresh processes: 1.5 x their difference, 2% to 25%. */
double ortune_noise_of(double first, double again);
/* Neither interrupted nor past --max-trials, nor so far into --budget that the final A/B would not fit (its
 * smallest form: three sessions of two rounds over the defaults and every finalist; at least 0.3 of --budget). */
int ortune_tuner_budget_left(const ortune_tuner *t);
/* The seconds the search has left before that point (0 when stopped; INFINITY without --budget). */
double ortune_tuner_search_left_s(const ortune_tuner *t);
/* From the baseline's numbers, for an A/B of n configs: one block (at least 3 runs of 0.15 s, or one start with
 * --objective startup) and a session's setup (open every config, run it once, warm it up; start the process), in
 * seconds. */
void ortune_tuner_ab_cost(const ortune_tuner *t, int n, double *block_s, double *setup_s);
/* One progress line (a bar on a terminal) unless --quiet. */
void ortune_tuner_progress(ortune_tuner *t, const char *name, const char *what);
/* Write the results file (when --results), atomically. */
int ortune_tuner_save(ortune_tuner *t);
/* The section `key` of the results (reference, final, impact...), created empty (object or array) when absent. */
cJSON *ortune_tuner_section(ortune_tuner *t, const char *key, int array);
#endif
