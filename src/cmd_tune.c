/* cmd_tune.c - `ortune tune MODEL --config config.yaml`: search, verify, write the winner. */
#include "cli.h"
#include "tune.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  cli_common common;
  const char *space, *strategy, *objective, *results, *csv, *report, *list_space;
  double budget, max_gpu_mem, max_startup, trial_timeout, duration, min_gain, first_run_weight;
  ortune_input_spec sets[8];
  int nsets;
  int max_trials, min_runs, ab_rounds, ab_runs, finalists, scale_memory, resume, dry_run, event_timing, search_set, force;
} tune_opts;


/* --shapes "x=1x3x480x640[;y=...]": one more set of input shapes every trial is measured at. */
static int add_shapes(void *v, const char *arg) {
  tune_opts *o = v;
  if (o->nsets == 8) return ortune_set_error(ORTUNE_EUSAGE, "--shapes: at most 8 shape sets");
  ortune_input_spec *sp = &o->sets[o->nsets];
  memset(sp, 0, sizeof *sp);
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", arg);
  for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
    if (sp->nshapes == 16) return ortune_set_error(ORTUNE_EUSAGE, "--shapes '%s': at most 16 inputs", arg);
    int rc = ortune_shape_parse(tok, &sp->shapes[sp->nshapes++]);
    if (rc) return rc;
  }
  if (!sp->nshapes) return ortune_set_error(ORTUNE_EUSAGE, "--shapes '%s': no shape: write it like x=1x3x480x640", arg);
  o->nsets++;
  return 0;
}

static const cli_opt tune_table[] = {
  OPT_INT("ab-rounds", tune_opts, ab_rounds, "N", "interleaved A/B rounds in the final check (default 16)"),
  OPT_INT("ab-runs", tune_opts, ab_runs, "N", "runs per candidate per A/B round (default: about 0.15 s worth)"),
  CLI_COMMON_INPUT_OPTS(tune_opts),
  CLI_TOL_OPTS,
  OPT_DBL("budget", tune_opts, budget, "SECONDS", "stop searching after this long (the final check still runs)"),
  OPT_STR("config", tune_opts, common.config, "FILE", "config.yaml to write the winner into (other keys are kept)"),
  OPT_STR("csv", tune_opts, csv, "FILE", "write every trial as CSV"),
  OPT_FLAG("dry-run", tune_opts, dry_run, "measure and report, but do not write the config"),
  OPT_DBL("duration", tune_opts, duration, "SECONDS", "timed runs per trial last at least this long (default 1)"),
  OPT_FLAG("event-timing", tune_opts, event_timing, "also time each run with CUDA events (shows the harness overhead)"),
  OPT_DBL("first-run-weight", tune_opts, first_run_weight, "W", "objective += W x first-run time per shape (cuDNN search cost; default 0)"),
  CLI_FORCE_OPT(tune_opts, force),
  OPT_INT("finalists", tune_opts, finalists, "N", "best candidates re-measured against the defaults (default 3)"),
  OPT_FLAG("json", tune_opts, common.json, "print the results JSON on stdout"),
  OPT_STR("list-space", tune_opts, list_space, "NAME", "print the options and candidates of a space, run nothing"),
  OPT_DBL("max-gpu-mem", tune_opts, max_gpu_mem, "MB", "only accept candidates whose peak GPU memory is below this"),
  OPT_DBL("max-startup", tune_opts, max_startup, "MS", "only accept candidates whose session create + first run is below this"),
  OPT_INT("max-trials", tune_opts, max_trials, "N", "stop searching after N trials"),
  OPT_DBL("min-gain", tune_opts, min_gain, "FRACTION", "smallest speedup worth changing a default (default 0.01)"),
  OPT_INT("min-runs", tune_opts, min_runs, "N", "timed runs per trial at least (default 20)"),
  OPT_STR("objective", tune_opts, objective, "p50|p99|throughput", "what to minimise (default p50)"),
  OPT_FLAG("quiet", tune_opts, common.quiet, "no progress, only the result"),
  OPT_STR("report", tune_opts, report, "FILE.html", "write a self-contained HTML report with plots"),
  OPT_STR("results", tune_opts, results, "FILE.json", "write every trial as JSON (kept up to date; --resume reads it)"),
  OPT_FLAG("resume", tune_opts, resume, "continue an interrupted tune from --results FILE"),
  OPT_FLAG("scale-memory", tune_opts, scale_memory, "seed14: map the seed's 4/8/16/21 GB of 24 GB to this GPU's size"),
  OPT_FLAG("search-set-options", tune_opts, search_set, "also search options set in the config (default: keep them fixed)"),
  OPT_CALL("shapes", "NAME=DIMS[;...]", add_shapes, "score every trial over this set of input shapes too (repeatable)"),
  OPT_STR("space", tune_opts, space, "NAME", "seed14, cpu, cuda, cuda-core or full (default: full on GPU, else cpu)"),
  OPT_STR("strategy", tune_opts, strategy, "staged|grid", "staged search (default) or the whole grid"),
  OPT_DBL("trial-timeout", tune_opts, trial_timeout, "SECONDS", "a trial taking longer is killed (default 300)"),
  {0},
};

static int list_space(const char *space, const ortune_config *base) {
  if (!ortune_space_valid(space))
    return ortune_set_error(ORTUNE_EUSAGE, "unknown space '%s': use seed14, cpu, cuda, cuda-core or full", space);
  if (!strcmp(space, "seed14")) {
    ortune_candidates cs = {0};
    int rc = ortune_space_seed14(base, 0, &cs);
    for (int i = 0; !rc && i < cs.n; i++) {
      char sum[512];
      ortune_config_summary(cs.v[i].cfg, sum, sizeof sum);
      printf("%2d  %-30s %s\n", i + 1, cs.v[i].name, sum);
    }
    ortune_candidates_free(&cs);
    return rc;
  }
  printf("space %s: ORT defaults first (baseline), then the staged search over:\n", space);
  long grid = 1;
  for (int i = 0; i < ortune_noptions; i++) {
    if (!ortune_space_has(space, i)) continue;
    char vals[16][48], line[512] = "";
    int n = ortune_space_values(i, vals, 16);
    size_t k = 0;
    for (int v = 0; v < n; v++) k += (size_t)snprintf(line + k, sizeof line - k, "%s%s", v ? " | " : "", vals[v]);
    printf("  %-36s %-8s %s   (default %s)\n", ortune_options[i].name, ortune_scope_name(ortune_options[i].scope), line,
           ortune_options[i].def);
    grid *= n;
  }
  printf("grid size: %ld candidates (--strategy grid)\n", grid);
  return 0;
}

/* Fail before the search, not after it: the winner must be writable where --config says. */
static int config_writable(const char *path) {
  struct stat st;
  errno = 0;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!(st.st_mode & 0222) || access(path, W_OK) != 0))
    return ortune_set_error(ORTUNE_EIO, "tune: %s is %s: make it writable or give another --config; nothing was tuned", path,
                            errno == EROFS ? "on a read-only file system" : "read-only");
  char probe[4096], target[4096];
  const char *where = ortune_write_target(path, target, sizeof target) == 0 ? target : path; /* a symlink: its target */
  const char *slash = strrchr(where, '/');
  if (slash) snprintf(probe, sizeof probe, "%.*s/.ortune-probe.XXXXXX", (int)(slash - where), where);
  else snprintf(probe, sizeof probe, ".ortune-probe.XXXXXX");
  int fd = mkstemp(probe);
  if (fd < 0)
    return ortune_set_error(ORTUNE_EIO, "tune: cannot write %s: %s: create its directory or give another --config; nothing was tuned",
                            path, strerror(errno));
  close(fd);
  /* and room for the file (ORTUNE_TEST_ENOSPC simulates a full disk here too) */
  static const char room[4096];
  int rc = ortune_write_atomic(probe, room, sizeof room);
  unlink(probe);
  if (rc == ORTUNE_ENOSPC)
    return ortune_set_error(rc, "tune: no space left to write %s: free some disk space and run again; nothing was tuned", path);
  if (rc) return ortune_set_error(rc, "tune: cannot write %s: %s; nothing was tuned", path, ortune_last_error());
  return ORTUNE_OK;
}

/* The output-path guard (outpath.c), then each output other than the config proven writable: all before the
 * first trial, so a clash or an unwritable --results costs nothing. */
static int check_output_paths(const tune_opts *o, const char *model) {
  ortune_paths *p = calloc(1, sizeof *p);
  if (!p) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  cli_paths_inputs(p, &o->common, model, !o->dry_run);
  if (!o->dry_run) ortune_paths_out(p, "--config", o->common.config, ORTUNE_OUT_CONFIG);
  /* --resume reads --results first: its reader says what is wrong with a damaged one */
  ortune_paths_out(p, "--results", o->results, o->resume ? ORTUNE_OUT_INPLACE : ORTUNE_OUT_RESULTS);
  ortune_paths_out(p, "--csv", o->csv, ORTUNE_OUT_CSV);
  ortune_paths_out(p, "--report", o->report, ORTUNE_OUT_REPORT);
  int rc = ortune_paths_check(p, o->force);
  for (int i = 0; i < p->n && !rc; i++)
    if (p->e[i].output && p->e[i].kind != ORTUNE_OUT_CONFIG) rc = ortune_out_probe(p->e[i].path, p->e[i].what);
  free(p);
  return rc;
}

static void print_table(const cJSON *res) {
  const cJSON *trials = cJSON_GetObjectItemCaseSensitive(res, "trials"), *tr;
  int n = cJSON_GetArraySize(trials), order[1024], k = 0;
  for (int i = 0; i < n && k < 1024; i++) order[k++] = i;
  /* ok trials by p50, then the rest */
  for (int i = 1; i < k; i++)
    for (int j = i; j > 0; j--) {
      const cJSON *a = cJSON_GetArrayItem(trials, order[j - 1]), *b = cJSON_GetArrayItem(trials, order[j]);
      int oka = !strcmp(cJSON_GetObjectItem(a, "status")->valuestring, "ok"), okb = !strcmp(cJSON_GetObjectItem(b, "status")->valuestring, "ok");
      double pa = oka && cJSON_GetObjectItem(a, "p50_ms") ? cJSON_GetObjectItem(a, "p50_ms")->valuedouble : INFINITY;
      double pb = okb && cJSON_GetObjectItem(b, "p50_ms") ? cJSON_GetObjectItem(b, "p50_ms")->valuedouble : INFINITY;
      if (pb < pa) { int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t; }
    }
  printf("%-4s %-58s %-13s %9s %9s %8s %9s\n", "rank", "candidate", "status", "p50 ms", "p99 ms", "speedup", "peak MB");
  for (int i = 0; i < k; i++) {
    tr = cJSON_GetArrayItem(trials, order[i]);
    const cJSON *p50 = cJSON_GetObjectItem(tr, "p50_ms"), *p99 = cJSON_GetObjectItem(tr, "p99_ms"), *sp = cJSON_GetObjectItem(tr, "speedup");
    const cJSON *gm = cJSON_GetObjectItem(tr, "peak_gpu_mb"), *hm = cJSON_GetObjectItem(tr, "peak_host_mb");
    const cJSON *dropped = cJSON_GetObjectItem(tr, "dropped");
    const char *st = cJSON_GetObjectItem(tr, "status")->valuestring;
    printf("%-4d %-58.58s %-13s %9.3f %9.3f %8.3f %9.0f\n", i + 1, cJSON_GetObjectItem(tr, "name")->valuestring,
           cJSON_IsTrue(dropped) ? "dropped" : st, p50 ? p50->valuedouble : NAN, p99 ? p99->valuedouble : NAN,
           sp ? sp->valuedouble : NAN, gm && gm->valuedouble >= 0 ? gm->valuedouble : hm ? hm->valuedouble : NAN);
  }
  const cJSON *imp = cJSON_GetObjectItem(res, "impact"), *x;
  if (cJSON_GetArraySize(imp)) {
    printf("\nmeasured effect of each option value (speedup vs the same config with another value, 95%% CI):\n");
    cJSON_ArrayForEach(x, imp) {
      printf("  %-36s %-18s %6.3fx  [%.3f, %.3f]  n=%d\n", cJSON_GetObjectItem(x, "option")->valuestring,
             cJSON_GetObjectItem(x, "value")->valuestring, cJSON_GetObjectItem(x, "speedup")->valuedouble,
             cJSON_GetObjectItem(x, "ci_low")->valuedouble, cJSON_GetObjectItem(x, "ci_high")->valuedouble,
             (int)cJSON_GetObjectItem(x, "n")->valuedouble);
    }
  }
  const cJSON *fin = cJSON_GetObjectItem(res, "final");
  if (fin) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(fin, "candidates")) {
      printf("\nA/B  %-52.52s %.3fx  95%% CI [%.3f, %.3f]  %s", cJSON_GetObjectItem(c, "name")->valuestring,
             cJSON_GetObjectItem(c, "speedup")->valuedouble, cJSON_GetObjectItem(c, "ci_low")->valuedouble,
             cJSON_GetObjectItem(c, "ci_high")->valuedouble,
             cJSON_IsTrue(cJSON_GetObjectItem(c, "significant")) ? "significant" : "within noise");
    }
    const cJSON *msg = cJSON_GetObjectItem(fin, "message");
    printf("\n\nverdict: %s\n", msg && cJSON_IsString(msg) ? msg->valuestring : "?");
  }
}

static int tune_run(void *vo, int argc, char **argv) {
  tune_opts *o = vo;
  ortune_config *base = NULL;
  int rc;
  if (o->list_space) {
    if ((rc = ortune_config_new(&base))) return cli_fail(rc);
    ortune_config_set(base, "provider", "cuda");
    rc = list_space(o->list_space, base);
    ortune_config_release(base);
    return rc ? cli_fail(rc) : 0;
  }
  if (cli_check_ab("ab-rounds", o->ab_rounds, "ab-runs", o->ab_runs)) return cli_fail(ORTUNE_EUSAGE);
  if (argc != 1) {
    ortune_set_error(ORTUNE_EUSAGE, "tune: give exactly one MODEL (ortune tune model.onnx --config config.yaml)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (o->space && !ortune_space_valid(o->space)) { /* before the CUDA fallback turns any name into "cpu" */
    ortune_set_error(ORTUNE_EUSAGE, "unknown space '%s': use seed14, cpu, cuda, cuda-core or full", o->space);
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (!o->common.config && !o->dry_run) {
    ortune_set_error(ORTUNE_EUSAGE, "tune: --config FILE is required (where the winner goes), or --dry-run");
    return cli_fail(ORTUNE_EUSAGE);
  }
  /* a missing or broken model: a clear message now, not the baseline trial's */
  ortune_model_info mi;
  if ((rc = ortune_model_info_read(argv[0], &mi))) return cli_fail(rc);
  if ((rc = check_output_paths(o, argv[0]))) return cli_fail(rc);
  /* The baseline: ORT's defaults plus every option the user set in the config file (constraints, kept in every
   * candidate and in the written config; ortune_merge_user_options decides which are searched). */
  ortune_config *file = NULL;
  cli_common c = o->common;
  if (c.config && access(c.config, F_OK) != 0) c.config = NULL; /* a new file: defaults */
  if ((rc = cli_config(&c, &file))) return cli_fail(rc);
  if ((rc = ortune_model_check_freedims(&mi, file))) {
    ortune_config_release(file);
    return cli_fail(rc);
  }
  if (!o->dry_run && (rc = config_writable(o->common.config))) {
    ortune_config_release(file);
    return cli_fail(rc);
  }
  if ((rc = ortune_config_new(&base))) {
    ortune_config_release(file);
    return cli_fail(rc);
  }
  static const char *const keep[] = {"provider", "io", "device_id"};
  for (size_t i = 0; i < 3; i++)
    if (ortune_config_is_set(file, keep[i])) ortune_config_set(base, keep[i], ortune_config_get(file, keep[i]));

  /* Provider and space: CUDA when asked (or when a GPU space is asked); fall back to the CPU with a warning. */
  const char *space = o->space;
  int want_cuda = !strcmp(ortune_config_get(base, "provider"), "cuda") || (space && strcmp(space, "cpu"));
  char why[512];
  if (!space && !o->common.provider && !ortune_config_is_set(base, "provider") && ortune_cuda_probe(why, sizeof why) == 0) {
    ortune_gpu g[1];
    if (ortune_gpu_list(g, 1) > 0) want_cuda = 1;
  }
  if (want_cuda && ortune_cuda_probe(why, sizeof why) != ORTUNE_OK) {
    fprintf(stderr, "ortune: warning: cuda execution provider: %s; tuning the cpu space instead\n", why);
    want_cuda = 0;
    space = "cpu";
    ortune_config_set(base, "io", "host");
  }
  ortune_config_set(base, "provider", want_cuda ? "cuda" : "cpu");
  if (!space) space = want_cuda ? "full" : "cpu";
  char note[512];
  rc = ortune_merge_user_options(file, space, o->search_set, base, note, sizeof note);
  ortune_config_release(file);
  if (rc) {
    ortune_config_release(base);
    return cli_fail(rc);
  }
  ortune_config_set(base, "provider", want_cuda ? "cuda" : "cpu"); /* after the merge: the fallback wins */
  if (!want_cuda) ortune_config_set(base, "io", "host");
  if (note[0] && !o->common.quiet)
    fprintf(stderr, "ortune: note: keeping %s as set in %s (not searched; --search-set-options to search them)\n", note,
            o->common.config);

  ortune_tune_opts to;
  ortune_tune_opts_default(&to);
  to.model = argv[0];
  to.config_path = o->common.config;
  to.space = space;
  if (o->strategy) to.strategy = o->strategy;
  if (o->objective) to.objective = o->objective;
  to.results_json = o->results;
  to.results_csv = o->csv;
  to.report_html = o->report;
  to.base = base;
  to.spec = o->common.spec;
  if (o->nsets && !to.spec.nshapes) { /* the first --shapes set is the main one */
    memcpy(to.spec.shapes, o->sets[0].shapes, sizeof to.spec.shapes);
    to.spec.nshapes = o->sets[0].nshapes;
    to.extra = o->sets + 1;
    to.nextra = o->nsets - 1;
  } else {
    to.extra = o->sets;
    to.nextra = o->nsets;
  }
  to.first_run_weight = o->first_run_weight;
  to.budget_s = o->budget;
  to.max_trials = o->max_trials;
  to.rtol = o->common.rtol;
  to.atol = o->common.atol;
  to.max_gpu_mem_mb = o->max_gpu_mem;
  to.max_startup_ms = o->max_startup;
  to.scale_memory = o->scale_memory;
  if (o->trial_timeout > 0) to.trial_timeout_s = o->trial_timeout;
  if (o->duration > 0) to.bench.duration_s = o->duration;
  if (o->min_runs > 0) to.bench.min_runs = o->min_runs;
  if (o->ab_rounds > 1) to.ab_rounds = o->ab_rounds;
  if (o->ab_runs > 0) to.ab_runs = o->ab_runs;
  if (o->finalists > 0) to.finalists = o->finalists;
  if (o->min_gain > 0) to.min_gain = o->min_gain;
  to.resume = o->resume;
  to.quiet = o->common.quiet;
  to.no_write = o->dry_run;
  to.event_timing = o->event_timing;

  cJSON *res = NULL;
  rc = ortune_tune_run(&to, &res);
  int sig = ortune_tune_signal();
  if (res && !o->common.quiet && rc != ORTUNE_EUSAGE) print_table(res);
  if (res && o->common.json) {
    char *txt = cJSON_Print(res);
    puts(txt);
    free(txt);
  }
  cJSON_Delete(res);
  ortune_config_release(base);
  if (rc == ORTUNE_EINTR) {
    fprintf(stderr, "ortune: %s\n", ortune_last_error());
    return 128 + (sig ? sig : 2);
  }
  if (rc) return cli_fail(rc);
  if (!o->dry_run && !o->common.quiet) printf("wrote %s\n", o->common.config);
  return 0;
}

const cli_cmd cmd_tune = {"tune", "MODEL", "find the fastest ORT configuration for MODEL on this machine, verify it, write config.yaml",
                          tune_table, sizeof(tune_opts), tune_run, 0};
