/* record.h - the tuner's typed records: one trial (ortune_trial) and a whole results file (ortune_results), and the
 * one place that knows their JSON keys (internal; see record.c). */
#ifndef ORTUNE_RECORD_H
#define ORTUNE_RECORD_H
#include "internal.h"
#include "results.h"
#include <cjson/cJSON.h>

/* ---- one trial ---- */
/* ortune_trial_status and its names: results.h (the schema). */

/* One measured candidate. Numbers are NAN when absent (the file leaves the key out). */
typedef struct {
  int id;
  char *name, *inputs, *reason; /* inputs: what it was measured with (--resume reuses it only for the same); NULL: absent */
  char stage[33];
  ortune_trial_status status;
  ortune_config *config;        /* the options that differ from the tune's base: only these are set */
  int error_code;               /* 0: none */
  double create_ms, first_run_ms, first_run_mean_ms, warmup_runs, runs;
  double p50_ms, p90_ms, p99_ms, mean_ms, min_ms, cv;
  double peak_host_mb, peak_gpu_mb, event_p50_ms, max_abs_err, max_rel_err;
  double speedup;               /* against the baseline's score */
  int dropped, resumed;         /* dropped: the racing cutoff stopped it early; resumed: taken from --resume's file */
  cJSON *more;                  /* what the tuner does not read (latencies_ms, shapes, per-output errors, accuracy...),
                                   kept as it came, in order */
} ortune_trial;

int ortune_trial_new(ortune_trial **out);
void ortune_trial_release(ortune_trial *t);
/* Take every key of j into t: known keys into their typed fields (a wrong type is skipped), the rest into t->more
 * (replacing a key of the same name). The one reader of a trial's keys: results files and the child's result. */
int ortune_trial_absorb_json(ortune_trial *t, const cJSON *j);
/* A trial from a results file's trial object (already validated: ortune_results_validate). */
int ortune_trial_from_json(const cJSON *j, ortune_trial **out);
/* The trial as results.json holds it; NULL when out of memory. */
cJSON *ortune_trial_to_json(const ortune_trial *t);
int ortune_trial_clone(const ortune_trial *t, ortune_trial **out);
int ortune_trial_set_text(char **field, const char *text); /* strdup into one of the text fields */
/* Option idx as the trial ran it: its own value, else base's. */
const char *ortune_trial_option(const ortune_trial *t, const ortune_config *base, int idx);
/* How many options the trial changes from the base. */
int ortune_trial_changed_options(const ortune_trial *t);
/* Set the trial's changed options in c (a clone of the base). */
void ortune_trial_apply_config(const ortune_trial *t, ortune_config *c);

/* A growing array of trials, each owned by it (pointers stay valid while it grows). */
typedef struct {
  ortune_trial **v;
  int n, cap;
} ortune_trials;
void ortune_trials_init(ortune_trials *ts);
void ortune_trials_clear(ortune_trials *ts);
/* Append t (the array owns it from now on, also on failure). */
int ortune_trials_add(ortune_trials *ts, ortune_trial *t);
/* Release and remove element i. */
void ortune_trials_remove(ortune_trials *ts, int i);

/* ---- the machine a tune ran on ---- */
typedef struct {
  char cpu[257], ort_version[65];
  double cores, memory_mb;
  int has_gpu;                 /* 0: "gpu": null */
  struct {
    char name[257], driver[65], cc[17], cls[17];
    double memory_mb, sm_count;
  } gpu;
} ortune_machine;

/* ---- a results file ---- */
typedef struct {
  int schema;                  /* ORTUNE_RESULTS_SCHEMA */
  char ortune_version[65], date[65];
  char *model_path, *input_shapes, *shape_sets; /* shape_sets: NULL with one shape set */
  char model_sha256[65];
  double first_run_weight;     /* NAN: absent */
  int has_machine;
  ortune_machine machine;
  char space[33], strategy[33], objective[33], provider[33], io[33];
  ortune_config *base;         /* the user's settings, in every candidate; NULL: absent */
  ortune_trials trials;
  double noise, wall_s;        /* NAN: absent */
  double search_noise;         /* the combine and refine's yardstick (search.c local_noise); NAN: absent */
  cJSON *sections;             /* the other parts, in order (reference, transform_fp16, final, impact), each
                                  written by its module (verify.c, transform.c, final.c, impact.c) */
} ortune_results;

void ortune_results_init(ortune_results *r);
void ortune_results_clear(ortune_results *r);
/* The results as results.json holds them (schema 1); NULL when out of memory. */
cJSON *ortune_results_to_json(const ortune_results *r);
/* From a validated document (ortune_results_validate). On failure r is left cleared. */
int ortune_results_from_json(const cJSON *j, ortune_results *r);
/* Load, validate (results.c) and type a results file; errors as ortune_results_load's. */
int ortune_results_read(const char *path, const char *what, const char *way_out, ortune_results *r);
#endif
