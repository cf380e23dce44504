/* inputs.c - describe a session's inputs/outputs, parse --shape/--free-dim/--input, and make input tensors. */
#include "harness.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static int describe(const OrtApi *api, OrtTypeInfo *ti, ortune_io_desc *d) {
  int rc = ORTUNE_OK;
  ONNXType t;
  ORTUNE_ORT_TRY(api->GetOnnxTypeFromTypeInfo(ti, &t), "type info");
  d->is_tensor = t == ONNX_TYPE_TENSOR;
  d->ndim = -1;
  if (!d->is_tensor) return ORTUNE_OK;
  const OrtTensorTypeAndShapeInfo *tsi;
  ORTUNE_ORT_TRY(api->CastTypeInfoToTensorInfo(ti, &tsi), "tensor info");
  ONNXTensorElementDataType et;
  ORTUNE_ORT_TRY(api->GetTensorElementType(tsi, &et), "element type");
  d->dtype = (int)et;
  if (!api->TensorTypeAndShape_HasShape(tsi)) return ORTUNE_OK; /* no shape in the model: rank unknown (ndim -1) */
  size_t nd;
  ORTUNE_ORT_TRY(api->GetDimensionsCount(tsi, &nd), "rank");
  if (nd > ORTUNE_MAX_DIMS) return ortune_set_error(ORTUNE_EUNSUPPORTED, "'%s' has rank %zu: ortune handles up to %d", d->name, nd, ORTUNE_MAX_DIMS);
  d->ndim = (int)nd;
  ORTUNE_ORT_TRY(api->GetDimensions(tsi, d->dims, nd), "dims");
  const char *sym[ORTUNE_MAX_DIMS] = {0};
  ORTUNE_ORT_TRY(api->GetSymbolicDimensions(tsi, sym, nd), "symbolic dims");
  for (size_t i = 0; i < nd; i++) snprintf(d->symbolic[i], sizeof d->symbolic[i], "%s", sym[i] ? sym[i] : "");
fail:
  return rc;
}

int ortune_session_io(OrtSession *s, int outputs, ortune_io_desc **out, int *n) {
  const OrtApi *api = ortune_ort_api();
  OrtAllocator *alloc;
  size_t cnt = 0;
  int rc = ORTUNE_OK;
  ortune_io_desc *d = NULL;
  ORTUNE_ORT_TRY(api->GetAllocatorWithDefaultOptions(&alloc), "allocator");
  ORTUNE_ORT_TRY(outputs ? api->SessionGetOutputCount(s, &cnt) : api->SessionGetInputCount(s, &cnt), "io count");
  if (cnt > ORTUNE_MAX_IO) return ortune_set_error(ORTUNE_EUNSUPPORTED, "model has %zu %s: ortune handles up to %d", cnt, outputs ? "outputs" : "inputs", ORTUNE_MAX_IO);
  d = calloc(cnt ? cnt : 1, sizeof *d);
  if (!d) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  for (size_t i = 0; i < cnt; i++) {
    char *name;
    ORTUNE_ORT_TRY(outputs ? api->SessionGetOutputName(s, i, alloc, &name) : api->SessionGetInputName(s, i, alloc, &name), "io name");
    d[i].name = ortune_strdup(name);
    alloc->Free(alloc, name);
    if (!d[i].name) { rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory"); goto fail; }
    OrtTypeInfo *ti;
    ORTUNE_ORT_TRY(outputs ? api->SessionGetOutputTypeInfo(s, i, &ti) : api->SessionGetInputTypeInfo(s, i, &ti), "type info");
    rc = describe(api, ti, &d[i]);
    api->ReleaseTypeInfo(ti);
    if (rc) goto fail;
  }
  *out = d;
  *n = (int)cnt;
  return ORTUNE_OK;
fail:
  ortune_io_free(d, (int)cnt);
  return rc;
}

void ortune_io_free(ortune_io_desc *d, int n) {
  for (int i = 0; d && i < n; i++) free(d[i].name);
  free(d);
}

void ortune_io_shape_str(const ortune_io_desc *d, char *buf, size_t len) {
  size_t n = 0;
  buf[0] = '\0';
  if (d->ndim < 0) { snprintf(buf, len, "?"); return; }
  if (d->ndim == 0) { snprintf(buf, len, "scalar"); return; }
  for (int i = 0; i < d->ndim && n < len; i++) {
    int w = d->dims[i] >= 0 ? snprintf(buf + n, len - n, "%s%lld", i ? "x" : "", (long long)d->dims[i])
                            : snprintf(buf + n, len - n, "%s%s", i ? "x" : "", d->symbolic[i][0] ? d->symbolic[i] : "?");
    if (w < 0) break;
    n += (size_t)w;
  }
}

/* ---- argument parsing ------------------------------------------------------------ */

static int parse_dims(const char *s, ortune_shape_arg *out, const char *arg) {
  out->ndim = 0;
  if (!*s) return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': no dimensions: write it like x=1x3x640x640", arg);
  if (!strcmp(s, "scalar")) return ORTUNE_OK;
  while (*s) {
    if (out->ndim == ORTUNE_MAX_DIMS)
      return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': more than %d dimensions", arg, ORTUNE_MAX_DIMS);
    if (!isdigit((unsigned char)*s))
      return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': '%c' is not a digit: write dims as 1x3x640x640", arg, *s);
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || v < 0 || v > (1LL << 40))
      return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': dimension out of range", arg);
    out->dims[out->ndim++] = v;
    s = end;
    if (*s == 'x' || *s == 'X' || *s == ',') {
      s++;
      if (!*s) return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': ends with a separator", arg);
    } else if (*s) {
      return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': unexpected '%c': write dims as 1x3x640x640", arg, *s);
    }
  }
  return ORTUNE_OK;
}

int ortune_shape_parse(const char *arg, ortune_shape_arg *out) {
  memset(out, 0, sizeof *out);
  const char *eq = strrchr(arg, '=');
  if (eq) {
    size_t n = (size_t)(eq - arg);
    if (n == 0) return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': empty input name before '='", arg);
    if (n >= sizeof out->name) return ortune_set_error(ORTUNE_EUSAGE, "--shape '%s': input name too long", arg);
    memcpy(out->name, arg, n);
    out->name[n] = '\0';
    return parse_dims(eq + 1, out, arg);
  }
  return parse_dims(arg, out, arg);
}

int ortune_freedim_parse(const char *arg, char *name, size_t namelen, int64_t *value) {
  const char *eq = strrchr(arg, '=');
  if (!eq || eq == arg)
    return ortune_set_error(ORTUNE_EUSAGE, "--free-dim '%s': write it as name=value, e.g. batch=1", arg);
  size_t n = (size_t)(eq - arg);
  if (n >= namelen) return ortune_set_error(ORTUNE_EUSAGE, "--free-dim '%s': name too long", arg);
  errno = 0;
  char *end;
  long long v = strtoll(eq + 1, &end, 10);
  if (end == eq + 1 || *end || errno || v < 1 || v > (1LL << 40))
    return ortune_set_error(ORTUNE_EUSAGE, "--free-dim '%s': value must be a whole number >= 1", arg);
  memcpy(name, arg, n);
  name[n] = '\0';
  *value = v;
  return ORTUNE_OK;
}

/* "range:LO:HI" / "value:V" (only when no file of that name exists): ORTUNE_SRC_RANGE / VALUE; else FILE,
 * or -1 for a generator with bad numbers. */
int ortune_input_source(const char *path, double *lo, double *hi) {
  int range = !strncmp(path, "range:", 6), value = !strncmp(path, "value:", 6);
  if ((!range && !value) || access(path, F_OK) == 0) return ORTUNE_SRC_FILE;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path + 6);
  if (value) return ortune_parse_double(buf, lo) ? -1 : (*hi = *lo, ORTUNE_SRC_VALUE);
  char *colon = strchr(buf, ':');
  if (!colon) return -1;
  *colon = '\0';
  if (ortune_parse_double(buf, lo) || ortune_parse_double(colon + 1, hi) || *lo > *hi) return -1;
  return ORTUNE_SRC_RANGE;
}

int ortune_input_arg_parse(ortune_input_spec *spec, const char *arg) {
  if (spec->nfiles == ORTUNE_MAX_IO) return ortune_set_error(ORTUNE_EUSAGE, "--input: too many inputs (at most %d)", ORTUNE_MAX_IO);
  const char *eq = strchr(arg, '=');
  typeof(spec->files[0]) *f = &spec->files[spec->nfiles];
  f->name[0] = '\0';
  const char *path = arg;
  /* "name=path", unless the whole argument names an existing file (a path with '=' in it) */
  if (eq && access(arg, F_OK) != 0) {
    if ((size_t)(eq - arg) >= sizeof f->name)
      return ortune_set_error(ORTUNE_EUSAGE, "--input: input name longer than %d characters", ORTUNE_MAX_NAME - 1);
    memcpy(f->name, arg, (size_t)(eq - arg));
    f->name[eq - arg] = '\0';
    path = eq + 1;
  }
  if (!*path) return ortune_set_error(ORTUNE_EUSAGE, "--input '%s': no file given: write name=path.npy or path.pb", arg);
  if (strlen(path) >= sizeof f->path) return ortune_set_error(ORTUNE_EUSAGE, "--input '%s': path too long", arg);
  double lo, hi;
  int src = ortune_input_source(path, &lo, &hi);
  if (src < 0)
    return ortune_set_error(ORTUNE_EUSAGE, "--input '%s': write NAME=range:LO:HI (finite numbers, LO <= HI) or NAME=value:V", arg);
  if (src != ORTUNE_SRC_FILE && !f->name[0])
    return ortune_set_error(ORTUNE_EUSAGE, "--input '%s': name the input: NAME=%s", arg, path);
  snprintf(f->path, sizeof f->path, "%s", path);
  spec->nfiles++;
  return ORTUNE_OK;
}

/* ---- synthesis ---------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) {
  uint64_t x = *s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *s = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static uint16_t f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000, mant = x & 0x7fffff;
  int exp = (int)((x >> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return (uint16_t)sign; /* small values flush to zero: fine for synthetic inputs */
  if (exp >= 31) return (uint16_t)(sign | 0x7c00);
  return (uint16_t)(sign | (uint32_t)exp << 10 | mant >> 13);
}

/* Fill t with seeded values: floats in [-1, 1), integers in [0, 3], bools 0/1, short strings. */
static int fill_random(ortune_tensor *t, uint64_t seed) {
  uint64_t s = seed ? seed : 0x9E3779B97F4A7C15ULL;
  for (const char *c = t->name ? t->name : ""; *c; c++) s = (s ^ (unsigned char)*c) * 0x100000001B3ULL;
  if (!s) s = 1;
  unsigned char *b = t->data;
  for (size_t i = 0; i < t->count; i++) {
    uint64_t r = rng_next(&s);
    float f = (float)((double)(r >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0);
    int small = (int)(r % 4);
    switch (t->dtype) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: ((float *)b)[i] = f; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: ((double *)b)[i] = f; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: ((uint16_t *)b)[i] = f32_to_f16(f); break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: {
        uint32_t x;
        memcpy(&x, &f, 4);
        ((uint16_t *)b)[i] = (uint16_t)(x >> 16);
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: b[i] = (unsigned char)(r & 1); break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: b[i] = (unsigned char)small; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: ((uint16_t *)b)[i] = (uint16_t)small; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: ((uint32_t *)b)[i] = (uint32_t)small; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: ((uint64_t *)b)[i] = (uint64_t)small; break;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING: {
        char buf[8];
        snprintf(buf, sizeof buf, "s%d", small);
        ((char **)b)[i] = ortune_strdup(buf);
        if (!((char **)b)[i]) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
        break;
      }
      default: /* float8, 4-bit, complex: any byte pattern of small magnitude */
        break;
    }
  }
  if (t->dtype >= ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN || t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 ||
      t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128) {
    for (size_t i = 0; i < t->nbytes; i++) b[i] = (unsigned char)(rng_next(&s) & 0x11); /* small, finite codes */
  }
  return ORTUNE_OK;
}

/* Element i of t set to v (converted to t's dtype; integers rounded toward zero). */
static int set_elem(ortune_tensor *t, size_t i, double v) {
  void *b = t->data;
  switch (t->dtype) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: ((float *)b)[i] = (float)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: ((double *)b)[i] = v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: ((uint16_t *)b)[i] = f32_to_f16((float)v); return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: {
      float f = (float)v;
      uint32_t x;
      memcpy(&x, &f, 4);
      ((uint16_t *)b)[i] = (uint16_t)(x >> 16);
      return 0;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: ((unsigned char *)b)[i] = v != 0; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: ((int8_t *)b)[i] = (int8_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: ((uint8_t *)b)[i] = (uint8_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: ((int16_t *)b)[i] = (int16_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: ((uint16_t *)b)[i] = (uint16_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: ((int32_t *)b)[i] = (int32_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: ((uint32_t *)b)[i] = (uint32_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: ((int64_t *)b)[i] = (int64_t)v; return 0;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: ((uint64_t *)b)[i] = (uint64_t)v; return 0;
    default: return -1;
  }
}

static int is_int_dtype(int dt) {
  return dt != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT && dt != ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE &&
         dt != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 && dt != ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16;
}

/* Does v fit t's dtype (integers: whole and in range)? */
static int fits(int dtype, double v) {
  static const struct { int dt; double lo, hi; } r[] = {
    {ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, 0, 1}, {ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8, -128, 127},
    {ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, 0, 255}, {ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16, -32768, 32767},
    {ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16, 0, 65535}, {ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, -2147483648.0, 2147483647.0},
    {ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32, 0, 4294967295.0}, {ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, -9.2e18, 9.2e18},
    {ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64, 0, 1.8e19}};
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
    if (r[i].dt == dtype) return v >= r[i].lo && v <= r[i].hi;
  return 1;
}

/* Fill t from a generator source: every element lo (VALUE), or seeded values in [lo, hi] (RANGE; integers
 * uniform over the whole numbers in it). */
static int fill_source(ortune_tensor *t, int src, double lo, double hi, uint64_t seed) {
  int isint = is_int_dtype(t->dtype);
  if (isint) { lo = ceil(lo); hi = floor(hi); }
  const char *what = src == ORTUNE_SRC_VALUE ? "value" : "range";
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING || ortune_dtype_nbytes(t->dtype, 1) == 0 || set_elem(t, 0, 0) < 0)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "--input %s=%s:...: not for %s inputs: give a .npy or .pb file", t->name, what,
                            ortune_dtype_name(t->dtype));
  if (lo > hi || !fits(t->dtype, lo) || !fits(t->dtype, hi))
    return ortune_set_error(ORTUNE_EUSAGE, "--input %s=%s:...: no %s value in that %s: the input is %s", t->name, what,
                            ortune_dtype_name(t->dtype), what, ortune_dtype_name(t->dtype));
  uint64_t s = (seed ? seed : 0x9E3779B97F4A7C15ULL) ^ 0xA5A5A5A5ULL;
  for (const char *c = t->name ? t->name : ""; *c; c++) s = (s ^ (unsigned char)*c) * 0x100000001B3ULL;
  if (!s) s = 1;
  for (size_t i = 0; i < t->count; i++) {
    double u = (double)(rng_next(&s) >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
    double v = src == ORTUNE_SRC_VALUE ? lo : isint ? lo + floor(u * (hi - lo + 1)) : lo + u * (hi - lo);
    set_elem(t, i, v > hi ? hi : v);
  }
  return ORTUNE_OK;
}

/* The --input source of input i named name: by name, else positional (--input without name, or DIR/input_i.pb). */
static const char *input_path(const ortune_input_spec *spec, const char *name, int i, char *buf, size_t len) {
  int pos = 0;
  for (int k = 0; spec && k < spec->nfiles; k++) {
    if (!strcmp(spec->files[k].name, name)) return spec->files[k].path;
    if (!spec->files[k].name[0] && pos++ == i) return spec->files[k].path;
  }
  if (spec && spec->dir[0]) {
    snprintf(buf, len, "%s/input_%d.pb", spec->dir, i);
    return buf;
  }
  return NULL;
}

int ortune_inputs_refill(const ortune_input_spec *spec, ortune_tensor *t, int n, uint64_t seed) {
  for (int i = 0; i < n; i++) {
    char buf[1200];
    double lo = 0, hi = 0;
    const char *path = input_path(spec, t[i].name ? t[i].name : "", i, buf, sizeof buf);
    int src = path ? ortune_input_source(path, &lo, &hi) : -1;
    if (src == ORTUNE_SRC_FILE || src == ORTUNE_SRC_VALUE) continue; /* given: kept as given */
    if (src == ORTUNE_SRC_RANGE) {
      int rc = fill_source(&t[i], src, lo, hi, seed);
      if (rc) return rc;
      continue;
    }
    if (t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) { /* replace the strings too */
      for (size_t k = 0; k < t[i].count; k++) {
        free(((char **)t[i].data)[k]);
        ((char **)t[i].data)[k] = NULL;
      }
    }
    int rc = fill_random(&t[i], seed);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

int ortune_inputs_hint(int rc, const ortune_input_spec *spec, const ortune_tensor *t, int n) {
  if (rc != ORTUNE_EORT) return rc;
  char names[300] = "";
  const char *first = NULL;
  size_t k = 0;
  for (int i = 0; i < n; i++) {
    char buf[1200];
    if (!is_int_dtype(t[i].dtype) || t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING ||
        t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL || input_path(spec, t[i].name ? t[i].name : "", i, buf, sizeof buf))
      continue;
    if (!first) first = t[i].name;
    if (k < sizeof names) k += (size_t)snprintf(names + k, sizeof names - k, "%s'%.60s'", k ? ", " : "", t[i].name);
  }
  if (!first) return rc;
  char msg[1024];
  snprintf(msg, sizeof msg, "%s", ortune_last_error());
  /* the hint first: a caller that keeps only the start of the line (a trial's reason) keeps it */
  return ortune_set_error(rc, "integer input%s %s got random values 0..3: give real ones with --input %.60s=value:V, "
                          "=range:LO:HI or =FILE.npy; %s", strchr(names, ',') ? "s" : "", names, first, msg);
}

static const ortune_shape_arg *find_shape(const ortune_input_spec *spec, const char *name, int index) {
  for (int i = 0; i < spec->nshapes; i++)
    if (!strcmp(spec->shapes[i].name, name) || (!spec->shapes[i].name[0] && index == 0)) return &spec->shapes[i];
  return NULL;
}

static int64_t find_freedim(const ortune_config *cfg, const char *sym) {
  for (int i = 0; cfg && i < cfg->nfree; i++)
    if (sym[0] && !strcmp(cfg->freedim[i].name, sym)) return cfg->freedim[i].value;
  return -1;
}

/* Resolve d's shape into dims (from --shape, free-dim overrides, or static dims). */
static int resolve_shape(const ortune_io_desc *d, int index, const ortune_config *cfg, const ortune_input_spec *spec,
                         int *ndim, int64_t *dims) {
  const ortune_shape_arg *sh = spec ? find_shape(spec, d->name, index) : NULL;
  if (sh) {
    if (d->ndim >= 0 && sh->ndim != d->ndim)
      return ortune_set_error(ORTUNE_ESHAPE, "--shape for input '%s' has %d dims, the model says %d", d->name, sh->ndim, d->ndim);
    for (int i = 0; i < sh->ndim && d->ndim >= 0; i++)
      if (d->dims[i] >= 0 && sh->dims[i] != d->dims[i])
        return ortune_set_error(ORTUNE_ESHAPE, "--shape for input '%s': dim %d is fixed at %lld in the model, not %lld", d->name, i,
                                (long long)d->dims[i], (long long)sh->dims[i]);
    *ndim = sh->ndim;
    memcpy(dims, sh->dims, sizeof(int64_t) * (size_t)sh->ndim);
    return ORTUNE_OK;
  }
  if (d->ndim < 0)
    return ortune_set_error(ORTUNE_ESHAPE, "input '%s' has unknown rank: give its shape with --shape %s=1x3x224x224", d->name, d->name);
  *ndim = d->ndim;
  for (int i = 0; i < d->ndim; i++) {
    dims[i] = d->dims[i] >= 0 ? d->dims[i] : find_freedim(cfg, d->symbolic[i]);
    if (dims[i] < 0) {
      char shape[256];
      ortune_io_shape_str(d, shape, sizeof shape);
      if (d->symbolic[i][0])
        return ortune_set_error(ORTUNE_ESHAPE, "input '%s' (%s): dim %d '%s' is dynamic: fix it with --free-dim %s=N or --shape %s=...",
                                d->name, shape, i, d->symbolic[i], d->symbolic[i], d->name);
      return ortune_set_error(ORTUNE_ESHAPE, "input '%s' (%s): dim %d is dynamic and unnamed: fix it with --shape %s=...", d->name,
                              shape, i, d->name);
    }
  }
  return ORTUNE_OK;
}

static int load_file_input(const ortune_io_desc *d, const char *path, ortune_tensor *t) {
  int rc = ortune_tensor_read(path, t);
  if (rc) return rc;
  /* numpy has no bfloat16: ONNX's test data and .npy files hold its bits as uint16 */
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 && d->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16)
    t->dtype = ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16;
  if (t->dtype != d->dtype) {
    rc = ortune_set_error(ORTUNE_EVALUE, "input '%s' from %s is %s, the model wants %s: convert the file", d->name, path,
                          ortune_dtype_name(t->dtype), ortune_dtype_name(d->dtype));
    ortune_tensor_release(t);
    return rc;
  }
  free(t->name);
  t->name = ortune_strdup(d->name);
  return ORTUNE_OK;
}

void ortune_tensors_free(ortune_tensor *t, int n) {
  for (int i = 0; t && i < n; i++) ortune_tensor_release(&t[i]);
  free(t);
}

/* " (did you mean 'x'?): the model's WHAT: a, b, c" for a name not among names. */
static void name_hint(const char *name, const char *const *names, int n, const char *what, char *buf, size_t len) {
  int best = -1, bd = 1 << 30;
  for (int i = 0; i < n; i++) {
    int dd = ortune_edit_distance(name, names[i]);
    if (dd < bd) { bd = dd; best = i; }
  }
  size_t k = 0;
  if (best >= 0 && (size_t)bd * 3 <= strlen(names[best]) + 2 && (size_t)bd < strlen(names[best]))
    k += (size_t)snprintf(buf, len, " (did you mean '%.80s'?)", names[best]);
  k += (size_t)snprintf(buf + (k < len ? k : len), k < len ? len - k : 0, ": the model's %s: ", what);
  for (int i = 0; i < n && k < len; i++) k += (size_t)snprintf(buf + k, len - k, "%s%.80s", i ? ", " : "", names[i]);
  if (!n && k < len) snprintf(buf + k, len - k, "none");
}

/* Every input named by --shape and --input exists in the model (free dims: ortune_model_check_freedims). */
static int check_names(const ortune_input_spec *spec, const ortune_io_desc *d, int nd) {
  const char *names[ORTUNE_MAX_IO];
  char hint[1024];
  for (int i = 0; i < nd; i++) names[i] = d[i].name;
  for (int k = 0; spec && k < spec->nshapes + spec->nfiles; k++) {
    const char *nm = k < spec->nshapes ? spec->shapes[k].name : spec->files[k - spec->nshapes].name;
    int found = !nm[0];
    for (int i = 0; i < nd && !found; i++) found = !strcmp(nm, d[i].name);
    if (found) continue;
    name_hint(nm, names, nd, "inputs", hint, sizeof hint);
    return ortune_set_error(ORTUNE_EUSAGE, "%s: the model has no input '%.200s'%s", k < spec->nshapes ? "--shape" : "--input", nm, hint);
  }
  return ORTUNE_OK;
}

/* Input i of the model: from a file, a value:/range: generator, or seeded random values. */
static int make_one(const ortune_io_desc *d, int i, const ortune_config *cfg, const ortune_input_spec *spec, ortune_tensor *t) {
  if (!d->is_tensor)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "input '%s' is a sequence, map or optional: ortune feeds tensors only", d->name);
  char buf[1200];
  double lo = 0, hi = 0;
  const char *path = input_path(spec, d->name, i, buf, sizeof buf);
  int src = path ? ortune_input_source(path, &lo, &hi) : -1;
  if (src == ORTUNE_SRC_FILE) return load_file_input(d, path, t);
  int ndim = 0;
  int64_t dims[ORTUNE_MAX_DIMS];
  int rc = resolve_shape(d, i, cfg, spec, &ndim, dims);
  if (!rc) rc = ortune_tensor_alloc(t, d->name, d->dtype, ndim, dims);
  if (!rc) rc = src > 0 ? fill_source(t, src, lo, hi, spec ? spec->seed : 0) : fill_random(t, spec ? spec->seed : 0);
  return rc;
}

int ortune_inputs_make(OrtSession *s, const ortune_config *cfg, const ortune_input_spec *spec, ortune_tensor **out, int *n) {
  ortune_io_desc *d = NULL;
  int nd = 0, rc = ortune_session_io(s, 0, &d, &nd);
  if (rc) return rc;
  ortune_tensor *t = calloc(nd ? (size_t)nd : 1, sizeof *t);
  if (!t) { ortune_io_free(d, nd); return ortune_set_error(ORTUNE_ENOMEM, "out of memory"); }
  if ((rc = check_names(spec, d, nd))) goto fail;
  for (int i = 0; i < nd; i++)
    if ((rc = make_one(&d[i], i, cfg, spec, &t[i]))) goto fail;
  ortune_io_free(d, nd);
  *out = t;
  *n = nd;
  return ORTUNE_OK;
fail:
  ortune_tensors_free(t, nd);
  ortune_io_free(d, nd);
  return rc;
}


