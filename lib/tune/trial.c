/* trial.c - the child side of a trial: build one session from a spec, measure it, save outputs; and A/B interleaving. */
#include "gpu.h"
#include "tune.h"
#include "stats.h"
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- JSON <-> config / input spec ---------------------------------------------------- */

cJSON *ortune_config_to_json(const ortune_config *cfg) {
  cJSON *j = cJSON_CreateObject(), *opts = cJSON_AddObjectToObject(j, "options");
  for (int i = 0; i < ortune_noptions; i++)
    if (cfg->value[i]) cJSON_AddStringToObject(opts, ortune_options[i].name, cfg->value[i]);
  cJSON *fd = cJSON_AddObjectToObject(j, "free_dimension_overrides");
  for (int i = 0; i < cfg->nfree; i++) cJSON_AddNumberToObject(fd, cfg->freedim[i].name, (double)cfg->freedim[i].value);
  return j;
}

int ortune_config_from_json(const cJSON *j, ortune_config **out) {
  int rc = ortune_config_new(out);
  if (rc) return rc;
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "options")) {
    if (!cJSON_IsString(it)) continue;
    if ((rc = ortune_config_set(*out, it->string, it->valuestring))) goto fail;
  }
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "free_dimension_overrides")) {
    char key[128], num[32];
    snprintf(key, sizeof key, "free_dimension_overrides.%s", it->string);
    snprintf(num, sizeof num, "%.0f", it->valuedouble);
    if ((rc = ortune_config_set(*out, key, num))) goto fail;
  }
  return ORTUNE_OK;
fail:
  ortune_config_release(*out);
  *out = NULL;
  return rc;
}

cJSON *ortune_spec_to_json(const ortune_input_spec *spec) {
  cJSON *j = cJSON_CreateObject(), *sh = cJSON_AddArrayToObject(j, "shapes"), *fl = cJSON_AddArrayToObject(j, "files");
  for (int i = 0; i < spec->nshapes; i++) {
    cJSON *s = cJSON_CreateObject(), *d = cJSON_AddArrayToObject(s, "dims");
    cJSON_AddStringToObject(s, "name", spec->shapes[i].name);
    for (int k = 0; k < spec->shapes[i].ndim; k++) cJSON_AddItemToArray(d, cJSON_CreateNumber((double)spec->shapes[i].dims[k]));
    cJSON_AddItemToArray(sh, s);
  }
  for (int i = 0; i < spec->nfiles; i++) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "name", spec->files[i].name);
    cJSON_AddStringToObject(f, "path", spec->files[i].path);
    cJSON_AddItemToArray(fl, f);
  }
  cJSON_AddStringToObject(j, "dir", spec->dir);
  cJSON_AddNumberToObject(j, "seed", (double)spec->seed);
  return j;
}

void ortune_spec_from_json(const cJSON *j, ortune_input_spec *spec) {
  memset(spec, 0, sizeof *spec);
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "shapes")) {
    if (spec->nshapes == 16) break;
    ortune_shape_arg *s = &spec->shapes[spec->nshapes++];
    snprintf(s->name, sizeof s->name, "%s", ortune_jstr(it, "name"));
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(it, "dims")) {
      if (s->ndim < ORTUNE_MAX_DIMS) s->dims[s->ndim++] = (int64_t)d->valuedouble;
    }
  }
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "files")) {
    if (spec->nfiles == ORTUNE_MAX_IO) break;
    snprintf(spec->files[spec->nfiles].name, sizeof spec->files[0].name, "%s", ortune_jstr(it, "name"));
    snprintf(spec->files[spec->nfiles].path, sizeof spec->files[0].path, "%s", ortune_jstr(it, "path"));
    spec->nfiles++;
  }
  snprintf(spec->dir, sizeof spec->dir, "%s", ortune_jstr(j, "dir"));
  spec->seed = (uint64_t)ortune_jnum(j, "seed", 0);
}

/* ---- test-only fault injection: ORTUNE_TEST_FAULT=kind@substring-of-trial-name ---- */

static const char *fault_for(const char *name) {
  static char kind[16];
  const char *f = ortune_test_hook(ORTUNE_TEST_HOOK_FAULT);
  if (!f) return NULL;
  const char *at = strchr(f, '@');
  if (!at || (size_t)(at - f) >= sizeof kind || !strstr(name, at + 1)) return NULL;
  memcpy(kind, f, (size_t)(at - f));
  kind[at - f] = '\0';
  return kind;
}

/* ---- one trial ---------------------------------------------------------------------- */

typedef struct {
  ortune_tensor *in;
  int nin;
  ortune_runner *r;
} trial_state;

static void state_free(trial_state *t) {
  ortune_runner_release(t->r);
  ortune_tensors_free(t->in, t->nin);
  memset(t, 0, sizeof *t);
}

/* Runner + inputs for cfg, through the public runtime (what production runs); *phase names the failing step. */
static int trial_open(const char *model, const ortune_config *cfg, const ortune_input_spec *spec, trial_state *t, const char **phase,
                      double *create_ms) {
  memset(t, 0, sizeof *t);
  int rc = ortune_runner_open_ex(model, cfg, &t->r, phase, create_ms);
  if (rc) return rc;
  *phase = "inputs";
  if ((rc = ortune_inputs_make(ortune_runner_session(t->r), cfg, spec, &t->in, &t->nin))) return rc;
  *phase = "bind";
  return ortune_runner_bind_tensors(t->r, t->in, t->nin);
}

static void add_measure(cJSON *res, const ortune_measure *m) {
  cJSON_AddNumberToObject(res, "warmup_runs", m->warmup_runs);
  cJSON_AddNumberToObject(res, "runs", m->runs);
  cJSON_AddNumberToObject(res, "p50_ms", m->p50);
  cJSON_AddNumberToObject(res, "p90_ms", m->p90);
  cJSON_AddNumberToObject(res, "p99_ms", m->p99);
  cJSON_AddNumberToObject(res, "mean_ms", m->mean);
  cJSON_AddNumberToObject(res, "min_ms", m->min);
  cJSON_AddNumberToObject(res, "cv", m->cv);
  cJSON_AddNumberToObject(res, "peak_host_mb", m->peak_host_mb);
  cJSON *lat = cJSON_AddArrayToObject(res, "latencies_ms");
  for (int i = 0; i < m->runs; i++) cJSON_AddItemToArray(lat, cJSON_CreateNumber(round(m->lat[i] * 1e4) / 1e4));
}

static int save_outputs(ortune_runner *r, const char *dir, const char *fault) {
  ortune_tensor *out;
  int n, rc = ortune_runner_outputs(r, &out, &n);
  if (rc) return rc;
  if (fault && !strcmp(fault, "wrong") && n && out[0].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && out[0].count)
    ((float *)out[0].data)[0] += 1.0f;
  /* skewX: element 0 of each float output moves by X of the output's scale; nan: becomes NaN */
  for (int i = 0; fault && (!strncmp(fault, "skew", 4) || !strcmp(fault, "nan")) && i < n; i++)
    if (out[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && out[i].count)
      ((float *)out[i].data)[0] = fault[0] == 'n' ? NAN : ((float *)out[i].data)[0] + (float)(atof(fault + 4) * ortune_tensor_max_abs(&out[i]));
  if (dir && *dir) rc = ortune_mkdir_p(dir);
  for (int i = 0; !rc && dir && *dir && i < n; i++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/output_%d.pb", dir, i);
    rc = ortune_tensor_write_pb(path, &out[i]);
  }
  ortune_tensors_free(out, n);
  return rc;
}

static void replace_num(cJSON *o, const char *k, double v) {
  if (cJSON_GetObjectItemCaseSensitive(o, k)) cJSON_ReplaceItemInObjectCaseSensitive(o, k, cJSON_CreateNumber(v));
  else cJSON_AddNumberToObject(o, k, v);
}

/* The shape sets of spec.extra_shapes after the first: per shape first run and latency; the trial's
 * p50/mean become the means over all shapes, p99 the worst, first_run_mean_ms the mean first run. */
static int measure_shapes(const cJSON *spec, const cJSON *extra, const ortune_config *cfg, ortune_input_spec *in,
                          const ortune_bench_opts *bo, trial_state *t, cJSON *res, const char *fault, const char **phase) {
  cJSON *per = cJSON_AddArrayToObject(res, "shapes");
  double p50 = ortune_jnum(res, "p50_ms", 0), mean = ortune_jnum(res, "mean_ms", 0), p99 = ortune_jnum(res, "p99_ms", 0);
  double first = ortune_jnum(res, "first_run_ms", 0);
  int n = 1, rc = ORTUNE_OK;
  cJSON *s0 = cJSON_CreateObject();
  cJSON_AddNumberToObject(s0, "first_run_ms", first);
  cJSON_AddNumberToObject(s0, "p50_ms", p50);
  cJSON_AddNumberToObject(s0, "p99_ms", p99);
  cJSON_AddItemToArray(per, s0);
  const cJSON *set;
  cJSON_ArrayForEach(set, extra) {
    ortune_input_spec sp;
    ortune_spec_from_json(set, &sp); /* {"shapes": [...]}: random inputs of those shapes */
    sp.seed = in->seed;
    for (int k = 0; k < in->nfiles && sp.nfiles < ORTUNE_MAX_IO; k++) { /* value:/range: inputs hold at any shape */
      double lo, hi;
      if (in->files[k].name[0] && ortune_input_source(in->files[k].path, &lo, &hi) > ORTUNE_SRC_FILE) sp.files[sp.nfiles++] = in->files[k];
    }
    ortune_tensors_free(t->in, t->nin);
    t->in = NULL;
    t->nin = 0;
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/shape%d", ortune_jstr(spec, "out_dir"), n);
    *phase = "inputs";
    rc = ortune_inputs_make(ortune_runner_session(t->r), cfg, &sp, &t->in, &t->nin);
    if (!rc) rc = ortune_runner_bind_tensors(t->r, t->in, t->nin);
    if (rc) return rc;
    *phase = "run";
    double t0 = ortune_now();
    if ((rc = ortune_runner_run_bound(t->r))) return rc;
    double f = (ortune_now() - t0) * 1e3;
    ortune_measure m = {0};
    rc = ortune_measure_run(t->r, bo, &m);
    if (!rc && *ortune_jstr(spec, "out_dir")) rc = save_outputs(t->r, dir, fault);
    if (!rc) {
      cJSON *x = cJSON_CreateObject();
      cJSON_AddNumberToObject(x, "first_run_ms", f);
      cJSON_AddNumberToObject(x, "p50_ms", m.p50);
      cJSON_AddNumberToObject(x, "p99_ms", m.p99);
      cJSON_AddItemToArray(per, x);
      p50 += m.p50;
      mean += m.mean;
      first += f;
      if (m.p99 > p99) p99 = m.p99;
      n++;
    }
    ortune_measure_free(&m);
    if (rc) return rc;
  }
  replace_num(res, "p50_ms", p50 / n);
  replace_num(res, "mean_ms", mean / n);
  replace_num(res, "p99_ms", p99);
  replace_num(res, "first_run_mean_ms", first / n);
  return ORTUNE_OK;
}

/* One start of cfg: session creation + the first run, in ms; the runner is released unless keep (then in t). */
static int one_start(const char *model, const ortune_config *cfg, const ortune_input_spec *spec, trial_state *t, int keep, double *ms) {
  const char *phase;
  double t0 = ortune_now();
  int rc = trial_open(model, cfg, spec, t, &phase, NULL);
  if (!rc) rc = ortune_inputs_hint(ortune_runner_run_bound(t->r), spec, t->in, t->nin);
  *ms = (ortune_now() - t0) * 1e3;
  if (rc || !keep) state_free(t);
  return rc;
}

/* --objective startup: one start first, not measured (ORT, CUDA and cuDNN loaded into the process, the
 * optimized-model cache filled), so that the measured start is what a restart with those in place costs. */
static int prime_start(const cJSON *spec, const char *model, const ortune_config *cfg, const ortune_input_spec *in, const char **phase) {
  trial_state t = {0};
  double ms;
  *phase = "prime";
  return ortune_jnum(spec, "startup", 0) ? one_start(model, cfg, in, &t, 0, &ms) : ORTUNE_OK;
}

static int run_measure(const cJSON *spec, cJSON *res) {
  const char *model = ortune_jstr(spec, "model"), *name = ortune_jstr(spec, "name"), *phase = "spec";
  const cJSON *bj = cJSON_GetObjectItemCaseSensitive(spec, "bench");
  const char *fault = fault_for(name);
  ortune_config *cfg = NULL;
  ortune_input_spec in;
  ortune_bench_opts bo;
  ortune_measure m = {0};
  trial_state t = {0};
  int rc = ortune_config_from_json(cJSON_GetObjectItemCaseSensitive(spec, "config"), &cfg);
  if (rc) goto done;
  ortune_spec_from_json(cJSON_GetObjectItemCaseSensitive(spec, "inputs"), &in);
  ortune_bench_opts_default(&bo);
  bo.min_runs = (int)ortune_jnum(bj, "min_runs", bo.min_runs);
  bo.max_runs = (int)ortune_jnum(bj, "max_runs", bo.max_runs);
  bo.duration_s = ortune_jnum(bj, "duration_s", bo.duration_s);
  bo.warmup_max_s = ortune_jnum(bj, "warmup_max_s", bo.warmup_max_s);
  bo.max_s = ortune_jnum(bj, "max_s", 0);
  double cutoff = ortune_jnum(bj, "cutoff_ms", 0);
  bo.cutoff_ms = cutoff;
  int dev = atoi(ortune_config_get(cfg, "device_id"));
  int gpu = !strcmp(ortune_config_get(cfg, "provider"), "cuda");
  long long gpu0 = gpu ? ortune_gpu_mem_used(dev) : -1;
  double create_ms = 0;
  if ((rc = prime_start(spec, model, cfg, &in, &phase))) goto done;
  rc = trial_open(model, cfg, &in, &t, &phase, &create_ms);
  cJSON_AddNumberToObject(res, "optimized_model_cache", ortune_runner_optcache(t.r));
  cJSON_AddNumberToObject(res, "create_ms", create_ms);
  if (rc) goto done;
  if (ortune_jnum(bj, "event_timing", 0) && gpu) bo.stream = ortune_runner_stream(t.r); /* events on ORT's compute stream */
  if (fault && !strcmp(fault, "crash")) raise(SIGSEGV);
  if (fault && !strcmp(fault, "kill")) raise(SIGKILL);
  if (fault && !strcmp(fault, "oom")) { /* what the OOM killer does: count the kill, then SIGKILL */
    const char *ev = ortune_test_hook(ORTUNE_TEST_HOOK_OOM_EVENTS);
    long long kills = ortune_oom_kills();
    FILE *f = ev ? fopen(ev, "w") : NULL;
    if (f) fprintf(f, "oom_kill %lld\n", kills + 1), fclose(f);
    raise(SIGKILL);
  }
  if (fault && !strcmp(fault, "hang")) for (;;) pause();
  phase = "run";
  double t0 = ortune_now();
  if ((rc = ortune_inputs_hint(ortune_runner_run_bound(t.r), &in, t.in, t.nin))) goto done;
  double first = (ortune_now() - t0) * 1e3;
  cJSON_AddNumberToObject(res, "first_run_ms", first);
  if (fault && !strcmp(fault, "slow")) bo.delay_ms = first > 2 ? first : 2;
  if ((rc = ortune_measure_run(t.r, &bo, &m))) goto done;
  if (m.dropped) cJSON_AddBoolToObject(res, "dropped", 1);
  if (m.event_p50 > 0) cJSON_AddNumberToObject(res, "event_p50_ms", m.event_p50);
  add_measure(res, &m);
  if (gpu) {
    long long used = ortune_gpu_mem_used(dev);
    cJSON_AddNumberToObject(res, "peak_gpu_mb", used >= 0 && gpu0 >= 0 ? (double)(used - gpu0) / 1048576.0 : -1);
  }
  phase = "outputs";
  rc = save_outputs(t.r, ortune_jstr(spec, "out_dir"), fault);
  /* a second, different input set: proves the measured configuration (a replayed CUDA graph too)
   * computes from its inputs and does not return stale buffers */
  if (!rc && *ortune_jstr(spec, "out_dir")) {
    char dir2[1100];
    snprintf(dir2, sizeof dir2, "%s/set2", ortune_jstr(spec, "out_dir"));
    rc = ortune_inputs_refill(&in, t.in, t.nin, in.seed + 0x5bd1e995); /* random inputs only */
    if (!rc) rc = ortune_runner_refresh(t.r);
    if (!rc) rc = ortune_runner_run_bound(t.r);
    if (!rc) rc = save_outputs(t.r, dir2, fault);
  }
  /* more input shapes (--shapes): each measured after a first run at that shape, which is where cuDNN's
   * EXHAUSTIVE search and other per-shape work land; outputs kept per shape for the check */
  const cJSON *extra = cJSON_GetObjectItemCaseSensitive(spec, "extra_shapes");
  if (!rc && cJSON_GetArraySize(extra) > 0) rc = measure_shapes(spec, extra, cfg, &in, &bo, &t, res, fault, &phase);
done:
  cJSON_AddStringToObject(res, "phase", phase);
  ortune_measure_free(&m);
  state_free(&t);
  ortune_config_release(cfg);
  return rc;
}

/* ---- A/B interleaving ----------------------------------------------------------------- */


#define AB_MAX_ROUNDS 1000000
#define AB_MAX_RUNS 256

/* The order of the n configs in round r: rotated (seed 0), or a seeded shuffle (sessions of an A/B use
 * different seeds, so no config always follows the same one). */
static void round_order(int *ord, int n, size_t r, uint64_t seed) {
  for (int k = 0; k < n; k++) ord[k] = (int)((r + (size_t)k) % (size_t)n);
  if (!seed) return;
  uint64_t s = seed * 0x9E3779B97F4A7C15ULL + r * 0xBF58476D1CE4E5B9ULL + 1;
  for (int k = n - 1; k > 0; k--) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    int j = (int)(s % (uint64_t)(k + 1)), x = ord[k];
    ord[k] = ord[j], ord[j] = x;
  }
}

/* Warm every config; with runs 0, size blocks by time from the slowest config's warm latency. */
static int ab_warm(trial_state *t, int n, const ortune_input_spec *spec, const ortune_ab_opts *ao, int *runs) {
  double slowest = 0;
  for (int i = 0; i < n; i++) {
    double lat[10];
    for (int w = 0; w < 10; w++) {
      double t0 = ortune_now();
      int rc = ortune_inputs_hint(ortune_runner_run_bound(t[i].r), spec, t[i].in, t[i].nin);
      if (rc) return rc;
      lat[w] = (ortune_now() - t0) * 1e3;
    }
    qsort(lat + 5, 5, sizeof *lat, ortune_cmp_double);
    if (lat[7] > slowest) slowest = lat[7];
  }
  *runs = ao->runs > 0 ? ao->runs : ortune_block_runs(slowest, ao->block_s > 0 ? ao->block_s : 0.15);
  if (*runs > AB_MAX_RUNS) *runs = AB_MAX_RUNS;
  return ORTUNE_OK;
}

/* The start-up A/B: each config started once unmeasured (process warm, optimized-model caches filled), then per
 * round each config started once, in a shuffled order; a block is one start. The last round's runners are kept
 * for the outputs. */
static int ab_startups(const char *model, ortune_config **cfgs, int n, const ortune_input_spec *spec, const ortune_ab_opts *ao,
                       ortune_ab_child *out, trial_state *t) {
  double ms, *all = malloc(sizeof(double) * (size_t)ao->rounds * (size_t)n);
  int rc = ORTUNE_OK, ord[64];
  out->blocks = malloc(sizeof(double) * (size_t)ao->rounds * (size_t)n);
  if (!all || !out->blocks) {
    free(all);
    return ortune_set_error(ORTUNE_ENOMEM, "a/b: out of memory");
  }
  for (int i = 0; i < n && !rc; i++) rc = one_start(model, cfgs[i], spec, &t[i], 0, &ms);
  for (size_t r = 0; r < (size_t)ao->rounds && !rc; r++) {
    round_order(ord, n, r, ao->order_seed);
    for (int k = 0; k < n && !rc; k++) {
      int i = ord[k];
      rc = one_start(model, cfgs[i], spec, &t[i], r + 1 == (size_t)ao->rounds, &ms);
      out->blocks[r * (size_t)n + (size_t)i] = all[(size_t)i * (size_t)ao->rounds + r] = ms;
    }
  }
  for (int i = 0; i < n && !rc; i++) {
    double *v = all + (size_t)i * (size_t)ao->rounds;
    ortune_modes_find(v, ao->rounds, &out->modes[i]);
    qsort(v, (size_t)ao->rounds, sizeof *v, ortune_cmp_double);
    out->p50[i] = ortune_percentile(v, ao->rounds, 50);
    out->p99[i] = ortune_percentile(v, ao->rounds, 99);
  }
  out->rounds = ao->rounds;
  out->runs = 1;
  free(all);
  return rc;
}

int ortune_ab_measure(const char *model, ortune_config **cfgs, int n, const ortune_input_spec *spec, const ortune_ab_opts *ao,
                      ortune_ab_child *out, ortune_tensor **outs, int *nouts) {
  int rounds = ao->rounds, runs = ao->runs;
  if (n < 1 || n > 64 || rounds < 1 || rounds > AB_MAX_ROUNDS || runs < 0 || runs > AB_MAX_RUNS)
    return ortune_set_error(ORTUNE_EUSAGE, "a/b: %d configs x %d rounds x %d runs: give 1 to %d rounds and 1 to %d runs", n, rounds,
                            runs, AB_MAX_ROUNDS, AB_MAX_RUNS);
  memset(out, 0, sizeof *out);
  trial_state *t = calloc((size_t)n, sizeof *t);
  double *all = NULL, lat[AB_MAX_RUNS];
  int rc = ORTUNE_OK, ord[64];
  const char *phase;
  if (!t) return ortune_set_error(ORTUNE_ENOMEM, "a/b: out of memory");
  if (ao->startup) {
    rc = ab_startups(model, cfgs, n, spec, ao, out, t);
    goto outputs;
  }
  for (int i = 0; i < n && !rc; i++) rc = trial_open(model, cfgs[i], spec, &t[i], &phase, NULL);
  if (rc || (rc = ab_warm(t, n, spec, ao, &runs))) goto done;
  size_t per = (size_t)rounds * (size_t)runs, nb = (size_t)n * (size_t)rounds; /* no overflow: bounded above */
  all = malloc(sizeof(double) * per * (size_t)n);
  out->blocks = malloc(sizeof(double) * nb);
  if (!all || !out->blocks) {
    rc = ortune_set_error(ORTUNE_ENOMEM, "a/b: out of memory for %zu latencies: give fewer rounds or runs", per * (size_t)n);
    goto done;
  }
  /* test-only: ORTUNE_TEST_AB_SLOW_REF=MS makes every run of the reference (config 0) MS slower in an A/B session,
   * so that a test has a winner without depending on timing */
  const char *slow_ref = ortune_test_hook(ORTUNE_TEST_HOOK_AB_SLOW_REF);
  double ref_delay = slow_ref ? atof(slow_ref) : 0;
  struct timespec ref_ts = {(time_t)(ref_delay / 1000), (long)(fmod(ref_delay > 0 ? ref_delay : 0, 1000.0) * 1e6)};
  for (size_t r = 0; r < (size_t)rounds; r++) {
    round_order(ord, n, r, ao->order_seed);
    for (int k = 0; k < n; k++) {
      int i = ord[k];
      for (int j = 0; j < runs; j++) {
        double t0 = ortune_now();
        if ((rc = ortune_runner_run_bound(t[i].r))) goto done;
        if (i == 0 && ref_delay > 0) nanosleep(&ref_ts, NULL);
        lat[j] = (ortune_now() - t0) * 1e3;
        all[(size_t)i * per + r * (size_t)runs + (size_t)j] = lat[j];
      }
      qsort(lat, (size_t)runs, sizeof *lat, ortune_cmp_double);
      out->blocks[r * (size_t)n + (size_t)i] = ortune_percentile(lat, runs, 50);
    }
  }
  for (int i = 0; i < n; i++) {
    double *v = all + (size_t)i * per;
    ortune_modes_find(v, (int)per, &out->modes[i]);
    qsort(v, per, sizeof *v, ortune_cmp_double);
    out->p50[i] = ortune_percentile(v, (int)per, 50);
    out->p99[i] = ortune_percentile(v, (int)per, 99);
  }
  out->rounds = rounds;
  out->runs = runs;
outputs:
  for (int i = 0; outs && i < n && !rc; i++) rc = ortune_runner_outputs(t[i].r, &outs[i], &nouts[i]);
done:
  for (int i = 0; i < n; i++) state_free(&t[i]);
  free(t);
  free(all);
  if (rc) {
    free(out->blocks);
    out->blocks = NULL;
  }
  return rc;
}

/* Each config's outputs as dir/cI/output_K.pb (for the parent's output check). Test-only: ORTUNE_TEST_AB_SKEW=K:X
 * moves element 0 of config K's float outputs by X of the output's scale, so that a test has outputs that differ
 * by a known amount without a config that computes wrongly. */
static int ab_save_outputs(const char *dir, ortune_tensor **outs, const int *nouts, int n) {
  int rc = ORTUNE_OK, skew_k = -1;
  double skew = 0;
  const char *sk = ortune_test_hook(ORTUNE_TEST_HOOK_AB_SKEW);
  if (sk && sscanf(sk, "%d:%lf", &skew_k, &skew) != 2) skew_k = -1;
  for (int k = 0; skew_k >= 0 && skew_k < n && k < nouts[skew_k]; k++)
    if (outs[skew_k][k].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && outs[skew_k][k].count)
      ((float *)outs[skew_k][k].data)[0] += (float)(skew * ortune_tensor_max_abs(&outs[skew_k][k]));
  for (int i = 0; i < n && !rc; i++) {
    char sub[1200];
    snprintf(sub, sizeof sub, "%s/c%d", dir, i);
    rc = ortune_mkdir_p(sub);
    for (int k = 0; k < nouts[i] && !rc; k++) {
      char path[1300];
      snprintf(path, sizeof path, "%s/output_%d.pb", sub, k);
      rc = ortune_tensor_write_pb(path, &outs[i][k]);
    }
  }
  return rc;
}

static void ab_result_json(const ortune_ab_child *c, int n, cJSON *res) {
  cJSON *b = cJSON_AddArrayToObject(res, "blocks"), *a = cJSON_AddArrayToObject(res, "p50_ms"), *p = cJSON_AddArrayToObject(res, "p99_ms");
  cJSON *m = cJSON_AddArrayToObject(res, "modes");
  for (int i = 0; i < c->rounds * n; i++) cJSON_AddItemToArray(b, cJSON_CreateNumber(c->blocks[i]));
  for (int i = 0; i < n; i++) {
    cJSON_AddItemToArray(a, cJSON_CreateNumber(c->p50[i]));
    cJSON_AddItemToArray(p, cJSON_CreateNumber(c->p99[i]));
    cJSON *x = cJSON_CreateObject();
    cJSON_AddNumberToObject(x, "count", c->modes[i].count);
    cJSON_AddItemToObject(x, "median_ms", cJSON_CreateDoubleArray(c->modes[i].median, c->modes[i].count));
    cJSON_AddItemToObject(x, "share", cJSON_CreateDoubleArray(c->modes[i].share, c->modes[i].count));
    cJSON_AddItemToArray(m, x);
  }
  cJSON_AddNumberToObject(res, "rounds", c->rounds);
  cJSON_AddNumberToObject(res, "runs", c->runs);
}

static int run_ab(const cJSON *spec, cJSON *res) {
  int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(spec, "configs")), rc = ORTUNE_OK;
  if (n < 1 || n > 64) return ortune_set_error(ORTUNE_EUSAGE, "_trial: an A/B of %d configs: give 1 to 64", n);
  ortune_config **cfgs = calloc((size_t)n, sizeof *cfgs);
  ortune_tensor *outs[64] = {0};
  int nouts[64] = {0};
  double jr = ortune_jnum(spec, "rounds", 10), ju = ortune_jnum(spec, "runs", 0); /* range-checked before the casts */
  ortune_ab_opts ao = {.rounds = jr >= 1 && jr <= AB_MAX_ROUNDS ? (int)jr : 0, .runs = ju >= 0 && ju <= AB_MAX_RUNS ? (int)ju : -1,
                       .block_s = ortune_jnum(spec, "block_s", 0.15), .order_seed = (uint64_t)ortune_jnum(spec, "order_seed", 0),
                       .startup = ortune_jnum(spec, "startup", 0) != 0};
  const char *out_dir = ortune_jstr(spec, "out_dir");
  ortune_ab_child c = {0};
  ortune_input_spec in;
  ortune_spec_from_json(cJSON_GetObjectItemCaseSensitive(spec, "inputs"), &in);
  const cJSON *it;
  int k = 0;
  if (!cfgs) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(spec, "configs")) {
    if ((rc = ortune_config_from_json(it, &cfgs[k]))) goto done;
    k++;
  }
  rc = ortune_ab_measure(ortune_jstr(spec, "model"), cfgs, n, &in, &ao, &c, *out_dir ? outs : NULL, nouts);
  if (!rc && *out_dir) rc = ab_save_outputs(out_dir, outs, nouts, n);
  if (!rc) ab_result_json(&c, n, res);
done:
  cJSON_AddStringToObject(res, "phase", "ab");
  for (int i = 0; i < n; i++) {
    ortune_config_release(cfgs[i]);
    ortune_tensors_free(outs[i], nouts[i]);
  }
  free(cfgs);
  free(c.blocks);
  return rc;
}

int ortune_trial_main(const char *spec_path, const char *result_path) {
  char *text;
  int rc = ortune_read_file(spec_path, &text, NULL);
  if (rc) return rc;
  cJSON *spec = cJSON_Parse(text);
  free(text);
  if (!spec) return ortune_set_error(ORTUNE_EUSAGE, "_trial: %s is not JSON", spec_path);
  cJSON *res = cJSON_CreateObject();
  rc = !strcmp(ortune_jstr(spec, "mode"), "ab") ? run_ab(spec, res) : run_measure(spec, res);
  cJSON_AddNumberToObject(res, "code", rc);
  cJSON_AddStringToObject(res, "error", rc ? ortune_last_error() : "");
  char *out = cJSON_PrintUnformatted(res);
  int wrc = out ? ortune_write_atomic(result_path, out, strlen(out)) : ORTUNE_ENOMEM;
  free(out);
  cJSON_Delete(res);
  cJSON_Delete(spec);
  return rc ? rc : wrc;
}
