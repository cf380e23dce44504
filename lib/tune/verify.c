/* verify.c - the tuner's output check: every candidate against an exact float32 reference, judged by the defaults'.
 *
 * How it works: once per tune, after the baseline, a trial child runs the model on ORT's CPU EP with a fixed
 * configuration (one intra-op thread, so the result is the same on every run and on --resume; ORT's default graph
 * optimizations; no denormal flush, ORT's default) on exactly the input sets the trials use (the main inputs or
 * --input data, a second random set, each --shapes set), and its outputs are the reference. The CPU EP computes
 * float32 in float32 (MLAS kernels, no TF32, no reduced-precision accumulation), so its error against the true
 * result is float32 rounding, orders of magnitude below what a GPU configuration (TF32, other cuDNN algorithms,
 * fp16) changes: it is exact enough to tell which of two configurations is closer to the truth. The defaults'
 * own outputs get an error against it, and so does each candidate, per output and input set: max abs, max rel and
 * the scale-aware norm = max|got-ref| / max|ref|. A candidate is acceptable when its norm is at most
 * max(2 x the defaults' norm, floor): not materially less exact than what production gets today, where floor is
 * 1e-4 of the output's scale for float32 (about 840 ulps of its largest value: the rounding that reordered
 * reductions of ~1e3-1e4 terms over ~100 layers accumulate, sqrt(K) x L x 2^-23, so the CPU configurations that
 * only reorder arithmetic stay acceptable when the defaults' own error is 0) and 8 ulps-of-scale for float16 and
 * bfloat16, and never below 8 ulps of 1.0 in absolute terms (9.5e-7 for float32): an output near zero (a saturated
 * sigmoid, a cancellation) inherits the rounding of the O(1) activations it was computed from, not of its own
 * magnitude (PP-OCRv4 det on random input: max 1.6e-4, ORT_ENABLE_EXTENDED moves it by 1.8e-7). A candidate more exact than the defaults is always acceptable; NaN/Inf where the reference is finite is
 * always rejected; with --atol/--rtol every element must also be within atol + rtol x |ref|. Models with random
 * operators (found by scanning the model file's nodes) and a failed reference run fall back to weaker checks and
 * say so in one line, as do outputs that are near zero or near constant on the check inputs (a weak check). */
#include "verify.h"
#include "pbwire.h"
#include "tune.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- element access ----------------------------------------------------------------- */

enum { K_NONE, K_FLOAT, K_INT };

static int dtype_kind(int dt) {
  switch (dt) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return K_FLOAT;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return K_INT;
  default: return K_NONE; /* strings, complex, 8- and 4-bit floats and ints: compared element by element */
  }
}

static double half_to_double(uint16_t h) {
  int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m | 0x400, e - 25);
  return (h & 0x8000) ? -v : v;
}

static double elem(const ortune_tensor *t, size_t i) {
  const uint8_t *p = t->data;
  float f;
  uint32_t u;
  switch (t->dtype) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: memcpy(&f, p + 4 * i, 4); return f;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: { double d; memcpy(&d, p + 8 * i, 8); return d; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: { uint16_t h; memcpy(&h, p + 2 * i, 2); return half_to_double(h); }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: { uint16_t h; memcpy(&h, p + 2 * i, 2); u = (uint32_t)h << 16; memcpy(&f, &u, 4); return f; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return (int8_t)p[i];
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return p[i];
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: { int16_t x; memcpy(&x, p + 2 * i, 2); return x; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: { uint16_t x; memcpy(&x, p + 2 * i, 2); return x; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: { int32_t x; memcpy(&x, p + 4 * i, 4); return x; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: { uint32_t x; memcpy(&x, p + 4 * i, 4); return x; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: { int64_t x; memcpy(&x, p + 8 * i, 8); return (double)x; }
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: { uint64_t x; memcpy(&x, p + 8 * i, 8); return (double)x; }
  default: return NAN;
  }
}

/* Elements of an opaque dtype that differ (strings by text, others by their bytes). */
static size_t opaque_diff(const ortune_tensor *got, const ortune_tensor *ref) {
  size_t n = 0;
  if (ref->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    char **a = got->data, **b = ref->data;
    for (size_t i = 0; i < ref->count; i++) n += strcmp(a[i] ? a[i] : "", b[i] ? b[i] : "") != 0;
    return n;
  }
  size_t w = ref->count ? ref->nbytes / ref->count : 0;
  if (!w) return got->nbytes != ref->nbytes || memcmp(got->data, ref->data, ref->nbytes) ? ref->count : 0;
  for (size_t i = 0; i < ref->count; i++) n += memcmp((const uint8_t *)got->data + i * w, (const uint8_t *)ref->data + i * w, w) != 0;
  return n;
}

/* ---- error and the acceptance rule ---------------------------------------------------- */

const char *ortune_verdict_name(ortune_verdict v) {
  static const char *const names[] = {"more exact", "ok", "less exact", "outside tolerance", "nan/inf", "shape"};
  return v <= ORTUNE_V_SHAPE ? names[v] : "?";
}

double ortune_verify_floor(int dtype) {
  switch (dtype) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return 1e-4;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return 8 * 0x1p-10;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return 8 * 0x1p-7;
  default: return 0; /* integers, strings: exact unless the defaults themselves differ */
  }
}

double ortune_verify_unit_floor(int dtype) {
  switch (dtype) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return 8 * 0x1p-23;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return 8 * 0x1p-10;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return 8 * 0x1p-7;
  default: return 0;
  }
}

static int same_shape(const ortune_tensor *a, const ortune_tensor *b) {
  if (a->dtype != b->dtype || a->ndim != b->ndim || a->count != b->count) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return a->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING || a->nbytes == b->nbytes;
}

void ortune_verify_error(const ortune_tensor *got, const ortune_tensor *ref, double user_rtol, double user_atol, ortune_verr *e) {
  memset(e, 0, sizeof *e);
  if (!same_shape(got, ref)) {
    e->bad_shape = 1;
    return;
  }
  int kind = dtype_kind(ref->dtype);
  if (kind == K_NONE) {
    e->norm = ref->count ? (double)opaque_diff(got, ref) / (double)ref->count : 0;
    return;
  }
  double scale = 0;
  for (size_t i = 0; i < ref->count; i++) {
    double r = fabs(elem(ref, i));
    if (isfinite(r) && r > scale) scale = r;
  }
  int tol = kind == K_FLOAT && (user_rtol >= 0 || user_atol >= 0);
  double rtol = user_rtol >= 0 ? user_rtol : 0, atol = user_atol >= 0 ? user_atol : ortune_verify_floor(ref->dtype) * scale;
  size_t ndiff = 0;
  for (size_t i = 0; i < ref->count; i++) {
    double r = elem(ref, i), g = elem(got, i);
    if (!isfinite(r)) {
      if (!(isnan(r) && isnan(g)) && r != g) e->special_diff++;
      continue;
    }
    if (!isfinite(g)) {
      e->nonfinite++;
      continue;
    }
    double d = fabs(g - r);
    ndiff += d != 0;
    if (d > e->max_abs) e->max_abs = d;
    if (r != 0 && d / fabs(r) > e->max_rel) e->max_rel = d / fabs(r);
    if (tol && d > atol + rtol * fabs(r)) e->tol_fail++;
  }
  e->scale = scale;
  if (kind == K_INT) e->norm = ref->count ? (double)ndiff / (double)ref->count : 0;
  else e->norm = e->max_abs == 0 ? 0 : e->max_abs / (scale > 1e-30 ? scale : 1e-30);
}

ortune_verdict ortune_verify_judge(const ortune_verr *cand, const ortune_verr *def, int dtype, double *allowed) {
  double a = 2 * def->norm, floor = ortune_verify_floor(dtype), unit = ortune_verify_unit_floor(dtype);
  if (unit > 0 && unit / (cand->scale > 1e-30 ? cand->scale : 1e-30) > floor) floor = unit / (cand->scale > 1e-30 ? cand->scale : 1e-30);
  *allowed = a > floor ? a : floor;
  if (cand->bad_shape) return ORTUNE_V_SHAPE;
  if (cand->nonfinite || cand->special_diff > def->special_diff) return ORTUNE_V_NONFINITE;
  if (cand->tol_fail) return ORTUNE_V_TOLERANCE;
  if (cand->norm < def->norm) return ORTUNE_V_MORE_EXACT;
  return cand->norm <= *allowed ? ORTUNE_V_OK : ORTUNE_V_WORSE;
}

int ortune_verify_weak(const ortune_tensor *ref, char *why, size_t len) {
  int kind = dtype_kind(ref->dtype);
  double lo = INFINITY, hi = -INFINITY, scale = 0;
  size_t n = 0;
  if (kind == K_NONE || !ref->count) return 0;
  for (size_t i = 0; i < ref->count; i++) {
    double v = elem(ref, i);
    if (!isfinite(v)) continue;
    n++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (fabs(v) > scale) scale = fabs(v);
  }
  if (!n) return snprintf(why, len, "no finite value"), 1;
  /* near zero: below 1e-3 in absolute terms (a probability or score map all ~0); near constant: every value
   * within 1e-3 of the largest magnitude of each other (for integers: all equal) */
  if (kind == K_FLOAT && scale < 1e-3) return snprintf(why, len, "max|ref| %.2g (near zero)", scale), 1;
  if (n > 1 && hi - lo <= (kind == K_FLOAT ? 1e-3 * scale : 0))
    return snprintf(why, len, "all %zu values within %.2g of %.4g (near constant)", n, hi - lo, lo), 1;
  return 0;
}

/* ---- random operators: a scan of the model file's nodes --------------------------------- */

typedef struct {
  char *ops;
  size_t len;
  int found, depth;
} rscan;

static pb_reader sub(const pb_field *f) {
  pb_reader r = {f->p, f->p, f->p + f->n, 0, 0};
  return r;
}

static void note_op(rscan *s, const char *op) {
  if (strstr(s->ops, op)) return;
  size_t n = strlen(s->ops);
  snprintf(s->ops + n, s->len - n, "%s%s", n ? ", " : "", op);
  s->found = 1;
}

static int is_random(const pb_field *op) {
  static const char *const ops[] = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                    "Multinomial", "Bernoulli"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (op->n == strlen(ops[i]) && !memcmp(op->p, ops[i], op->n)) return 1;
  return 0;
}

/* Is name a graph initializer holding a false boolean (Dropout's training_mode = false)? */
static int false_initializer(const pb_field *graph, const pb_field *name) {
  pb_reader r = sub(graph);
  pb_field f;
  while (pb_next(&r, &f) == PB_FIELD) {
    if (f.num != 5 || f.wt != PB_LEN) continue;
    pb_reader t = sub(&f);
    pb_field x;
    int match = 0, value = -1;
    while (pb_next(&t, &x) == PB_FIELD) {
      if (x.num == 8 && x.wt == PB_LEN) match = x.n == name->n && !memcmp(x.p, name->p, x.n);
      if (x.num == 9 && x.wt == PB_LEN && x.n == 1) value = x.p[0]; /* raw_data */
      if (x.num == 5 && x.wt == PB_VARINT) value = (int)x.v;        /* int32_data, unpacked */
      if (x.num == 5 && x.wt == PB_LEN && x.n == 1) value = x.p[0]; /* int32_data, packed */
    }
    if (match) return value == 0;
  }
  return 0;
}

static void scan_graph(rscan *s, const pb_field *graph, int node_field);

static void scan_node(rscan *s, const pb_field *graph, const pb_field *node) {
  pb_reader r = sub(node);
  pb_field f, op = {0}, dom = {0}, in[3] = {{0}};
  int nin = 0;
  while (pb_next(&r, &f) == PB_FIELD) {
    if (f.num == 1 && f.wt == PB_LEN && nin < 3) in[nin++] = f;
    if (f.num == 4 && f.wt == PB_LEN) op = f;
    if (f.num == 7 && f.wt == PB_LEN) dom = f;
    if (f.num == 5 && f.wt == PB_LEN) { /* attribute: subgraphs of If, Loop, Scan */
      pb_reader a = sub(&f);
      pb_field g;
      while (pb_next(&a, &g) == PB_FIELD)
        if ((g.num == 6 || g.num == 11) && g.wt == PB_LEN) scan_graph(s, &g, 1);
    }
  }
  if (dom.n && !(dom.n == 7 && !memcmp(dom.p, "ai.onnx", 7))) return;
  if (op.n && is_random(&op)) {
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)op.n, (const char *)op.p);
    note_op(s, name);
  }
  /* Dropout is random only in training mode: a third input that is not a constant false */
  if (op.n == 7 && !memcmp(op.p, "Dropout", 7) && nin == 3 && in[2].n && !false_initializer(graph, &in[2]))
    note_op(s, "Dropout (training_mode)");
}

static void scan_graph(rscan *s, const pb_field *graph, int node_field) {
  if (++s->depth > 32) return; /* nesting that deep is not a real model */
  pb_reader r = sub(graph);
  pb_field f;
  while (pb_next(&r, &f) == PB_FIELD)
    if ((int)f.num == node_field && f.wt == PB_LEN) scan_node(s, graph, &f);
  s->depth--;
}

int ortune_model_random_ops(const char *path, char *ops, size_t len) {
  struct stat st;
  ops[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ortune_set_error(ORTUNE_EIO, "read model %s: %s: check the path", path, strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
    close(fd);
    return ortune_set_error(ORTUNE_EMODEL, "read model %s: not a model file: give the path of an .onnx file", path);
  }
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return ortune_set_error(ORTUNE_EIO, "read model %s: cannot map the file: check it is readable", path);
  rscan s = {ops, len, 0, 0};
  pb_reader r = {map, map, (const uint8_t *)map + st.st_size, 0, 0};
  pb_field f;
  while (pb_next(&r, &f) == PB_FIELD) {
    if (f.num == 7 && f.wt == PB_LEN) scan_graph(&s, &f, 1);  /* graph: nodes are field 1 */
    if (f.num == 25 && f.wt == PB_LEN) scan_graph(&s, &f, 7); /* FunctionProto: nodes are field 7 */
  }
  munmap(map, (size_t)st.st_size);
  return ORTUNE_OK;
}

/* ---- the tuner's check --------------------------------------------------------------------- */

void ortune_verify_set_dir(int set, char *buf, size_t len) {
  if (set == 0) snprintf(buf, len, "%s", "");
  else if (set == 1) snprintf(buf, len, "/set2");
  else snprintf(buf, len, "/shape%d", set - 1);
}

static const char *set_name(int set, char *buf, size_t len) {
  if (set == 0) return "main";
  if (set == 1) return "set2";
  snprintf(buf, len, "shape%d", set - 1);
  return buf;
}

static int read_output(const char *dir, int set, int i, ortune_tensor *t) {
  char sd[32], path[1100];
  ortune_verify_set_dir(set, sd, sizeof sd);
  snprintf(path, sizeof path, "%s%s/output_%d.pb", dir, sd, i);
  memset(t, 0, sizeof *t);
  if (access(path, R_OK) != 0) return ORTUNE_EIO;
  return ortune_tensor_read_pb(path, t);
}

cJSON *ortune_verify_reference_spec(const char *model, const ortune_config *base, const ortune_input_spec *spec,
                                    const ortune_input_spec *extra, int nextra, const char *out_dir) {
  ortune_config *c = NULL;
  if (ortune_config_new(&c)) return NULL;
  /* CPU EP, host IO, one intra-op thread (deterministic); graph optimizations and denormals as ORT's defaults */
  ortune_config_set(c, "provider", "cpu");
  ortune_config_set(c, "io", "host");
  ortune_config_set(c, "intra_op_num_threads", "1");
  c->nfree = base->nfree; /* the same free dimensions: the same inputs */
  memcpy(c->freedim, base->freedim, sizeof c->freedim);
  cJSON *j = cJSON_CreateObject(), *bench = cJSON_CreateObject(), *xs;
  cJSON_AddStringToObject(j, "mode", "measure");
  cJSON_AddStringToObject(j, "model", model);
  cJSON_AddStringToObject(j, "name", "exact reference (cpu float32)");
  cJSON_AddItemToObject(j, "config", ortune_config_to_json(c));
  cJSON_AddItemToObject(j, "inputs", ortune_spec_to_json(spec));
  xs = cJSON_AddArrayToObject(j, "extra_shapes");
  for (int k = 0; k < nextra; k++) cJSON_AddItemToArray(xs, ortune_spec_to_json(&extra[k]));
  /* the fewest runs the trial child makes: no warm-up, one timed run per input set */
  cJSON_AddNumberToObject(bench, "min_runs", 1);
  cJSON_AddNumberToObject(bench, "max_runs", 1);
  cJSON_AddNumberToObject(bench, "duration_s", 0);
  cJSON_AddNumberToObject(bench, "warmup_max_s", 0);
  cJSON_AddItemToObject(j, "bench", bench);
  cJSON_AddStringToObject(j, "ref_dir", "");
  cJSON_AddStringToObject(j, "out_dir", out_dir);
  ortune_config_release(c);
  return j;
}

static cJSON *err_json(const ortune_verr *e) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "max_abs", e->max_abs);
  cJSON_AddNumberToObject(j, "max_rel", e->max_rel);
  cJSON_AddNumberToObject(j, "norm", e->norm);
  if (e->nonfinite) cJSON_AddNumberToObject(j, "nonfinite", (double)e->nonfinite);
  if (e->tol_fail) cJSON_AddNumberToObject(j, "outside_tolerance", (double)e->tol_fail);
  return j;
}

static void say(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *log, const char *fmt, ...) {
  if (!log) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(log, "%sortune: ", isatty(fileno(log)) ? "\r\033[K" : "");
  vfprintf(log, fmt, ap);
  fputc('\n', log);
  va_end(ap);
}

/* One (set, output) entry of setup: the defaults' error and the notes about it. */
static void setup_entry(ortune_verify *v, int set, int i, const ortune_tensor *ref, const ortune_tensor *def, cJSON *outs,
                        FILE *log) {
  ortune_verify_out *e = &v->out[v->n++];
  char why[160], sb[16];
  e->set = set;
  e->index = i;
  e->dtype = ref->dtype;
  snprintf(e->name, sizeof e->name, "%s", ref->name ? ref->name : "?");
  if (v->mode == ORTUNE_CHECK_EXACT) ortune_verify_error(def, ref, v->rtol, v->atol, &e->def);
  e->weak = v->mode != ORTUNE_CHECK_SHAPES && ortune_verify_weak(ref, why, sizeof why);
  if (e->weak && set == 0)
    say(log, "weak check on output '%s': %s on the check inputs; pass real data with --input NAME=FILE.npy", e->name, why);
  if (e->def.bad_shape && set == 0)
    say(log, "output '%s': the defaults' dtype or shape differs from the exact reference: checked against the defaults' outputs", e->name);
  else if (e->def.tol_fail && set == 0)
    say(log, "output '%s': the defaults themselves are outside --atol/--rtol (%zu elements, max abs %.3g): a candidate as exact as "
             "the defaults is rejected too", e->name, e->def.tol_fail, e->def.max_abs);
  cJSON *x = cJSON_CreateObject();
  cJSON_AddStringToObject(x, "name", e->name);
  cJSON_AddStringToObject(x, "set", set_name(set, sb, sizeof sb));
  cJSON_AddStringToObject(x, "dtype", ortune_dtype_name(ref->dtype));
  if (v->mode == ORTUNE_CHECK_EXACT) {
    cJSON_AddNumberToObject(x, "ref_max_abs", ortune_tensor_max_abs(ref));
    cJSON_AddItemToObject(x, "default_err", err_json(&e->def));
  }
  if (e->weak) cJSON_AddStringToObject(x, "weak", why);
  cJSON_AddItemToArray(outs, x);
}

int ortune_verify_setup(ortune_verify *v, int mode, const char *ref_dir, const char *defaults_dir, int nsets,
                        double rtol, double atol, const char *note, cJSON *info, FILE *log) {
  memset(v, 0, sizeof *v);
  v->mode = mode;
  v->rtol = rtol;
  v->atol = atol;
  v->nsets = nsets;
  snprintf(v->dir, sizeof v->dir, "%s", mode == ORTUNE_CHECK_EXACT ? ref_dir : defaults_dir);
  snprintf(v->defdir, sizeof v->defdir, "%s", defaults_dir);
  snprintf(v->side, sizeof v->side, "defaults");
  cJSON_AddStringToObject(info, "check", mode == ORTUNE_CHECK_EXACT ? "exact" : mode == ORTUNE_CHECK_DEFAULTS ? "defaults" : "shapes");
  if (mode == ORTUNE_CHECK_EXACT) cJSON_AddStringToObject(info, "reference", "ORT CPU EP, float32, 1 intra-op thread");
  if (note && *note) {
    cJSON_AddStringToObject(info, "note", note);
    say(log, "%s", note);
  }
  cJSON *outs = cJSON_AddArrayToObject(info, "outputs");
  for (int set = 0; set < nsets; set++) {
    for (int i = 0; i < ORTUNE_MAX_IO && v->n < ORTUNE_VERIFY_MAX; i++) {
      ortune_tensor ref, def;
      if (read_output(v->dir, set, i, &ref)) break;
      if (read_output(v->defdir, set, i, &def)) {
        ortune_tensor_release(&ref);
        return ortune_set_error(ORTUNE_EIO, "output check: the defaults' output %d is missing in %s: run the tune again", i, v->defdir);
      }
      setup_entry(v, set, i, &ref, &def, outs, log);
      ortune_tensor_release(&ref);
      ortune_tensor_release(&def);
    }
  }
  ortune_clear_error();
  return ORTUNE_OK;
}

typedef struct {
  int have, set;
  ortune_verdict verdict;
  ortune_verr cand, def;
  double allowed, ratio;
  size_t count;
  char name[128], what[160];
} judged;

/* The candidate's output of entry e, judged by the check's mode. */
static void judge_entry(const ortune_verify *v, const ortune_verify_out *e, const char *dir, judged *j) {
  ortune_tensor got, ref;
  memset(j, 0, sizeof *j);
  j->have = 1;
  j->set = e->set;
  snprintf(j->name, sizeof j->name, "%s", e->name);
  if (read_output(dir, e->set, e->index, &got)) {
    j->verdict = ORTUNE_V_SHAPE;
    snprintf(j->what, sizeof j->what, "missing");
    ortune_clear_error();
    return;
  }
  int exact = v->mode == ORTUNE_CHECK_EXACT && !e->def.bad_shape;
  if (read_output(exact ? v->dir : v->defdir, e->set, e->index, &ref)) {
    ortune_tensor_release(&got);
    j->verdict = ORTUNE_V_SHAPE;
    snprintf(j->what, sizeof j->what, "reference missing");
    ortune_clear_error();
    return;
  }
  j->count = ref.count;
  if (exact) j->def = e->def;
  ortune_verify_error(&got, &ref, exact ? v->rtol : -1, exact ? v->atol : -1, &j->cand);
  j->verdict = ortune_verify_judge(&j->cand, &j->def, ref.dtype, &j->allowed);
  if (!exact && j->verdict < ORTUNE_V_TOLERANCE) j->verdict = ORTUNE_V_OK; /* not judged by error */
  if (v->mode == ORTUNE_CHECK_DEFAULTS && j->verdict == ORTUNE_V_OK) { /* the old rule: ortune_config_tol */
    double rtol, atol;
    ortune_diff d;
    ortune_config_tol(&ref, v->rtol, v->atol, &rtol, &atol);
    if (ortune_tensor_compare(&got, &ref, rtol, atol, &d) != ORTUNE_OK) {
      j->verdict = ORTUNE_V_TOLERANCE;
      snprintf(j->what, sizeof j->what, "%s", d.what);
    }
    ortune_clear_error();
  }
  if (j->verdict == ORTUNE_V_SHAPE) snprintf(j->what, sizeof j->what, "dtype or shape differs from the %s", exact ? "reference" : "defaults'");
  j->ratio = j->allowed > 0 ? j->cand.norm / j->allowed : j->cand.norm;
  ortune_tensor_release(&got);
  ortune_tensor_release(&ref);
}

static void reason_of(const ortune_verify *v, const judged *j, char *buf, size_t len) {
  char sb[24], where[200], than[210];
  const char *side = v->side[0] ? v->side : "defaults";
  snprintf(than, sizeof than, "%s%.200s", strcmp(side, "defaults") ? "" : "the ", side);
  snprintf(where, sizeof where, "output '%s'%s%s%s", j->name, j->set ? " (" : "", j->set ? set_name(j->set, sb, sizeof sb) : "",
           j->set ? " inputs)" : "");
  if (j->what[0] && j->verdict != ORTUNE_V_TOLERANCE) snprintf(buf, len, "%s: %s", where, j->what);
  else if (j->what[0]) snprintf(buf, len, "%s", j->what);
  else if (j->verdict == ORTUNE_V_NONFINITE)
    snprintf(buf, len, "%s: %zu NaN/Inf where the %s is finite (%.200s %zu); error of the finite elements %.3g of scale (%.200s %.3g)",
             where, j->cand.nonfinite ? j->cand.nonfinite : j->cand.special_diff,
             v->mode == ORTUNE_CHECK_EXACT ? "exact reference" : "defaults' output", side,
             j->cand.nonfinite ? j->def.nonfinite : j->def.special_diff, j->cand.norm, side, j->def.norm);
  else if (j->verdict == ORTUNE_V_TOLERANCE)
    snprintf(buf, len, "%s: %zu of %zu elements outside --atol/--rtol; error max abs %.3g (%.200s %.3g), %.3g of scale (%.200s %.3g)",
             where, j->cand.tol_fail, j->count, j->cand.max_abs, side, j->def.max_abs, j->cand.norm, side, j->def.norm);
  else
    snprintf(buf, len, "%s: less exact than %.204s: error %.3g of scale, max abs %.3g (%.200s %.3g, max abs %.3g; allowed %.3g)",
             where, than, j->cand.norm, j->cand.max_abs, side, j->def.norm, j->def.max_abs, j->allowed);
}

static cJSON *judged_json(const ortune_verify *v, const judged *j) {
  char sb[24];
  cJSON *x = cJSON_CreateObject();
  cJSON_AddStringToObject(x, "name", j->name);
  cJSON_AddStringToObject(x, "set", set_name(j->set, sb, sizeof sb));
  if (v->mode != ORTUNE_CHECK_SHAPES) {
    cJSON_AddItemToObject(x, "default_err", err_json(&j->def));
    cJSON_AddItemToObject(x, "cand_err", err_json(&j->cand));
    if (v->mode == ORTUNE_CHECK_EXACT) cJSON_AddNumberToObject(x, "allowed", j->allowed);
  }
  cJSON_AddStringToObject(x, "verdict", ortune_verdict_name(j->verdict));
  return x;
}

int ortune_verify_check(const ortune_verify *v, const char *dir, cJSON *tr) {
  judged *w = calloc(ORTUNE_MAX_IO, sizeof *w), j;
  double max_abs = 0, max_rel = 0;
  int bad = 0;
  if (!w) return cJSON_AddStringToObject(tr, "reason", "output check: out of memory"), 1;
  for (int k = 0; k < v->n; k++) { /* per output, the worst input set */
    judge_entry(v, &v->out[k], dir, &j);
    judged *o = &w[v->out[k].index];
    if (!o->have || j.verdict > o->verdict || (j.verdict == o->verdict && j.ratio > o->ratio)) *o = j;
    if (j.cand.max_abs > max_abs) max_abs = j.cand.max_abs;
    if (j.cand.max_rel > max_rel) max_rel = j.cand.max_rel;
  }
  cJSON *outs = cJSON_AddArrayToObject(tr, "outputs");
  for (int i = 0; i < ORTUNE_MAX_IO; i++) {
    if (!w[i].have) continue;
    cJSON_AddItemToArray(outs, judged_json(v, &w[i]));
    if (ortune_verdict_rejects(w[i].verdict) && !bad++) {
      char reason[1536];
      reason_of(v, &w[i], reason, sizeof reason);
      cJSON_AddStringToObject(tr, "reason", reason);
    }
  }
  cJSON_AddNumberToObject(tr, "max_abs_err", max_abs);
  cJSON_AddNumberToObject(tr, "max_rel_err", max_rel);
  free(w);
  return bad > 0;
}

/* The reference child: 0 when its outputs are in out_dir, -2 interrupted, else why in why. */
static int run_reference(const char *model, const ortune_config *base, const ortune_input_spec *spec, const ortune_input_spec *extra,
                         int nextra, double timeout, const char *work, ortune_spawn_fn spawn, void *ctx, char *why, size_t len) {
  char sp[600], rp[600], lp[600], od[600], *txt = NULL;
  snprintf(sp, sizeof sp, "%s/exact_spec.json", work);
  snprintf(rp, sizeof rp, "%s/exact_result.json", work);
  snprintf(lp, sizeof lp, "%s/exact_log.txt", work);
  snprintf(od, sizeof od, "%s/exact", work);
  cJSON *j = ortune_verify_reference_spec(model, base, spec, extra, nextra, od);
  char *s = j ? cJSON_PrintUnformatted(j) : NULL;
  int rc = s ? ortune_write_atomic(sp, s, strlen(s)) : ORTUNE_ENOMEM;
  free(s);
  cJSON_Delete(j);
  if (rc) return snprintf(why, len, "%s", ortune_last_error()), 1;
  int status = spawn(ctx, sp, rp, lp, timeout);
  if (status == -2) return -2;
  cJSON *res = status == 0 && ortune_read_file(rp, &txt, NULL) == ORTUNE_OK ? cJSON_Parse(txt) : NULL;
  free(txt);
  if (status == -1) snprintf(why, len, "no result within %.0f s", timeout);
  else if (!res) snprintf(why, len, "the child died (status %d)", status);
  else if (ortune_jnum(res, "code", 1) != 0) snprintf(why, len, "%s", ortune_jstr(res, "error"));
  rc = !res || ortune_jnum(res, "code", 1) != 0;
  cJSON_Delete(res);
  ortune_clear_error();
  return rc;
}

int ortune_verify_prepare(ortune_verify *v, const char *model, const ortune_config *base, const ortune_input_spec *spec,
                          const ortune_input_spec *extra, int nextra, double rtol, double atol, double timeout,
                          const char *work, ortune_spawn_fn spawn, void *ctx, cJSON *info, FILE *log) {
  char defs[600];
  snprintf(defs, sizeof defs, "%s/ref", work);
  return ortune_verify_prepare_ex(v, model, base, spec, extra, nextra, defs, 2 + nextra, rtol, atol, timeout, work, spawn, ctx,
                                  info, log);
}

int ortune_verify_prepare_ex(ortune_verify *v, const char *model, const ortune_config *base, const ortune_input_spec *spec,
                             const ortune_input_spec *extra, int nextra, const char *defs, int nsets, double rtol,
                             double atol, double timeout, const char *work, ortune_spawn_fn spawn, void *ctx, cJSON *info,
                             FILE *log) {
  char ops[256], note[800] = "", exact[600], why[400] = "";
  snprintf(exact, sizeof exact, "%s/exact", work);
  int rc = ortune_model_random_ops(model, ops, sizeof ops);
  if (rc) return rc;
  if (ops[0]) {
    snprintf(note, sizeof note, "random operators in the model (%s): outputs differ from run to run, so outputs are checked "
                                "for shape, dtype and NaN/Inf only", ops);
    cJSON_AddStringToObject(info, "random_ops", ops);
    return ortune_verify_setup(v, ORTUNE_CHECK_SHAPES, NULL, defs, nsets, rtol, atol, note, info, log);
  }
  rc = run_reference(model, base, spec, extra, nextra, timeout, work, spawn, ctx, why, sizeof why);
  if (rc == -2) return ORTUNE_EINTR;
  if (rc) {
    snprintf(note, sizeof note, "exact reference: the CPU float32 run failed (%.300s): outputs are checked against the "
                                "defaults' own outputs instead (rtol 1e-2, atol 1e-3 x max|output| unless --rtol/--atol)", why);
    return ortune_verify_setup(v, ORTUNE_CHECK_DEFAULTS, NULL, defs, nsets, rtol, atol, note, info, log);
  }
  return ortune_verify_setup(v, ORTUNE_CHECK_EXACT, exact, defs, nsets, rtol, atol, NULL, info, log);
}
