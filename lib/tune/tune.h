/* tune.h - the tuner: search spaces, isolated trials in child processes, A/B verification (internal). */
#ifndef ORTUNE_TUNE_H
#define ORTUNE_TUNE_H
#include "harness.h"
#include "stats.h"
#include <cjson/cJSON.h>

/* JSON field readers with defaults (absent or wrong type). */
static inline const char *ortune_jstr(const cJSON *j, const char *k) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);
  return cJSON_IsString(x) ? x->valuestring : "";
}
static inline double ortune_jnum(const cJSON *j, const char *k, double def) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);
  return cJSON_IsNumber(x) ? x->valuedouble : def;
}

/* ---- candidates (space.c) ---- */
typedef struct {
  char name[160];
  char stage[16];
  ortune_config *cfg;
  int full; /* measured in full: never stopped early by racing (a repeat that measures the noise) */
} ortune_candidate;

typedef struct {
  ortune_candidate *v;
  int n, cap;
} ortune_candidates;

int ortune_candidates_add(ortune_candidates *c, const char *name, const char *stage, const ortune_config *cfg);
void ortune_candidates_free(ortune_candidates *c);
/* The seed guide's 14 combinations on top of base. gpu_total: bytes of the GPU for --scale-memory (0: no scaling). */
int ortune_space_seed14(const ortune_config *base, uint64_t gpu_total, ortune_candidates *out);
/* Is name a known space? ("seed14", "cpu", "cuda", "full", "cuda-core") */
int ortune_space_valid(const char *name);
/* Does option idx belong to the search of space? */
int ortune_space_has(const char *space, int idx);
/* The one rule for options the user set in the config's onnxruntime: section (tune): every one goes into
 * base (so it is in every candidate and in the written config), with the config's free dims; one that space
 * searches is pinned at the user's value (not searched) unless search_set, in which case base leaves it at
 * ORT's default for the search to choose. note: one line naming the pinned options ("" if none). */
int ortune_merge_user_options(const ortune_config *user, const char *space, int search_set, ortune_config *base, char *note,
                              size_t notelen);
/* Does a tune from base search option idx of space (in the space and not pinned by the user in base)? */
int ortune_space_searches(const char *space, const ortune_config *base, int idx);
/* Put base's set options (the user's constraints) back into c (after a preset such as seed14 changed them). */
int ortune_apply_pinned(const ortune_config *base, ortune_config *c);
/* Values tried for option idx (split of tune_values; threads: 1..cores by bisection). */
int ortune_space_values(int idx, char vals[][48], int max);

/* ---- trials: child side (trial.c) ---- */
/* Entry point of `ortune _trial SPEC.json RESULT.json`. */
int ortune_trial_main(const char *spec_path, const char *result_path);
/* Serialize a config's set options and free dims into a JSON object, and back. */
cJSON *ortune_config_to_json(const ortune_config *cfg);
int ortune_config_from_json(const cJSON *j, ortune_config **out);
cJSON *ortune_spec_to_json(const ortune_input_spec *spec);
void ortune_spec_from_json(const cJSON *j, ortune_input_spec *spec);

/* A/B/A/B interleaved comparison in this process (the child side of an A/B session, ab.c runs several):
 * rounds x (each config: one block of runs), the median of each block. */
typedef struct {
  int rounds, runs;        /* runs 0: sized so that a block takes about block_s */
  double block_s;
  uint64_t order_seed;     /* 0: the configs rotate; else a seeded shuffle per round */
  int startup;             /* 1: a block is one start (session creation + first run) instead of runs */
} ortune_ab_opts;
typedef struct {
  double *blocks;          /* rounds*n block medians (malloc'ed) */
  double p50[64], p99[64]; /* over all of a config's runs */
  ortune_modes modes[64];
  int rounds, runs;
} ortune_ab_child;
int ortune_ab_measure(const char *model, ortune_config **cfgs, int n, const ortune_input_spec *spec, const ortune_ab_opts *ao,
                      ortune_ab_child *out, ortune_tensor **outs /* NULL, or n slots: each config's last outputs */, int *nouts);

/* Reset, in c (search.c), the options that do nothing without another (TunableOp tuning without TunableOp, inter-op threads
 * without the parallel executor) to their value in base: no candidate, and so no winner, carries them. */
void ortune_drop_inert(const ortune_config *base, ortune_config *c);

/* ---- OOM kills (oom.c) ---- */
/* The kernel's count of OOM kills seen from here (system-wide + this cgroup), -1 if unknown: a child that died
 * of SIGKILL while it grew was killed by the OOM killer. */
long long ortune_oom_kills(void);

/* ---- transformed models and the accuracy gate (transform.c) ---- */
#define ORTUNE_MAX_ACC_RULES 16
typedef struct {
  char output[64];     /* "": every output without a rule of its own */
  double atol, rtol;   /* |got - ref| <= atol + rtol x |ref| */
  int argmax;          /* instead: the argmax over the last axis agrees everywhere */
} ortune_acc_rule;
typedef struct {
  int n;
  ortune_acc_rule r[ORTUNE_MAX_ACC_RULES];
} ortune_accuracy;
/* Add the rule "[OUTPUT:]atol=X,rtol=Y" or "[OUTPUT:]argmax" (--accuracy) to acc. */
int ortune_accuracy_parse(const char *text, ortune_accuracy *acc);
/* Check out_dir's output_N.pb against ref_dir's (and the set2/shapeK subdirs, nsets in all) under acc; records
 * "accuracy" (per output: max_abs, max_rel, rule, pass), max_abs_err, max_rel_err and a reason in tr.
 * Outputs without a rule get the float32 check. Returns 0 when every output is within its rule. */
int ortune_accuracy_check(const ortune_accuracy *acc, const char *ref_dir, const char *out_dir, int nsets, cJSON *tr);
/* One output (got) against its float32 reference (want) under acc; 0 when within its rule, else why is set. */
int ortune_accuracy_tensor(const ortune_accuracy *acc, const ortune_tensor *got, const ortune_tensor *want, char *why, size_t len);
/* The rules as text: "atol=0.01,rtol=0 scores:argmax" (what --accuracy takes, space-separated). */
void ortune_accuracy_text(const ortune_accuracy *acc, char *buf, size_t len);
/* A config with a model_override and provenance accuracy (written by tune): its rules into acc, returns 1; else 0. */
int ortune_accuracy_of_config(const ortune_config *cfg, ortune_accuracy *acc);
/* Convert model to float16 into work/model.ortune-fp16.onnx (path gets it); records "transform_fp16" in results. */
int ortune_tune_fp16_prepare(const char *model, const char *work, const char *keep_ops, char *path, size_t len, cJSON *results);
/* When c's model_override names a transformed model in the work dir: write it next to model
 * (model.ortune-fp16.onnx), point model_override at it and record its sha256 (and acc's rules, for compare) in c's
 * provenance. */
/* A float32 config written for model while an earlier tune's float16 model (model.ortune-fp16.onnx, ortune's own)
 * is still next to it: 1 and its path (the caller says so; deleting is the user's call). */
int ortune_tune_transform_unused(const ortune_config *c, const char *model, char *path, size_t len);
int ortune_tune_transform_finish(ortune_config *c, const char *model, const ortune_accuracy *acc);

/* ---- the tuner (tune.c: orchestration; search.c, launch.c, final.c, impact.c, winner.c, record.c) ---- */
typedef struct {
  const char *model, *config_path, *space, *strategy, *objective;
  const char *results_json, *results_csv, *report_html;
  const ortune_config *base;  /* provider, io, device, free dims */
  ortune_input_spec spec;
  const ortune_input_spec *extra; /* --shapes beyond the first: every trial is scored over all of them */
  int nextra;
  double first_run_weight;    /* objective += this x mean first-run time per shape (0: warm latency only) */
  double budget_s;            /* 0: none */
  int max_trials;             /* 0: none */
  double rtol, atol;          /* < 0: defaults */
  double max_gpu_mem_mb, max_startup_ms; /* 0: no constraint */
  double max_slowdown;        /* a candidate's p50 at most this x the defaults' (0: no constraint) */
  int scale_memory;
  double trial_timeout_s;
  ortune_bench_opts bench;
  int ab_rounds, ab_runs, ab_sessions, finalists; /* ab_rounds: in all, over ab_sessions fresh sessions */
  double min_gain;
  int resume, quiet, no_write;
  int event_timing;           /* record CUDA-event time per run too (harness overhead check) */
  const char *worker_exe;     /* re-executed as `worker_exe _trial SPEC RESULT` */
  const ortune_accuracy *accuracy; /* non-NULL: also try the float16 model, gated by this rule */
  const char *fp16_keep;      /* op types kept float32 in it (NULL: the converter's default list) */
} ortune_tune_opts;
void ortune_tune_opts_default(ortune_tune_opts *o);
/* Run the search; *results gets the results JSON (caller deletes). Writes the
 * winner to config_path unless no_write. Returns ORTUNE_EINTR on SIGINT/SIGTERM. */
int ortune_tune_run(const ortune_tune_opts *o, cJSON **results);
/* The signal that interrupted the last tune (0 if none). */
int ortune_tune_signal(void);

/* ---- stale work dirs (sweep.c) ---- */
/* A tune's work dir: TMPDIR/ortune.PID.XXXXXX. */
#define ORTUNE_WORKDIR_PREFIX "ortune."
/* Remove the work dirs in tmpdir of tunes whose process is gone (killed before their cleanup); only this user's. */
void ortune_sweep_workdirs(const char *tmpdir);
/* A start as --objective startup scores it: session creation + the first run at every shape (nshapes > 0: the
 * mean first run x nshapes); INFINITY when a part is unknown. The tuner's score and the CLI's table share it. */
double ortune_start_ms(double create_ms, double first_run_ms, double first_run_mean_ms, int nshapes);

#endif
