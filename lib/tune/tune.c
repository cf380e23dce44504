/* tune.c - the tuner: baseline, staged/grid/seed14 search over isolated child trials, output checks, A/B final, config. */
#define _GNU_SOURCE
#include "tune.h"
#include "report.h"
#include "results.h"
#include "verify.h"
#include "ab.h"
#include "worker.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void ortune_tune_opts_default(ortune_tune_opts *o) {
  memset(o, 0, sizeof *o);
  o->space = "cpu";
  o->strategy = "staged";
  o->objective = "p50";
  o->rtol = o->atol = -1;
  o->trial_timeout_s = 300;
  ortune_bench_opts_default(&o->bench);
  o->bench.duration_s = 1.0;
  o->bench.min_runs = 20;
  o->bench.warmup_max_s = 2.0;
  o->ab_rounds = 16;
  o->ab_runs = 0; /* 0: from the baseline's latency */
  o->finalists = 3;
  o->min_gain = 0.01;
  o->worker_exe = "/proc/self/exe";
}

/* ---- signals ------------------------------------------------------------------------ */

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }
int ortune_tune_signal(void) { return got_signal; }

/* ---- tuner state ------------------------------------------------------------------------ */

typedef struct {
  const ortune_tune_opts *o;
  char work[256];             /* temp dir: specs, results, outputs */
  cJSON *results, *trials;    /* results JSON and its "trials" array */
  cJSON *previous;            /* --resume: trials of the interrupted run */
  double t_start;
  int ntrials;                /* trials run (not resumed) */
  double base_score, noise;   /* baseline's score and relative run-to-run noise */
  double best_score;          /* best eligible score so far (racing cutoff) */
  int last_rc;                /* why run_trial returned NULL (besides a signal) */
  int tty;
  int total_hint;             /* for the progress line */
  char inputs[2048];          /* the inputs every trial is measured with (shapes, free dims, --input sources) */
  int stale_previous;         /* --resume: trials of the earlier run measured with other inputs (not reused) */
  ortune_verify *verify;      /* the output check (verify.c) */
} tuner;

/* The objective: p50, p99 or mean latency (over all --shapes), plus first_run_weight x the mean first run; or
 * start-up: session creation + the first run at every shape. */
static double score_of(const tuner *t, const cJSON *tr) {
  if (!strcmp(t->o->objective, "startup")) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(tr, "create_ms"), *shapes = cJSON_GetObjectItemCaseSensitive(tr, "shapes");
    double first = ortune_jnum(tr, "first_run_ms", NAN);
    int n = cJSON_GetArraySize(shapes);
    if (n > 0) first = ortune_jnum(tr, "first_run_mean_ms", NAN) * n;
    return cJSON_IsNumber(c) && isfinite(first) ? c->valuedouble + first : INFINITY;
  }
  const char *key = !strcmp(t->o->objective, "p99") ? "p99_ms" : !strcmp(t->o->objective, "throughput") ? "mean_ms" : "p50_ms";
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(tr, key);
  if (!cJSON_IsNumber(x)) return INFINITY;
  if (t->o->first_run_weight <= 0) return x->valuedouble;
  double first = ortune_jnum(tr, "first_run_mean_ms", ortune_jnum(tr, "first_run_ms", 0));
  return x->valuedouble + t->o->first_run_weight * first;
}

static int trial_ok(const cJSON *tr) { return !strcmp(ortune_jstr(tr, "status"), "ok"); }

static int eligible(const tuner *t, const cJSON *tr) {
  if (!trial_ok(tr) || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tr, "dropped"))) return 0;
  if (t->o->max_gpu_mem_mb > 0 && ortune_jnum(tr, "peak_gpu_mb", 0) > t->o->max_gpu_mem_mb) return 0;
  if (t->o->max_startup_ms > 0 && ortune_jnum(tr, "create_ms", 0) + ortune_jnum(tr, "first_run_ms", 0) > t->o->max_startup_ms) return 0;
  return 1;
}

static int save_results(tuner *t) {
  if (!t->o->results_json) return ORTUNE_OK;
  char *txt = cJSON_Print(t->results);
  if (!txt) return ortune_set_error(ORTUNE_ENOMEM, "results: out of memory");
  int rc = ortune_write_atomic(t->o->results_json, txt, strlen(txt));
  free(txt);
  return rc;
}

static void progress(tuner *t, const char *name, const char *what) {
  if (t->o->quiet) return;
  double el = ortune_now() - t->t_start;
  int done = cJSON_GetArraySize(t->trials);
  char eta[48] = "";
  if (done > 1 && t->total_hint > done) snprintf(eta, sizeof eta, ", ETA %.0fs", el / done * (t->total_hint - done));
  if (t->tty) { /* a bar on a terminal, plain lines otherwise */
    char bar[21];
    int total = t->total_hint > done ? t->total_hint : done + 1, fill = 20 * done / total;
    for (int i = 0; i < 20; i++) bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r\033[K[%s] %d/%d %.0fs%s %s: %.60s", bar, done, t->total_hint, el, eta, what, name);
  }
  else
    fprintf(stderr, "[%d/%d %.0fs%s] %s: %s\n", done, t->total_hint, el, eta, what, name);
}

/* ---- running one child --------------------------------------------------------------------- */

static int write_json(const char *path, const cJSON *j) {
  char *txt = cJSON_PrintUnformatted(j);
  if (!txt) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  int rc = ortune_write_atomic(path, txt, strlen(txt));
  free(txt);
  return rc;
}

/* The last non-empty line of a log (a child's stderr), for failure reasons. */

/* Run `worker _trial spec res` with a time limit. Returns the wait status, or -1 on timeout, -2 on interrupt. */
static int spawn(tuner *t, const char *spec, const char *res, const char *log, double timeout) {
  return ortune_worker_spawn(t->o->worker_exe, spec, res, log, timeout, &got_signal);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb; (void)flag; (void)ftw;
  return remove(p);
}
static void rm_rf(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* Check dir's outputs against the exact reference (verify.c); fills tr's error fields; 0 = acceptable. */
static int check_outputs(tuner *t, const char *dir, cJSON *tr) { return ortune_verify_check(t->verify, dir, tr); }

static int spawn_cb(void *t, const char *spec, const char *res, const char *log, double timeout) {
  return spawn(t, spec, res, log, timeout);
}

/* The exact reference and the defaults' error against it, before any candidate is checked. */
static int prepare_check(tuner *t) {
  const ortune_tune_opts *o = t->o;
  if (!(t->verify = calloc(1, sizeof *t->verify))) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  progress(t, "exact reference (cpu float32)", "computing");
  double limit = 2 * o->trial_timeout_s > 300 ? 2 * o->trial_timeout_s : 300; /* one thread on the CPU: slower than a trial */
  return ortune_verify_prepare(t->verify, o->model, o->base, &o->spec, o->extra, o->nextra, o->rtol, o->atol, limit, t->work,
                               spawn_cb, t, cJSON_AddObjectToObject(t->results, "reference"), o->quiet ? NULL : stderr);
}

/* A transformed model's outputs in dir against the reference check_outputs uses (the exact CPU float32 one, or the
 * defaults' when it could not run), under the --accuracy rule (transform.c). */
static int accuracy_check(tuner *t, const char *dir, cJSON *tr) {
  return ortune_accuracy_check(t->o->accuracy, t->verify->dir, dir, t->verify->nsets, tr);
}

static const char *classify(int code, const char *phase) {
  if (code == ORTUNE_EOOM) return "oom";
  if (!strcmp(phase, "options") || !strcmp(phase, "create") || !strcmp(phase, "bind") || code == ORTUNE_EVALUE ||
      code == ORTUNE_EKEY)
    return "invalid";
  return "runtime_error";
}

/* The config keys of cand that differ from the baseline, as a JSON object. */
static cJSON *config_delta(const ortune_config *base, const ortune_config *c) {
  cJSON *j = cJSON_CreateObject();
  for (int i = 0; i < ortune_noptions; i++) {
    const char *a = ortune_config_value(base, i), *b = ortune_config_value(c, i);
    if (strcmp(a, b)) cJSON_AddStringToObject(j, ortune_options[i].name, b);
  }
  return j;
}

/* --resume: the earlier run's trial of that name, measured with the same inputs (shapes, free dims, sources). */
static cJSON *find_previous(tuner *t, const char *name) {
  cJSON *tr;
  cJSON_ArrayForEach(tr, t->previous) {
    if (strcmp(ortune_jstr(tr, "name"), name) || !strcmp(ortune_jstr(tr, "status"), "interrupted")) continue;
    if (!strcmp(ortune_jstr(tr, "inputs"), t->inputs)) return tr;
    t->stale_previous++;
  }
  return NULL;
}

static cJSON *find_trial(tuner *t, const char *name) {
  cJSON *tr;
  cJSON_ArrayForEach(tr, t->trials) if (!strcmp(ortune_jstr(tr, "name"), name)) return tr;
  return NULL;
}

/* Measure one candidate in a child process; appends its record to the results and returns it (NULL: interrupted). */
static cJSON *run_trial(tuner *t, const ortune_candidate *c, int is_baseline) {
  cJSON *tr = find_trial(t, c->name);
  if (tr) return tr; /* the same configuration reached twice */
  if (!is_baseline && (tr = find_previous(t, c->name))) {
    tr = cJSON_Duplicate(tr, 1);
    cJSON_ReplaceItemInObject(tr, "id", cJSON_CreateNumber(cJSON_GetArraySize(t->trials)));
    cJSON_AddBoolToObject(tr, "resumed", 1);
    cJSON_AddItemToArray(t->trials, tr);
    progress(t, c->name, "resumed");
    return tr;
  }
  if (got_signal) return NULL;
  int id = cJSON_GetArraySize(t->trials);
  char spec_p[600], res_p[600], log_p[600], out_d[600];
  snprintf(spec_p, sizeof spec_p, "%s/spec_%d.json", t->work, id);
  snprintf(res_p, sizeof res_p, "%s/result_%d.json", t->work, id);
  snprintf(log_p, sizeof log_p, "%s/log_%d.txt", t->work, id);
  if (is_baseline) snprintf(out_d, sizeof out_d, "%s/ref", t->work);
  else snprintf(out_d, sizeof out_d, "%s/out_%d", t->work, id);
  progress(t, c->name, "measuring");

  cJSON *spec = cJSON_CreateObject(), *bench = cJSON_CreateObject();
  cJSON_AddStringToObject(spec, "mode", "measure");
  if (!strcmp(t->o->objective, "startup")) cJSON_AddNumberToObject(spec, "startup", 1);
  cJSON_AddStringToObject(spec, "model", t->o->model);
  cJSON_AddStringToObject(spec, "name", c->name);
  cJSON_AddItemToObject(spec, "config", ortune_config_to_json(c->cfg));
  cJSON_AddItemToObject(spec, "inputs", ortune_spec_to_json(&t->o->spec));
  cJSON *xs = cJSON_AddArrayToObject(spec, "extra_shapes");
  for (int k = 0; k < t->o->nextra; k++) cJSON_AddItemToArray(xs, ortune_spec_to_json(&t->o->extra[k]));
  cJSON_AddNumberToObject(bench, "min_runs", t->o->bench.min_runs);
  cJSON_AddNumberToObject(bench, "max_runs", t->o->bench.max_runs);
  cJSON_AddNumberToObject(bench, "duration_s", t->o->bench.duration_s);
  cJSON_AddNumberToObject(bench, "warmup_max_s", t->o->bench.warmup_max_s);
  /* --budget covers everything: each trial (the baselines too) gets a share of it, at least 3 timed runs */
  if (t->o->budget_s > 0) cJSON_AddNumberToObject(bench, "max_s", fmax(1.0, t->o->budget_s * (is_baseline ? 0.08 : 0.05)));
  if (!is_baseline && isfinite(t->best_score)) cJSON_AddNumberToObject(bench, "cutoff_ms", t->best_score);
  if (t->o->event_timing) cJSON_AddNumberToObject(bench, "event_timing", 1);
  cJSON_AddItemToObject(spec, "bench", bench);
  char ref[600];
  snprintf(ref, sizeof ref, "%s/ref", t->work);
  cJSON_AddStringToObject(spec, "ref_dir", is_baseline ? "" : ref);
  cJSON_AddStringToObject(spec, "out_dir", out_d);
  int rc = write_json(spec_p, spec);
  cJSON_Delete(spec);
  if (rc) {
    t->last_rc = rc;
    return NULL;
  }

  long long oom0 = ortune_oom_kills();
  int status = spawn(t, spec_p, res_p, log_p, t->o->trial_timeout_s);
  tr = cJSON_CreateObject();
  cJSON_AddNumberToObject(tr, "id", id);
  cJSON_AddStringToObject(tr, "name", c->name);
  cJSON_AddStringToObject(tr, "stage", c->stage);
  cJSON_AddStringToObject(tr, "inputs", t->inputs); /* --resume reuses a trial only with the same inputs */
  const ortune_config *base = t->o->base;
  cJSON_AddItemToObject(tr, "config", config_delta(base, c->cfg));
  char reason[512] = "";
  if (status == -2) {
    cJSON_AddStringToObject(tr, "status", "interrupted");
    cJSON_AddItemToArray(t->trials, tr);
    return NULL;
  }
  if (status == -1) {
    cJSON_AddStringToObject(tr, "status", "timeout");
    snprintf(reason, sizeof reason, "no result within %.0f s: killed (--trial-timeout to allow more)", t->o->trial_timeout_s);
  } else if (WIFSIGNALED(status)) {
    long long oom1 = WTERMSIG(status) == SIGKILL && oom0 >= 0 ? ortune_oom_kills() : -1;
    int oom = oom1 > oom0; /* a SIGKILL ortune did not send, while the kernel counted an OOM kill */
    cJSON_AddStringToObject(tr, "status", oom ? "oom" : "crash");
    char tail[256];
    ortune_worker_last_line(log_p, tail, sizeof tail);
    snprintf(reason, sizeof reason, "killed by signal %d (%s)%s%s%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
             oom ? " from the kernel's OOM killer: out of host memory" : "", tail[0] ? ": " : "", tail);
  } else {
    char *txt = NULL;
    cJSON *res = ortune_read_file(res_p, &txt, NULL) == ORTUNE_OK ? cJSON_Parse(txt) : NULL;
    free(txt);
    if (!res) {
      cJSON_AddStringToObject(tr, "status", "crash");
      ortune_worker_last_line(log_p, reason, sizeof reason);
      if (!reason[0]) snprintf(reason, sizeof reason, "exited %d without a result", WEXITSTATUS(status));
    } else {
      int code = (int)ortune_jnum(res, "code", 1);
      cJSON *it;
      cJSON_ArrayForEach(it, res) {
        if (strcmp(it->string, "code") && strcmp(it->string, "error") && strcmp(it->string, "phase"))
          cJSON_AddItemToObject(tr, it->string, cJSON_Duplicate(it, 1));
      }
      if (code) {
        cJSON_AddNumberToObject(tr, "error_code", code);
        cJSON_AddStringToObject(tr, "status", classify(code, ortune_jstr(res, "phase")));
        snprintf(reason, sizeof reason, "%s", ortune_jstr(res, "error"));
      } else if (!is_baseline && (ortune_config_is_set(c->cfg, "model_override") && t->o->accuracy
                                      ? accuracy_check(t, out_d, tr) /* a float16 model: the user's rule */
                                      : check_outputs(t, out_d, tr))) {
        cJSON_AddStringToObject(tr, "status", "mismatch");
      } else {
        cJSON_AddStringToObject(tr, "status", "ok");
      }
      cJSON_Delete(res);
    }
  }
  if (reason[0] && !cJSON_GetObjectItemCaseSensitive(tr, "reason")) cJSON_AddStringToObject(tr, "reason", reason);
  double sc = score_of(t, tr);
  if (eligible(t, tr) && sc < t->best_score) t->best_score = sc;
  if (trial_ok(tr) && isfinite(t->base_score) && isfinite(sc) && sc > 0)
    cJSON_AddNumberToObject(tr, "speedup", t->base_score / sc);
  if (!is_baseline) rm_rf(out_d);
  remove(spec_p);
  remove(res_p);
  cJSON_AddItemToArray(t->trials, tr);
  if (!is_baseline) t->ntrials++; /* --max-trials counts the search, not the baseline */
  save_results(t);
  if (!t->o->quiet && !t->tty && !trial_ok(tr))
    fprintf(stderr, "  %s: %s\n", ortune_jstr(tr, "status"), ortune_jstr(tr, "reason"));
  return tr;
}

static int budget_left(const tuner *t) {
  if (got_signal) return 0;
  if (t->o->max_trials > 0 && t->ntrials >= t->o->max_trials) return 0;
  if (t->o->budget_s > 0 && ortune_now() - t->t_start > 0.8 * t->o->budget_s) return 0;
  return 1;
}

/* A candidate: cfg with option idx set to v, named by its changes from the baseline. */
/* Options that do nothing on their own: a candidate never carries one without what it needs, so a winner never
 * writes an option with no effect (tuning TunableOp kernels that are not enabled; inter-op threads without the
 * parallel executor). The user's own settings (the base) are left as they are. */
static const struct { const char *opt, *needs, *value; } inert_rules[] = {
  {"tunable_op_tuning_enable", "tunable_op_enable", "1"},
  {"tunable_op_max_tuning_duration_ms", "tunable_op_tuning_enable", "1"},
  {"inter_op_num_threads", "execution_mode", "ORT_PARALLEL"},
};

void ortune_drop_inert(const ortune_config *base, ortune_config *c) {
  for (int pass = 0; pass < 2; pass++) /* twice: a dropped option can make another inert */
    for (size_t i = 0; i < sizeof inert_rules / sizeof inert_rules[0]; i++) {
      int o = ortune_option_index(inert_rules[i].opt), nd = ortune_option_index(inert_rules[i].needs);
      if (o < 0 || nd < 0 || !strcmp(ortune_config_value(c, o), ortune_config_value(base, o))) continue;
      if (strcmp(ortune_config_value(c, nd), inert_rules[i].value)) ortune_config_set(c, inert_rules[i].opt, ortune_config_value(base, o));
    }
}

static int make_candidate(tuner *t, const ortune_config *from, int idx, const char *v, const char *stage, ortune_candidate *c) {
  int rc = ortune_config_clone(from, &c->cfg);
  if (!rc && idx >= 0) rc = ortune_config_set(c->cfg, ortune_options[idx].name, v);
  if (rc) return rc;
  ortune_drop_inert(t->o->base, c->cfg);
  snprintf(c->stage, sizeof c->stage, "%s", stage);
  char sum[sizeof c->name];
  sum[0] = '\0';
  size_t n = 0;
  for (int i = 0; i < ortune_noptions; i++) {
    const char *a = ortune_config_value(t->o->base, i), *b = ortune_config_value(c->cfg, i);
    if (strcmp(a, b)) n += (size_t)snprintf(sum + n, n < sizeof sum ? sizeof sum - n : 0, "%s%s=%s", n ? " " : "", ortune_options[i].name, b);
    if (n >= sizeof sum) break;
  }
  snprintf(c->name, sizeof c->name, "%s", n ? sum : "defaults");
  return ORTUNE_OK;
}

static cJSON *try_change(tuner *t, const ortune_config *from, int idx, const char *v, const char *stage) {
  ortune_candidate c;
  if (make_candidate(t, from, idx, v, stage, &c)) return NULL;
  cJSON *tr = run_trial(t, &c, 0);
  ortune_config_release(c.cfg);
  return tr;
}

/* Better beyond the noise? */
static int better(const tuner *t, const cJSON *tr, double than) {
  return tr && eligible(t, tr) && score_of(t, tr) < than * (1.0 - t->noise);
}

/* ---- strategies ------------------------------------------------------------------------ */

/* The options searched: those of the space the user did not pin (ortune_merge_user_options). */
static int space_indices(const tuner *t, int *idx) {
  int n = 0;
  for (int i = 0; i < ortune_noptions; i++)
    if (ortune_space_searches(t->o->space, t->o->base, i)) idx[n++] = i;
  return n;
}

typedef struct { int idx; char val[48]; double score; } change;

static int cmp_change(const void *a, const void *b) {
  double x = ((const change *)a)->score, y = ((const change *)b)->score;
  return (x > y) - (x < y);
}

/* Staged: screen each value alone, combine the winners greedily (largest effect first), refine around the result. */
static int search_staged(tuner *t) {
  int idx[64], n = space_indices(t, idx);
  change ch[256];
  int nch = 0;
  char vals[16][48];
  t->total_hint = 2;
  for (int k = 0; k < n; k++) t->total_hint += ortune_space_values(idx[k], vals, 16) - 1;
  t->total_hint += t->total_hint / 2;
  /* the seed guide's advice for this GPU's class, measured as one more starting point (with its
   * entry-class mistake corrected: HEURISTIC, not DEFAULT) */
  const char *cls = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t->results, "machine"), "gpu"), "class"));
  if (cls && strcmp(t->o->space, "cpu") && budget_left(t)) {
    static const struct { const char *cls, *gb, *copy, *ws, *tun; } adv[] = {
      {"high", "16", "0", "1", "1"}, {"mid", "8", "0", "1", "1"}, {"entry", "4", "1", "0", "0"}};
    for (size_t i = 0; i < sizeof adv / sizeof adv[0]; i++) {
      if (strcmp(cls, adv[i].cls)) continue;
      ortune_candidate c;
      if (ortune_config_clone(t->o->base, &c.cfg)) break;
      ortune_config_set(c.cfg, "cudnn_conv_algo_search", "HEURISTIC");
      ortune_config_set(c.cfg, "gpu_mem_limit_gb", adv[i].gb);
      ortune_config_set(c.cfg, "do_copy_in_default_stream", adv[i].copy);
      ortune_config_set(c.cfg, "cudnn_conv_use_max_workspace", adv[i].ws);
      ortune_config_set(c.cfg, "tunable_op_enable", adv[i].tun);
      ortune_apply_pinned(t->o->base, c.cfg); /* the user's settings stay */
      snprintf(c.name, sizeof c.name, "seed advice for a %s-class GPU", cls);
      snprintf(c.stage, sizeof c.stage, "class");
      run_trial(t, &c, 0);
      ortune_config_release(c.cfg);
    }
  }
  /* stage 1: screen */
  double effect[64];
  for (int k = 0; k < n; k++) effect[k] = INFINITY; /* options the budget leaves unscreened sort last */
  for (int k = 0; k < n && budget_left(t); k++) {
    int nv = ortune_space_values(idx[k], vals, 16);
    const char *cur = ortune_config_value(t->o->base, idx[k]);
    for (int v = 0; v < nv && budget_left(t); v++) {
      if (!strcmp(vals[v], cur)) continue;
      cJSON *tr = try_change(t, t->o->base, idx[k], vals[v], "screen");
      if (tr && trial_ok(tr) && score_of(t, tr) < effect[k]) effect[k] = score_of(t, tr);
      if (better(t, tr, t->base_score) && nch < 256) {
        ch[nch].idx = idx[k];
        snprintf(ch[nch].val, sizeof ch[nch].val, "%.47s", vals[v]);
        ch[nch++].score = score_of(t, tr);
      }
    }
  }
  /* bisection for thread counts: between the better of 1 and all cores and the other end, halving the
   * interval toward the faster side (latency against threads is taken as unimodal) */
  for (int k = 0; k < n && budget_left(t); k++) {
    if (!ortune_options[idx[k]].tune_values || strcmp(ortune_options[idx[k]].tune_values, "bisect")) continue;
    int lo = 1, hi = ortune_cpu_count();
    char v[16];
    snprintf(v, sizeof v, "%d", lo);
    cJSON *flo = try_change(t, t->o->base, idx[k], v, "bisect");
    snprintf(v, sizeof v, "%d", hi);
    cJSON *fhi = try_change(t, t->o->base, idx[k], v, "bisect");
    while (hi - lo > 1 && flo && fhi && budget_left(t)) {
      int mid = (lo + hi) / 2;
      snprintf(v, sizeof v, "%d", mid);
      cJSON *fm = try_change(t, t->o->base, idx[k], v, "bisect");
      if (!fm) break;
      if (score_of(t, flo) < score_of(t, fhi)) { hi = mid; fhi = fm; }
      else { lo = mid; flo = fm; }
    }
    cJSON *best = flo && fhi && score_of(t, fhi) < score_of(t, flo) ? fhi : flo;
    if (better(t, best, t->base_score) && nch < 256) {
      ch[nch].idx = idx[k];
      snprintf(ch[nch].val, sizeof ch[nch].val, "%.47s", ortune_jstr(cJSON_GetObjectItemCaseSensitive(best, "config"),
                                                                      ortune_options[idx[k]].name));
      ch[nch++].score = score_of(t, best);
    }
  }
  /* stage 2: combine, most effective first (the order is learned from the screen) */
  qsort(ch, (size_t)nch, sizeof *ch, cmp_change);
  ortune_config *cur = NULL;
  if (ortune_config_clone(t->o->base, &cur)) return ORTUNE_ENOMEM;
  double cur_score = t->base_score;
  for (int k = 0; k < nch && budget_left(t); k++) {
    if (strcmp(ortune_config_value(cur, ch[k].idx), ortune_options[ch[k].idx].def) &&
        ortune_config_is_set(cur, ortune_options[ch[k].idx].name))
      continue; /* this option already changed by a better value */
    cJSON *tr = try_change(t, cur, ch[k].idx, ch[k].val, "combine");
    if (better(t, tr, cur_score)) {
      ortune_config_set(cur, ortune_options[ch[k].idx].name, ch[k].val);
      cur_score = score_of(t, tr);
    }
  }
  /* stage 3: refine - one more pass of single changes around the current best (interactions),
   * options in the order of their effect in the screen */
  for (int a = 1; a < n; a++)
    for (int b = a; b > 0 && effect[b] < effect[b - 1]; b--) {
      double e = effect[b]; effect[b] = effect[b - 1]; effect[b - 1] = e;
      int i = idx[b]; idx[b] = idx[b - 1]; idx[b - 1] = i;
    }
  for (int k = 0; k < n && budget_left(t) && nch; k++) {
    int nv = ortune_space_values(idx[k], vals, 16);
    for (int v = 0; v < nv && budget_left(t); v++) {
      if (!strcmp(vals[v], ortune_config_value(cur, idx[k]))) continue;
      cJSON *tr = try_change(t, cur, idx[k], vals[v], "refine");
      if (better(t, tr, cur_score)) {
        ortune_config_set(cur, ortune_options[idx[k]].name, vals[v]);
        cur_score = score_of(t, tr);
      }
    }
  }
  ortune_config_release(cur);
  return got_signal ? ORTUNE_EINTR : ORTUNE_OK;
}

/* Grid: every combination of the space's values. */
static int search_grid(tuner *t) {
  int idx[64], n = space_indices(t, idx), nv[64], pos[64] = {0};
  char vals[64][16][48];
  long total = 1;
  for (int k = 0; k < n; k++) {
    nv[k] = ortune_space_values(idx[k], vals[k], 16);
    total *= nv[k];
  }
  if (total > 5000 && !t->o->max_trials)
    return ortune_set_error(ORTUNE_EUSAGE, "grid over space %s has %ld candidates: use --strategy staged or --max-trials", t->o->space,
                            total);
  t->total_hint = (int)total + 1;
  ortune_config *c = NULL;
  for (long g = 0; g < total && budget_left(t); g++) {
    if (ortune_config_clone(t->o->base, &c)) return ORTUNE_ENOMEM;
    for (int k = 0; k < n; k++) ortune_config_set(c, ortune_options[idx[k]].name, vals[k][pos[k]]);
    ortune_candidate cand;
    if (!make_candidate(t, c, -1, NULL, "grid", &cand)) {
      run_trial(t, &cand, 0);
      ortune_config_release(cand.cfg);
    }
    ortune_config_release(c);
    for (int k = 0; k < n && ++pos[k] == nv[k]; k++) pos[k] = 0;
  }
  return got_signal ? ORTUNE_EINTR : ORTUNE_OK;
}

static int search_seed14(tuner *t, uint64_t gpu_total) {
  ortune_candidates cs = {0};
  int rc = ortune_space_seed14(t->o->base, t->o->scale_memory ? gpu_total : 0, &cs);
  for (int i = 0; !rc && i < cs.n; i++) rc = ortune_apply_pinned(t->o->base, cs.v[i].cfg); /* the user's settings stay */
  t->total_hint = cs.n + 2;
  for (int i = 0; !rc && i < cs.n && budget_left(t); i++) run_trial(t, &cs.v[i], 0);
  ortune_candidates_free(&cs);
  return rc ? rc : got_signal ? ORTUNE_EINTR : ORTUNE_OK;
}

/* --accuracy: the float16 model with the defaults' options and with the best float32 candidate's (transform.c). */
static int search_fp16(tuner *t) {
  char path[700];
  if (ortune_tune_fp16_prepare(t->o->model, t->work, t->o->fp16_keep, path, sizeof path, t->results)) {
    if (!t->o->quiet) fprintf(stderr, "ortune: warning: float16 model not tried: %s\n", ortune_last_error());
    return ORTUNE_OK;
  }
  for (int i = cJSON_GetArraySize(t->previous) - 1; i >= 0; i--) /* --resume: they measured a model of another work dir */
    if (!strcmp(ortune_jstr(cJSON_GetArrayItem(t->previous, i), "stage"), "fp16")) cJSON_DeleteItemFromArray(t->previous, i);
  cJSON *tr, *best = NULL;
  cJSON_ArrayForEach(tr, t->trials)
    if (eligible(t, tr) && strcmp(ortune_jstr(tr, "stage"), "baseline") && (!best || score_of(t, tr) < score_of(t, best))) best = tr;
  for (int k = 0; k < 2 && !got_signal; k++) { /* asked for: past --max-trials and --budget too */
    if (k == 1 && !best) break;
    ortune_candidate c = {.stage = "fp16"};
    int rc = ortune_config_clone(t->o->base, &c.cfg);
    const cJSON *kv;
    if (!rc && k == 1) cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(best, "config")) ortune_config_set(c.cfg, kv->string, kv->valuestring);
    if (!rc) rc = ortune_config_set(c.cfg, "model_override", path);
    snprintf(c.name, sizeof c.name, "fp16 + %.140s", k ? ortune_jstr(best, "name") : "defaults");
    if (!rc && !run_trial(t, &c, 0) && !got_signal) rc = t->last_rc;
    ortune_config_release(c.cfg);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

/* ---- final A/B and verdict ---------------------------------------------------------------- */

static int cmp_score(const void *a, const void *b) {
  double x = ((const double *)a)[0], y = ((const double *)b)[0];
  return (x > y) - (x < y);
}

static void ab_progress(void *ctx, int s, int n) {
  char what[96];
  snprintf(what, sizeof what, "baseline vs finalists, interleaved (session %d/%d)", s + 1, n);
  progress(ctx, what, "verifying");
}

/* How many options cand changes from the base (parsimony: fewer is better among equals). */
static int changed_options(const cJSON *tr) { return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tr, "config")); }

/* The finalists: up to o->finalists candidates faster than the defaults in the screen, best first; cfgs[0] = base. */
static int pick_finalists(tuner *t, ortune_config **cfgs, int *ids) {
  double rank[512][2];
  int nr = 0, nf = 0;
  cJSON *tr;
  cJSON_ArrayForEach(tr, t->trials) {
    if (nr < 512 && eligible(t, tr) && strcmp(ortune_jstr(tr, "stage"), "baseline"))
      rank[nr][0] = score_of(t, tr), rank[nr++][1] = ortune_jnum(tr, "id", 0);
  }
  qsort(rank, (size_t)nr, sizeof rank[0], cmp_score);
  if (ortune_config_clone(t->o->base, &cfgs[0])) return -1;
  ids[0] = 0;
  for (int i = 0; i < nr && nf < t->o->finalists && nf < ORTUNE_AB_MAX - 1; i++) {
    if (rank[i][0] >= t->base_score) break; /* not faster even in the screen */
    cJSON *x = cJSON_GetArrayItem(t->trials, (int)rank[i][1]);
    if (ortune_config_clone(t->o->base, &cfgs[nf + 1])) break;
    cJSON *kv;
    cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(x, "config")) ortune_config_set(cfgs[nf + 1], kv->string, kv->valuestring);
    ids[++nf] = (int)rank[i][1];
  }
  return nf;
}

/* The A/B plan: sessions x rounds within what is left of the budget, blocks of about 0.15 s. */
static void ab_plan(tuner *t, ortune_config **cfgs, int n, ortune_ab_plan *p) {
  const ortune_tune_opts *o = t->o;
  memset(p, 0, sizeof *p);
  p->model = o->model;
  p->cfgs = cfgs;
  p->n = n;
  p->spec = &o->spec;
  p->sessions = o->ab_sessions > 0 ? o->ab_sessions : 3;
  p->rounds = (o->ab_rounds + p->sessions - 1) / p->sessions;
  if (p->rounds < 2) p->rounds = 2;
  p->runs = o->ab_runs;
  p->block_s = 0.15;
  p->startup = !strcmp(o->objective, "startup");
  if (o->budget_s > 0) { /* the A/B is inside the budget: what is left, shared by the sessions */
    double left = o->budget_s - (ortune_now() - t->t_start);
    p->budget_s = left > 1 ? left : 1;
    double base = isfinite(t->base_score) ? t->base_score / 1e3 : 0; /* s: a run, or a start (startup) */
    double create = ortune_jnum(cJSON_GetArrayItem(t->trials, 0), "create_ms", 0) / 1e3;
    /* a block: at least 3 runs (on a model of seconds per run, fewer rounds fit), or one start; a session also
     * opens every config (and with startup starts each once unmeasured) */
    double block = p->startup ? base : fmax(p->block_s, 3 * base), setup = n * (p->startup ? base : create + 10 * base);
    int fit = ortune_rounds_fit(p->budget_s / p->sessions - setup, n, block, 2, p->rounds);
    p->rounds = fit ? fit : 2;
  }
  p->session_timeout_s = o->trial_timeout_s * 2;
  p->worker_exe = o->worker_exe;
  p->work = t->work;
  p->min_gain = o->min_gain;
  p->stop = &got_signal;
  p->progress = ab_progress;
  p->ctx = t;
}

/* Record the A/B in final: each candidate's speedup, interval and verdict; the winner by parsimony among the
 * candidates called faster (fewest changed options within the noise of the fastest). */
static cJSON *ab_record(tuner *t, const ortune_ab_outcome *ab, const int *ids, int nf, cJSON *final) {
  cJSON *cands = cJSON_GetObjectItemCaseSensitive(final, "candidates"), *winner = NULL;
  int nchanged[ORTUNE_AB_MAX], which[ORTUNE_AB_MAX], nfast = 0;
  cJSON_AddNumberToObject(final, "baseline_p50_ms", ab->p50[0]);
  cJSON_AddNumberToObject(final, "baseline_p99_ms", ab->p99[0]);
  cJSON_AddItemToObject(final, "measurement", ortune_ab_json(ab));
  for (int i = 1; i <= nf; i++) {
    cJSON *x = cJSON_CreateObject(), *trx = cJSON_GetArrayItem(t->trials, ids[i]);
    cJSON_AddNumberToObject(x, "id", ids[i]);
    cJSON_AddStringToObject(x, "name", ortune_jstr(trx, "name"));
    ortune_ab_candidate_json(ab, i, x);
    cJSON_AddBoolToObject(x, "significant", ab->verdict[i] == ORTUNE_AB_FASTER);
    cJSON_AddItemToArray(cands, x);
    if (ab->verdict[i] == ORTUNE_AB_FASTER) {
      nchanged[nfast] = changed_options(trx);
      which[nfast++] = i;
    }
  }
  ortune_ab_data d = {ab->blocks, ab->sessions, ab->rounds, ab->n};
  int pick = ortune_parsimony_pick(&d, which, nchanged, nfast, t->o->min_gain);
  if (pick >= 0) winner = cJSON_GetArrayItem(cands, which[pick] - 1);
  return winner;
}

static int final_ab(tuner *t, cJSON **winner_out) {
  ortune_config *cfgs[ORTUNE_AB_MAX] = {0};
  int ids[ORTUNE_AB_MAX];
  *winner_out = NULL;
  cJSON *final = cJSON_AddObjectToObject(t->results, "final");
  cJSON_AddArrayToObject(final, "candidates");
  int nf = pick_finalists(t, cfgs, ids), rc = ORTUNE_OK;
  if (nf > 0 && !got_signal) {
    ortune_ab_plan p;
    ortune_ab_outcome ab;
    ab_plan(t, cfgs, nf + 1, &p);
    rc = ortune_ab_run(&p, &ab);
    if (rc == ORTUNE_EINTR) {
    } else if (rc) {
      cJSON_AddStringToObject(final, "ab_error", ab.error);
    } else {
      *winner_out = ab_record(t, &ab, ids, nf, final);
      char note[400];
      ortune_ab_load_note(&ab, note, sizeof note);
      if (note[0] && !t->o->quiet) fprintf(stderr, "ortune: note: %s\n", note);
      if (note[0]) cJSON_AddStringToObject(final, "load_note", note);
    }
    ortune_ab_outcome_free(&ab);
  }
  for (int i = 0; i <= (nf > 0 ? nf : 0); i++) ortune_config_release(cfgs[i]);
  char msg[600];
  cJSON *w = *winner_out;
  if (w) {
    cJSON_AddNumberToObject(final, "winner", ortune_jnum(w, "id", 0));
    cJSON_AddStringToObject(final, "verdict", "faster");
    snprintf(msg, sizeof msg, "%s is %.3gx faster %sthan ORT defaults (95%% CI %.3g-%.3g over fresh sessions, interleaved A/B)",
             ortune_jstr(w, "name"), ortune_jnum(w, "speedup", 1), strcmp(t->o->objective, "startup") ? "" : "to start ",
             ortune_jnum(w, "ci_low", 1), ortune_jnum(w, "ci_high", 1));
  } else if (rc && rc != ORTUNE_EINTR) {
    cJSON_AddNumberToObject(final, "winner", 0);
    cJSON_AddStringToObject(final, "verdict", "failed");
    snprintf(msg, sizeof msg, "the final A/B failed (%s): no verdict, config not written", ortune_jstr(final, "ab_error"));
  } else {
    cJSON_AddNumberToObject(final, "winner", 0);
    cJSON_AddStringToObject(final, "verdict", "defaults");
    snprintf(msg, sizeof msg, "%s", nf > 0 ? "no candidate beat ORT's defaults beyond the noise in the interleaved A/B: keeping the defaults"
                                           : "no candidate was faster than ORT's defaults: keeping the defaults");
  }
  cJSON_AddStringToObject(final, "message", msg);
  if (rc && rc != ORTUNE_EINTR) ortune_set_error(rc, "%s", msg);
  return rc;
}

/* ---- parameter impact ------------------------------------------------------------------------ */

/* For every option value: the speedup of trials that differ from another trial only in that option. */
static void impact(tuner *t) {
  cJSON *imp = cJSON_AddArrayToObject(t->results, "impact");
  int n = cJSON_GetArraySize(t->trials);
  for (int o = 0; o < ortune_noptions; o++) {
    char vals[16][48];
    int nv = ortune_space_values(o, vals, 16);
    for (int v = 0; v < nv; v++) {
      double lr[256];
      int m = 0;
      for (int a = 0; a < n && m < 256; a++) {
        cJSON *ta = cJSON_GetArrayItem(t->trials, a);
        if (!trial_ok(ta)) continue;
        const cJSON *ca = cJSON_GetObjectItemCaseSensitive(ta, "config");
        const cJSON *va = cJSON_GetObjectItemCaseSensitive(ca, ortune_options[o].name);
        const char *sa = cJSON_IsString(va) ? va->valuestring : ortune_config_value(t->o->base, o);
        if (strcmp(sa, vals[v])) continue;
        for (int b = 0; b < n && m < 256; b++) {
          cJSON *tb = cJSON_GetArrayItem(t->trials, b);
          if (a == b || !trial_ok(tb)) continue;
          const cJSON *cb = cJSON_GetObjectItemCaseSensitive(tb, "config");
          /* same everywhere but option o */
          int same = 1;
          for (int k = 0; k < ortune_noptions && same; k++) {
            const cJSON *xa = cJSON_GetObjectItemCaseSensitive(ca, ortune_options[k].name);
            const cJSON *xb = cJSON_GetObjectItemCaseSensitive(cb, ortune_options[k].name);
            const char *pa = cJSON_IsString(xa) ? xa->valuestring : ortune_config_value(t->o->base, k);
            const char *pb = cJSON_IsString(xb) ? xb->valuestring : ortune_config_value(t->o->base, k);
            if ((k == o) == !strcmp(pa, pb)) same = 0;
          }
          if (same) lr[m++] = log(score_of(t, tb) / score_of(t, ta));
        }
      }
      if (!m) continue;
      double mean = 0, sq = 0;
      for (int i = 0; i < m; i++) mean += lr[i];
      mean /= m;
      for (int i = 0; i < m; i++) sq += (lr[i] - mean) * (lr[i] - mean);
      /* spread: from the pairs when there are several, else the run-to-run noise of the baseline */
      double se = m > 2 ? sqrt(sq / (m - 1) / m) : t->noise;
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "option", ortune_options[o].name);
      cJSON_AddStringToObject(x, "value", vals[v]);
      cJSON_AddNumberToObject(x, "speedup", exp(mean));
      cJSON_AddNumberToObject(x, "ci_low", exp(mean - 1.96 * se));
      cJSON_AddNumberToObject(x, "ci_high", exp(mean + 1.96 * se));
      cJSON_AddNumberToObject(x, "n", m);
      cJSON_AddItemToArray(imp, x);
    }
  }
}

/* ---- config and provenance ---------------------------------------------------------------------- */

static int write_config(tuner *t, const cJSON *winner) {
  ortune_config *c = NULL;
  int rc = ortune_config_clone(t->o->base, &c);
  if (rc) return rc;
  const cJSON *wt = winner ? cJSON_GetArrayItem(t->trials, (int)ortune_jnum(winner, "id", 0)) : NULL;
  const cJSON *kv;
  if (wt) cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(wt, "config")) ortune_config_set(c, kv->string, kv->valuestring);
  if ((rc = ortune_tune_transform_finish(c, t->o->model, t->o->accuracy))) { /* a float16 winner: model.ortune-fp16.onnx */
    ortune_config_release(c);
    return rc;
  }
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(t->results, "machine"), *md = cJSON_GetObjectItemCaseSensitive(t->results, "model");
  const cJSON *fin = cJSON_GetObjectItemCaseSensitive(t->results, "final");
  const cJSON *gpu = cJSON_GetObjectItemCaseSensitive(m, "gpu");
  char buf[256];
  ortune_config_set_provenance(c, "tool", "ortune " ORTUNE_VERSION);
  ortune_config_set_provenance(c, "date", ortune_jstr(t->results, "date"));
  ortune_config_set_provenance(c, "model", ortune_jstr(md, "path"));
  ortune_config_set_provenance(c, "model_sha256", ortune_jstr(md, "sha256"));
  ortune_config_set_provenance(c, "inputs", ortune_jstr(md, "input_shapes"));
  ortune_config_set_provenance(c, "ort_version", ortune_jstr(m, "ort_version"));
  ortune_config_set_provenance(c, "cpu", ortune_jstr(m, "cpu"));
  snprintf(buf, sizeof buf, "%.0f cores, %.0f MiB", ortune_jnum(m, "cores", 0), ortune_jnum(m, "memory_mb", 0));
  ortune_config_set_provenance(c, "host", buf);
  if (cJSON_IsObject(gpu)) {
    ortune_config_set_provenance(c, "gpu", ortune_jstr(gpu, "name"));
    snprintf(buf, sizeof buf, "%.0f MiB, driver %s, compute %s", ortune_jnum(gpu, "memory_mb", 0), ortune_jstr(gpu, "driver"), ortune_jstr(gpu, "cc"));
    ortune_config_set_provenance(c, "gpu_detail", buf);
    ortune_config_set_provenance(c, "gpu_class", ortune_jstr(gpu, "class")); /* for `ortune merge`: the profile's match */
  }
  snprintf(buf, sizeof buf, "space %s, strategy %s, objective %s, %d trials", t->o->space, t->o->strategy, t->o->objective,
           cJSON_GetArraySize(t->trials));
  ortune_config_set_provenance(c, "search", buf);
  ortune_config_set_provenance(c, "verdict", ortune_jstr(fin, "message"));
  cJSON *base = cJSON_GetArrayItem(t->trials, 0);
  snprintf(buf, sizeof buf, "%.4g", ortune_jnum(fin, "baseline_p50_ms", ortune_jnum(base, "p50_ms", 0)));
  ortune_config_set_provenance(c, "baseline_p50_ms", buf);
  snprintf(buf, sizeof buf, "%.4g", ortune_jnum(fin, "baseline_p99_ms", ortune_jnum(base, "p99_ms", 0)));
  ortune_config_set_provenance(c, "baseline_p99_ms", buf);
  if (winner) {
    snprintf(buf, sizeof buf, "%.4g", ortune_jnum(winner, "p50_ms", 0));
    ortune_config_set_provenance(c, "p50_ms", buf);
    snprintf(buf, sizeof buf, "%.4g", ortune_jnum(winner, "p99_ms", 0));
    ortune_config_set_provenance(c, "p99_ms", buf);
    snprintf(buf, sizeof buf, "%.3f (95%% CI %.3f-%.3f)", ortune_jnum(winner, "speedup", 1), ortune_jnum(winner, "ci_low", 1),
             ortune_jnum(winner, "ci_high", 1));
    ortune_config_set_provenance(c, "speedup", buf);
  } else {
    ortune_config_set_provenance(c, "speedup", "1 (defaults kept)");
  }
  rc = ortune_config_save(c, t->o->config_path);
  ortune_config_release(c);
  return rc;
}

cJSON *ortune_machine_json(const ortune_config *cfg) {
  cJSON *m = cJSON_CreateObject();
  char cpu[256];
  ortune_cpu_name(cpu, sizeof cpu);
  cJSON_AddStringToObject(m, "cpu", cpu);
  cJSON_AddNumberToObject(m, "cores", ortune_cpu_count());
  cJSON_AddNumberToObject(m, "memory_mb", (double)(ortune_host_memory() >> 20));
  cJSON_AddStringToObject(m, "ort_version", OrtGetApiBase()->GetVersionString());
  ortune_gpu g[8];
  int n = ortune_gpu_list(g, 8), dev = atoi(ortune_config_get(cfg, "device_id"));
  if (n > dev && !strcmp(ortune_config_get(cfg, "provider"), "cuda")) {
    cJSON *x = cJSON_AddObjectToObject(m, "gpu");
    char cc[16];
    cJSON_AddStringToObject(x, "name", g[dev].name);
    cJSON_AddNumberToObject(x, "memory_mb", (double)(g[dev].memory_total >> 20));
    cJSON_AddStringToObject(x, "driver", g[dev].driver);
    snprintf(cc, sizeof cc, "%d.%d", g[dev].cc_major, g[dev].cc_minor);
    cJSON_AddStringToObject(x, "cc", cc);
    cJSON_AddNumberToObject(x, "sm_count", g[dev].sm_count);
    cJSON_AddStringToObject(x, "class", ortune_gpu_class(&g[dev]));
  } else {
    cJSON_AddNullToObject(m, "gpu");
  }
  return m;
}

static void write_csv(tuner *t) {
  if (!t->o->results_csv) return;
  size_t n = 0;
  char *buf = ortune_results_csv(t->results, &n); /* quoted and escaped, any field length */
  if (!buf) fprintf(stderr, "ortune: csv: out of memory\n");
  else if (ortune_write_atomic(t->o->results_csv, buf, n)) fprintf(stderr, "ortune: %s\n", ortune_last_error());
  free(buf);
}

/* ---- the run --------------------------------------------------------------------------------- */

static void input_shapes(const ortune_input_spec *s, const ortune_config *cfg, char *buf, size_t len) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < s->nshapes && n < len; i++) {
    n += (size_t)snprintf(buf + n, len - n, "%s%s=", n ? " " : "", s->shapes[i].name[0] ? s->shapes[i].name : "input0");
    for (int k = 0; k < s->shapes[i].ndim && n < len; k++)
      n += (size_t)snprintf(buf + n, len - n, "%s%lld", k ? "x" : "", (long long)s->shapes[i].dims[k]);
  }
  for (int i = 0; i < cfg->nfree && n < len; i++)
    n += (size_t)snprintf(buf + n, len - n, "%s%s=%lld", n ? " " : "", cfg->freedim[i].name, (long long)cfg->freedim[i].value);
  if (!n) snprintf(buf, len, "static");
}

/* What a trial was measured with: the shape sets and free dims, and each --input source. */
static void inputs_signature(const ortune_tune_opts *o, const char *shapes, char *buf, size_t len) {
  size_t n = (size_t)snprintf(buf, len, "%s", shapes);
  for (int i = 0; i < o->spec.nfiles && n < len; i++)
    n += (size_t)snprintf(buf + n, len - n, "; --input %s=%s", o->spec.files[i].name, o->spec.files[i].path);
  if (o->spec.dir[0] && n < len) snprintf(buf + n, len - n, "; inputs from %s", o->spec.dir);
}

static int load_previous(tuner *t) {
  if (!t->o->results_json || access(t->o->results_json, R_OK) != 0)
    return ortune_set_error(ORTUNE_EUSAGE, "--resume needs the --results FILE of the interrupted run");
  cJSON *prev = NULL;
  int rc = ortune_results_load(t->o->results_json, "--resume:", "fix the file or start without --resume", &prev);
  if (rc) return rc;
  const cJSON *pm = cJSON_GetObjectItemCaseSensitive(prev, "model"), *nm = cJSON_GetObjectItemCaseSensitive(t->results, "model");
  if (strcmp(ortune_jstr(pm, "sha256"), ortune_jstr(nm, "sha256")) || strcmp(ortune_jstr(prev, "space"), t->o->space)) {
    cJSON_Delete(prev);
    return ortune_set_error(ORTUNE_EUSAGE, "--resume: %s is for another model or space: start without --resume", t->o->results_json);
  }
  t->previous = cJSON_DetachItemFromObjectCaseSensitive(prev, "trials");
  cJSON_Delete(prev);
  return ORTUNE_OK;
}

int ortune_tune_run(const ortune_tune_opts *o, cJSON **results) {
  tuner t;
  memset(&t, 0, sizeof t);
  t.o = o;
  t.t_start = ortune_now();
  t.tty = isatty(2);
  t.base_score = t.best_score = INFINITY;
  t.noise = 0.02;
  t.total_hint = 2; /* the baselines; each search sets its own estimate */
  got_signal = 0;
  *results = NULL;
  if (!ortune_space_valid(o->space))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown space '%s': use seed14, cpu, cuda, cuda-core or full", o->space);
  if (strcmp(o->strategy, "staged") && strcmp(o->strategy, "grid"))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown strategy '%s': use staged or grid", o->strategy);
  if (strcmp(o->objective, "p50") && strcmp(o->objective, "p99") && strcmp(o->objective, "throughput") && strcmp(o->objective, "startup"))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown objective '%s': use p50, p99, throughput or startup", o->objective);
  int gpu_space = strcmp(o->space, "cpu") != 0 && strcmp(o->space, "startup") != 0; /* startup: either provider */
  if (gpu_space && strcmp(ortune_config_get(o->base, "provider"), "cuda"))
    return ortune_set_error(ORTUNE_EUSAGE, "space %s tunes the CUDA EP: add --provider cuda (or use --space cpu)", o->space);
  char sha[65];
  int rc = ortune_sha256_file(o->model, sha);
  if (rc) return rc;

  const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  ortune_sweep_workdirs(tmpdir); /* of tunes that were killed (SIGKILL, OOM killer) */
  snprintf(t.work, sizeof t.work, "%s/" ORTUNE_WORKDIR_PREFIX "%ld.XXXXXX", tmpdir, (long)getpid());
  if (!mkdtemp(t.work)) return ortune_set_error(ORTUNE_EIO, "tune: cannot make a temp dir in %s: set TMPDIR", t.work);
  { /* optimized_model_cache candidates fill a private cache (the work dir), never the user's */
    char cache[300];
    snprintf(cache, sizeof cache, "%s/optcache", t.work);
    setenv("ORTUNE_CACHE_DIR", cache, 1);
  }

  struct sigaction sa = {0}, old_int, old_term, old_hup;
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  sigaction(SIGHUP, &sa, &old_hup); /* a closed terminal or ssh session: as SIGTERM */

  t.results = cJSON_CreateObject();
  cJSON_AddNumberToObject(t.results, "schema", ORTUNE_RESULTS_SCHEMA);
  cJSON_AddStringToObject(t.results, "ortune_version", ORTUNE_VERSION);
  char date[64];
  time_t now = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  cJSON_AddStringToObject(t.results, "date", date);
  cJSON *md = cJSON_AddObjectToObject(t.results, "model");
  cJSON_AddStringToObject(md, "path", o->model);
  cJSON_AddStringToObject(md, "sha256", sha);
  char shapes[2048];
  input_shapes(&o->spec, o->base, shapes, sizeof shapes);
  cJSON_AddStringToObject(md, "input_shapes", shapes);
  for (int k = 0; k < o->nextra; k++) {
    char more[600];
    input_shapes(&o->extra[k], o->base, more, sizeof more);
    size_t n = strlen(shapes);
    snprintf(shapes + n, sizeof shapes - n, "; %s", more);
  }
  if (o->nextra) cJSON_AddStringToObject(md, "shape_sets", shapes);
  inputs_signature(o, shapes, t.inputs, sizeof t.inputs);
  if (o->first_run_weight > 0) cJSON_AddNumberToObject(t.results, "first_run_weight", o->first_run_weight);
  cJSON_AddItemToObject(t.results, "machine", ortune_machine_json(o->base));
  cJSON_AddStringToObject(t.results, "space", o->space);
  cJSON_AddStringToObject(t.results, "strategy", !strcmp(o->space, "seed14") ? "seed14" : o->strategy);
  cJSON_AddStringToObject(t.results, "objective", o->objective);
  cJSON_AddStringToObject(t.results, "provider", ortune_config_get(o->base, "provider"));
  cJSON_AddStringToObject(t.results, "io", ortune_config_get(o->base, "io"));
  cJSON_AddItemToObject(t.results, "base", ortune_config_to_json(o->base)); /* the user's settings: in every candidate */
  cJSON_AddNumberToObject(t.results, "baseline", 0);
  t.trials = cJSON_AddArrayToObject(t.results, "trials");
  if (o->resume && (rc = load_previous(&t))) goto fail_setup;

  /* the baseline: ORT's defaults, measured twice to learn the run-to-run noise */
  ortune_candidate base = {.name = "defaults", .stage = "baseline", .cfg = (ortune_config *)o->base};
  cJSON *b1 = run_trial(&t, &base, 1);
  if (!b1 || !trial_ok(b1)) {
    if (got_signal) rc = ORTUNE_EINTR;
    else if (!b1) rc = ortune_set_error(t.last_rc ? t.last_rc : ORTUNE_EFAIL, "tune: %s", ortune_last_error());
    else {
      int code = (int)ortune_jnum(b1, "error_code", 0);
      if (!code) code = !strcmp(ortune_jstr(b1, "status"), "timeout") ? ORTUNE_ETIMEOUT : !strcmp(ortune_jstr(b1, "status"), "crash") ? ORTUNE_ECRASH
                        : !strcmp(ortune_jstr(b1, "status"), "oom") ? ORTUNE_ENOMEM : ORTUNE_EMODEL;
      rc = ortune_set_error(code, "the model does not run with ORT's defaults (%s): %s", ortune_jstr(b1, "status"), ortune_jstr(b1, "reason"));
    }
    goto fail_search;
  }
  t.base_score = score_of(&t, b1);
  cJSON_AddNumberToObject(b1, "speedup", 1.0);
  snprintf(base.name, sizeof base.name, "defaults (repeat)");
  cJSON *b2 = run_trial(&t, &base, 1);
  if (b2 && trial_ok(b2)) {
    double d = fabs(score_of(&t, b2) - t.base_score) / t.base_score;
    t.noise = d * 1.5 > 0.02 ? d * 1.5 : 0.02;
    if (t.noise > 0.25) t.noise = 0.25;
    cJSON_AddNumberToObject(b2, "speedup", t.base_score / score_of(&t, b2));
  }
  cJSON_AddNumberToObject(t.results, "noise", t.noise);
  if ((rc = prepare_check(&t))) goto fail_search;

  ortune_gpu g[8];
  int ng = ortune_gpu_list(g, 8), dev = atoi(ortune_config_get(o->base, "device_id"));
  if (!strcmp(o->space, "seed14")) rc = search_seed14(&t, dev < ng ? g[dev].memory_total : 0);
  else if (!strcmp(o->strategy, "grid")) rc = search_grid(&t);
  else rc = search_staged(&t);
  if (rc && rc != ORTUNE_EINTR) goto fail_search;
  if (o->accuracy && !got_signal && (rc = search_fp16(&t))) goto fail_search;

  cJSON *winner = NULL;
  if (!got_signal) rc = final_ab(&t, &winner);
  impact(&t);
  cJSON_AddNumberToObject(t.results, "wall_s", ortune_now() - t.t_start);
  if (t.stale_previous && !o->quiet)
    fprintf(stderr, "ortune: note: --resume: %d trials of %s were measured with other inputs (%s now): measured again\n",
            t.stale_previous, o->results_json, t.inputs);
  if (t.tty && !o->quiet) fprintf(stderr, "\r\033[K");
  if (got_signal) rc = ORTUNE_EINTR;
  save_results(&t);
  write_csv(&t);
  if (o->report_html && ortune_report_html(t.results, o->report_html))
    fprintf(stderr, "ortune: %s\n", ortune_last_error());
  if (!rc && !o->no_write && o->config_path) rc = write_config(&t, winner);
  goto done;

fail_search:
  save_results(&t);
fail_setup:
done:
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  sigaction(SIGHUP, &old_hup, NULL);
  rm_rf(t.work);
  cJSON_Delete(t.previous);
  free(t.verify);
  if (rc == ORTUNE_EINTR) ortune_set_error(ORTUNE_EINTR, "interrupted by signal %d: %d trials kept%s%s; config not written", got_signal,
                                           cJSON_GetArraySize(t.trials), o->results_json ? " in " : "", o->results_json ? o->results_json : "");
  *results = t.results;
  return rc;
}
