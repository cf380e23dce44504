/* record.c - the typed records of a tune and their JSON: the one module that knows results.json's keys.
 *
 * How it works: a trial is an ortune_trial (typed fields for everything the tuner reads or writes: name, stage,
 * status, the changed options as an ortune_config, latencies, startup, memory, errors, speedup) plus `more`, the
 * fields the tuner only carries (latencies_ms, per-shape numbers, per-output errors), kept in the order they came.
 * One table maps the numeric keys to their fields, so reading (ortune_trial_absorb_json: results files and the
 * child's result alike) and writing (ortune_trial_to_json) cannot disagree. ortune_results is the whole file: the
 * header (model, machine, space, strategy, objective), the trials, and `sections`, the parts other modules write
 * whole (reference, transform_fp16, final, impact). Writing keeps schema 1's keys and order; reading trusts only a
 * document that ortune_results_validate (results.c) passed, so a damaged file is an error before it is typed. */
#include "record.h"
#include "results.h"
#include "tune.h"
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- one trial ---------------------------------------------------------------------------------- */

/* The numeric keys of a trial, in the order they are written. */
static const struct { const char *key; size_t off; } trial_nums[] = {
#define NUM(k, f) {k, offsetof(ortune_trial, f)}
  NUM("create_ms", create_ms), NUM("first_run_ms", first_run_ms), NUM("first_run_mean_ms", first_run_mean_ms),
  NUM("warmup_runs", warmup_runs), NUM("runs", runs), NUM("p50_ms", p50_ms), NUM("p90_ms", p90_ms),
  NUM("p99_ms", p99_ms), NUM("mean_ms", mean_ms), NUM("min_ms", min_ms), NUM("cv", cv),
  NUM("peak_host_mb", peak_host_mb), NUM("event_p50_ms", event_p50_ms), NUM("peak_gpu_mb", peak_gpu_mb),
  NUM("max_abs_err", max_abs_err), NUM("max_rel_err", max_rel_err),
#undef NUM
};
#define NNUMS (sizeof trial_nums / sizeof trial_nums[0])

static double *num_at(ortune_trial *t, size_t i) { return (double *)((char *)t + trial_nums[i].off); }
static double num_of(const ortune_trial *t, size_t i) { return *(const double *)((const char *)t + trial_nums[i].off); }

int ortune_trial_new(ortune_trial **out) {
  ortune_trial *t = calloc(1, sizeof *t);
  if (!t || !(t->more = cJSON_CreateObject()) || ortune_config_new(&t->config)) {
    if (t) cJSON_Delete(t->more);
    free(t);
    *out = NULL;
    return ortune_set_error(ORTUNE_ENOMEM, "trial: out of memory");
  }
  for (size_t i = 0; i < NNUMS; i++) *num_at(t, i) = NAN;
  t->speedup = NAN;
  *out = t;
  return ORTUNE_OK;
}

void ortune_trial_release(ortune_trial *t) {
  if (!t) return;
  free(t->name);
  free(t->inputs);
  free(t->reason);
  ortune_config_release(t->config);
  cJSON_Delete(t->more);
  free(t);
}

int ortune_trial_set_text(char **field, const char *text) {
  char *s = ortune_strdup(text ? text : "");
  if (!s) return ortune_set_error(ORTUNE_ENOMEM, "trial: out of memory");
  free(*field);
  *field = s;
  return ORTUNE_OK;
}

/* The changed options ({"option": "value"}) into t->config; an option this ortune does not know is an error. */
static int absorb_config(ortune_trial *t, const cJSON *cfg) {
  const cJSON *kv;
  cJSON_ArrayForEach(kv, cfg) {
    if (!cJSON_IsString(kv)) continue;
    int rc = ortune_config_set(t->config, kv->string, kv->valuestring);
    if (rc) return ortune_set_error(rc, "trial '%s': config.%s: %s", t->name ? t->name : "", kv->string, ortune_last_error());
  }
  return ORTUNE_OK;
}

/* A known key into its field: 1 when taken, 0 when the key is not one of the typed ones, -code on error. */
static int absorb_known(ortune_trial *t, const cJSON *it) {
  const char *k = it->string;
  for (size_t i = 0; i < NNUMS; i++)
    if (!strcmp(k, trial_nums[i].key)) {
      if (cJSON_IsNumber(it)) *num_at(t, i) = it->valuedouble;
      return 1;
    }
  if (!strcmp(k, "id")) t->id = cJSON_IsNumber(it) ? (int)it->valuedouble : t->id;
  else if (!strcmp(k, "error_code")) t->error_code = cJSON_IsNumber(it) ? (int)it->valuedouble : t->error_code;
  else if (!strcmp(k, "speedup")) t->speedup = cJSON_IsNumber(it) ? it->valuedouble : t->speedup;
  else if (!strcmp(k, "dropped")) t->dropped = cJSON_IsTrue(it);
  else if (!strcmp(k, "resumed")) t->resumed = cJSON_IsTrue(it);
  else if (!strcmp(k, "stage")) snprintf(t->stage, sizeof t->stage, "%s", cJSON_IsString(it) ? it->valuestring : "");
  else if (!strcmp(k, "status")) {
    int s = ortune_trial_status_parse(cJSON_GetStringValue(it));
    if (s >= 0) t->status = (ortune_trial_status)s;
  } else if (!strcmp(k, "name") || !strcmp(k, "inputs") || !strcmp(k, "reason")) {
    char **f = !strcmp(k, "name") ? &t->name : !strcmp(k, "inputs") ? &t->inputs : &t->reason;
    if (cJSON_IsString(it) && ortune_trial_set_text(f, it->valuestring)) return -ORTUNE_ENOMEM;
  } else if (!strcmp(k, "config")) {
    int rc = absorb_config(t, it);
    if (rc) return -rc;
  } else
    return 0;
  return 1;
}

int ortune_trial_absorb_json(ortune_trial *t, const cJSON *j) {
  const cJSON *it;
  cJSON_ArrayForEach(it, j) {
    int known = absorb_known(t, it);
    if (known < 0) return -known;
    if (known) continue;
    cJSON *copy = cJSON_Duplicate(it, 1);
    if (!copy) return ortune_set_error(ORTUNE_ENOMEM, "trial: out of memory");
    if (cJSON_GetObjectItemCaseSensitive(t->more, it->string)) cJSON_ReplaceItemInObjectCaseSensitive(t->more, it->string, copy);
    else cJSON_AddItemToObject(t->more, it->string, copy);
  }
  return ORTUNE_OK;
}

int ortune_trial_from_json(const cJSON *j, ortune_trial **out) {
  int rc = ortune_trial_new(out);
  if (rc) return rc;
  if ((rc = ortune_trial_absorb_json(*out, j))) {
    ortune_trial_release(*out);
    *out = NULL;
  }
  return rc;
}

static void add_config(cJSON *tr, const ortune_config *c) {
  cJSON *j = cJSON_AddObjectToObject(tr, "config");
  for (int i = 0; i < ortune_noptions; i++)
    if (c->value[i]) cJSON_AddStringToObject(j, ortune_options[i].name, c->value[i]);
}

cJSON *ortune_trial_to_json(const ortune_trial *t) {
  cJSON *tr = cJSON_CreateObject();
  if (!tr) return NULL;
  cJSON_AddNumberToObject(tr, "id", t->id);
  cJSON_AddStringToObject(tr, "name", t->name ? t->name : "");
  cJSON_AddStringToObject(tr, "stage", t->stage);
  if (t->inputs) cJSON_AddStringToObject(tr, "inputs", t->inputs);
  add_config(tr, t->config);
  for (size_t i = 0; i < NNUMS; i++)
    if (!isnan(num_of(t, i))) cJSON_AddNumberToObject(tr, trial_nums[i].key, num_of(t, i));
  if (t->dropped) cJSON_AddBoolToObject(tr, "dropped", 1);
  const cJSON *it;
  cJSON_ArrayForEach(it, t->more) cJSON_AddItemToObject(tr, it->string, cJSON_Duplicate(it, 1));
  if (t->error_code) cJSON_AddNumberToObject(tr, "error_code", t->error_code);
  cJSON_AddStringToObject(tr, "status", ortune_trial_status_name(t->status));
  if (t->reason) cJSON_AddStringToObject(tr, "reason", t->reason);
  if (!isnan(t->speedup)) cJSON_AddNumberToObject(tr, "speedup", t->speedup);
  if (t->resumed) cJSON_AddBoolToObject(tr, "resumed", 1);
  return tr;
}

int ortune_trial_clone(const ortune_trial *t, ortune_trial **out) {
  cJSON *j = ortune_trial_to_json(t);
  if (!j) return ortune_set_error(ORTUNE_ENOMEM, "trial: out of memory");
  int rc = ortune_trial_from_json(j, out);
  cJSON_Delete(j);
  return rc;
}

const char *ortune_trial_option(const ortune_trial *t, const ortune_config *base, int idx) {
  return t->config->value[idx] ? t->config->value[idx] : ortune_config_value(base, idx);
}

int ortune_trial_changed_options(const ortune_trial *t) {
  int n = 0;
  for (int i = 0; i < ortune_noptions; i++) n += t->config->value[i] != NULL;
  return n;
}

void ortune_trial_apply_config(const ortune_trial *t, ortune_config *c) {
  for (int i = 0; i < ortune_noptions; i++)
    if (t->config->value[i]) ortune_config_set(c, ortune_options[i].name, t->config->value[i]);
}

/* ---- the trials array ---------------------------------------------------------------------------- */

void ortune_trials_init(ortune_trials *ts) { memset(ts, 0, sizeof *ts); }

void ortune_trials_clear(ortune_trials *ts) {
  for (int i = 0; i < ts->n; i++) ortune_trial_release(ts->v[i]);
  free(ts->v);
  ortune_trials_init(ts);
}

int ortune_trials_add(ortune_trials *ts, ortune_trial *t) {
  if (ts->n == ts->cap) {
    int cap = ts->cap ? 2 * ts->cap : 16;
    ortune_trial **v = realloc(ts->v, (size_t)cap * sizeof *v);
    if (!v) {
      ortune_trial_release(t);
      return ortune_set_error(ORTUNE_ENOMEM, "trials: out of memory");
    }
    ts->v = v;
    ts->cap = cap;
  }
  ts->v[ts->n++] = t;
  return ORTUNE_OK;
}

void ortune_trials_remove(ortune_trials *ts, int i) {
  if (i < 0 || i >= ts->n) return;
  ortune_trial_release(ts->v[i]);
  memmove(ts->v + i, ts->v + i + 1, (size_t)(ts->n - i - 1) * sizeof *ts->v);
  ts->n--;
}

/* ---- the machine ------------------------------------------------------------------------------------ */

static void copy_str(char *dst, size_t len, const cJSON *o, const char *k) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
  snprintf(dst, len, "%s", s ? s : "");
}

static double get_num(const cJSON *o, const char *k, double def) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(x) ? x->valuedouble : def;
}

static cJSON *machine_to_json(const ortune_machine *m) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "cpu", m->cpu);
  cJSON_AddNumberToObject(j, "cores", m->cores);
  cJSON_AddNumberToObject(j, "memory_mb", m->memory_mb);
  cJSON_AddStringToObject(j, "ort_version", m->ort_version);
  if (!m->has_gpu) {
    cJSON_AddNullToObject(j, "gpu");
    return j;
  }
  cJSON *x = cJSON_AddObjectToObject(j, "gpu");
  cJSON_AddStringToObject(x, "name", m->gpu.name);
  cJSON_AddNumberToObject(x, "memory_mb", m->gpu.memory_mb);
  cJSON_AddStringToObject(x, "driver", m->gpu.driver);
  cJSON_AddStringToObject(x, "cc", m->gpu.cc);
  cJSON_AddNumberToObject(x, "sm_count", m->gpu.sm_count);
  cJSON_AddStringToObject(x, "class", m->gpu.cls);
  return j;
}

static void machine_from_json(const cJSON *j, ortune_machine *m) {
  memset(m, 0, sizeof *m);
  copy_str(m->cpu, sizeof m->cpu, j, "cpu");
  copy_str(m->ort_version, sizeof m->ort_version, j, "ort_version");
  m->cores = get_num(j, "cores", 0);
  m->memory_mb = get_num(j, "memory_mb", 0);
  const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "gpu");
  if (!cJSON_IsObject(g)) return;
  m->has_gpu = 1;
  copy_str(m->gpu.name, sizeof m->gpu.name, g, "name");
  copy_str(m->gpu.driver, sizeof m->gpu.driver, g, "driver");
  copy_str(m->gpu.cc, sizeof m->gpu.cc, g, "cc");
  copy_str(m->gpu.cls, sizeof m->gpu.cls, g, "class");
  m->gpu.memory_mb = get_num(g, "memory_mb", 0);
  m->gpu.sm_count = get_num(g, "sm_count", 0);
}

/* ---- a results file ----------------------------------------------------------------------------- */

void ortune_results_init(ortune_results *r) {
  memset(r, 0, sizeof *r);
  r->schema = ORTUNE_RESULTS_SCHEMA;
  r->first_run_weight = r->noise = r->search_noise = r->wall_s = NAN;
  ortune_trials_init(&r->trials);
}

void ortune_results_clear(ortune_results *r) {
  free(r->model_path);
  free(r->input_shapes);
  free(r->shape_sets);
  ortune_config_release(r->base);
  ortune_trials_clear(&r->trials);
  cJSON_Delete(r->sections);
  ortune_results_init(r);
}

static void add_header(cJSON *j, const ortune_results *r) {
  cJSON_AddNumberToObject(j, "schema", r->schema);
  cJSON_AddStringToObject(j, "ortune_version", r->ortune_version);
  cJSON_AddStringToObject(j, "date", r->date);
  cJSON *md = cJSON_AddObjectToObject(j, "model");
  cJSON_AddStringToObject(md, "path", r->model_path ? r->model_path : "");
  cJSON_AddStringToObject(md, "sha256", r->model_sha256);
  cJSON_AddStringToObject(md, "input_shapes", r->input_shapes ? r->input_shapes : "");
  if (r->shape_sets) cJSON_AddStringToObject(md, "shape_sets", r->shape_sets);
  if (!isnan(r->first_run_weight)) cJSON_AddNumberToObject(j, "first_run_weight", r->first_run_weight);
  if (r->has_machine) cJSON_AddItemToObject(j, "machine", machine_to_json(&r->machine));
  cJSON_AddStringToObject(j, "space", r->space);
  cJSON_AddStringToObject(j, "strategy", r->strategy);
  cJSON_AddStringToObject(j, "objective", r->objective);
  cJSON_AddStringToObject(j, "provider", r->provider);
  cJSON_AddStringToObject(j, "io", r->io);
  if (r->base) cJSON_AddItemToObject(j, "base", ortune_config_to_json(r->base));
  cJSON_AddNumberToObject(j, "baseline", 0);
}

cJSON *ortune_results_to_json(const ortune_results *r) {
  cJSON *j = cJSON_CreateObject();
  if (!j) return NULL;
  add_header(j, r);
  cJSON *trials = cJSON_AddArrayToObject(j, "trials");
  for (int i = 0; i < r->trials.n; i++) cJSON_AddItemToArray(trials, ortune_trial_to_json(r->trials.v[i]));
  if (!isnan(r->noise)) cJSON_AddNumberToObject(j, "noise", r->noise);
  if (!isnan(r->search_noise)) cJSON_AddNumberToObject(j, "search_noise", r->search_noise);
  const cJSON *it;
  cJSON_ArrayForEach(it, r->sections) cJSON_AddItemToObject(j, it->string, cJSON_Duplicate(it, 1));
  if (!isnan(r->wall_s)) cJSON_AddNumberToObject(j, "wall_s", r->wall_s);
  if (cJSON_GetArraySize(trials) != r->trials.n || !cJSON_GetObjectItemCaseSensitive(j, "baseline")) { /* out of memory */
    cJSON_Delete(j);
    return NULL;
  }
  return j;
}

/* The keys add_header and ortune_results_to_json write themselves (all others go to sections). */
static int header_key(const char *k) {
  static const char *const keys[] = {"schema",   "ortune_version", "date", "model",    "first_run_weight", "machine",
                                     "space",    "strategy",       "objective", "provider", "io",            "base",
                                     "baseline", "trials",         "noise",     "wall_s",   "search_noise"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (!strcmp(k, keys[i])) return 1;
  return 0;
}

static int header_from_json(const cJSON *j, ortune_results *r) {
  const cJSON *md = cJSON_GetObjectItemCaseSensitive(j, "model"), *s;
  r->schema = (int)get_num(j, "schema", ORTUNE_RESULTS_SCHEMA);
  copy_str(r->ortune_version, sizeof r->ortune_version, j, "ortune_version");
  copy_str(r->date, sizeof r->date, j, "date");
  copy_str(r->model_sha256, sizeof r->model_sha256, md, "sha256");
  if (ortune_trial_set_text(&r->model_path, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "path"))) ||
      ortune_trial_set_text(&r->input_shapes, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "input_shapes"))))
    return ORTUNE_ENOMEM;
  if ((s = cJSON_GetObjectItemCaseSensitive(md, "shape_sets")) && ortune_trial_set_text(&r->shape_sets, s->valuestring))
    return ORTUNE_ENOMEM;
  r->first_run_weight = get_num(j, "first_run_weight", NAN);
  if ((r->has_machine = cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(j, "machine")))) machine_from_json(s, &r->machine);
  copy_str(r->space, sizeof r->space, j, "space");
  copy_str(r->strategy, sizeof r->strategy, j, "strategy");
  copy_str(r->objective, sizeof r->objective, j, "objective");
  copy_str(r->provider, sizeof r->provider, j, "provider");
  copy_str(r->io, sizeof r->io, j, "io");
  r->noise = get_num(j, "noise", NAN);
  r->search_noise = get_num(j, "search_noise", NAN);
  r->wall_s = get_num(j, "wall_s", NAN);
  if ((s = cJSON_GetObjectItemCaseSensitive(j, "base"))) return ortune_config_from_json(s, &r->base);
  return ORTUNE_OK;
}

int ortune_results_from_json(const cJSON *j, ortune_results *r) {
  ortune_results_init(r);
  int rc = header_from_json(j, r);
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "trials")) {
    ortune_trial *t = NULL;
    if (rc || (rc = ortune_trial_from_json(it, &t)) || (rc = ortune_trials_add(&r->trials, t))) break;
  }
  if (!rc && !(r->sections = cJSON_CreateObject())) rc = ortune_set_error(ORTUNE_ENOMEM, "results: out of memory");
  cJSON_ArrayForEach(it, j) {
    if (rc || header_key(it->string)) continue;
    cJSON_AddItemToObject(r->sections, it->string, cJSON_Duplicate(it, 1));
  }
  if (rc) ortune_results_clear(r);
  return rc;
}

int ortune_results_read(const char *path, const char *what, const char *way_out, ortune_results *r) {
  cJSON *j = NULL;
  ortune_results_init(r);
  int rc = ortune_results_load(path, what, way_out, &j);
  if (rc) return rc;
  rc = ortune_results_from_json(j, r);
  cJSON_Delete(j);
  if (rc) return ortune_set_error(rc, "%s %s: %s: %s", what, path, ortune_last_error(), way_out);
  return ORTUNE_OK;
}
