/* ab.h - the before/after measurement of tune and compare: configs interleaved in several fresh sessions. */
#ifndef ORTUNE_AB_H
#define ORTUNE_AB_H
#include <signal.h>
#include "stats.h"
#include "tune.h"

#define ORTUNE_AB_MAX 16

typedef struct {
  const char *model;
  ortune_config **cfgs;          /* cfgs[0]: the reference (ORT's defaults, or --against) */
  int n;
  const ortune_input_spec *spec;
  int sessions;                  /* fresh processes, one after another (default 3) */
  int sessions_max;              /* with budget_s: more sessions, up to this many, while the budget has room for
                                  * one more (the session estimate was high, or the search ended early) */
  int rounds;                    /* rounds per session */
  int runs;                      /* runs per block; 0: sized so that a block takes block_s */
  double block_s;
  double budget_s;               /* the whole A/B; sessions that would not fit are skipped (the first three always run); 0: none */
  double session_timeout_s;
  const char *worker_exe, *work; /* `ortune _trial`, and a directory for its specs and results */
  int keep_outputs;              /* the first session writes every config's outputs to work/ab_out/cI/ */
  double min_gain;
  int startup;                   /* --objective startup: blocks are starts (session creation + first run), not runs */
  volatile sig_atomic_t *stop;
  void (*progress)(void *ctx, int session, int sessions);
  void *ctx;
} ortune_ab_plan;

typedef struct {
  int sessions, rounds, n;       /* sessions done (and the rounds each) */
  double *blocks;                /* [session][round][config] */
  double *session_s;             /* [session]: its wall time, process start to result (what a session costs) */
  double *sp50, *sp99;           /* [config * cap + session]: each session's p50 / p99 */
  int cap;                       /* sessions there is room for */
  double p50[ORTUNE_AB_MAX], p99[ORTUNE_AB_MAX]; /* median over sessions of each session's p50 / p99 */
  ortune_modes modes[ORTUNE_AB_MAX];             /* two modes when any session saw two */
  ortune_modes smodes[ORTUNE_AB_MAX];            /* of the sessions' p50s: two when they fall in two groups */
  ortune_ratio ratio[ORTUNE_AB_MAX];             /* [0] unused */
  ortune_ab_verdict verdict[ORTUNE_AB_MAX];
  double load_before, load_after;                /* 1-minute load average */
  double steal_pct;                              /* CPU time stolen by the hypervisor during the A/B */
  double others_pct;                             /* CPU time other processes took during the A/B (ortune's own excluded) */
  int cpus, busy, budget_cut;
  int status;                    /* 0, or the ortune error of a failed session (ETIMEOUT, ECRASH, EOOM, EINTR, ...) */
  char error[512];
  char out_dir[700];             /* with keep_outputs */
} ortune_ab_outcome;

/* Run the plan; fills out (free with ortune_ab_outcome_free). Returns out->status. */
int ortune_ab_run(const ortune_ab_plan *p, ortune_ab_outcome *out);
void ortune_ab_outcome_free(ortune_ab_outcome *o);
/* The defaults and config k of a, followed by b's sessions of the same two configs (b: n = 2, same rounds), as one
 * outcome m of two configs with its speedup, interval and verdict over all the sessions (free m). */
int ortune_ab_merge(const ortune_ab_outcome *a, int k, const ortune_ab_outcome *b, double min_gain, ortune_ab_outcome *m);
/* One line when config c's sessions ran in two modes (smodes), named name ("" otherwise). */
void ortune_ab_session_note(const ortune_ab_outcome *o, int c, const char *name, char *buf, size_t len);
/* One line when other fresh-process measurements of config 0 (the search's two baselines of the defaults: p50s in
 * other[0..n)) lie more than 5% outside the range of its sessions here and those show one mode: the A/B's sessions
 * may not have met a mode that a restart can get ("" otherwise, and on a busy machine: the load note says it). */
void ortune_ab_unseen_note(const ortune_ab_outcome *o, const double *other, int n, const char *name, char *buf, size_t len);
/* One line on the machine's load during the A/B ("" when quiet). */
void ortune_ab_load_note(const ortune_ab_outcome *o, char *buf, size_t len);
/* Config k's result (p50/p99, speedup, interval, session spread, verdict) added to x: one vocabulary for tune,
 * compare and the report. */
void ortune_ab_candidate_json(const ortune_ab_outcome *o, int k, cJSON *x);
/* The outcome as JSON (sessions, rounds, load, modes, per candidate: speedup, interval, verdict). */
cJSON *ortune_ab_json(const ortune_ab_outcome *o);
#endif
