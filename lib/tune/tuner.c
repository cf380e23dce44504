/* tuner.c - the state of one tune that its modules share: how a trial is scored, which trials count, the budget,
 * progress and saving the results.
 *
 * How it works: ortune_tuner (tuner.h) is owned by tune.c and handed to the search (search.c), the trial launcher
 * (launch.c), the final A/B (final.c) and impact (impact.c); they all judge trials by the functions here, so "better"
 * means one thing everywhere. The score is the --objective's latency of the typed record (plus --first-run-weight x
 * the first run); a trial counts (eligible) when it ran, was not dropped by the racing cutoff and meets
 * --max-gpu-mem / --max-startup / --max-slowdown. The stop flag is set by tune.c's signal handler and polled between trials, by the
 * workers and by the A/B. Saving writes the whole results (record.c) atomically after every trial. */
#include "tuner.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t got_signal;

volatile sig_atomic_t *ortune_tuner_stop_flag(void) { return &got_signal; }

/* ---- the state every module shares (tuner.h) ---------------------------------------------------------- */

double ortune_start_ms(double create_ms, double first_run_ms, double first_run_mean_ms, int nshapes) {
  double v = create_ms + (nshapes > 0 ? first_run_mean_ms * nshapes : first_run_ms);
  return isfinite(v) ? v : INFINITY;
}

double ortune_tuner_score(const ortune_tuner *t, const ortune_trial *tr) {
  if (!strcmp(t->o->objective, "startup"))
    return ortune_start_ms(tr->create_ms, tr->first_run_ms, tr->first_run_mean_ms,
                           cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tr->more, "shapes")));
  double x = !strcmp(t->o->objective, "p99") ? tr->p99_ms : !strcmp(t->o->objective, "throughput") ? tr->mean_ms : tr->p50_ms;
  if (isnan(x)) return INFINITY;
  if (t->o->first_run_weight <= 0) return x;
  double first = !isnan(tr->first_run_mean_ms) ? tr->first_run_mean_ms : !isnan(tr->first_run_ms) ? tr->first_run_ms : 0;
  return x + t->o->first_run_weight * first;
}

/* A number of the trial, 0 when absent (as the limits read it). */
static double or0(double x) { return isnan(x) ? 0 : x; }

int ortune_tuner_eligible(const ortune_tuner *t, const ortune_trial *tr) {
  if (tr->status != ORTUNE_TRIAL_OK || tr->dropped) return 0;
  if (t->o->max_gpu_mem_mb > 0 && or0(tr->peak_gpu_mb) > t->o->max_gpu_mem_mb) return 0;
  if (t->o->max_startup_ms > 0 && or0(tr->create_ms) + or0(tr->first_run_ms) > t->o->max_startup_ms) return 0;
  /* a faster start must not cost the runs: on an H200, cudnn_conv_algo_search=DEFAULT started resnet50_640 4.3x
   * faster and ran it 3.7x slower (bench/RESULTS.md, session 4) */
  if (t->o->max_slowdown > 0 && t->base_p50 > 0 && !(tr->p50_ms <= t->base_p50 * t->o->max_slowdown)) return 0;
  return 1;
}

int ortune_tuner_better_by(const ortune_tuner *t, const ortune_trial *tr, double than, double noise) {
  return tr && ortune_tuner_eligible(t, tr) && ortune_tuner_score(t, tr) < than * (1.0 - noise);
}

int ortune_tuner_better(const ortune_tuner *t, const ortune_trial *tr, double than) { return ortune_tuner_better_by(t, tr, than, t->noise); }

double ortune_noise_of(double first, double again) {
  double d = 1.5 * fabs(again - first) / first;
  return d > 0.02 ? (d < 0.25 ? d : 0.25) : 0.02;
}

void ortune_tuner_ab_cost(const ortune_tuner *t, int n, double *block_s, double *setup_s) {
  int startup = !strcmp(t->o->objective, "startup");
  double base = isfinite(t->base_score) ? t->base_score / 1e3 : 0; /* s: a run, or a start (startup) */
  const ortune_trial *b = t->res.trials.n ? t->res.trials.v[0] : NULL;
  /* a session opens each config and runs it once before its warm-up: the first run is where cuDNN's EXHAUSTIVE
   * search goes (about 1 s of a resnet50_640 session on an H200 against 0.2 s to create it; session 5) */
  double create = b && !isnan(b->create_ms) ? b->create_ms / 1e3 : 0, first = b && !isnan(b->first_run_ms) ? b->first_run_ms / 1e3 : 0;
  *block_s = startup ? base : fmax(0.15, 3 * base);
  *setup_s = n * (startup ? base : create + first + 10 * base) + 0.3; /* + the process's own start */
}

double ortune_tuner_search_left_s(const ortune_tuner *t) {
  if (got_signal) return 0;
  if (t->o->max_trials > 0 && t->ntrials >= t->o->max_trials) return 0;
  if (!(t->o->budget_s > 0)) return INFINITY;
  /* the final A/B is inside the budget: keep what its smallest form (three sessions of two rounds, the defaults
   * and every finalist) costs, and at least three tenths of the budget (the A/B decides; the search only proposes) */
  int n = (t->o->finalists > 0 ? t->o->finalists : 1) + 1, sessions = t->o->ab_sessions > 0 ? t->o->ab_sessions : 3;
  double block, setup;
  ortune_tuner_ab_cost(t, n, &block, &setup);
  /* plus one trial: one that starts now ends up to its share of the budget (launch.c) and a start later */
  double trial = 0.05 * t->o->budget_s + setup / n;
  double reserve = fmax(0.3 * t->o->budget_s, (sessions < 3 ? sessions : 3) * (setup + 2 * n * block) + trial);
  double left = t->o->budget_s - reserve - (ortune_now() - t->t_start);
  return left > 0 ? left : 0;
}

int ortune_tuner_budget_left(const ortune_tuner *t) {
  return ortune_tuner_search_left_s(t) > 0;
}

int ortune_tuner_save(ortune_tuner *t) {
  if (!t->o->results_json) return ORTUNE_OK;
  cJSON *j = ortune_results_to_json(&t->res);
  char *txt = j ? cJSON_Print(j) : NULL;
  cJSON_Delete(j);
  if (!txt) return ortune_set_error(ORTUNE_ENOMEM, "results: out of memory");
  int rc = ortune_write_atomic(t->o->results_json, txt, strlen(txt));
  free(txt);
  return rc;
}

cJSON *ortune_tuner_section(ortune_tuner *t, const char *key, int array) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(t->res.sections, key);
  if (s) return s;
  return array ? cJSON_AddArrayToObject(t->res.sections, key) : cJSON_AddObjectToObject(t->res.sections, key);
}

void ortune_tuner_progress(ortune_tuner *t, const char *name, const char *what) {
  if (t->o->quiet) return;
  double el = ortune_now() - t->t_start;
  int done = t->res.trials.n;
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
