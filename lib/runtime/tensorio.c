/* tensorio.c - ORT-free tensors: ONNX TensorProto (.pb) and NumPy (.npy) read/write, and comparison. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tensorio.c stores tensors little-endian and assumes a little-endian host"
#endif

/* Most elements a tensor may have: keeps every bytes computation far from overflow. */
#define MAX_COUNT (SIZE_MAX / 32)

/* ---- dtype table ---------------------------------------------------------- */

enum { CLS_FLOAT, CLS_INT, CLS_UINT, CLS_STRING };
enum { MF_IEEE, MF_FN, MF_FNUZ, MF_PLAIN }; /* minifloat special-value conventions */

typedef struct {
  const char *name;
  unsigned char bits;  /* storage bits per element (complex: both parts); 0 for STRING */
  unsigned char cls;
  unsigned char pb_field; /* TensorProto field holding typed (non-raw) data */
  const char *npy;     /* .npy descr without byte order (ml_dtypes names for exotic types) */
} dtype_info;

static const dtype_info dtypes[] = {
    [1] = {"float32", 32, CLS_FLOAT, 4, "f4"},
    [2] = {"uint8", 8, CLS_UINT, 5, "u1"},
    [3] = {"int8", 8, CLS_INT, 5, "i1"},
    [4] = {"uint16", 16, CLS_UINT, 5, "u2"},
    [5] = {"int16", 16, CLS_INT, 5, "i2"},
    [6] = {"int32", 32, CLS_INT, 5, "i4"},
    [7] = {"int64", 64, CLS_INT, 7, "i8"},
    [8] = {"string", 0, CLS_STRING, 6, NULL},
    [9] = {"bool", 8, CLS_UINT, 5, "b1"},
    [10] = {"float16", 16, CLS_FLOAT, 5, "f2"},
    [11] = {"float64", 64, CLS_FLOAT, 10, "f8"},
    [12] = {"uint32", 32, CLS_UINT, 11, "u4"},
    [13] = {"uint64", 64, CLS_UINT, 11, "u8"},
    [14] = {"complex64", 64, CLS_FLOAT, 4, "c8"},
    [15] = {"complex128", 128, CLS_FLOAT, 10, "c16"},
    [16] = {"bfloat16", 16, CLS_FLOAT, 5, "bfloat16"},
    [17] = {"float8e4m3fn", 8, CLS_FLOAT, 5, "float8_e4m3fn"},
    [18] = {"float8e4m3fnuz", 8, CLS_FLOAT, 5, "float8_e4m3fnuz"},
    [19] = {"float8e5m2", 8, CLS_FLOAT, 5, "float8_e5m2"},
    [20] = {"float8e5m2fnuz", 8, CLS_FLOAT, 5, "float8_e5m2fnuz"},
    [21] = {"uint4", 4, CLS_UINT, 5, "uint4"},
    [22] = {"int4", 4, CLS_INT, 5, "int4"},
    [23] = {"float4e2m1", 4, CLS_FLOAT, 5, "float4_e2m1fn"},
};
#define NDTYPES ((int)(sizeof dtypes / sizeof dtypes[0]))

static const dtype_info *dtype_get(int dtype) {
  return dtype > 0 && dtype < NDTYPES ? &dtypes[dtype] : NULL;
}

static int is_complex(int dtype) {
  return dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64 || dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128;
}

const char *ortune_dtype_name(int dtype) {
  const dtype_info *d = dtype_get(dtype);
  return d ? d->name : "?";
}

int ortune_dtype_from_name(const char *name) {
  static const struct { const char *alias; int dtype; } aliases[] = {
      {"float", 1}, {"double", 11}, {"half", 10}, {"fp32", 1}, {"fp16", 10}, {"bf16", 16}, {"fp64", 11}};
  if (!name) return 0;
  for (int i = 1; i < NDTYPES; i++)
    if (strcasecmp(name, dtypes[i].name) == 0) return i;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcasecmp(name, aliases[i].alias) == 0) return aliases[i].dtype;
  return 0;
}

size_t ortune_dtype_nbytes(int dtype, size_t count) {
  const dtype_info *d = dtype_get(dtype);
  if (!d || d->bits == 0 || count > MAX_COUNT) return 0;
  return d->bits == 4 ? (count + 1) / 2 : count * (d->bits / 8);
}

/* ---- allocation ----------------------------------------------------------- */

/* Element count of dims, or error code with a message naming the problem (what: "read x.pb"). */
static int dims_count(int code, const char *what, int ndim, const int64_t *dims, size_t *count) {
  size_t n = 1;
  if (ndim < 0 || ndim > ORTUNE_MAX_DIMS)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "%s: %d dimensions (ortune supports up to %d): reshape the tensor",
                            what, ndim, ORTUNE_MAX_DIMS);
  for (int i = 0; i < ndim; i++) {
    if (dims[i] < 0)
      return ortune_set_error(code, "%s: dimension %d is negative (%lld): give concrete non-negative dims",
                              what, i, (long long)dims[i]);
    if ((uint64_t)dims[i] > MAX_COUNT || __builtin_mul_overflow(n, (size_t)dims[i], &n) || n > MAX_COUNT) n = SIZE_MAX;
  }
  for (int i = 0; i < ndim; i++)
    if (dims[i] == 0) n = 0; /* a zero dim wins over an overflowing product */
  if (n == SIZE_MAX)
    return ortune_set_error(code, "%s: dims product is too large: check the tensor's shape", what);
  *count = n;
  return ORTUNE_OK;
}

int ortune_tensor_alloc(ortune_tensor *t, const char *name, int dtype, int ndim, const int64_t *dims) {
  const dtype_info *d = dtype_get(dtype);
  size_t count;
  memset(t, 0, sizeof *t);
  if (!d)
    return ortune_set_error(ORTUNE_EVALUE, "allocate tensor: unknown dtype %d: use an ONNX data type 1..%d",
                            dtype, NDTYPES - 1);
  int rc = dims_count(ORTUNE_EVALUE, "allocate tensor", ndim, dims, &count);
  if (rc) return rc;
  size_t bytes = d->cls == CLS_STRING ? count * sizeof(char *) : ortune_dtype_nbytes(dtype, count);
  t->data = calloc(1, bytes ? bytes : 1);
  t->name = name ? ortune_strdup(name) : NULL;
  if (!t->data || (name && !t->name)) {
    ortune_tensor_release(t);
    return ortune_set_error(ORTUNE_ENOMEM, "allocate tensor: out of memory for %zu bytes: free memory or use a smaller input",
                            bytes);
  }
  t->dtype = dtype;
  t->ndim = ndim;
  if (ndim > 0) memcpy(t->dims, dims, (size_t)ndim * sizeof dims[0]);
  t->count = count;
  t->nbytes = d->cls == CLS_STRING ? 0 : bytes;
  return ORTUNE_OK;
}

void ortune_tensor_release(ortune_tensor *t) {
  if (!t) return;
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING && t->data) {
    char **s = t->data;
    for (size_t i = 0; i < t->count; i++) free(s[i]);
  }
  free(t->data);
  free(t->name);
  memset(t, 0, sizeof *t);
}

/* Copy n bytes into a new NUL-terminated string (stops at an embedded NUL). */
static char *dup_bytes(const void *p, size_t n) {
  const char *nul = memchr(p, 0, n);
  if (nul) n = (size_t)(nul - (const char *)p);
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, p, n);
    s[n] = 0;
  }
  return s;
}

static const char *str_at(const ortune_tensor *t, size_t i) {
  const char *s = ((char *const *)t->data)[i];
  return s ? s : "";
}

static int oom(const char *path) {
  return ortune_set_error(ORTUNE_ENOMEM, "read %s: out of memory: free memory or use a smaller tensor", path);
}

/* ---- element access --------------------------------------------------------- */

/* Scalars of a tensor: elements, or real and imaginary parts for complex dtypes. */
static size_t ncomponents(const ortune_tensor *t) {
  return is_complex(t->dtype) ? t->count * 2 : t->count;
}

/* Raw bits of component i. */
static uint64_t comp_bits(const ortune_tensor *t, size_t i) {
  const uint8_t *p = t->data;
  unsigned bits = dtypes[t->dtype].bits / (is_complex(t->dtype) ? 2 : 1);
  uint64_t v = 0;
  if (bits == 4) return (p[i / 2] >> (4 * (i & 1))) & 0xF;
  memcpy(&v, p + i * (bits / 8), bits / 8);
  return v;
}

/* A small float of 1 sign, ebits exponent and mbits mantissa bits, decoded to double. */
static double minifloat(uint64_t v, int ebits, int mbits, int bias, int conv) {
  unsigned sign = (unsigned)(v >> (ebits + mbits)) & 1;
  unsigned e = (unsigned)(v >> mbits) & ((1u << ebits) - 1), m = (unsigned)v & ((1u << mbits) - 1);
  unsigned emax = (1u << ebits) - 1, mmax = (1u << mbits) - 1;
  if (conv == MF_IEEE && e == emax) return m ? NAN : (sign ? -INFINITY : INFINITY);
  if (conv == MF_FN && e == emax && m == mmax) return NAN;
  if (conv == MF_FNUZ && sign && e == 0 && m == 0) return NAN;
  double r = e == 0 ? ldexp(m, 1 - bias - mbits) : ldexp((double)(m | (1u << mbits)), (int)e - bias - mbits);
  return sign ? -r : r;
}

/* Component i as a double (exact for floats; integers beyond 2^53 round). */
static double comp_value(const ortune_tensor *t, size_t i) {
  uint64_t v = comp_bits(t, i);
  float f;
  double d;
  uint32_t u32;
  switch (t->dtype) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64:
    u32 = (uint32_t)v;
    memcpy(&f, &u32, 4);
    return f;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128: memcpy(&d, &v, 8); return d;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16:
    u32 = (uint32_t)v << 16;
    memcpy(&f, &u32, 4);
    return f;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return minifloat(v, 5, 10, 15, MF_IEEE);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN: return minifloat(v, 4, 3, 7, MF_FN);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ: return minifloat(v, 4, 3, 8, MF_FNUZ);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2: return minifloat(v, 5, 2, 15, MF_IEEE);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ: return minifloat(v, 5, 2, 16, MF_FNUZ);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1: return minifloat(v, 2, 1, 1, MF_PLAIN);
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return (int8_t)v;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return (int16_t)v;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return (int32_t)v;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return (double)(int64_t)v;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4: return (double)((int)v - ((v & 8) ? 16 : 0));
  default: return (double)v; /* unsigned and bool */
  }
}

#include "pbwire.h"

/* Values of one occurrence of a repeated numeric field (packed or not), of wire
 * type kind. Stores them as w-byte little-endian values at dst[*n...] while *n < cap
 * (dst NULL: count only) and advances *n. */
static int pb_scalars(const pb_field *f, int kind, uint8_t *dst, size_t w, size_t cap, size_t *n) {
  if (f->wt != PB_LEN) {
    if (f->wt != kind) return PB_BAD;
    if (dst && *n < cap) memcpy(dst + *n * w, &f->v, w);
    (*n)++;
    return PB_FIELD;
  }
  if (kind != PB_VARINT) {
    size_t size = kind == PB_FIXED64 ? 8 : 4;
    if (f->n % size) return PB_BAD;
    for (size_t i = 0; dst && i < f->n / size && *n + i < cap; i++) memcpy(dst + (*n + i) * w, f->p + i * size, w);
    *n += f->n / size;
    return PB_FIELD;
  }
  const uint8_t *p = f->p, *end = f->p + f->n;
  while (p < end) {
    uint64_t v;
    if (pb_varint(&p, end, &v) != PB_FIELD) return PB_BAD;
    if (dst && *n < cap) memcpy(dst + *n * w, &v, w);
    (*n)++;
  }
  return PB_FIELD;
}

static int pb_wire_kind(int field) {
  return field == 4 ? PB_FIXED32 : field == 10 ? PB_FIXED64 : PB_VARINT;
}

/* Bytes per value of the typed field for dtype d (4-bit types: one packed byte). */
static size_t pb_value_width(const dtype_info *d, int dtype) {
  if (d->bits <= 8) return 1;
  return is_complex(dtype) ? d->bits / 16 : d->bits / 8;
}

/* What a first pass over a TensorProto finds. */
typedef struct {
  int ndim, dtype, external, has_raw;
  int64_t dims[ORTUNE_MAX_DIMS];
  size_t ndims_seen;
  const uint8_t *name, *raw;
  size_t name_len, raw_len;
  size_t nvals[12]; /* values seen per typed field 4..11 */
} pb_tensor_scan;

static int pb_error(const char *path, const pb_reader *r, const pb_field *f, int rc) {
  if (rc == PB_TRUNC)
    return ortune_set_error(ORTUNE_EIO, "read %s: truncated tensor data (file is %zu bytes, needs %llu): re-export the tensor",
                            path, (size_t)(r->end - r->start), (unsigned long long)r->need);
  return ortune_set_error(ORTUNE_EIO,
                          "read %s: not an ONNX TensorProto: byte %zu is not a valid protobuf field: "
                          "save the tensor with onnx.numpy_helper.from_array(...).SerializeToString()",
                          path, f->at);
}

static int pb_scan_tensor(const char *path, const uint8_t *buf, size_t len, pb_tensor_scan *s) {
  pb_reader r = {buf, buf, buf + len, 0, 0};
  pb_field f = {0};
  int rc;
  memset(s, 0, sizeof *s);
  while ((rc = pb_next(&r, &f)) == PB_FIELD) {
    int ok = PB_FIELD;
    switch (f.num) {
    case 1: ok = pb_scalars(&f, PB_VARINT, (uint8_t *)s->dims, 8, ORTUNE_MAX_DIMS, &s->ndims_seen); break;
    case 2:
      ok = f.wt == PB_VARINT ? PB_FIELD : PB_BAD;
      s->dtype = f.v > 1000 ? 1000 : (int)f.v;
      break;
    case 4: case 5: case 7: case 10: case 11:
      ok = pb_scalars(&f, pb_wire_kind((int)f.num), NULL, 0, 0, &s->nvals[f.num]);
      break;
    case 6:
      ok = f.wt == PB_LEN ? PB_FIELD : PB_BAD;
      s->nvals[6]++;
      break;
    case 8:
    case 9:
      ok = f.wt == PB_LEN ? PB_FIELD : PB_BAD;
      if (f.num == 8) s->name = f.p, s->name_len = f.n;
      else s->raw = f.p, s->raw_len = f.n, s->has_raw = 1;
      break;
    case 13: s->external = 1; break;
    case 14: s->external |= f.wt == PB_VARINT && f.v == 1; break;
    default: break; /* segment, doc_string, metadata: skipped */
    }
    if (ok != PB_FIELD) return pb_error(path, &r, &f, PB_BAD);
  }
  if (rc != PB_END) return pb_error(path, &r, &f, rc);
  if (s->ndims_seen > ORTUNE_MAX_DIMS)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "read %s: %zu dimensions (ortune supports up to %d): reshape the tensor",
                            path, s->ndims_seen, ORTUNE_MAX_DIMS);
  s->ndim = (int)s->ndims_seen;
  return ORTUNE_OK;
}

/* Second pass: copy the values of t's typed field (nvals of w bytes, or strings) into t. */
static int pb_fill_typed(const uint8_t *buf, size_t len, ortune_tensor *t, size_t w, size_t nvals) {
  pb_reader r = {buf, buf, buf + len, 0, 0};
  pb_field f;
  size_t n = 0;
  int num = dtypes[t->dtype].pb_field;
  while (pb_next(&r, &f) == PB_FIELD) {
    if ((int)f.num != num) continue;
    if (num == 6) {
      if (!(((char **)t->data)[n++] = dup_bytes(f.p, f.n))) return -1;
    } else {
      pb_scalars(&f, pb_wire_kind(num), t->data, w, nvals, &n);
    }
  }
  return 0;
}

static int pb_decode_tensor(const char *path, const uint8_t *buf, size_t len, ortune_tensor *out) {
  pb_tensor_scan s;
  size_t count;
  int rc = pb_scan_tensor(path, buf, len, &s);
  if (rc) return rc;
  if (s.external)
    return ortune_set_error(ORTUNE_EUNSUPPORTED,
                            "read %s: tensor data is stored in an external file: save it with the data inside the .pb",
                            path);
  const dtype_info *d = dtype_get(s.dtype);
  if (s.dtype == 0)
    return ortune_set_error(ORTUNE_EIO, "read %s: tensor has no data_type: re-export the tensor", path);
  if (!d)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "read %s: unsupported data_type %d (ortune knows 1..%d): convert the tensor",
                            path, s.dtype, NDTYPES - 1);
  char what[300];
  snprintf(what, sizeof what, "read %s", path);
  if ((rc = dims_count(ORTUNE_EIO, what, s.ndim, s.dims, &count))) return rc;
  size_t nbytes = ortune_dtype_nbytes(s.dtype, count), w = pb_value_width(d, s.dtype);
  size_t need = d->cls == CLS_STRING ? count : nbytes / w;
  if (s.has_raw && d->cls != CLS_STRING) {
    if (s.raw_len != nbytes)
      return ortune_set_error(ORTUNE_EIO, "read %s: raw_data is %zu bytes but %zu %s elements need %zu: re-export the tensor",
                              path, s.raw_len, count, d->name, nbytes);
  } else if (s.nvals[d->pb_field] != need) {
    return ortune_set_error(ORTUNE_EIO, "read %s: tensor has %zu %s values but its dims need %zu: re-export the tensor",
                            path, s.nvals[d->pb_field], d->name, need);
  }
  if (ortune_tensor_alloc(out, NULL, s.dtype, s.ndim, s.dims)) return oom(path);
  if (s.name && !(out->name = dup_bytes(s.name, s.name_len))) rc = -1;
  else if (s.has_raw && d->cls != CLS_STRING) memcpy(out->data, s.raw, nbytes);
  else rc = pb_fill_typed(buf, len, out, w, need);
  if (rc) {
    ortune_tensor_release(out);
    return oom(path);
  }
  return ORTUNE_OK;
}

int ortune_tensor_read_pb(const char *path, ortune_tensor *out) {
  char *buf;
  size_t len;
  memset(out, 0, sizeof *out);
  int rc = ortune_read_file(path, &buf, &len);
  if (rc) return rc;
  rc = pb_decode_tensor(path, (const uint8_t *)buf, len, out);
  free(buf);
  return rc;
}

/* ---- growable byte buffer for writers ------------------------------------- */

typedef struct {
  uint8_t *p;
  size_t n, cap;
  int failed;
} bytebuf;

static void bb_put(bytebuf *b, const void *data, size_t n) {
  if (b->failed) return;
  if (n > b->cap - b->n) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->n < n) {
      if (cap > SIZE_MAX / 2) {
        b->failed = 1;
        return;
      }
      cap *= 2;
    }
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, data, n);
  b->n += n;
}

static void bb_varint(bytebuf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  do {
    tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
  bb_put(b, tmp, n);
}

static void bb_len_field(bytebuf *b, unsigned num, const void *data, size_t n) {
  bb_varint(b, (uint64_t)num << 3 | PB_LEN);
  bb_varint(b, n);
  bb_put(b, data, n);
}

/* Write b to path (atomically) and free it. */
static int bb_finish(bytebuf *b, const char *path) {
  int rc = b->failed ? ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory: free memory or write a smaller tensor", path)
                     : ortune_write_atomic(path, b->p, b->n);
  free(b->p);
  return rc;
}

/* Check t is a consistent tensor before writing it to path. */
static int check_tensor(const char *path, const ortune_tensor *t) {
  const dtype_info *d = dtype_get(t->dtype);
  size_t count;
  char what[300];
  snprintf(what, sizeof what, "write %s", path);
  if (!d) return ortune_set_error(ORTUNE_EVALUE, "%s: unknown dtype %d: use an ONNX data type 1..%d", what, t->dtype, NDTYPES - 1);
  int rc = dims_count(ORTUNE_EVALUE, what, t->ndim, t->dims, &count);
  if (rc) return rc;
  if (count != t->count || (d->cls != CLS_STRING && t->nbytes != ortune_dtype_nbytes(t->dtype, count)) ||
      (count && !t->data))
    return ortune_set_error(ORTUNE_EVALUE, "%s: tensor data does not match its dims: build it with ortune_tensor_alloc", what);
  return ORTUNE_OK;
}

int ortune_tensor_write_pb(const char *path, const ortune_tensor *t) {
  bytebuf b = {0};
  int rc = check_tensor(path, t);
  if (rc) return rc;
  for (int i = 0; i < t->ndim; i++) {
    bb_varint(&b, 1 << 3 | PB_VARINT);
    bb_varint(&b, (uint64_t)t->dims[i]);
  }
  bb_varint(&b, 2 << 3 | PB_VARINT);
  bb_varint(&b, (uint64_t)t->dtype);
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
    for (size_t i = 0; i < t->count; i++) bb_len_field(&b, 6, str_at(t, i), strlen(str_at(t, i)));
  if (t->name) bb_len_field(&b, 8, t->name, strlen(t->name));
  if (t->dtype != ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) bb_len_field(&b, 9, t->data, t->nbytes);
  /* doc_string (12), last: marks the file as ortune's output, so a later --save-outputs may replace it */
  bb_len_field(&b, 12, ORTUNE_TENSOR_MARKER, strlen(ORTUNE_TENSOR_MARKER));
  return bb_finish(&b, path);
}

/* ---- NumPy .npy ----------------------------------------------------------- */

typedef struct {
  const char *p, *end;
} npy_hdr;

static void hdr_ws(npy_hdr *h) {
  while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r')) h->p++;
}

static int hdr_char(npy_hdr *h, char c) {
  hdr_ws(h);
  if (h->p < h->end && *h->p == c) {
    h->p++;
    return 1;
  }
  return 0;
}

/* A quoted Python string into out (truncated to outlen-1). */
static int hdr_str(npy_hdr *h, char *out, size_t outlen) {
  hdr_ws(h);
  if (h->p >= h->end || (*h->p != '\'' && *h->p != '"')) return 0;
  char q = *h->p++;
  size_t n = 0;
  while (h->p < h->end && *h->p != q) {
    if (n + 1 < outlen) out[n++] = *h->p;
    h->p++;
  }
  out[n] = 0;
  return h->p < h->end && *h->p++ == q;
}

static int hdr_word(npy_hdr *h, const char *w) {
  size_t n = strlen(w);
  hdr_ws(h);
  if ((size_t)(h->end - h->p) >= n && memcmp(h->p, w, n) == 0) {
    h->p += n;
    return 1;
  }
  return 0;
}

/* A shape tuple: "()", "(3,)", "(2, 3)". */
static int hdr_shape(npy_hdr *h, int64_t *dims, int *ndim) {
  *ndim = 0;
  if (!hdr_char(h, '(')) return 0;
  while (!hdr_char(h, ')')) {
    int64_t v = 0;
    hdr_ws(h);
    if (h->p >= h->end || *h->p < '0' || *h->p > '9') return 0;
    while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
      int d = *h->p++ - '0';
      if (v > (INT64_MAX - d) / 10) return 0; /* exact: INT64_MAX itself still parses (the writer emits it) */
      v = v * 10 + d;
    }
    if (h->p < h->end && *h->p == 'L') h->p++; /* Python 2 long */
    if (*ndim >= ORTUNE_MAX_DIMS) return -1;
    dims[(*ndim)++] = v;
    if (!hdr_char(h, ',') && !(hdr_ws(h), h->p < h->end && *h->p == ')')) return 0;
  }
  return 1;
}

/* Parsed .npy header. */
typedef struct {
  char descr[64];
  int fortran, ndim, have;
  int64_t dims[ORTUNE_MAX_DIMS];
} npy_header;

static int npy_parse_header(const char *path, const char *p, size_t n, npy_header *out) {
  npy_hdr h = {p, p + n};
  memset(out, 0, sizeof *out);
  if (!hdr_char(&h, '{')) goto bad;
  while (!hdr_char(&h, '}')) {
    char key[32];
    if (!hdr_str(&h, key, sizeof key) || !hdr_char(&h, ':')) goto bad;
    if (strcmp(key, "descr") == 0) {
      hdr_ws(&h);
      if (h.p < h.end && *h.p == '[')
        return ortune_set_error(ORTUNE_EUNSUPPORTED, "read %s: structured arrays are not supported: save a plain numeric array",
                                path);
      if (!hdr_str(&h, out->descr, sizeof out->descr)) goto bad;
      out->have |= 1;
    } else if (strcmp(key, "fortran_order") == 0) {
      if (hdr_word(&h, "True")) out->fortran = 1;
      else if (!hdr_word(&h, "False")) goto bad;
      out->have |= 2;
    } else if (strcmp(key, "shape") == 0) {
      int rc = hdr_shape(&h, out->dims, &out->ndim);
      if (rc < 0)
        return ortune_set_error(ORTUNE_EUNSUPPORTED, "read %s: more than %d dimensions: reshape the array", path,
                                ORTUNE_MAX_DIMS);
      if (!rc) goto bad;
      out->have |= 4;
    } else {
      goto bad;
    }
    if (!hdr_char(&h, ',') && !(hdr_ws(&h), h.p < h.end && *h.p == '}')) goto bad;
  }
  if (out->have != 7) goto bad;
  if (out->fortran)
    return ortune_set_error(ORTUNE_EUNSUPPORTED,
                            "read %s: fortran_order arrays are not supported: save with np.save(path, np.ascontiguousarray(a))",
                            path);
  return ORTUNE_OK;
bad:
  return ortune_set_error(ORTUNE_EIO, "read %s: malformed .npy header at byte %zu: re-save the array with np.save", path,
                          (size_t)(h.p - p));
}

enum { NPY_NUMERIC, NPY_BYTES, NPY_UNICODE };

/* Map a descr to a dtype, its storage kind and item size. */
static int npy_descr(const char *path, const char *descr, int *dtype, int *kind, size_t *itemsize) {
  char order = descr[0];
  const char *code = strchr("<>|=", order) ? descr + 1 : descr;
  if ((code[0] == 'S' || code[0] == 'U' || code[0] == 'a') && code[1] >= '0' && code[1] <= '9') {
    char *end;
    unsigned long n = strtoul(code + 1, &end, 10);
    /* 0-width items (S0, U0) hold no bytes, so a tiny file could claim billions of strings: refused
     * (numpy stores empty strings as S1/U1) */
    if (*end || n == 0 || n > (1ul << 20)) goto unsupported;
    *dtype = ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING;
    *kind = code[0] == 'U' ? NPY_UNICODE : NPY_BYTES;
    *itemsize = *kind == NPY_UNICODE ? n * 4 : n;
    if (*kind == NPY_UNICODE && order == '>' && n) goto bigendian;
    return ORTUNE_OK;
  }
  for (int i = 1; i < NDTYPES; i++) {
    if (!dtypes[i].npy || strcmp(code, dtypes[i].npy) != 0) continue;
    *dtype = i;
    *kind = NPY_NUMERIC;
    *itemsize = dtypes[i].bits < 8 ? 1 : dtypes[i].bits / 8;
    if (order == '>' && *itemsize > 1) goto bigendian;
    return ORTUNE_OK;
  }
unsupported:
  return ortune_set_error(ORTUNE_EUNSUPPORTED,
                          "read %s: unsupported .npy dtype '%s': save a numeric, bool or string array (e.g. a.astype('<f4'))",
                          path, descr);
bigendian:
  return ortune_set_error(ORTUNE_EUNSUPPORTED,
                          "read %s: big-endian dtype '%s' is not supported: save a.astype(a.dtype.newbyteorder('<'))", path,
                          descr);
}

/* Append code point c to out as UTF-8; returns bytes written (0: invalid). */
static size_t utf8_put(uint32_t c, char *out) {
  if (c < 0x80) return out[0] = (char)c, 1;
  if (c < 0x800) return out[0] = (char)(0xC0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3F)), 2;
  if (c >= 0xD800 && c < 0xE000) return 0;
  if (c < 0x10000) {
    out[0] = (char)(0xE0 | c >> 12), out[1] = (char)(0x80 | ((c >> 6) & 0x3F)), out[2] = (char)(0x80 | (c & 0x3F));
    return 3;
  }
  if (c > 0x10FFFF) return 0;
  out[0] = (char)(0xF0 | c >> 18), out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((c >> 6) & 0x3F)), out[3] = (char)(0x80 | (c & 0x3F));
  return 4;
}

/* Decode one UTF-8 code point from s; returns its length (0: invalid). */
static size_t utf8_get(const unsigned char *s, uint32_t *c) {
  size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
  if (!n) return 0;
  uint32_t v = n == 1 ? s[0] : s[0] & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = v << 6 | (s[i] & 0x3F);
  }
  char tmp[4];
  if (utf8_put(v, tmp) != n) return 0; /* overlong, surrogate or out of range */
  *c = v;
  return n;
}

/* Fixed-width UTF-32 item of n code points to a new UTF-8 string (NULL: invalid or OOM). */
static char *utf32_to_utf8(const uint8_t *p, size_t n) {
  char *s = malloc(n * 4 + 1), *o = s;
  for (size_t i = 0; s && i < n; i++) {
    uint32_t c;
    memcpy(&c, p + 4 * i, 4);
    if (!c) break;
    size_t k = utf8_put(c, o);
    if (!k) {
      free(s);
      return NULL;
    }
    o += k;
  }
  if (s) *o = 0;
  return s;
}

/* Copy one .npy item per element into 4-bit packed storage. */
static void pack_nibbles(uint8_t *dst, const uint8_t *src, size_t count) {
  for (size_t i = 0; i < count; i++) dst[i / 2] |= (uint8_t)((src[i] & 0xF) << (4 * (i & 1)));
}

static int npy_decode(const char *path, const uint8_t *buf, size_t len, ortune_tensor *out) {
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  npy_header h;
  size_t hoff, hlen, count, itemsize = 0;
  int dtype = 0, kind = 0, rc;
  if (len < 10 || memcmp(buf, magic, 6) != 0)
    return ortune_set_error(ORTUNE_EIO, "read %s: not a NumPy .npy file (no \\x93NUMPY magic): save the array with np.save",
                            path);
  if (buf[6] < 1 || buf[6] > 3)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "read %s: .npy format version %d.%d is not supported: save with np.save",
                            path, buf[6], buf[7]);
  if (buf[6] == 1) {
    hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
    hoff = 10;
  } else {
    if (len < 12) goto truncated;
    hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
    hoff = 12;
  }
  if (hlen > len - hoff) goto truncated;
  if ((rc = npy_parse_header(path, (const char *)buf + hoff, hlen, &h))) return rc;
  if ((rc = npy_descr(path, h.descr, &dtype, &kind, &itemsize))) return rc;
  char what[300];
  snprintf(what, sizeof what, "read %s", path);
  if ((rc = dims_count(ORTUNE_EIO, what, h.ndim, h.dims, &count))) return rc;
  const uint8_t *data = buf + hoff + hlen;
  size_t avail = len - hoff - hlen;
  if (itemsize && count > avail / itemsize)
    return ortune_set_error(ORTUNE_EIO, "read %s: truncated array data (file is %zu bytes, needs %.0f): re-save the array",
                            path, len, (double)(hoff + hlen) + (double)count * (double)itemsize);
  if (ortune_tensor_alloc(out, NULL, dtype, h.ndim, h.dims)) return oom(path);
  if (kind == NPY_NUMERIC) {
    if (dtypes[dtype].bits == 4) pack_nibbles(out->data, data, count);
    else memcpy(out->data, data, out->nbytes);
    return ORTUNE_OK;
  }
  for (size_t i = 0; i < count; i++) {
    const uint8_t *item = data + i * itemsize;
    char **s = (char **)out->data + i;
    *s = kind == NPY_BYTES ? dup_bytes(item, itemsize) : utf32_to_utf8(item, itemsize / 4);
    if (!*s) {
      ortune_tensor_release(out);
      return kind == NPY_BYTES ? oom(path)
                               : ortune_set_error(ORTUNE_EIO, "read %s: element %zu is not valid unicode: re-save the array",
                                                  path, i);
    }
  }
  return ORTUNE_OK;
truncated:
  return ortune_set_error(ORTUNE_EIO, "read %s: truncated .npy header (file is %zu bytes): re-save the array with np.save",
                          path, len);
}

int ortune_tensor_read_npy(const char *path, ortune_tensor *out) {
  char *buf;
  size_t len;
  memset(out, 0, sizeof *out);
  int rc = ortune_read_file(path, &buf, &len);
  if (rc) return rc;
  rc = npy_decode(path, (const uint8_t *)buf, len, out);
  free(buf);
  return rc;
}

/* Widest string of t: in code points when utf32 (and all are valid UTF-8), else bytes. */
static size_t npy_string_width(const ortune_tensor *t, int *utf32) {
  size_t maxb = 0, maxc = 0;
  *utf32 = 1;
  for (size_t i = 0; i < t->count; i++) {
    const unsigned char *s = (const unsigned char *)str_at(t, i);
    size_t nb = strlen((const char *)s), nc = 0;
    for (size_t k = 0; k < nb && *utf32; nc++) {
      uint32_t c;
      size_t step = utf8_get(s + k, &c);
      if (!step) *utf32 = 0;
      k += step;
    }
    if (nb > maxb) maxb = nb;
    if (nc > maxc) maxc = nc;
  }
  return *utf32 ? (maxc ? maxc : 1) : (maxb ? maxb : 1);
}

/* One string element as a fixed-width .npy item. */
static void npy_put_string(bytebuf *b, const char *s, size_t width, int utf32) {
  size_t nb = strlen(s), k = 0, i = 0;
  static const uint8_t zero[4] = {0};
  if (!utf32) {
    bb_put(b, s, nb);
    for (i = nb; i < width; i++) bb_put(b, zero, 1);
    return;
  }
  for (; k < nb; i++) {
    uint32_t c = 0;
    k += utf8_get((const unsigned char *)s + k, &c);
    bb_put(b, &c, 4);
  }
  for (; i < width; i++) bb_put(b, zero, 4);
}

int ortune_tensor_write_npy(const char *path, const ortune_tensor *t) {
  bytebuf b = {0};
  char descr[48], shape[ORTUNE_MAX_DIMS * 22 + 8], header[512];
  size_t width = 0, n = 0;
  int utf32 = 0, rc = check_tensor(path, t);
  if (rc) return rc;
  const dtype_info *d = &dtypes[t->dtype];
  if (d->cls == CLS_STRING) {
    width = npy_string_width(t, &utf32);
    snprintf(descr, sizeof descr, utf32 ? "<U%zu" : "|S%zu", width);
  } else if (d->bits <= 8 && strlen(d->npy) == 2) {
    snprintf(descr, sizeof descr, "|%s", d->npy);
  } else {
    snprintf(descr, sizeof descr, "%s%s", strlen(d->npy) <= 3 ? "<" : "", d->npy);
  }
  n += (size_t)snprintf(shape + n, sizeof shape - n, "(");
  for (int i = 0; i < t->ndim; i++)
    n += (size_t)snprintf(shape + n, sizeof shape - n, "%s%lld", i ? ", " : "", (long long)t->dims[i]);
  snprintf(shape + n, sizeof shape - n, t->ndim == 1 ? ",)" : ")");
  int hlen = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
  size_t total = 10 + (size_t)hlen + 1, pad = (64 - total % 64) % 64;
  uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  pre[8] = (uint8_t)((size_t)hlen + pad + 1);
  pre[9] = (uint8_t)(((size_t)hlen + pad + 1) >> 8);
  bb_put(&b, pre, sizeof pre);
  bb_put(&b, header, (size_t)hlen);
  for (size_t i = 0; i < pad; i++) bb_put(&b, " ", 1);
  bb_put(&b, "\n", 1);
  if (d->cls == CLS_STRING) {
    for (size_t i = 0; i < t->count; i++) npy_put_string(&b, str_at(t, i), width, utf32);
  } else if (d->bits == 4) {
    for (size_t i = 0; i < t->count; i++) {
      uint8_t v = (uint8_t)comp_bits(t, i);
      if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4 && (v & 8)) v |= 0xF0;
      bb_put(&b, &v, 1);
    }
  } else {
    bb_put(&b, t->data, t->nbytes);
  }
  return bb_finish(&b, path);
}

int ortune_tensor_read(const char *path, ortune_tensor *out) {
  const char *dot = strrchr(path, '.');
  if (dot && strcasecmp(dot, ".pb") == 0) return ortune_tensor_read_pb(path, out);
  if (dot && strcasecmp(dot, ".npy") == 0) return ortune_tensor_read_npy(path, out);
  memset(out, 0, sizeof *out);
  return ortune_set_error(ORTUNE_EUNSUPPORTED,
                          "read %s: unknown tensor file type: give an ONNX TensorProto .pb or a NumPy .npy file", path);
}

/* ---- comparison --------------------------------------------------------------- */

void ortune_default_tol(int dtype, double *rtol, double *atol) {
  double r = 0, a = 0;
  switch (dtype) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64: r = 1e-3, a = 1e-5; break;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: r = 1e-2, a = 1e-3; break;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128: r = 1e-6, a = 1e-9; break;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ:
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1: r = 0.1, a = 0.1; break;
  default: break;
  }
  if (rtol) *rtol = r;
  if (atol) *atol = a;
}

double ortune_tensor_max_abs(const ortune_tensor *t) {
  double m = 0;
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) return 0;
  for (size_t i = 0; i < t->count; i++) {
    double v = fabs(comp_value(t, i));
    if (isfinite(v) && v > m) m = v;
  }
  return m;
}

void ortune_config_tol(const ortune_tensor *ref, double rtol, double atol, double *rtol_out, double *atol_out) {
  int fl = ref->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT || ref->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 ||
           ref->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 || ref->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE;
  double r, a;
  ortune_default_tol(ref->dtype, &r, &a);
  if (fl) {
    r = 1e-2;
    a = 1e-3 * ortune_tensor_max_abs(ref);
  }
  *rtol_out = rtol >= 0 ? rtol : r;
  *atol_out = atol >= 0 ? atol : a;
}

static void format_shape(const ortune_tensor *t, char *buf, size_t len) {
  size_t n = 0;
  if (t->ndim == 0) snprintf(buf, len, "scalar");
  for (int i = 0; i < t->ndim && n < len; i++)
    n += (size_t)snprintf(buf + n, len - n, "%s%lld", i ? "x" : "", (long long)t->dims[i]);
}

/* Write one element (component i) of t as text. */
static void format_value(const ortune_tensor *t, size_t i, char *buf, size_t len) {
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) snprintf(buf, len, "'%.24s'", str_at(t, i));
  else if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64) snprintf(buf, len, "%lld", (long long)comp_bits(t, i));
  else if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64) snprintf(buf, len, "%llu", (unsigned long long)comp_bits(t, i));
  else snprintf(buf, len, "%.7g", comp_value(t, i));
}

static int mismatch(ortune_diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int mismatch(ortune_diff *d, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->what, sizeof d->what, fmt, ap);
  va_end(ap);
  return ortune_set_error(ORTUNE_EMISMATCH, "%s", d->what);
}

int ortune_tensor_compare(const ortune_tensor *got, const ortune_tensor *want, double rtol, double atol, ortune_diff *dout) {
  ortune_diff local, *d = dout ? dout : &local;
  double rdef, adef;
  char label[96] = "", ga[64], gb[64];
  memset(d, 0, sizeof *d);
  const char *name = want->name ? want->name : got->name;
  if (name) snprintf(label, sizeof label, "output '%.64s': ", name);
  if (got->dtype != want->dtype)
    return mismatch(d, "%sdtype %s vs %s", label, ortune_dtype_name(got->dtype), ortune_dtype_name(want->dtype));
  int same = got->ndim == want->ndim;
  for (int i = 0; same && i < got->ndim; i++) same = got->dims[i] == want->dims[i];
  if (!same || got->count != want->count) {
    format_shape(got, ga, sizeof ga);
    format_shape(want, gb, sizeof gb);
    return mismatch(d, "%sshape %s vs %s", label, ga, gb);
  }
  ortune_default_tol(want->dtype, &rdef, &adef);
  if (rtol < 0) rtol = rdef;
  if (atol < 0) atol = adef;
  int is_string = want->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING;
  int is_float = dtype_get(want->dtype) && dtypes[want->dtype].cls == CLS_FLOAT;
  size_t n = is_string ? want->count : ncomponents(want), worst = SIZE_MAX;
  double worst_abs = -1;
  d->count = want->count;
  for (size_t i = 0; i < n; i++) {
    if (is_string) {
      if (strcmp(str_at(got, i), str_at(want, i)) != 0 && d->mismatches++ == 0) worst = i;
      continue;
    }
    if (!is_float && comp_bits(got, i) == comp_bits(want, i)) continue;
    double a = comp_value(got, i), b = comp_value(want, i);
    if (isnan(a) || isnan(b)) {
      if (isnan(a) && isnan(b)) continue;
      if (d->nan_mismatch < INT32_MAX) d->nan_mismatch++;
      if (d->mismatches++ == 0 && worst_abs < 0) worst = i;
      continue;
    }
    if (a == b && is_float) continue;
    double diff = fabs(a - b);
    if (diff > d->max_abs) d->max_abs = diff;
    if (b != 0 && diff / fabs(b) > d->max_rel) d->max_rel = diff / fabs(b);
    int ok = (is_float || rtol > 0 || atol > 0) && !isinf(diff) && diff <= atol + rtol * fabs(b);
    if (ok) continue;
    d->mismatches++;
    if (diff > worst_abs) worst_abs = diff, worst = i;
  }
  if (!d->mismatches) return ORTUNE_OK;
  format_value(got, worst, ga, sizeof ga);
  format_value(want, worst, gb, sizeof gb);
  size_t elem = is_complex(want->dtype) ? worst / 2 : worst;
  if (worst_abs >= 0)
    return mismatch(d, "%s%zu of %zu elements differ, max abs %.3g at index %zu (got %s, want %s)", label, d->mismatches,
                    n, worst_abs, elem, ga, gb);
  return mismatch(d, "%s%zu of %zu elements differ, first at index %zu (got %s, want %s)", label, d->mismatches, n, elem,
                  ga, gb);
}
