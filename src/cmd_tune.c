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
  const char *space, *strategy, *objective, *results, *csv, *report, *list_space, *profile;
  double budget, max_gpu_mem, max_startup, max_slowdown, trial_timeout, duration, min_gain, first_run_weight;
  ortune_input_spec sets[8];
  int nsets;
  int max_trials, min_runs, ab_rounds, ab_runs, finalists, scale_memory, resume, dry_run, event_timing, search_set, force;
  ortune_accuracy acc;     /* --accuracy rules: also try the float16 model */
  const char *keep_fp32;
} tune_opts;

static int add_accuracy(void *v, const char *arg) { return ortune_accuracy_parse(arg, &((tune_opts *)v)->acc); }


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
  OPT_CALL("accuracy", "[OUT:]RULE", add_accuracy,
           "also try a float16 model, kept only within RULE: atol=X,rtol=Y or argmax, per output with OUT: (repeatable)"),
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
  OPT_INT("finalists", tune_opts, finalists, "N", "candidates re-measured against the defaults (default 3): the best, then those faster beyond the noise that are not a taken one plus options"),
  OPT_FLAG("json", tune_opts, common.json, "print the results JSON on stdout"),
  OPT_STR("keep-fp32", tune_opts, keep_fp32, "OP,OP", "with --accuracy: operators the float16 model keeps in float32"),
  OPT_STR("list-space", tune_opts, list_space, "NAME", "print the options and candidates of a space, run nothing"),
  OPT_DBL("max-gpu-mem", tune_opts, max_gpu_mem, "MB", "only accept candidates whose peak GPU memory is below this"),
  OPT_DBL("max-slowdown", tune_opts, max_slowdown, "X",
          "only accept candidates whose p50 is at most X times the defaults' (default 1.25 with --objective startup)"),
  OPT_DBL("max-startup", tune_opts, max_startup, "MS", "only accept candidates whose session create + first run is below this"),
  OPT_INT("max-trials", tune_opts, max_trials, "N", "stop searching after N trials"),
  OPT_DBL("min-gain", tune_opts, min_gain, "FRACTION", "smallest speedup worth changing a default (default 0.01)"),
  OPT_INT("min-runs", tune_opts, min_runs, "N", "timed runs per trial at least (default 20)"),
  OPT_STR("profile", tune_opts, profile, "auto|default|NAME",
          "write the winner as a profile: auto = this machine's (the default when --config has profiles)"),
  OPT_STR("objective", tune_opts, objective, "p50|p99|throughput|startup", "what to minimise (default p50; startup: session creation + the first run at each shape)"),
  OPT_FLAG("quiet", tune_opts, common.quiet, "no progress, only the result"),
  OPT_STR("report", tune_opts, report, "FILE.html", "write a self-contained HTML report with plots"),
  OPT_STR("results", tune_opts, results, "FILE.json", "write every trial as JSON (kept up to date; --resume reads it)"),
  OPT_FLAG("resume", tune_opts, resume, "continue an interrupted tune from --results FILE"),
  OPT_FLAG("scale-memory", tune_opts, scale_memory, "seed14: map the seed's 4/8/16/21 GB of 24 GB to this GPU's size"),
  OPT_FLAG("search-set-options", tune_opts, search_set, "also search options set in the config (default: keep them fixed)"),
  OPT_CALL("shapes", "NAME=DIMS[;...]", add_shapes, "score every trial over this set of input shapes too (repeatable)"),
  OPT_STR("space", tune_opts, space, "NAME", "seed14, cpu, cuda, cuda-core, full or startup (default: full on GPU, else cpu)"),
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

/* Fail before the search when the winner could not be spliced into the file (e.g. a flow-style profiles:). */
static int splice_probe(const char *config, const ortune_config *base) {
  char *old = NULL, *text = NULL;
  size_t len = 0;
  if (access(config, F_OK) == 0 && ortune_read_file(config, &old, &len)) return ORTUNE_OK; /* config_writable says why */
  int rc = ortune_config_splice_text(base, config, old ? old : "", len, &text);
  free(old);
  free(text);
  return rc ? ortune_set_error(rc, "tune: %s; nothing was tuned", ortune_last_error()) : ORTUNE_OK;
}

/* Which profile of --config the winner goes to: none (a file without profiles, no --profile: the section as before),
 * "default" (the top-level keys), or this machine's (auto: the profile whose match is this machine, else a new one
 * named after it; NAME: that one). Sets base->profile and base->match; decided before the search. */
static int choose_target(const char *config, const char *want, int gpu, ortune_config *base) {
  ortune_profile_entry *e = NULL;
  int n = 0, def = 0, rc;
  if (config && access(config, F_OK) == 0 && (rc = ortune_config_list_profiles(config, &e, &n, &def))) return rc;
  if (!want && !n) return ORTUNE_OK;
  if (!want) want = "auto";
  if (!strcmp(want, "default")) goto done;
  if (strcmp(want, "auto") && !ortune_profile_name_valid(want)) {
    rc = ortune_set_error(ORTUNE_EUSAGE, "tune: --profile '%s': use auto, default, or a name of letters, digits, '-', '_', '.'",
                          want);
    goto fail;
  }
  ortune_device_identity id;
  if ((rc = ortune_device_identify(atoi(ortune_config_get(base, "device_id")), &id))) goto fail;
  if (gpu && !id.gpu) {
    rc = ortune_set_error(ORTUNE_ENOCUDA, "tune: --profile: this GPU cannot be named (%s): the profile needs its name from "
                          "NVML (libnvidia-ml.so.1); nothing was tuned", id.why);
    goto fail;
  }
  ortune_match_from_device(&id, gpu, &base->match);
  if (strcmp(want, "auto")) {
    snprintf(base->profile, sizeof base->profile, "%s", want);
    goto done;
  }
  for (int i = 0; i < n && !base->profile[0]; i++) /* this machine's profile, replaced */
    if (ortune_match_same_machine(&e[i].match, &base->match)) snprintf(base->profile, sizeof base->profile, "%s", e[i].name);
  if (!base->profile[0]) { /* a new one, named after this machine */
    char name[ORTUNE_PROFILE_NAME];
    ortune_profile_auto_name(&base->match, name, sizeof name);
    snprintf(base->profile, sizeof base->profile, "%s", name);
    for (int k = 2, i = 0; i < n; i++)
      if (!strcmp(e[i].name, base->profile)) {
        snprintf(base->profile, sizeof base->profile, "%.50s-%d", name, k++);
        i = -1;
      }
  }
done:
  free(e);
  return n || base->profile[0] ? splice_probe(config, base) : ORTUNE_OK;
fail:
  free(e);
  return rc;
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

/* The output check in one line: what the reference is and the defaults' own error per output (main inputs). */
static void print_check(const cJSON *res) {
  const cJSON *ref = cJSON_GetObjectItem(res, "reference"), *o;
  const char *check = cJSON_GetStringValue(cJSON_GetObjectItem(ref, "check"));
  if (!check) return;
  if (strcmp(check, "exact")) {
    printf("output check: %s\n\n", !strcmp(check, "shapes") ? "shape, dtype and NaN/Inf only (random operators)"
                                                             : "against the defaults' outputs (the exact reference failed)");
    return;
  }
  printf("output check: against an exact CPU float32 reference; the defaults' own error (of scale):");
  int shown = 0, more = 0;
  cJSON_ArrayForEach(o, cJSON_GetObjectItem(ref, "outputs")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(o, "set")), "main")) continue;
    if (shown++ == 8) more = 1;
    if (shown > 8) continue;
    const cJSON *d = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "default_err"), "norm");
    printf(" %s %.2g%s", cJSON_GetStringValue(cJSON_GetObjectItem(o, "name")), cJSON_IsNumber(d) ? d->valuedouble : NAN,
           cJSON_GetObjectItem(o, "weak") ? " (weak)" : "");
  }
  printf("%s\n\n", more ? " ... (all in the results JSON)" : "");
}

/* A trial's worst output error against the reference, as a fraction of the output's scale ("-": not checked);
 * for the baseline rows, the defaults' own. */
static void out_err(const cJSON *res, const cJSON *tr, char *buf, size_t len) {
  double worst = -1;
  const cJSON *o;
  const char *stage = cJSON_GetStringValue(cJSON_GetObjectItem(tr, "stage"));
  int base = stage && !strcmp(stage, "baseline");
  const cJSON *outs = base ? cJSON_GetObjectItem(cJSON_GetObjectItem(res, "reference"), "outputs") : cJSON_GetObjectItem(tr, "outputs");
  cJSON_ArrayForEach(o, outs) {
    const cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(o, base ? "default_err" : "cand_err"), "norm");
    if (cJSON_IsNumber(n) && n->valuedouble > worst) worst = n->valuedouble;
  }
  if (worst < 0) snprintf(buf, len, "-");
  else snprintf(buf, len, "%.2g", worst);
}

/* What the table ranks by: p50, or with --objective startup the start (session creation + first run per shape). */
static double rank_key(const cJSON *tr, int startup) {
  if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(tr, "status")), "ok")) return INFINITY;
  if (!startup) return ortune_jnum(tr, "p50_ms", INFINITY);
  return ortune_start_ms(ortune_jnum(tr, "create_ms", NAN), ortune_jnum(tr, "first_run_ms", NAN),
                         ortune_jnum(tr, "first_run_mean_ms", NAN), cJSON_GetArraySize(cJSON_GetObjectItem(tr, "shapes")));
}

static void print_table(const cJSON *res) {
  const cJSON *trials = cJSON_GetObjectItemCaseSensitive(res, "trials"), *tr;
  int n = cJSON_GetArraySize(trials), order[1024], k = 0, startup = !strcmp(ortune_jstr(res, "objective"), "startup");
  for (int i = 0; i < n && k < 1024; i++) order[k++] = i;
  /* ok trials by p50 (or start), then the rest */
  for (int i = 1; i < k; i++)
    for (int j = i; j > 0; j--) {
      double pa = rank_key(cJSON_GetArrayItem(trials, order[j - 1]), startup), pb = rank_key(cJSON_GetArrayItem(trials, order[j]), startup);
      if (pb < pa) { int t = order[j]; order[j] = order[j - 1]; order[j - 1] = t; }
    }
  print_check(res);
  printf("%-4s %-58s %-13s %9s %9s %8s %9s %9s\n", "rank", "candidate", "status", startup ? "start ms" : "p50 ms", "p99 ms", "speedup",
         "peak MB", "out err");
  for (int i = 0; i < k; i++) {
    tr = cJSON_GetArrayItem(trials, order[i]);
    double key = rank_key(tr, startup);
    const cJSON *p50 = cJSON_GetObjectItem(tr, "p50_ms"), *p99 = cJSON_GetObjectItem(tr, "p99_ms"), *sp = cJSON_GetObjectItem(tr, "speedup");
    const cJSON *gm = cJSON_GetObjectItem(tr, "peak_gpu_mb"), *hm = cJSON_GetObjectItem(tr, "peak_host_mb");
    const cJSON *dropped = cJSON_GetObjectItem(tr, "dropped");
    const char *st = cJSON_GetObjectItem(tr, "status")->valuestring;
    char err[16];
    out_err(res, tr, err, sizeof err);
    printf("%-4d %-58.58s %-13s %9.3f %9.3f %8.3f %9.0f %9s\n", i + 1, cJSON_GetObjectItem(tr, "name")->valuestring,
           cJSON_IsTrue(dropped) && !strcmp(st, "ok") ? "dropped" : st, startup ? (isfinite(key) ? key : NAN) : p50 ? p50->valuedouble : NAN,
           p99 ? p99->valuedouble : NAN,
           sp ? sp->valuedouble : NAN, gm && gm->valuedouble >= 0 ? gm->valuedouble : hm ? hm->valuedouble : NAN, err);
    if (!strcmp(st, "mismatch")) printf("       %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(tr, "reason")));
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

/* --list-space: what a space searches, as tune would (from a CUDA base). */
static int tune_list(const tune_opts *o) {
  ortune_config *base = NULL;
  int rc = ortune_config_new(&base);
  if (rc) return cli_fail(rc);
  ortune_config_set(base, "provider", "cuda");
  rc = list_space(o->list_space, base);
  ortune_config_release(base);
  return rc ? cli_fail(rc) : 0;
}

/* The arguments alone: one model, known space, a --config to write to (or --dry-run). */
static int check_args(const tune_opts *o, int argc) {
  if (cli_check_ab("ab-rounds", o->ab_rounds, "ab-runs", o->ab_runs)) return ORTUNE_EUSAGE;
  if (o->max_slowdown > 0 && o->max_slowdown < 1)
    return ortune_set_error(ORTUNE_EUSAGE, "--max-slowdown %g: a ratio of at least 1 (1.25: runs at most 25%% slower than the defaults)",
                            o->max_slowdown);
  if (argc != 1)
    return ortune_set_error(ORTUNE_EUSAGE, "tune: give exactly one MODEL (ortune tune model.onnx --config config.yaml)");
  if (o->space && !ortune_space_valid(o->space)) /* before the CUDA fallback turns any name into "cpu" */
    return ortune_set_error(ORTUNE_EUSAGE, "unknown space '%s': use seed14, cpu, cuda, cuda-core or full", o->space);
  if (!o->common.config && !o->dry_run)
    return ortune_set_error(ORTUNE_EUSAGE, "tune: --config FILE is required (where the winner goes), or --dry-run");
  return ORTUNE_OK;
}

/* --accuracy writes a float16 winner next to the model: fail now, not after the search. */
static int model_dir_writable(const tune_opts *o, const char *model) {
  if (!o->acc.n || o->dry_run) return ORTUNE_OK;
  char dir[4096];
  const char *slash = strrchr(model, '/');
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - model + (slash == model)) : 1, slash ? model : ".");
  if (access(dir, W_OK) == 0) return ORTUNE_OK;
  return ortune_set_error(ORTUNE_EIO, "tune --accuracy: %s is not writable, and a float16 winner is written there "
                          "(model.ortune-fp16.onnx): copy the model to a writable directory, or add --dry-run; nothing was tuned", dir);
}

/* The model and the user's config file (*file: its settings; a missing file or one without a profile for this
 * machine: ORT's defaults), checked before anything is measured. */
static int load_user_config(const tune_opts *o, const char *model, ortune_config **file) {
  ortune_model_info mi;
  int rc;
  *file = NULL;
  if ((rc = ortune_model_info_read(model, &mi)) || (rc = check_output_paths(o, model))) return rc;
  cli_common c = o->common;
  if (c.config && access(c.config, F_OK) != 0) c.config = NULL; /* a new file: defaults */
  if ((rc = cli_config(&c, file)) == ORTUNE_ECONFIG && c.config && strstr(ortune_last_error(), "no profile fits")) {
    /* a fleet file without a profile for this machine yet: tune from ORT's defaults and add one */
    c.config = NULL;
    rc = cli_config(&c, file);
  }
  if (rc) return rc;
  if ((rc = ortune_model_check_freedims(&mi, *file)) || (!o->dry_run && (rc = config_writable(o->common.config))) ||
      (rc = model_dir_writable(o, model))) {
    ortune_config_release(*file);
    *file = NULL;
  }
  return rc;
}

/* CUDA when asked (or when a GPU space is asked, or a GPU is there and nothing was said); the CPU with a warning
 * when the CUDA EP cannot load. Sets base's provider and io; returns the space. */
static const char *choose_provider(const tune_opts *o, ortune_config *base, int *want_cuda) {
  const char *space = o->space;
  /* the startup space holds CPU and CUDA options: it follows the provider (or the machine), like no --space */
  int any_provider = space && !strcmp(space, "startup");
  *want_cuda = !strcmp(ortune_config_get(base, "provider"), "cuda") || (space && !any_provider && strcmp(space, "cpu"));
  char why[512];
  if ((!space || any_provider) && !o->common.provider && !ortune_config_is_set(base, "provider") && ortune_cuda_probe(why, sizeof why) == 0) {
    ortune_gpu g[1];
    if (ortune_gpu_list(g, 1) > 0) *want_cuda = 1;
  }
  if (*want_cuda && ortune_cuda_probe(why, sizeof why) != ORTUNE_OK) {
    fprintf(stderr, "ortune: warning: cuda execution provider: %s; tuning the %s space on the cpu instead\n", why,
            any_provider ? "startup" : "cpu");
    *want_cuda = 0;
    if (!any_provider) space = "cpu";
    ortune_config_set(base, "io", "host");
  }
  ortune_config_set(base, "provider", *want_cuda ? "cuda" : "cpu");
  return space ? space : *want_cuda ? "full" : "cpu";
}

/* The baseline: ORT's defaults plus every option the user set in the config file (constraints, kept in every
 * candidate and in the written config; ortune_merge_user_options decides which are searched). */
static int make_base(const tune_opts *o, const ortune_config *file, ortune_config **out, const char **space) {
  ortune_config *base = NULL;
  int rc = ortune_config_new(&base), want_cuda;
  if (rc) return rc;
  static const char *const keep[] = {"provider", "io", "device_id"};
  for (size_t i = 0; i < 3; i++)
    if (ortune_config_is_set(file, keep[i])) ortune_config_set(base, keep[i], ortune_config_get(file, keep[i]));
  *space = choose_provider(o, base, &want_cuda);
  char note[512];
  if ((rc = ortune_merge_user_options(file, *space, o->search_set, base, note, sizeof note))) goto fail_merge;
  ortune_config_set(base, "provider", want_cuda ? "cuda" : "cpu"); /* after the merge: the fallback wins */
  if (!want_cuda) ortune_config_set(base, "io", "host");
  if (note[0] && !o->common.quiet)
    fprintf(stderr, "ortune: note: keeping %s as set in %s (not searched; --search-set-options to search them)\n", note,
            o->common.config);
  if (!o->dry_run && (rc = choose_target(o->common.config, o->profile, want_cuda, base))) goto fail_merge;
  if (base->profile[0] && !o->common.quiet) {
    char m[400];
    ortune_match_describe(&base->match, m, sizeof m);
    fprintf(stderr, "ortune: the winner goes to profile '%s' (%s) of %s\n", base->profile, m, o->common.config);
  }
  *out = base;
  return ORTUNE_OK;
fail_merge:
  ortune_config_release(base);
  return rc;
}

/* The tuner's options from the command line's. */
static void fill_tune_opts(tune_opts *o, const char *model, const char *space, const ortune_config *base, ortune_tune_opts *to) {
  ortune_tune_opts_default(to);
  to->model = model;
  to->config_path = o->common.config;
  to->space = space;
  if (o->strategy) to->strategy = o->strategy;
  if (o->objective) to->objective = o->objective;
  to->results_json = o->results;
  to->results_csv = o->csv;
  to->report_html = o->report;
  to->base = base;
  to->spec = o->common.spec;
  if (o->nsets && !to->spec.nshapes) { /* the first --shapes set is the main one */
    memcpy(to->spec.shapes, o->sets[0].shapes, sizeof to->spec.shapes);
    to->spec.nshapes = o->sets[0].nshapes;
    to->extra = o->sets + 1;
    to->nextra = o->nsets - 1;
  } else {
    to->extra = o->sets;
    to->nextra = o->nsets;
  }
  to->first_run_weight = o->first_run_weight;
  to->budget_s = o->budget;
  to->max_trials = o->max_trials;
  to->rtol = o->common.rtol;
  to->atol = o->common.atol;
  to->max_gpu_mem_mb = o->max_gpu_mem;
  to->max_startup_ms = o->max_startup;
  to->max_slowdown = o->max_slowdown > 0 ? o->max_slowdown : !strcmp(to->objective, "startup") ? 1.25 : 0;
  to->scale_memory = o->scale_memory;
  if (o->trial_timeout > 0) to->trial_timeout_s = o->trial_timeout;
  if (o->duration > 0) to->bench.duration_s = o->duration;
  if (o->min_runs > 0) to->bench.min_runs = o->min_runs;
  if (o->ab_rounds > 1) to->ab_rounds = o->ab_rounds;
  if (o->ab_runs > 0) to->ab_runs = o->ab_runs;
  if (o->finalists > 0) to->finalists = o->finalists;
  if (o->min_gain > 0) to->min_gain = o->min_gain;
  to->resume = o->resume;
  to->quiet = o->common.quiet;
  to->no_write = o->dry_run;
  to->event_timing = o->event_timing;
  to->accuracy = o->acc.n ? &o->acc : NULL;
  to->fp16_keep = o->keep_fp32;
}

/* Run the tune; print its table (and --json), and say what was written. */
static int run_and_report(tune_opts *o, const ortune_tune_opts *to, const char *profile) {
  cJSON *res = NULL;
  int rc = ortune_tune_run(to, &res), sig = ortune_tune_signal();
  if (res && !o->common.quiet && rc != ORTUNE_EUSAGE) print_table(res);
  if (res && o->common.json) {
    char *txt = cJSON_Print(res);
    puts(txt);
    free(txt);
  }
  cJSON_Delete(res);
  if (rc == ORTUNE_EINTR) {
    fprintf(stderr, "ortune: %s\n", ortune_last_error());
    return 128 + (sig ? sig : 2);
  }
  if (rc) return cli_fail(rc);
  if (!o->dry_run && !o->common.quiet && profile[0]) printf("wrote %s (profile %s)\n", o->common.config, profile);
  else if (!o->dry_run && !o->common.quiet) printf("wrote %s\n", o->common.config);
  return 0;
}

static int tune_run(void *vo, int argc, char **argv) {
  tune_opts *o = vo;
  if (o->list_space) return tune_list(o);
  ortune_config *file = NULL, *base = NULL;
  const char *space = NULL;
  int rc = check_args(o, argc);
  if (rc || (rc = load_user_config(o, argv[0], &file))) return cli_fail(rc);
  rc = make_base(o, file, &base, &space);
  ortune_config_release(file);
  if (!rc && o->keep_fp32 && !o->acc.n) {
    ortune_config_release(base);
    rc = ortune_set_error(ORTUNE_EUSAGE, "tune: --keep-fp32 shapes the float16 model, which only --accuracy RULE tries: add --accuracy");
  }
  if (rc) return cli_fail(rc);
  ortune_tune_opts to;
  fill_tune_opts(o, argv[0], space, base, &to);
  char profile[ORTUNE_PROFILE_NAME];
  snprintf(profile, sizeof profile, "%s", base->profile);
  rc = run_and_report(o, &to, profile);
  ortune_config_release(base);
  return rc;
}

const cli_cmd cmd_tune = {"tune", "MODEL", "find the fastest ORT configuration for MODEL on this machine, verify it, write config.yaml",
                          tune_table, sizeof(tune_opts), tune_run, 0};
