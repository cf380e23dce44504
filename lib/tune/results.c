/* results.c - the schema of results JSON files, checked in one place.
 *
 * How it works: tune writes {"schema": 1, ..., "trials": [...], "impact": [...], "final": {...}}. Every reader
 * (tune --resume, report, explain --results) goes through ortune_results_parse, which parses with cJSON (its
 * nesting limit bounds recursion) and walks a table per object kind: each known key has a type (string with a
 * maximum length, number, bool, object, array), required or optional; a trial's status is one of the known
 * statuses and its config maps option names to strings. Unknown keys are allowed (newer fields), but a known key
 * with the wrong type, a missing required key or an over-long string fails with one line naming the field as
 * trials[3].config.execution_mode, so a hand-edited or damaged file is an error, never a crash further on. The
 * CSV writer lives here too: it quotes and escapes each field into a growing buffer, so no field length can
 * overflow anything. */
#include "internal.h"
#include "results.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STR, T_NUM, T_BOOL, T_OBJ, T_ARR, T_STATUS, T_CONFIG, T_NUMS } ftype;
typedef struct {
  const char *key;
  ftype type;
  int required;
  size_t maxlen; /* strings; arrays: most elements */
} field;

#define S(k, n) {k, T_STR, 0, n}
#define N(k) {k, T_NUM, 0, 0}
static const field top_fields[] = {
  {"schema", T_NUM, 0, 0}, S("ortune_version", 64), S("date", 64), {"model", T_OBJ, 0, 0}, {"machine", T_OBJ, 0, 0},
  S("space", 32), S("strategy", 32), S("objective", 32), S("provider", 32), S("io", 32), N("baseline"), N("noise"),
  N("search_noise"), N("wall_s"), N("first_run_weight"), {"trials", T_ARR, 1, 1000000}, {"impact", T_ARR, 0, 1000000},
  {"final", T_OBJ, 0, 0}, {"base", T_OBJ, 0, 0}, {NULL, 0, 0, 0}};
static const field model_fields[] = {S("path", 4096), S("sha256", 64), S("input_shapes", 4096), S("shape_sets", 8192),
                                     {NULL, 0, 0, 0}};
static const field machine_fields[] = {S("cpu", 256), N("cores"), N("memory_mb"), S("ort_version", 64), {NULL, 0, 0, 0}};
static const field trial_fields[] = {
  {"id", T_NUM, 1, 0}, {"name", T_STR, 1, 1024}, {"stage", T_STR, 1, 32}, {"status", T_STATUS, 1, 0},
  {"config", T_CONFIG, 1, 0}, S("reason", 4096), S("inputs", 8192), N("error_code"), N("create_ms"), N("first_run_ms"),
  N("first_run_mean_ms"), N("warmup_runs"), N("runs"), N("p50_ms"), N("p90_ms"), N("p99_ms"), N("mean_ms"), N("min_ms"),
  N("cv"), N("peak_host_mb"), N("peak_gpu_mb"), N("speedup"), N("max_abs_err"), N("max_rel_err"), N("event_p50_ms"),
  {"dropped", T_BOOL, 0, 0}, {"resumed", T_BOOL, 0, 0}, {"latencies_ms", T_NUMS, 0, 10000000},
  {"shapes", T_ARR, 0, 1024}, {NULL, 0, 0, 0}};
static const field impact_fields[] = {{"option", T_STR, 1, 128}, {"value", T_STR, 1, 256}, {"speedup", T_NUM, 1, 0},
                                      {"ci_low", T_NUM, 1, 0}, {"ci_high", T_NUM, 1, 0}, {"n", T_NUM, 1, 0},
                                      {NULL, 0, 0, 0}};
static const field final_fields[] = {{"candidates", T_ARR, 0, 64}, N("winner"), S("verdict", 32), S("message", 1024),
                                     S("ab_error", 4096), N("baseline_p50_ms"), N("baseline_p99_ms"), {NULL, 0, 0, 0}};
static const field cand_fields[] = {{"id", T_NUM, 1, 0}, {"name", T_STR, 1, 1024}, {"speedup", T_NUM, 1, 0},
                                    {"ci_low", T_NUM, 1, 0}, {"ci_high", T_NUM, 1, 0}, N("p50_ms"), N("p99_ms"),
                                    {"significant", T_BOOL, 0, 0}, {NULL, 0, 0, 0}};
static const field shape_fields[] = {N("first_run_ms"), N("p50_ms"), N("p99_ms"), {NULL, 0, 0, 0}};
#undef S
#undef N

static const char *const status_names[ORTUNE_TRIAL_NSTATUS] = {"ok",  "mismatch", "crash",         "timeout",
                                                                "oom", "invalid",  "runtime_error", "interrupted"};

const char *ortune_trial_status_name(ortune_trial_status s) {
  return s >= 0 && s < ORTUNE_TRIAL_NSTATUS ? status_names[s] : "crash";
}

int ortune_trial_status_parse(const char *name) {
  for (int i = 0; i < ORTUNE_TRIAL_NSTATUS; i++)
    if (name && !strcmp(name, status_names[i])) return i;
  return -1;
}

typedef struct {
  const char *path, *what, *way_out;
} ctx;

static int bad(const ctx *c, const char *where, const char *key, const char *problem) {
  char field[300];
  snprintf(field, sizeof field, "%s%s%.128s%s", where, *where && key ? "." : "", key ? key : "", *where || key ? ": " : "");
  return ortune_set_error(ORTUNE_ECONFIG, "%s %s: %s%s: %s", c->what, c->path, field, problem, c->way_out);
}

static const char *type_name(ftype t) {
  static const char *const n[] = {"a string", "a number", "true or false", "an object", "an array", "a status string",
                                  "an object of option names to strings", "an array of numbers"};
  return n[t];
}

static int type_ok(const cJSON *v, ftype t) {
  switch (t) {
    case T_STR: case T_STATUS: return cJSON_IsString(v);
    case T_NUM: return cJSON_IsNumber(v) && isfinite(v->valuedouble);
    case T_BOOL: return cJSON_IsBool(v);
    case T_OBJ: case T_CONFIG: return cJSON_IsObject(v);
    case T_ARR: case T_NUMS: return cJSON_IsArray(v);
  }
  return 0;
}

static int check_value(const ctx *c, const char *where, const field *f, const cJSON *v) {
  char problem[160];
  if (!type_ok(v, f->type)) {
    snprintf(problem, sizeof problem, "is %s, want %s", cJSON_IsNull(v) ? "null" : cJSON_IsString(v) ? "a string" :
             cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a bool" : cJSON_IsArray(v) ? "an array" : "an object",
             type_name(f->type));
    return bad(c, where, f->key, problem);
  }
  if (f->type == T_STR && strlen(v->valuestring) > f->maxlen) {
    snprintf(problem, sizeof problem, "%zu characters, at most %zu", strlen(v->valuestring), f->maxlen);
    return bad(c, where, f->key, problem);
  }
  if (f->type == T_STATUS) {
    if (ortune_trial_status_parse(v->valuestring) >= 0) return ORTUNE_OK; /* status_names */
    return bad(c, where, f->key, "not a known status (ok, mismatch, crash, timeout, oom, invalid, runtime_error, interrupted)");
  }
  if ((f->type == T_ARR || f->type == T_NUMS) && (size_t)cJSON_GetArraySize(v) > f->maxlen) {
    snprintf(problem, sizeof problem, "%d elements, at most %zu", cJSON_GetArraySize(v), f->maxlen);
    return bad(c, where, f->key, problem);
  }
  const cJSON *e;
  if (f->type == T_NUMS)
    cJSON_ArrayForEach(e, v) if (!cJSON_IsNumber(e)) return bad(c, where, f->key, "holds a value that is not a number");
  if (f->type == T_CONFIG)
    cJSON_ArrayForEach(e, v) {
      if (!cJSON_IsString(e) || strlen(e->valuestring) > 256 || strlen(e->string) > 128) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s%s%s", where, *where ? "." : "", f->key);
        field ff = {e->string, T_STR, 1, 256};
        return strlen(e->string) > 128 ? bad(c, sub, NULL, "an option name longer than 128 characters")
                                       : check_value(c, sub, &ff, e);
      }
    }
  return ORTUNE_OK;
}

/* Check object o (at where) against fields. */
static int check_object(const ctx *c, const char *where, const cJSON *o, const field *fields) {
  if (!cJSON_IsObject(o)) return bad(c, where, NULL, "is not an object");
  for (const field *f = fields; f->key; f++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->key);
    if (!v) {
      if (!f->required) continue;
      char problem[96];
      snprintf(problem, sizeof problem, "missing (want %s)", type_name(f->type));
      return bad(c, where, f->key, problem);
    }
    int rc = check_value(c, where, f, v);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

/* Every element of the array o[key] against fields, named KEY[i]. */
static int check_rows(const ctx *c, const char *prefix, const cJSON *arr, const field *fields) {
  const cJSON *e;
  int i = 0, rc;
  cJSON_ArrayForEach(e, arr) {
    char where[128];
    snprintf(where, sizeof where, "%s[%d]", prefix, i++);
    if ((rc = check_object(c, where, e, fields))) return rc;
  }
  return ORTUNE_OK;
}

int ortune_results_validate(const cJSON *r, const char *path, const char *what, const char *way_out) {
  ctx c = {path, what, way_out};
  int rc = check_object(&c, "", r, top_fields);
  if (rc) return rc;
  const cJSON *schema = cJSON_GetObjectItemCaseSensitive(r, "schema");
  if (schema && schema->valuedouble != ORTUNE_RESULTS_SCHEMA)
    return bad(&c, "", "schema", "not 1: written by another version of ortune");
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "model"), *mc = cJSON_GetObjectItemCaseSensitive(r, "machine");
  const cJSON *fin = cJSON_GetObjectItemCaseSensitive(r, "final"), *t;
  if ((m && (rc = check_object(&c, "model", m, model_fields))) || (mc && (rc = check_object(&c, "machine", mc, machine_fields))))
    return rc;
  if ((rc = check_rows(&c, "trials", cJSON_GetObjectItemCaseSensitive(r, "trials"), trial_fields))) return rc;
  int i = 0;
  cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(r, "trials")) {
    char where[64];
    snprintf(where, sizeof where, "trials[%d].shapes", i++);
    if ((rc = check_rows(&c, where, cJSON_GetObjectItemCaseSensitive(t, "shapes"), shape_fields))) return rc;
  }
  if ((rc = check_rows(&c, "impact", cJSON_GetObjectItemCaseSensitive(r, "impact"), impact_fields))) return rc;
  if (fin && ((rc = check_object(&c, "final", fin, final_fields)) ||
              (rc = check_rows(&c, "final.candidates", cJSON_GetObjectItemCaseSensitive(fin, "candidates"), cand_fields))))
    return rc;
  return ORTUNE_OK;
}

int ortune_results_parse(const char *text, size_t len, const char *path, const char *what, const char *way_out, cJSON **out) {
  *out = NULL;
  const char *end = NULL;
  cJSON *r = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!r) {
    ctx c = {path, what, way_out};
    char problem[96];
    size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
    snprintf(problem, sizeof problem, "not valid JSON (cut short, or nested too deep?) near byte %zu", at);
    return bad(&c, "", NULL, problem);
  }
  int rc = ortune_results_validate(r, path, what, way_out);
  if (rc) cJSON_Delete(r);
  else *out = r;
  return rc;
}

int ortune_results_load(const char *path, const char *what, const char *way_out, cJSON **out) {
  char *txt = NULL;
  size_t len = 0;
  *out = NULL;
  int rc = ortune_read_file(path, &txt, &len);
  if (rc) return ortune_set_error(rc, "%s %s: %s", what, path, ortune_last_error());
  if (len > ORTUNE_RESULTS_MAX_BYTES) {
    free(txt);
    return ortune_set_error(ORTUNE_ECONFIG, "%s %s: %zu bytes, more than a results file holds: %s", what, path, len, way_out);
  }
  rc = ortune_results_parse(txt, len, path, what, way_out, out);
  free(txt);
  return rc;
}

/* ---- CSV ---------------------------------------------------------------------------------- */

typedef struct {
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

/* A quoted CSV field: '"' doubled, control characters (newlines too) as spaces. */
static void sb_csv_str(sbuf *b, const char *s) {
  sb_put(b, "\"", 1);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"') sb_put(b, "\"\"", 2);
    else sb_put(b, ch < 0x20 || ch == 0x7f ? " " : s, 1);
  }
  sb_put(b, "\"", 1);
}

static void sb_csv_num(sbuf *b, const cJSON *o, const char *k, const char *fmt) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  char num[64];
  int w = cJSON_IsNumber(v) ? snprintf(num, sizeof num, fmt, v->valuedouble) : snprintf(num, sizeof num, "nan");
  sb_put(b, ",", 1);
  sb_put(b, num, w > 0 && (size_t)w < sizeof num ? (size_t)w : 0);
}

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

char *ortune_results_csv(const cJSON *results, size_t *len) {
  static const char *const nums[] = {"p50_ms", "p90_ms", "p99_ms", "mean_ms", "cv", "create_ms", "first_run_ms",
                                     "peak_host_mb", "peak_gpu_mb", "speedup"};
  sbuf b = {0};
  const char *hdr = ORTUNE_CSV_HEADER_START "p50_ms,p90_ms,p99_ms,mean_ms,cv,create_ms,first_run_ms,peak_host_mb,peak_gpu_mb,speedup,reason\n";
  sb_put(&b, hdr, strlen(hdr));
  const cJSON *tr;
  cJSON_ArrayForEach(tr, cJSON_GetObjectItemCaseSensitive(results, "trials")) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(tr, "id");
    char num[32];
    int w = snprintf(num, sizeof num, "%.0f", cJSON_IsNumber(id) && fabs(id->valuedouble) < 1e15 ? id->valuedouble : -1.0);
    sb_put(&b, num, (size_t)w);
    sb_put(&b, ",", 1);
    sb_csv_str(&b, jstr(tr, "name"));
    sb_put(&b, ",", 1);
    sb_csv_str(&b, jstr(tr, "stage"));
    sb_put(&b, ",", 1);
    sb_csv_str(&b, jstr(tr, "status"));
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) sb_csv_num(&b, tr, nums[i], !strcmp(nums[i], "cv") || !strcmp(nums[i], "speedup") ? "%.4g" : "%.5g");
    sb_put(&b, ",", 1);
    sb_csv_str(&b, jstr(tr, "reason"));
    sb_put(&b, "\n", 1);
  }
  if (b.oom) {
    free(b.p);
    return NULL;
  }
  if (len) *len = b.n;
  return b.p;
}
