/* tune.c - the tuner's orchestration: one tune from the user's base config to a verified winner.
 *
 * How it works: ortune_tune_run checks the options, makes a work dir and catches SIGINT/SIGTERM/SIGHUP (a signal
 * stops the search between trials and keeps what was measured). It measures ORT's defaults twice as the baseline
 * (the run-to-run noise decides what "better" means), computes the exact reference the outputs are checked against
 * (verify.c), and hands over to a search strategy from the table in search.c (staged, grid, seed14), then to the
 * float16 pass of --accuracy. Every candidate runs in a child process (launch.c, the parent side; trial.c, the
 * child) and becomes a typed record (record.c) in the results; the results file is rewritten after every trial.
 * The finalists then race the defaults in an interleaved A/B in fresh sessions (final.c), the trials' pairs give
 * each option's impact (impact.c), and the winner is written with its provenance (winner.c). The state they share,
 * and how a trial is scored, is tuner.c's. */
#define _GNU_SOURCE
#include "tuner.h"
#include "final.h"
#include "impact.h"
#include "launch.h"
#include "report.h"
#include "results.h"
#include "search.h"
#include "winner.h"
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

static void on_signal(int sig) { *ortune_tuner_stop_flag() = sig; }
int ortune_tune_signal(void) { return *ortune_tuner_stop_flag(); }

/* ---- setting up ------------------------------------------------------------------------------------ */

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

/* The options a tune cannot start with: one line naming the way out. */
static int check_opts(const ortune_tune_opts *o) {
  if (!ortune_space_valid(o->space))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown space '%s': use seed14, cpu, cuda, cuda-core or full", o->space);
  const ortune_strategy *st = ortune_strategy_find(o->strategy);
  if (!st || !st->user) return ortune_set_error(ORTUNE_EUSAGE, "unknown strategy '%s': use staged or grid", o->strategy);
  if (strcmp(o->objective, "p50") && strcmp(o->objective, "p99") && strcmp(o->objective, "throughput") && strcmp(o->objective, "startup"))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown objective '%s': use p50, p99, throughput or startup", o->objective);
  int gpu_space = strcmp(o->space, "cpu") != 0 && strcmp(o->space, "startup") != 0; /* startup: either provider */
  if (gpu_space && strcmp(ortune_config_get(o->base, "provider"), "cuda"))
    return ortune_set_error(ORTUNE_EUSAGE, "space %s tunes the CUDA EP: add --provider cuda (or use --space cpu)", o->space);
  return ORTUNE_OK;
}

/* The header of the results: what is tuned, on what, how. */
static int results_header(ortune_tuner *t, const char *sha) {
  const ortune_tune_opts *o = t->o;
  ortune_results *r = &t->res;
  time_t now = time(NULL);
  snprintf(r->ortune_version, sizeof r->ortune_version, "%s", ORTUNE_VERSION);
  strftime(r->date, sizeof r->date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  snprintf(r->model_sha256, sizeof r->model_sha256, "%s", sha);
  char shapes[2048];
  input_shapes(&o->spec, o->base, shapes, sizeof shapes);
  if (ortune_trial_set_text(&r->model_path, o->model) || ortune_trial_set_text(&r->input_shapes, shapes)) return ORTUNE_ENOMEM;
  for (int k = 0; k < o->nextra; k++) {
    char more[600];
    input_shapes(&o->extra[k], o->base, more, sizeof more);
    size_t n = strlen(shapes);
    snprintf(shapes + n, sizeof shapes - n, "; %s", more);
  }
  if (o->nextra && ortune_trial_set_text(&r->shape_sets, shapes)) return ORTUNE_ENOMEM;
  inputs_signature(o, shapes, t->inputs, sizeof t->inputs);
  if (o->first_run_weight > 0) r->first_run_weight = o->first_run_weight;
  r->has_machine = 1;
  ortune_machine_detect(o->base, &r->machine);
  snprintf(r->space, sizeof r->space, "%s", o->space);
  snprintf(r->strategy, sizeof r->strategy, "%s", !strcmp(o->space, "seed14") ? "seed14" : o->strategy);
  snprintf(r->objective, sizeof r->objective, "%s", o->objective);
  snprintf(r->provider, sizeof r->provider, "%s", ortune_config_get(o->base, "provider"));
  snprintf(r->io, sizeof r->io, "%s", ortune_config_get(o->base, "io"));
  if (!(r->sections = cJSON_CreateObject())) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  return ortune_config_clone(o->base, &r->base); /* the user's settings: in every candidate */
}

/* --resume: the trials of the interrupted run (the results file of the same model and space). */
static int load_previous(ortune_tuner *t) {
  if (!t->o->results_json || access(t->o->results_json, R_OK) != 0)
    return ortune_set_error(ORTUNE_EUSAGE, "--resume needs the --results FILE of the interrupted run");
  ortune_results prev;
  int rc = ortune_results_read(t->o->results_json, "--resume:", "fix the file or start without --resume", &prev);
  if (rc) return rc;
  if (strcmp(prev.model_sha256, t->res.model_sha256) || strcmp(prev.space, t->o->space)) {
    ortune_results_clear(&prev);
    return ortune_set_error(ORTUNE_EUSAGE, "--resume: %s is for another model or space: start without --resume", t->o->results_json);
  }
  t->previous = prev.trials; /* taken over */
  ortune_trials_init(&prev.trials);
  ortune_results_clear(&prev);
  return ORTUNE_OK;
}

/* ---- the baseline -------------------------------------------------------------------------------------- */

/* Why the model does not run with ORT's defaults (b: the baseline's record, NULL when it could not be run). */
static int baseline_failed(const ortune_tuner *t, const ortune_trial *b) {
  if (ortune_tune_signal()) return ORTUNE_EINTR;
  if (!b) return ortune_set_error(t->last_rc ? t->last_rc : ORTUNE_EFAIL, "tune: %s", ortune_last_error());
  int code = b->error_code;
  if (!code) code = b->status == ORTUNE_TRIAL_TIMEOUT ? ORTUNE_ETIMEOUT : b->status == ORTUNE_TRIAL_CRASH ? ORTUNE_ECRASH
                    : b->status == ORTUNE_TRIAL_OOM ? ORTUNE_ENOMEM : ORTUNE_EMODEL;
  return ortune_set_error(code, "the model does not run with ORT's defaults (%s): %s", ortune_trial_status_name(b->status),
                          b->reason ? b->reason : "");
}

/* ORT's defaults, measured twice: the baseline score and the run-to-run noise. */
static int measure_baseline(ortune_tuner *t) {
  ortune_candidate base = {.name = "defaults", .stage = "baseline", .cfg = (ortune_config *)t->o->base};
  ortune_trial *b1 = ortune_launch_trial(t, &base, 1);
  if (!b1 || b1->status != ORTUNE_TRIAL_OK) return baseline_failed(t, b1);
  t->base_score = ortune_tuner_score(t, b1);
  t->base_p50 = b1->p50_ms;
  b1->speedup = 1.0;
  snprintf(base.name, sizeof base.name, "defaults (repeat)");
  ortune_trial *b2 = ortune_launch_trial(t, &base, 1);
  if (b2 && b2->status == ORTUNE_TRIAL_OK) {
    t->noise = ortune_noise_of(t->base_score, ortune_tuner_score(t, b2));
    b2->speedup = t->base_score / ortune_tuner_score(t, b2);
    if (b2->p50_ms > t->base_p50) t->base_p50 = b2->p50_ms; /* the lenient end of the defaults' own spread */
  }
  t->res.noise = t->noise;
  return ORTUNE_OK;
}

/* The exact reference and the defaults' error against it, before any candidate is checked. */
static int prepare_check(ortune_tuner *t) {
  const ortune_tune_opts *o = t->o;
  if (!(t->verify = calloc(1, sizeof *t->verify))) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  ortune_tuner_progress(t, "exact reference (cpu float32)", "computing");
  double limit = 2 * o->trial_timeout_s > 300 ? 2 * o->trial_timeout_s : 300; /* one thread on the CPU: slower than a trial */
  return ortune_verify_prepare(t->verify, o->model, o->base, &o->spec, o->extra, o->nextra, o->rtol, o->atol, limit, t->work,
                               ortune_launch_spawn, t, ortune_tuner_section(t, "reference", 0), o->quiet ? NULL : stderr);
}

/* ---- the run --------------------------------------------------------------------------------------- */

static void write_csv(const ortune_tuner *t, const cJSON *results) {
  if (!t->o->results_csv) return;
  size_t n = 0;
  char *buf = ortune_results_csv(results, &n); /* quoted and escaped, any field length */
  if (!buf) fprintf(stderr, "ortune: csv: out of memory\n");
  else if (ortune_write_atomic(t->o->results_csv, buf, n)) fprintf(stderr, "ortune: %s\n", ortune_last_error());
  free(buf);
}

/* The search itself: the strategy, then --accuracy's float16 pass. */
static int search(ortune_tuner *t) {
  const ortune_strategy *st = ortune_strategy_find(!strcmp(t->o->space, "seed14") ? "seed14" : t->o->strategy);
  int rc = st->run(t);
  if (rc && rc != ORTUNE_EINTR) return rc;
  if (t->o->accuracy && !ortune_tune_signal() && (rc = ortune_search_fp16(t))) return rc;
  return ortune_tune_signal() ? ORTUNE_EINTR : ORTUNE_OK;
}

/* After the search: the A/B, impact, the results file, CSV and report, and the config. */
static int conclude(ortune_tuner *t, cJSON **results) {
  const ortune_tune_opts *o = t->o;
  ortune_final f = {0};
  int rc = ortune_tune_signal() ? ORTUNE_EINTR : ortune_final_run(t, &f);
  ortune_impact(t);
  t->res.wall_s = ortune_now() - t->t_start;
  if (t->stale_previous && !o->quiet)
    fprintf(stderr, "ortune: note: --resume: %d trials of %s were measured with other inputs (%s now): measured again\n",
            t->stale_previous, o->results_json, t->inputs);
  if (t->tty && !o->quiet) fprintf(stderr, "\r\033[K");
  if (ortune_tune_signal()) rc = ORTUNE_EINTR;
  ortune_tuner_save(t);
  *results = ortune_results_to_json(&t->res);
  if (*results) write_csv(t, *results);
  if (*results && o->report_html && ortune_report_html(*results, o->report_html)) fprintf(stderr, "ortune: %s\n", ortune_last_error());
  if (!rc && !o->no_write && o->config_path) rc = ortune_winner_write(t, &f);
  return rc;
}

static void tuner_init(ortune_tuner *t, const ortune_tune_opts *o) {
  memset(t, 0, sizeof *t);
  t->o = o;
  t->t_start = ortune_now();
  t->tty = isatty(2);
  t->base_score = t->best_score = INFINITY;
  t->base_p50 = NAN;
  t->noise = 0.02;
  t->total_hint = 2; /* the baselines; each search sets its own estimate */
  ortune_results_init(&t->res);
  ortune_trials_init(&t->previous);
}

int ortune_tune_run(const ortune_tune_opts *o, cJSON **results) {
  ortune_tuner t;
  tuner_init(&t, o);
  *ortune_tuner_stop_flag() = 0;
  *results = NULL;
  int rc = check_opts(o);
  char sha[65];
  if (rc || (rc = ortune_sha256_file(o->model, sha))) return rc;
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
  if ((rc = results_header(&t, sha)) || (o->resume && (rc = load_previous(&t)))) goto fail_setup;
  if ((rc = measure_baseline(&t)) || (rc = prepare_check(&t))) goto fail_search;
  if ((rc = search(&t)) && rc != ORTUNE_EINTR) goto fail_search;
  rc = conclude(&t, results);
  goto done;

fail_search:
  ortune_tuner_save(&t);
fail_setup:
  *results = ortune_results_to_json(&t.res);
done:
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  sigaction(SIGHUP, &old_hup, NULL);
  ortune_launch_rm_rf(t.work);
  free(t.verify);
  if (rc == ORTUNE_EINTR) ortune_set_error(ORTUNE_EINTR, "interrupted by signal %d: %d trials kept%s%s; config not written", ortune_tune_signal(),
                                           t.res.trials.n, o->results_json ? " in " : "", o->results_json ? o->results_json : "");
  ortune_trials_clear(&t.previous);
  ortune_results_clear(&t.res);
  return rc;
}
