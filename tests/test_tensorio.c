/* test_tensorio.c - unit tests for tensor .pb/.npy reading, writing and comparison (lib/tensorio.c). */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TESTDATA "/usr/share/libonnx-testdata/data"

TESTUTIL_TMPDIR("tensorio")

static void make(ortune_tensor *t, const char *name, int dtype, int ndim, const int64_t *dims) {
  assert_int_equal(ortune_tensor_alloc(t, name, dtype, ndim, dims), ORTUNE_OK);
}

static void make_f32(ortune_tensor *t, const char *name, size_t n, const float *v) {
  int64_t d = (int64_t)n;
  make(t, name, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 1, &d);
  memcpy(t->data, v, n * sizeof *v);
}

static void assert_same_tensor(const ortune_tensor *a, const ortune_tensor *b) {
  assert_int_equal(a->dtype, b->dtype);
  assert_int_equal(a->ndim, b->ndim);
  for (int i = 0; i < a->ndim; i++) assert_int_equal(a->dims[i], b->dims[i]);
  assert_int_equal(a->count, b->count);
  assert_int_equal(a->nbytes, b->nbytes);
  if (a->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    for (size_t i = 0; i < a->count; i++) assert_string_equal(((char **)a->data)[i], ((char **)b->data)[i]);
  } else if (a->nbytes) {
    assert_memory_equal(a->data, b->data, a->nbytes);
  }
  ortune_diff d;
  assert_int_equal(ortune_tensor_compare(a, b, 0, 0, &d), ORTUNE_OK);
}

/* Write t as .pb and .npy, read both back and check they are identical. */
static void roundtrip(const ortune_tensor *t) {
  ortune_tensor back;
  const char *pb = tmp_path("rt.pb"), *npy = tmp_path("rt.npy");
  assert_int_equal(ortune_tensor_write_pb(pb, t), ORTUNE_OK);
  assert_int_equal(ortune_tensor_read(pb, &back), ORTUNE_OK);
  assert_same_tensor(t, &back);
  if (t->name) assert_string_equal(back.name, t->name);
  ortune_tensor_release(&back);
  assert_int_equal(ortune_tensor_write_npy(npy, t), ORTUNE_OK);
  assert_int_equal(ortune_tensor_read(npy, &back), ORTUNE_OK);
  assert_same_tensor(t, &back);
  ortune_tensor_release(&back);
}

/* ---- dtypes ----------------------------------------------------------------- */

static void test_dtype_names(void **state) {
  (void)state;
  static const char *names[] = {"float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
                                "bool", "float16", "float64", "uint32", "uint64", "complex64", "complex128",
                                "bfloat16", "float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz",
                                "uint4", "int4", "float4e2m1"};
  for (int i = 1; i <= 23; i++) {
    assert_string_equal(ortune_dtype_name(i), names[i - 1]);
    assert_int_equal(ortune_dtype_from_name(names[i - 1]), i);
  }
  assert_string_equal(ortune_dtype_name(0), "?");
  assert_string_equal(ortune_dtype_name(99), "?");
  assert_int_equal(ortune_dtype_from_name("nope"), 0);
  assert_int_equal(ortune_dtype_nbytes(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 3), 12);
  assert_int_equal(ortune_dtype_nbytes(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4, 3), 2);
  assert_int_equal(ortune_dtype_nbytes(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128, 2), 32);
  assert_int_equal(ortune_dtype_nbytes(ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, 3), 0);
  assert_int_equal(ortune_dtype_nbytes(0, 3), 0);
}

static void test_alloc_rejects_bad_dims(void **state) {
  (void)state;
  ortune_tensor t;
  int64_t neg[2] = {2, -1}, huge[3] = {INT64_MAX, INT64_MAX, 4}, zero[3] = {INT64_MAX, 0, INT64_MAX};
  assert_int_equal(ortune_tensor_alloc(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 2, neg), ORTUNE_EVALUE);
  assert_null(t.data);
  assert_int_equal(ortune_tensor_alloc(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 3, huge), ORTUNE_EVALUE);
  assert_int_equal(ortune_tensor_alloc(&t, NULL, 99, 1, neg), ORTUNE_EVALUE);
  assert_int_equal(ortune_tensor_alloc(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 17, neg), ORTUNE_EUNSUPPORTED);
  assert_int_equal(ortune_tensor_alloc(&t, "z", ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 3, zero), ORTUNE_OK);
  assert_int_equal(t.count, 0);
  ortune_tensor_release(&t);
}

/* ---- round trips -------------------------------------------------------------- */

static void test_roundtrip_numeric(void **state) {
  (void)state;
  ortune_tensor t;
  int64_t d23[2] = {2, 3};
  for (int dtype = 1; dtype <= 23; dtype++) {
    if (dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) continue;
    make(&t, "x", dtype, 2, d23);
    uint64_t seed = (uint64_t)dtype;
    rnd_fill(t.data, t.nbytes, &seed);
    if (dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL)
      for (size_t i = 0; i < t.nbytes; i++) ((uint8_t *)t.data)[i] &= 1;
    roundtrip(&t);
    ortune_tensor_release(&t);
  }
}

static void test_roundtrip_float16_values(void **state) {
  (void)state;
  ortune_tensor t;
  int64_t d = 5;
  const uint16_t h[5] = {0x3c00, 0xc000, 0x7c00, 0x0001, 0x7bff}; /* 1, -2, inf, tiny, 65504 */
  make(&t, "h", ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 1, &d);
  memcpy(t.data, h, sizeof h);
  roundtrip(&t);
  ortune_tensor_release(&t);
}

static void test_roundtrip_int4_odd_count(void **state) {
  (void)state;
  ortune_tensor t;
  int64_t d = 5; /* 5 nibbles: the last byte is half used */
  make(&t, "q", ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4, 1, &d);
  const uint8_t packed[3] = {0x8F, 0x71, 0x03}; /* -1, -8, 1, 7, 3 */
  memcpy(t.data, packed, 3);
  roundtrip(&t);
  /* .npy stores int4 one sign-extended value per byte, as ml_dtypes does */
  size_t n;
  unsigned char *raw = slurp_bytes(tmp_path("rt.npy"), &n);
  assert_true(n >= 5 + 64 && strstr((char *)raw + 10, "'descr': 'int4'"));
  const uint8_t want[5] = {0xFF, 0xF8, 0x01, 0x07, 0x03};
  assert_memory_equal(raw + n - 5, want, 5);
  free(raw);
  ortune_tensor_release(&t);
}

static void test_roundtrip_strings(void **state) {
  (void)state;
  ortune_tensor t;
  int64_t d[2] = {2, 2};
  const char *v[4] = {"hello", "", "h\xc3\xa9llo w\xc3\xb6rld", "\xe2\x82\xac"};
  make(&t, "s", ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, 2, d);
  for (int i = 0; i < 4; i++) ((char **)t.data)[i] = ortune_strdup(v[i]);
  roundtrip(&t);
  /* valid UTF-8 is written as numpy unicode, 11 code points wide */
  size_t n;
  unsigned char *raw = slurp_bytes(tmp_path("rt.npy"), &n);
  assert_non_null(strstr((char *)raw + 10, "'descr': '<U11'"));
  free(raw);
  /* invalid UTF-8 falls back to bytes ('|S') */
  free(((char **)t.data)[1]);
  ((char **)t.data)[1] = ortune_strdup("\xff\xfe");
  roundtrip(&t);
  raw = slurp_bytes(tmp_path("rt.npy"), &n);
  assert_non_null(strstr((char *)raw + 10, "'descr': '|S13'"));
  free(raw);
  ortune_tensor_release(&t);
}

static void test_roundtrip_scalar_and_empty(void **state) {
  (void)state;
  ortune_tensor t;
  make(&t, "scalar", ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, 0, NULL);
  assert_int_equal(t.count, 1);
  *(double *)t.data = -3.25;
  roundtrip(&t);
  size_t n;
  unsigned char *raw = slurp_bytes(tmp_path("rt.npy"), &n);
  assert_non_null(strstr((char *)raw + 10, "'shape': ()"));
  assert_int_equal(n % 64, 8);
  free(raw);
  ortune_tensor_release(&t);

  int64_t d[3] = {2, 0, 3};
  make(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, 3, d);
  assert_int_equal(t.count, 0);
  roundtrip(&t);
  ortune_tensor_release(&t);
  make(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, 3, d);
  roundtrip(&t);
  ortune_tensor_release(&t);

  int64_t one = 3;
  make(&t, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8, 1, &one);
  roundtrip(&t);
  raw = slurp_bytes(tmp_path("rt.npy"), &n);
  assert_non_null(strstr((char *)raw + 10, "'descr': '|u1', 'fortran_order': False, 'shape': (3,), }"));
  assert_int_equal(raw[6], 1);
  free(raw);
  ortune_tensor_release(&t);
}

/* ---- real files ----------------------------------------------------------------- */

static void test_read_real_pb(void **state) {
  (void)state;
  ortune_tensor in, out;
  assert_int_equal(ortune_tensor_read(TESTDATA "/node/test_abs/test_data_set_0/input_0.pb", &in), ORTUNE_OK);
  assert_int_equal(ortune_tensor_read(TESTDATA "/node/test_abs/test_data_set_0/output_0.pb", &out), ORTUNE_OK);
  assert_int_equal(in.dtype, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  assert_int_equal(in.ndim, 3);
  assert_int_equal(in.dims[0], 3);
  assert_int_equal(in.dims[1], 4);
  assert_int_equal(in.dims[2], 5);
  assert_int_equal(in.count, 60);
  assert_int_equal(in.nbytes, 240);
  assert_string_equal(in.name, "x");
  assert_string_equal(out.name, "y");
  /* y = abs(x), exactly */
  for (size_t i = 0; i < in.count; i++) assert_true(fabsf(((float *)in.data)[i]) == ((float *)out.data)[i]);
  ortune_diff d;
  assert_int_equal(ortune_tensor_compare(&in, &out, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.mismatches > 0 && d.mismatches < 60);
  assert_non_null(strstr(d.what, "output 'y': "));
  assert_non_null(strstr(d.what, "of 60 elements differ"));
  ortune_tensor_release(&in);
  ortune_tensor_release(&out);

  /* a string tensor stored in string_data */
  assert_int_equal(ortune_tensor_read(TESTDATA "/node/test_strnormalizer_export_monday_casesensintive_upper"
                                                "/test_data_set_0/output_0.pb", &out), ORTUNE_OK);
  assert_int_equal(out.dtype, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  assert_true(out.count > 0);
  ortune_tensor_release(&out);
}

static int pb_ok, pb_failed;

/* Every plain tensor reads, survives a .pb and .npy round trip and equals itself;
 * sequence/optional values (not TensorProtos) fail cleanly with EIO. */
static int visit_pb(const char *p, const struct stat *s, int type, struct FTW *f) {
  (void)s, (void)f;
  size_t n = strlen(p);
  if (type != FTW_F || n < 3 || strcmp(p + n - 3, ".pb") != 0) return 0;
  ortune_tensor t;
  int rc = ortune_tensor_read(p, &t);
  if (strstr(p, "seq") || strstr(p, "opt")) {
    if (rc) {
      assert_int_equal(rc, ORTUNE_EIO);
      assert_true(strlen(ortune_last_error()) > 0);
      pb_failed++;
      return 0;
    }
  } else if (rc) {
    fail_msg("%s: %s", p, ortune_last_error());
  }
  pb_ok++;
  if (pb_ok % 8 == 0) roundtrip(&t); /* every file would mean thousands of fsyncs */
  ortune_diff d;
  assert_int_equal(ortune_tensor_compare(&t, &t, 0, 0, &d), ORTUNE_OK);
  assert_int_equal(d.mismatches, 0);
  ortune_tensor_release(&t);
  return 0;
}

static void test_read_all_testdata_pb(void **state) {
  (void)state;
  if (access(TESTDATA, R_OK) != 0) skip();
  assert_int_equal(nftw(TESTDATA, visit_pb, 16, FTW_PHYS), 0);
  assert_true(pb_ok > 3000);
  assert_true(pb_failed > 0 && pb_failed < 100);
}

/* Write the bytes to p and read them back as a .pb: the reader's status. */
static int read_pb_bytes(const char *p, const void *bytes, size_t n, ortune_tensor *t) {
  write_bytes(p, bytes, n);
  return ortune_tensor_read_pb(p, t);
}

/* ---- hand-made protobuf encodings -------------------------------------------------- */

static void test_read_typed_fields(void **state) {
  (void)state;
  ortune_tensor t;
  const char *p = tmp_path("typed.pb");
  /* dims packed [2], FLOAT16 in int32_data (unpacked), name "h" */
  const uint8_t f16[] = {0x0a, 0x01, 0x02, 0x10, 0x0a, 0x28, 0x80, 0x78, 0x28, 0x80, 0x80, 0x01, 0x42, 0x01, 'h'};
  assert_int_equal(read_pb_bytes(p, f16, sizeof f16, &t), ORTUNE_OK);
  assert_int_equal(t.dtype, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16);
  assert_int_equal(t.count, 2);
  assert_int_equal(((uint16_t *)t.data)[0], 0x3c00);
  assert_int_equal(((uint16_t *)t.data)[1], 0x4000);
  assert_string_equal(t.name, "h");
  ortune_tensor_release(&t);

  /* float_data unpacked (wire type 5) then packed, dims unpacked [3] */
  float v[3] = {1.5f, -2.0f, 3.25f};
  uint8_t fl[64], *q = fl;
  *q++ = 0x08, *q++ = 0x03, *q++ = 0x10, *q++ = 0x01;
  *q++ = 0x25, memcpy(q, &v[0], 4), q += 4;
  *q++ = 0x22, *q++ = 0x08, memcpy(q, &v[1], 8), q += 8;
  assert_int_equal(read_pb_bytes(p, fl, (size_t)(q - fl), &t), ORTUNE_OK);
  assert_memory_equal(t.data, v, sizeof v);
  ortune_tensor_release(&t);

  /* int64_data packed with a negative value, int8 in int32_data, bool, uint64_data */
  const uint8_t i64[] = {0x08, 0x02, 0x10, 0x07, 0x3a, 0x0b, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  assert_int_equal(read_pb_bytes(p, i64, sizeof i64, &t), ORTUNE_OK);
  assert_int_equal(((int64_t *)t.data)[0], 5);
  assert_int_equal(((int64_t *)t.data)[1], -1);
  ortune_tensor_release(&t);
  const uint8_t i8[] = {0x08, 0x02, 0x10, 0x03, 0x2a, 0x0b, 0x05, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  assert_int_equal(read_pb_bytes(p, i8, sizeof i8, &t), ORTUNE_OK);
  assert_int_equal(((int8_t *)t.data)[0], 5);
  assert_int_equal(((int8_t *)t.data)[1], -2);
  ortune_tensor_release(&t);
  const uint8_t u32[] = {0x08, 0x01, 0x10, 0x0c, 0x58, 0xff, 0xff, 0xff, 0xff, 0x0f};
  assert_int_equal(read_pb_bytes(p, u32, sizeof u32, &t), ORTUNE_OK);
  assert_int_equal(((uint32_t *)t.data)[0], 0xffffffffu);
  ortune_tensor_release(&t);

  /* int4: 3 values packed two per int32_data entry -> 2 entries */
  const uint8_t i4[] = {0x08, 0x03, 0x10, 0x16, 0x2a, 0x03, 0x8f, 0x01, 0x07};
  assert_int_equal(read_pb_bytes(p, i4, sizeof i4, &t), ORTUNE_OK);
  assert_int_equal(t.nbytes, 2);
  assert_int_equal(((uint8_t *)t.data)[0], 0x8f);
  assert_int_equal(((uint8_t *)t.data)[1], 0x07);
  ortune_tensor_release(&t);
}

static void test_read_pb_errors(void **state) {
  (void)state;
  ortune_tensor t;
  const char *p = tmp_path("bad.pb");
  /* external data */
  const uint8_t ext[] = {0x08, 0x02, 0x10, 0x01, 0x70, 0x01};
  assert_int_equal(read_pb_bytes(p, ext, sizeof ext, &t), ORTUNE_EUNSUPPORTED);
  assert_non_null(strstr(ortune_last_error(), "external"));
  /* unknown data_type */
  const uint8_t unk[] = {0x08, 0x01, 0x10, 0x63, 0x4a, 0x01, 0x00};
  assert_int_equal(read_pb_bytes(p, unk, sizeof unk, &t), ORTUNE_EUNSUPPORTED);
  /* huge dims with little data: error, no giant allocation */
  const uint8_t huge[] = {0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x08, 0x80, 0x80, 0x80, 0x80,
                          0x80, 0x80, 0x01, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0, 0};
  assert_int_equal(read_pb_bytes(p, huge, sizeof huge, &t), ORTUNE_EIO);
  const uint8_t big[] = {0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0, 0};
  assert_int_equal(read_pb_bytes(p, big, sizeof big, &t), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "raw_data is 4 bytes"));
  /* negative dim */
  const uint8_t neg[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x10, 0x01};
  assert_int_equal(read_pb_bytes(p, neg, sizeof neg, &t), ORTUNE_EIO);
  /* wrong wire type for data_type, group wire type, 17 dims */
  const uint8_t wt[] = {0x12, 0x01, 0x01};
  assert_int_equal(read_pb_bytes(p, wt, sizeof wt, &t), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "byte 0 is not a valid protobuf field"));
  const uint8_t grp[] = {0x08, 0x01, 0x1b};
  assert_int_equal(read_pb_bytes(p, grp, sizeof grp, &t), ORTUNE_EIO);
  uint8_t many[40];
  for (int i = 0; i < 17; i++) many[2 * i] = 0x08, many[2 * i + 1] = 0x01;
  assert_int_equal(read_pb_bytes(p, many, 34, &t), ORTUNE_EUNSUPPORTED);
  /* missing file, unknown extension, empty file */
  assert_int_equal(ortune_tensor_read(tmp_path("missing.pb"), &t), ORTUNE_EIO);
  assert_int_equal(ortune_tensor_read(tmp_path("x.txt"), &t), ORTUNE_EUNSUPPORTED);
  assert_int_equal(read_pb_bytes(p, "", 0, &t), ORTUNE_EIO);
  assert_null(t.data);
}

static void test_truncated_pb(void **state) {
  (void)state;
  ortune_tensor t, back;
  int64_t d[2] = {10, 100};
  make(&t, "input", ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 2, d);
  const char *full = tmp_path("full.pb"), *cut = tmp_path("cut.pb");
  assert_int_equal(ortune_tensor_write_pb(full, &t), ORTUNE_OK);
  size_t n;
  unsigned char *raw = slurp_bytes(full, &n);
  for (size_t len = 0; len < n; len += (len < 64 ? 1 : 97)) {
    write_bytes(cut, raw, len);
    int rc = ortune_tensor_read_pb(cut, &back);
    assert_int_not_equal(rc, ORTUNE_OK);
    assert_int_equal(rc, ORTUNE_EIO);
    assert_null(back.data);
  }
  write_bytes(cut, raw, n / 2);
  assert_int_equal(ortune_tensor_read_pb(cut, &back), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "truncated tensor data"));
  assert_non_null(strstr(ortune_last_error(), "re-export"));
  free(raw);
  ortune_tensor_release(&t);
}

static void test_garbage_pb(void **state) {
  (void)state;
  uint64_t seed = 42;
  uint8_t buf[600];
  const char *p = tmp_path("garbage.pb");
  ortune_tensor t;
  for (int iter = 0; iter < 300; iter++) {
    size_t n = rnd(&seed) % sizeof buf;
    rnd_fill(buf, n, &seed);
    write_bytes(p, buf, n);
    int rc = ortune_tensor_read_pb(p, &t);
    assert_int_not_equal(rc, ORTUNE_OK);
    assert_null(t.data);
  }
  /* mutations of a valid tensor: anything may happen except a crash */
  float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  make_f32(&t, "m", 8, v);
  assert_int_equal(ortune_tensor_write_pb(tmp_path("valid.pb"), &t), ORTUNE_OK);
  ortune_tensor_release(&t);
  size_t n;
  unsigned char *valid = slurp_bytes(tmp_path("valid.pb"), &n);
  for (int iter = 0; iter < 300; iter++) {
    memcpy(buf, valid, n);
    for (int k = 0; k < 3; k++) buf[rnd(&seed) % n] = (uint8_t)rnd(&seed);
    write_bytes(p, buf, n);
    if (ortune_tensor_read_pb(p, &t) == ORTUNE_OK) ortune_tensor_release(&t);
  }
  free(valid);
}

/* ---- .npy ------------------------------------------------------------------------- */

/* Write a .npy of the given version with header text h followed by data. */
static void write_npy(const char *path, int version, const char *h, const void *data, size_t n) {
  uint8_t buf[1024];
  size_t hl = strlen(h), off = version == 1 ? 10 : 12;
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (uint8_t)version, buf[7] = 0;
  buf[8] = (uint8_t)hl, buf[9] = (uint8_t)(hl >> 8);
  if (version > 1) buf[10] = buf[11] = 0;
  memcpy(buf + off, h, hl);
  memcpy(buf + off + hl, data, n);
  write_bytes(path, buf, off + hl + n);
}

static void test_read_npy_variants(void **state) {
  (void)state;
  ortune_tensor t;
  const char *p = tmp_path("v.npy");
  const float f[2] = {1.5f, 2.5f};
  write_npy(p, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }   \n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_OK);
  assert_int_equal(t.ndim, 2);
  assert_int_equal(t.dims[1], 2);
  assert_memory_equal(t.data, f, sizeof f);
  ortune_tensor_release(&t);
  /* v3, keys in another order, double quotes */
  write_npy(p, 3, "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f4\"}\n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_OK);
  assert_int_equal(t.count, 2);
  ortune_tensor_release(&t);
  /* bool, bytes and unicode strings */
  const uint8_t b[3] = {1, 0, 1};
  write_npy(p, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", b, 3);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_OK);
  assert_int_equal(t.dtype, ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL);
  ortune_tensor_release(&t);
  write_npy(p, 1, "{'descr': '|S3', 'fortran_order': False, 'shape': (2,), }\n", "abcd\0\0", 6);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_OK);
  assert_string_equal(((char **)t.data)[0], "abc");
  assert_string_equal(((char **)t.data)[1], "d");
  ortune_tensor_release(&t);
  const uint32_t u[2] = {0x20AC, 'a'};
  write_npy(p, 1, "{'descr': '<U2', 'fortran_order': False, 'shape': (), }\n", u, sizeof u);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_OK);
  assert_int_equal(t.ndim, 0);
  assert_string_equal(((char **)t.data)[0], "\xe2\x82\xac" "a");
  ortune_tensor_release(&t);
}

static void test_read_npy_errors(void **state) {
  (void)state;
  ortune_tensor t;
  const char *p = tmp_path("e.npy");
  const float f[4] = {0};
  write_npy(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EUNSUPPORTED);
  assert_non_null(strstr(ortune_last_error(), "fortran_order"));
  write_npy(p, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }\n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EUNSUPPORTED);
  write_npy(p, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", f, 8);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EUNSUPPORTED);
  write_npy(p, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n", f, 4);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EUNSUPPORTED);
  write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "truncated"));
  write_npy(p, 1, "{'descr': '<f4', 'shape': (2, 2), }\n", f, sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EIO);
  write_npy(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999), }\n", f,
            sizeof f);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EIO);
  write_npy(p, 4, "{}", f, 0);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EUNSUPPORTED);
  write_bytes(p, "\x93NUMPY\x01\x00\xff\x00{", 11); /* header length beyond the file */
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EIO);
  write_bytes(p, "PK\x03\x04", 4);
  assert_int_equal(ortune_tensor_read(p, &t), ORTUNE_EIO);
  assert_null(t.data);
}

static void test_garbage_npy(void **state) {
  (void)state;
  static const char *heads[] = {"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }\n",
                                "{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }\n"};
  uint64_t seed = 7;
  char h[128];
  uint8_t data[64];
  ortune_tensor t;
  const char *p = tmp_path("g.npy");
  for (int iter = 0; iter < 400; iter++) {
    strcpy(h, heads[iter % 2]);
    size_t hl = strlen(h);
    for (int k = 0; k < 2; k++) h[rnd(&seed) % hl] = (char)(rnd(&seed) % 128);
    rnd_fill(data, sizeof data, &seed);
    write_npy(p, 1 + iter % 3, h, data, rnd(&seed) % sizeof data);
    if (ortune_tensor_read(p, &t) == ORTUNE_OK) ortune_tensor_release(&t);
  }
}

/* ---- comparison ------------------------------------------------------------------- */

static void test_compare_tolerance(void **state) {
  (void)state;
  ortune_tensor a, b;
  ortune_diff d;
  float va[4] = {1.0f, 2.0f, -3.0f, 0.0f}, vb[4] = {1.0f, 2.0f, -3.0f, 0.0f};
  vb[0] = nextafterf(1.0f, 2.0f); /* one ulp */
  vb[3] = 1e-6f;                  /* within atol */
  make_f32(&a, "y", 4, va);
  make_f32(&b, "y", 4, vb);
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_OK);
  assert_int_equal(d.mismatches, 0);
  assert_int_equal(d.count, 4);
  assert_true(d.max_abs > 0 && d.max_abs < 2e-6);
  /* exact comparison sees the ulp */
  assert_int_equal(ortune_tensor_compare(&a, &b, 0, 0, &d), ORTUNE_EMISMATCH);
  assert_int_equal(d.mismatches, 2);
  ((float *)b.data)[2] = -3.1f;
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_int_equal(d.mismatches, 1);
  assert_true(fabs(d.max_abs - 0.1) < 1e-6);
  assert_non_null(strstr(d.what, "output 'y': 1 of 4 elements differ, max abs 0.1 at index 2 (got -3, want -3.1)"));
  assert_string_equal(ortune_last_error(), d.what);
  /* loose explicit tolerance accepts it */
  assert_int_equal(ortune_tensor_compare(&a, &b, 0.1, 1e-5, NULL), ORTUNE_OK);
  assert_int_equal(ortune_tensor_compare(&a, &b, 0.1, 0, NULL), ORTUNE_EMISMATCH); /* 0 vs 1e-6 needs atol */
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
}

static void test_compare_nan_inf(void **state) {
  (void)state;
  ortune_tensor a, b;
  ortune_diff d;
  float va[3] = {NAN, INFINITY, -INFINITY}, vb[3] = {NAN, INFINITY, -INFINITY};
  make_f32(&a, NULL, 3, va);
  make_f32(&b, NULL, 3, vb);
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_OK);
  ((float *)b.data)[0] = 1.0f;
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_int_equal(d.nan_mismatch, 1);
  assert_int_equal(d.mismatches, 1);
  assert_non_null(strstr(d.what, "got nan"));
  assert_int_equal(ortune_tensor_compare(&b, &a, 1e9, 1e9, &d), ORTUNE_EMISMATCH); /* NaN never within tolerance */
  ((float *)b.data)[0] = NAN;
  ((float *)b.data)[1] = 3e38f; /* inf vs finite: mismatch even with huge rtol */
  assert_int_equal(ortune_tensor_compare(&a, &b, 1e9, 1e9, &d), ORTUNE_EMISMATCH);
  assert_int_equal(ortune_tensor_compare(&b, &a, 1e9, 1e9, &d), ORTUNE_EMISMATCH);
  ((float *)b.data)[1] = -INFINITY;
  assert_int_equal(ortune_tensor_compare(&a, &b, 1e9, 1e9, &d), ORTUNE_EMISMATCH);
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
}

static void test_compare_shape_dtype(void **state) {
  (void)state;
  ortune_tensor a, b;
  ortune_diff d;
  int64_t d13[2] = {1, 3}, d14[2] = {1, 4}, d31[2] = {3, 1};
  make(&a, "y", ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 2, d13);
  make(&b, "y", ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 2, d14);
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_string_equal(d.what, "output 'y': shape 1x3 vs 1x4");
  ortune_tensor_release(&b);
  make(&b, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 2, d31); /* same count, other shape */
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_non_null(strstr(d.what, "shape 1x3 vs 3x1"));
  ortune_tensor_release(&b);
  make(&b, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, 0, NULL);
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_non_null(strstr(d.what, "shape 1x3 vs scalar"));
  ortune_tensor_release(&b);
  make(&b, NULL, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 2, d13);
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_non_null(strstr(d.what, "dtype float32 vs float16"));
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
}

/* Compare one element of dtype stored as bits ga/gb; returns rc and the diff. */
static int compare_one(int dtype, uint64_t ga, uint64_t gb, double rtol, double atol, ortune_diff *d) {
  ortune_tensor a, b;
  int64_t one = 1;
  make(&a, NULL, dtype, 1, &one);
  make(&b, NULL, dtype, 1, &one);
  memcpy(a.data, &ga, a.nbytes);
  memcpy(b.data, &gb, b.nbytes);
  int rc = ortune_tensor_compare(&a, &b, rtol, atol, d);
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
  return rc;
}

static void test_compare_small_floats_and_ints(void **state) {
  (void)state;
  ortune_diff d;
  /* float16: 1.0 vs 1.0 + 1 ulp (2^-10) within default, 1.0 vs 2.0 outside with max abs 1 */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 0x3c01, 0x3c00, -1, -1, &d), ORTUNE_OK);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 0x3c00, 0x4000, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 1.0);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 0x7e00, 0x7e01, -1, -1, &d), ORTUNE_OK); /* NaNs */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, 0x0001, 0x0000, 0, 0, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == ldexp(1, -24)); /* smallest subnormal */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, 0x3f80, 0x4040, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 2.0);
  /* float8: e4m3fn 0x7e = 448, 0x7f NaN; e5m2 0x7c = inf; fnuz 0x80 = NaN */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN, 0x7e, 0x38, 0, 0, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 447.0);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN, 0x7f, 0x38, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_int_equal(d.nan_mismatch, 1);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ, 0x80, 0x80, -1, -1, &d), ORTUNE_OK);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ, 0x80, 0x00, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2, 0x7c, 0x7b, 1e9, 1e9, &d), ORTUNE_EMISMATCH);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ, 0x40, 0x41, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 0.25); /* 1.0 vs 1.25 */
  /* float4e2m1: code 2 = 1.0, code 7 = 6.0 */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT4E2M1, 0x2, 0x7, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 5.0);
  /* complex64: parts compared separately */
  uint64_t c1 = 0x400000003f800000ull, c2 = 0x404000003f800000ull; /* 1+2i vs 1+3i */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64, c1, c2, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 1.0);
  /* integers are exact by default; an explicit tolerance applies */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, 100, 101, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_non_null(strstr(d.what, "got 100, want 101"));
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32, 100, 101, 0, 1, &d), ORTUNE_OK);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, (uint64_t)1 << 60, ((uint64_t)1 << 60) + 1, -1, -1, &d),
                   ORTUNE_EMISMATCH);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4, 0x0f, 0x0f, -1, -1, &d), ORTUNE_OK);
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4, 0x0f, 0x01, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_true(d.max_abs == 2.0); /* -1 vs 1 */
  assert_int_equal(compare_one(ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL, 1, 0, -1, -1, &d), ORTUNE_EMISMATCH);
}

static void test_compare_strings(void **state) {
  (void)state;
  ortune_tensor a, b;
  ortune_diff d;
  int64_t n = 2;
  make(&a, "s", ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, 1, &n);
  make(&b, "s", ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, 1, &n);
  ((char **)a.data)[0] = ortune_strdup("cat");
  ((char **)b.data)[0] = ortune_strdup("cat");
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_OK); /* NULL element counts as "" */
  ((char **)b.data)[1] = ortune_strdup("dog");
  assert_int_equal(ortune_tensor_compare(&a, &b, -1, -1, &d), ORTUNE_EMISMATCH);
  assert_non_null(strstr(d.what, "1 of 2 elements differ, first at index 1 (got '', want 'dog')"));
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
}

static void test_default_tol(void **state) {
  (void)state;
  double r, a;
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &r, &a);
  assert_true(r == 1e-3 && a == 1e-5);
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16, &r, &a);
  assert_true(r == 1e-2 && a == 1e-3);
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16, &r, &a);
  assert_true(r == 1e-2 && a == 1e-3);
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE, &r, &a);
  assert_true(r == 1e-6 && a == 1e-9);
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2, &r, &a);
  assert_true(r == 0.1 && a == 0.1);
  ortune_default_tol(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, &r, &a);
  assert_true(r == 0 && a == 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dtype_names),
      cmocka_unit_test(test_alloc_rejects_bad_dims),
      cmocka_unit_test(test_roundtrip_numeric),
      cmocka_unit_test(test_roundtrip_float16_values),
      cmocka_unit_test(test_roundtrip_int4_odd_count),
      cmocka_unit_test(test_roundtrip_strings),
      cmocka_unit_test(test_roundtrip_scalar_and_empty),
      cmocka_unit_test(test_read_real_pb),
      cmocka_unit_test(test_read_all_testdata_pb),
      cmocka_unit_test(test_read_typed_fields),
      cmocka_unit_test(test_read_pb_errors),
      cmocka_unit_test(test_truncated_pb),
      cmocka_unit_test(test_garbage_pb),
      cmocka_unit_test(test_read_npy_variants),
      cmocka_unit_test(test_read_npy_errors),
      cmocka_unit_test(test_garbage_npy),
      cmocka_unit_test(test_compare_tolerance),
      cmocka_unit_test(test_compare_nan_inf),
      cmocka_unit_test(test_compare_shape_dtype),
      cmocka_unit_test(test_compare_small_floats_and_ints),
      cmocka_unit_test(test_compare_strings),
      cmocka_unit_test(test_default_tol),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
