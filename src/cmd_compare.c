/* cmd_compare.c - `ortune compare MODEL --config A.yaml [--against B.yaml|defaults|before]`: the before/after check, measured
 * exactly as tune's final A/B is (ab.c: several fresh sessions, interleaved rounds, one verdict rule), its outputs
 * checked as tune checks a candidate's (verify.c: the exact CPU float32 reference, run once on the A/B's inputs). */
#define _GNU_SOURCE
#include "ab.h"
#include "cli.h"
#include "tune.h"
#include "verify.h"
#include "worker.h"
#include <cjson/cJSON.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  cli_common common;
  const char *against;
  const char *also[6];
  int nalso;
  int rounds, runs, sessions, startup;
  double min_gain, budget;
} compare_opts;

static int add_also(void *v, const char *f) {
  compare_opts *o = v;
  if (o->nalso == 6) return ortune_set_error(ORTUNE_EUSAGE, "--also: at most 6 extra configs");
  o->also[o->nalso++] = f;
  return 0;
}

static const cli_opt compare_table[] = {
  OPT_CALL("also", "FILE", add_also, "another config measured in the same interleaved rounds (repeatable)"),
  OPT_STR("against", compare_opts, against, "FILE|defaults|before",
          "the other side (default: ORT defaults; before: the config less what tune changed, your own settings kept)"),
  OPT_DBL("budget", compare_opts, budget, "SECONDS", "time limit for the whole comparison; sessions that would not fit are skipped, but three always run (default 600)"),
  OPT_STR("config", compare_opts, common.config, "FILE", "the tuned config.yaml"),
  CLI_COMMON_INPUT_OPTS(compare_opts),
  OPT_FLAG("json", compare_opts, common.json, "machine-readable output"),
  OPT_DBL("min-gain", compare_opts, min_gain, "FRACTION", "smallest speedup called faster (default 0.01)"),
  OPT_INT("rounds", compare_opts, rounds, "N", "interleaved rounds in all, spread over the sessions (default 18)"),
  OPT_INT("runs", compare_opts, runs, "N", "runs per side per round (default: about 0.15 s worth)"),
  OPT_INT("sessions", compare_opts, sessions, "N", "fresh sessions (separate processes) the rounds are spread over (default 3)"),
  OPT_FLAG("startup", compare_opts, startup, "compare start-up (session creation + first run, each round a new session) instead of latency"),
  {0},
};

/* "before": a without what the tune that wrote it changed (its provenance's tuned list): the user's own settings. */
static int before_config(const compare_opts *o, const ortune_config *a, ortune_config **out) {
  const char *tuned = ortune_config_provenance(a, "tuned");
  if (!tuned)
    return ortune_set_error(ORTUNE_EUSAGE, "compare --against before: %s does not say what a tune changed (no provenance "
                            "'tuned': not written by this ortune's tune): give --against OLD.yaml or --against defaults",
                            o->common.config);
  int rc = ortune_config_clone(a, out);
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", tuned);
  for (char *save = NULL, *tok = strtok_r(buf, " ", &save); !rc && tok; tok = strtok_r(NULL, " ", &save)) {
    int i = ortune_option_index(tok);
    if (i < 0 || !strcmp(tok, "provider")) continue;
    free((*out)->value[i]);
    (*out)->value[i] = NULL;
  }
  return rc;
}

/* The against side: a file, "before" (the config less what tune changed), or ORT's defaults with the harness keys
 * of a. */
static int against_config(const compare_opts *o, const ortune_config *a, ortune_config **out) {
  if (o->against && !strcmp(o->against, "before")) return before_config(o, a, out);
  if (o->against && strcmp(o->against, "defaults")) {
    cli_common c = o->common;
    c.config = o->against;
    return cli_config(&c, out);
  }
  int rc = ortune_config_new(out);
  static const char *const keep[] = {"provider", "io", "device_id"};
  for (size_t i = 0; !rc && i < 3; i++) rc = ortune_config_set(*out, keep[i], ortune_config_get(a, keep[i]));
  if (!rc) {
    (*out)->nfree = a->nfree;
    memcpy((*out)->freedim, a->freedim, sizeof a->freedim);
  }
  return rc;
}

static volatile sig_atomic_t compare_signal;
static void on_signal(int sig) { compare_signal = sig; }

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}

/* Config k's outputs (the first session's) against config 0's: 1 and what when they differ. acc: a tuned transformed
 * (float16) config's accuracy rule, which replaces the float32 tolerance. */
static int outputs_differ(const char *dir, int k, const ortune_accuracy *acc, char *what, size_t len) {
  for (int i = 0;; i++) {
    char pa[900], pb[900];
    snprintf(pa, sizeof pa, "%s/c0/output_%d.pb", dir, i);
    snprintf(pb, sizeof pb, "%s/c%d/output_%d.pb", dir, k, i);
    int ha = access(pa, R_OK) == 0, hb = access(pb, R_OK) == 0;
    if (!ha && !hb) return 0;
    if (ha != hb) return snprintf(what, len, "output %d is missing on one side", i), 1;
    ortune_tensor a, b;
    ortune_diff d;
    double rtol, atol;
    if (ortune_tensor_read_pb(pa, &a)) return snprintf(what, len, "%s", ortune_last_error()), 1;
    if (ortune_tensor_read_pb(pb, &b)) return ortune_tensor_release(&a), snprintf(what, len, "%s", ortune_last_error()), 1;
    ortune_config_tol(&a, -1, -1, &rtol, &atol);
    int bad = acc ? ortune_accuracy_tensor(acc, &b, &a, what, len) : ortune_tensor_compare(&b, &a, rtol, atol, &d) != ORTUNE_OK;
    if (bad && !acc) snprintf(what, len, "%s", d.what);
    ortune_tensor_release(&a);
    ortune_tensor_release(&b);
    if (bad) return 1;
  }
}

static void print_row(const char *name, const ortune_ab_outcome *ab, int k, const char *verdict, int mismatch, const char *what) {
  char safe[1024], safe_what[2400]; /* what: up to 600 bytes, each escaped to at most 4 */
  ortune_term_escape(name, safe, sizeof safe);
  if (!k) {
    printf("%-40s p50 %8.3f ms  p99 %8.3f ms\n", safe, ab->p50[0], ab->p99[0]);
    return;
  }
  const ortune_ratio *r = &ab->ratio[k];
  printf("%-40s p50 %8.3f ms  p99 %8.3f ms  speedup %.3fx (95%% CI %.3f-%.3f): %s; outputs %s%s\n", safe, ab->p50[k], ab->p99[k],
         r->speedup, r->ci_low, r->ci_high, verdict, mismatch ? "DIFFER: " : "match", ortune_term_escape(what, safe_what, sizeof safe_what));
}

static void print_modes(const char *const *names, const ortune_ab_outcome *ab) {
  char note[600];
  for (int k = 0; k < ab->n; k++) {
    char safe[1024];
    ortune_ab_session_note(ab, k, ortune_term_escape(names[k], safe, sizeof safe), note, sizeof note);
    if (note[0]) printf("  note: %s\n", note);
  }
  for (int k = 0; k < ab->n; k++)
    if (ab->modes[k].count == 2)
      printf("  note: %s has two latency modes: %.4g ms (%.0f%% of runs) and %.4g ms (%.0f%%); the verdict pairs rounds, so one mode "
             "does not decide it alone\n", names[k], ab->modes[k].median[0], 100 * ab->modes[k].share[0], ab->modes[k].median[1],
             100 * ab->modes[k].share[1]);
}

/* Print (or build JSON of) every config's result; returns EMISMATCH when outputs differ. */
/* Config k's outputs judged as tune judges a candidate's (verify.c): against the exact float32 reference, allowed
 * what the other side's own error allows (its reason names that side: v->side). 1 when they differ. */
static int outputs_judged(const ortune_verify *v, const char *dir, int k, cJSON *x, char *what, size_t len) {
  char ck[800];
  snprintf(ck, sizeof ck, "%s/c%d", dir, k);
  if (!ortune_verify_check(v, ck, x)) return 0;
  const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "reason"));
  snprintf(what, len, "%s", why ? why : "outputs differ");
  return 1;
}

static int report(const compare_opts *o, const char *const *names, ortune_config *const *cfg, const ortune_ab_outcome *ab,
                  const ortune_verify *v, cJSON *reference) {
  int any_mismatch = 0;
  cJSON *root = o->common.json ? cJSON_CreateObject() : NULL, *list = NULL; /* JSON built by cJSON: any path is escaped */
  if (root) {
    cJSON_AddStringToObject(root, "against", names[0]);
    cJSON_AddItemToObject(root, "against_config", ortune_config_to_json(cfg[0])); /* what "before"/"defaults" meant */
    cJSON_AddNumberToObject(root, "against_p50_ms", ab->p50[0]);
    cJSON_AddNumberToObject(root, "against_p99_ms", ab->p99[0]);
    cJSON_AddItemToObject(root, "measurement", ortune_ab_json(ab));
    if (reference) cJSON_AddItemToObject(root, "reference", cJSON_Duplicate(reference, 1));
    list = cJSON_AddArrayToObject(root, "configs");
  } else {
    print_row(names[0], ab, 0, NULL, 0, NULL);
  }
  for (int k = 1; k < ab->n; k++) {
    const char *verdict = ortune_ab_verdict_word(ab->verdict[k]);
    char what[600] = "";
    ortune_accuracy acc; /* a tuned float16 config: held to the accuracy rule tune recorded */
    int gated = ortune_accuracy_of_config(cfg[k], &acc);
    cJSON *checked = !gated && v ? cJSON_CreateObject() : NULL; /* the exact check's per-output errors */
    int mismatch = checked ? outputs_judged(v, ab->out_dir, k, checked, what, sizeof what)
                           : outputs_differ(ab->out_dir, k, gated ? &acc : NULL, what, sizeof what);
    if (mismatch && !any_mismatch++) ortune_set_error(ORTUNE_EMISMATCH, "outputs of %s differ from %s: %s", names[k], names[0], what);
    if (!root) {
      print_row(names[k], ab, k, verdict, mismatch, what);
      cJSON_Delete(checked);
      continue;
    }
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "config", names[k]);
    cJSON *outs = cJSON_DetachItemFromObjectCaseSensitive(checked, "outputs");
    if (outs) cJSON_AddItemToObject(x, "outputs", outs); /* per output: both sides' errors against the reference */
    cJSON_Delete(checked);
    ortune_ab_candidate_json(ab, k, x);
    cJSON_AddBoolToObject(x, "outputs_match", !mismatch);
    cJSON_AddItemToArray(list, x);
  }
  if (root) {
    char *txt = cJSON_PrintUnformatted(root);
    if (txt) puts(txt);
    free(txt);
    cJSON_Delete(root);
  } else {
    print_modes(names, ab);
  }
  return any_mismatch ? ORTUNE_EMISMATCH : ORTUNE_OK;
}

static void compare_progress(void *ctx, int s, int n) {
  if (!*(int *)ctx) fprintf(stderr, "  session %d/%d\n", s + 1, n);
}

static int compare_spawn(void *ctx, const char *spec, const char *res, const char *log, double timeout) {
  (void)ctx;
  return ortune_worker_spawn("/proc/self/exe", spec, res, log, timeout, &compare_signal);
}

/* The output check's reference: tune's exact one (ORT's CPU EP, float32, one thread, on the A/B's own inputs) and the
 * other side's error against it (its outputs: the A/B's first session, dir/c0). A model with random operators is
 * checked for shape, dtype and NaN/Inf only; if the reference cannot run, the outputs are held to the other side's
 * as before (said). *v stays NULL when even that setup fails (the sides' outputs are then compared directly). */
static int reference_check(const compare_opts *o, const char *model, ortune_config *const *cfg, const ortune_ab_outcome *ab,
                           const char *work, double left_s, ortune_verify **v, cJSON *info) {
  char c0[800];
  snprintf(c0, sizeof c0, "%s/c0", ab->out_dir);
  if (!(*v = calloc(1, sizeof **v))) return ORTUNE_OK;
  int quiet = o->common.quiet || o->common.json;
  int rc = ortune_verify_prepare_ex(*v, model, cfg[1], &o->common.spec, NULL, 0, c0, 1, o->common.rtol, o->common.atol,
                                    left_s > 30 ? left_s : 30, work, compare_spawn, NULL, info, quiet ? NULL : stderr);
  if (rc) {
    free(*v);
    *v = NULL;
  } else {
    snprintf((*v)->side, sizeof (*v)->side, "%s", o->against ? o->against : "defaults"); /* the reasons name it */
  }
  return rc == ORTUNE_EINTR ? rc : ORTUNE_OK;
}

static int measure(const compare_opts *o, const char *model, ortune_config **cfg, int n, const char *work, ortune_ab_outcome *ab,
                   ortune_verify **v, cJSON *info) {
  int quiet = o->common.quiet || o->common.json;
  ortune_ab_plan p = {.model = model, .cfgs = cfg, .n = n, .spec = &o->common.spec, .sessions = o->sessions > 0 ? o->sessions : 3,
                      .runs = o->runs > 0 ? o->runs : 0, .block_s = 0.15, .budget_s = o->budget > 0 ? o->budget : 600,
                      .session_timeout_s = o->budget > 0 ? o->budget : 600, .worker_exe = "/proc/self/exe", .work = work,
                      .keep_outputs = 1, .min_gain = o->min_gain > 0 ? o->min_gain : 0.01, .stop = &compare_signal,
                      .progress = compare_progress, .ctx = &quiet, .startup = o->startup};
  int total = o->rounds > 1 ? o->rounds : 18;
  p.rounds = (total + p.sessions - 1) / p.sessions;
  if (p.rounds < 2) p.rounds = 2;
  struct sigaction sa = {0}, oi, ot, oh;
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, &oi);
  sigaction(SIGTERM, &sa, &ot);
  sigaction(SIGHUP, &sa, &oh);
  double t0 = ortune_now();
  int rc = ortune_ab_run(&p, ab);
  if (!rc) rc = reference_check(o, model, cfg, ab, work, p.budget_s - (ortune_now() - t0), v, info);
  sigaction(SIGINT, &oi, NULL);
  sigaction(SIGTERM, &ot, NULL);
  sigaction(SIGHUP, &oh, NULL);
  if (rc == ORTUNE_EINTR) ortune_set_error(ORTUNE_EINTR, "compare: interrupted by signal %d: no verdict", (int)compare_signal);
  return rc;
}

static int compare_run(void *vo, int argc, char **argv) {
  compare_opts *o = vo;
  if (argc != 1 || !o->common.config) {
    ortune_set_error(ORTUNE_EUSAGE, "compare: usage: ortune compare MODEL --config A.yaml [--against B.yaml|defaults|before] [--also C.yaml]");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (cli_check_ab("rounds", o->rounds, "runs", o->runs)) return cli_fail(ORTUNE_EUSAGE);
  if (o->sessions < 0 || o->sessions > 100 || o->budget < 0 || isnan(o->budget)) {
    ortune_set_error(ORTUNE_EUSAGE, "compare: --sessions takes 1 to 100 and --budget a positive number of seconds");
    return cli_fail(ORTUNE_EUSAGE);
  }
  int n = 2 + o->nalso;
  ortune_config *cfg[8] = {0};
  const char *names[8] = {o->against ? o->against : "defaults", o->common.config};
  ortune_ab_outcome ab = {0};
  ortune_verify *v = NULL;
  cJSON *reference = NULL; /* the output check's reference, for --json */
  char work[700] = "";
  o->common.model = argv[0];
  int rc = cli_config(&o->common, &cfg[1]);
  if (rc) return cli_fail(rc);
  if ((rc = against_config(o, cfg[1], &cfg[0]))) goto done;
  for (int i = 0; i < o->nalso; i++) {
    cli_common c = o->common;
    c.config = names[2 + i] = o->also[i];
    if ((rc = cli_config(&c, &cfg[2 + i]))) goto done;
  }
  const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  ortune_sweep_workdirs(tmpdir);
  snprintf(work, sizeof work, "%s/" ORTUNE_WORKDIR_PREFIX "%ld.XXXXXX", tmpdir, (long)getpid());
  if (!mkdtemp(work)) {
    work[0] = '\0';
    rc = ortune_set_error(ORTUNE_EIO, "compare: cannot make a temp dir in %s: set TMPDIR", tmpdir);
    goto done;
  }
  if (!o->common.quiet && !o->common.json)
    fprintf(stderr, "comparing %d configs against %s: %d sessions, %d interleaved rounds in all%s\n", n - 1,
            ortune_term_escape(names[0], (char[1024]){0}, 1024), o->sessions > 0 ? o->sessions : 3, o->rounds > 1 ? o->rounds : 18,
            o->startup ? "; measuring start-up: session creation + first run (p50/p99 below are starts)" : "");
  if (o->startup) { /* the sessions' optimized-model caches: private, filled by each session's unmeasured first start */
    char cache[800];
    snprintf(cache, sizeof cache, "%s/optcache", work);
    setenv("ORTUNE_CACHE_DIR", cache, 1);
  }
  if (!(reference = cJSON_CreateObject())) {
    rc = ortune_set_error(ORTUNE_ENOMEM, "compare: out of memory");
    goto done;
  }
  if ((rc = measure(o, argv[0], cfg, n, work, &ab, &v, reference))) goto done;
  rc = report(o, names, cfg, &ab, v, v ? reference : NULL);
  char note[400];
  ortune_ab_load_note(&ab, note, sizeof note);
  if (note[0] && !o->common.quiet) fprintf(stderr, "ortune: note: %s\n", note);
  if (ab.budget_cut && !o->common.quiet)
    fprintf(stderr, "ortune: note: --budget %.0f s allowed %d of the sessions: the interval is wider\n", o->budget > 0 ? o->budget : 600,
            ab.sessions);
done:
  ortune_ab_outcome_free(&ab);
  free(v);
  cJSON_Delete(reference);
  if (work[0]) nftw(work, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  for (int i = 0; i < n; i++) ortune_config_release(cfg[i]);
  return rc ? cli_fail(rc) : 0;
}

const cli_cmd cmd_compare = {"compare", "MODEL", "before/after check: interleaved A/B over fresh sessions, with a confidence interval and output check",
                             compare_table, sizeof(compare_opts), compare_run, 0};
