/* test_inputs.c - unit tests for --shape / --free-dim / --input parsing and for making a model's input
 * tensors: from files, or seeded random with dynamic dims resolved or refused (lib/inputs.c). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "testutil.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA ORTUNE_TEST_DATA
#define TESTDATA "/usr/share/libonnx-testdata/data"

TESTUTIL_TMPDIR("inputs")

/* ---- --shape ------------------------------------------------------------------------------------ */

static void check_shape(const char *arg, const char *name, int ndim, const int64_t *dims) {
  ortune_shape_arg s;
  int rc = ortune_shape_parse(arg, &s);
  if (rc) fail_msg("--shape '%s' rejected: %s", arg, ortune_last_error());
  assert_string_equal(s.name, name);
  assert_int_equal(s.ndim, ndim);
  for (int i = 0; i < ndim; i++) assert_int_equal(s.dims[i], dims[i]);
}

static void test_shape_good(void **state) {
  (void)state;
  check_shape("1x3x640x640", "", 4, (int64_t[]){1, 3, 640, 640});
  check_shape("x=1x3x640x640", "x", 4, (int64_t[]){1, 3, 640, 640});
  check_shape("x=1X3X8", "x", 3, (int64_t[]){1, 3, 8});
  check_shape("x=1,3,8", "x", 3, (int64_t[]){1, 3, 8});
  check_shape("input_ids=7", "input_ids", 1, (int64_t[]){7});
  check_shape("x=1x0x3", "x", 3, (int64_t[]){1, 0, 3}); /* empty tensors are legal */
  check_shape("x=scalar", "x", 0, NULL);
  check_shape("scalar", "", 0, NULL);
  check_shape("p2o.Dyn:0/a=2x2", "p2o.Dyn:0/a", 2, (int64_t[]){2, 2});
  check_shape("x=1099511627776", "x", 1, (int64_t[]){1099511627776LL}); /* 2^40: the largest */
  check_shape("x=1x2x3x4x5x6x7x8x9x10x11x12x13x14x15x16", "x", 16,
              (int64_t[]){1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
}

static void test_shape_bad(void **state) {
  (void)state;
  static const char *const bad[] = {
    "", "x=", "=1x2", "=", "1xx2", "1x-2", "-1", "x=1x2x", "x1x2", "x=x", "1x", "x", "1,,2", "x=1x2 ", " 1x2", "1x 2",
    "+1x2", "1x+2", "1x2.5", "1x2e3", "1x0x1f", "x=1xax2", "x=99999999999999999999", "x=1x1099511627777",
    "x=1x2x3x4x5x6x7x8x9x10x11x12x13x14x15x16x17", "x=scalarx", "x=1x2junk", "x=1,x2", "x=0x", "abc",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ortune_shape_arg s;
    int rc = ortune_shape_parse(bad[i], &s);
    if (rc != ORTUNE_EUSAGE) fail_msg("--shape '%s': got %s, want EUSAGE", bad[i], ortune_err_name(rc));
    assert_contains(ortune_last_error(), "--shape");
    assert_null(strchr(ortune_last_error(), '\n'));
  }
  /* a name that does not fit */
  char longname[700];
  memset(longname, 'n', ORTUNE_MAX_NAME);
  snprintf(longname + ORTUNE_MAX_NAME, sizeof longname - ORTUNE_MAX_NAME, "=1x2");
  ortune_shape_arg s;
  assert_int_equal(ortune_shape_parse(longname, &s), ORTUNE_EUSAGE);
}

/* ---- --free-dim ------------------------------------------------------------------------------------ */

static void test_freedim(void **state) {
  (void)state;
  char name[64];
  int64_t v = 0;
  assert_int_equal(ortune_freedim_parse("batch=1", name, sizeof name, &v), ORTUNE_OK);
  assert_string_equal(name, "batch");
  assert_int_equal(v, 1);
  assert_int_equal(ortune_freedim_parse("p2o.DynamicDimension.0=640", name, sizeof name, &v), ORTUNE_OK);
  assert_string_equal(name, "p2o.DynamicDimension.0");
  assert_int_equal(v, 640);
  static const char *const bad[] = {"", "batch", "=1", "=", "batch=", "batch=0", "batch=-1", "batch=1x", "batch=x",
                                    "batch=1.5", "batch=99999999999999999999", "batch=1099511627777", "batch=1 "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = ortune_freedim_parse(bad[i], name, sizeof name, &v);
    if (rc != ORTUNE_EUSAGE) fail_msg("--free-dim '%s': got %s, want EUSAGE", bad[i], ortune_err_name(rc));
    assert_contains(ortune_last_error(), "--free-dim");
  }
  /* the name must fit the caller's buffer */
  char small[4];
  assert_int_equal(ortune_freedim_parse("batch=1", small, sizeof small, &v), ORTUNE_EUSAGE);
}

/* ---- --input ------------------------------------------------------------------------------------------ */

static void test_input_arg(void **state) {
  (void)state;
  ortune_input_spec spec;
  memset(&spec, 0, sizeof spec);
  assert_int_equal(ortune_input_arg_parse(&spec, "x=a.npy"), ORTUNE_OK);
  assert_int_equal(ortune_input_arg_parse(&spec, "b.pb"), ORTUNE_OK);
  /* an existing file whose path holds '=' is a path, not name=path */
  char named[600];
  assert_int_equal(mkdir(tmp_path("run=3"), 0755), 0);
  const char *eqfile = tmp_path("run=3/c.npy");
  write_bytes(eqfile, "", 0);
  assert_int_equal(ortune_input_arg_parse(&spec, eqfile), ORTUNE_OK);
  snprintf(named, sizeof named, "mask=%s", eqfile);
  assert_int_equal(ortune_input_arg_parse(&spec, named), ORTUNE_OK);
  assert_int_equal(spec.nfiles, 4);
  assert_string_equal(spec.files[0].name, "x");
  assert_string_equal(spec.files[0].path, "a.npy");
  assert_string_equal(spec.files[1].name, "");
  assert_string_equal(spec.files[1].path, "b.pb");
  assert_string_equal(spec.files[2].name, "");
  assert_string_equal(spec.files[2].path, eqfile);
  assert_string_equal(spec.files[3].name, "mask");
  assert_string_equal(spec.files[3].path, eqfile);
  /* a name with '/' (TF-style "model/x:0") still is a name when no such file exists */
  assert_int_equal(ortune_input_arg_parse(&spec, "model/x:0=a.npy"), ORTUNE_OK);
  assert_string_equal(spec.files[4].name, "model/x:0");
  assert_string_equal(spec.files[4].path, "a.npy");
  static const char *const bad[] = {"", "x="};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(ortune_input_arg_parse(&spec, bad[i]), ORTUNE_EUSAGE);
    assert_contains(ortune_last_error(), "--input");
  }
  assert_int_equal(spec.nfiles, 5);
  while (spec.nfiles < ORTUNE_MAX_IO) assert_int_equal(ortune_input_arg_parse(&spec, "f.npy"), ORTUNE_OK);
  assert_int_equal(ortune_input_arg_parse(&spec, "f.npy"), ORTUNE_EUSAGE);
  assert_int_equal(spec.nfiles, ORTUNE_MAX_IO);
}

/* ---- making input tensors ---------------------------------------------------------------------------- */

static OrtSession *open_model(const char *path, const ortune_config *cfg) {
  ortune_config *own = NULL;
  if (!cfg) {
    assert_int_equal(ortune_config_new(&own), ORTUNE_OK);
    cfg = own;
  }
  OrtSession *s = NULL;
  int rc = ortune_session_create_cfg(path, cfg, NULL, &s);
  if (rc) fail_msg("%s: %s", path, ortune_last_error());
  ortune_config_release(own);
  return s;
}

static int make(OrtSession *s, const ortune_config *cfg, const ortune_input_spec *spec, ortune_tensor **t, int *n) {
  *t = NULL;
  *n = 0;
  return ortune_inputs_make(s, cfg, spec, t, n);
}

/* The session's inputs, expecting exactly one (caller frees). */
static ortune_io_desc *only_input(OrtSession *s) {
  ortune_io_desc *d;
  int nd;
  assert_int_equal(ortune_session_io(s, 0, &d, &nd), ORTUNE_OK);
  assert_int_equal(nd, 1);
  return d;
}

static void test_dynamic_dims(void **state) {
  (void)state;
  OrtSession *s = open_model(DATA "/dyn_relu.onnx", NULL);
  ortune_io_desc *d = only_input(s);
  char shape[64];
  ortune_io_shape_str(&d[0], shape, sizeof shape);
  assert_string_equal(shape, "batchx3");
  assert_string_equal(d[0].symbolic[0], "batch");
  assert_int_equal(d[0].dims[0], -1);
  ortune_io_free(d, 1);

  ortune_input_spec spec;
  memset(&spec, 0, sizeof spec);
  ortune_tensor *t;
  int n;
  /* unresolved: an error naming the input, the dim and both ways out */
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_ESHAPE);
  assert_null(t);
  assert_contains(ortune_last_error(), "'x'");
  assert_contains(ortune_last_error(), "batch");
  assert_contains(ortune_last_error(), "--free-dim batch=");
  assert_contains(ortune_last_error(), "--shape x=");
  /* a free dim in the config resolves it */
  ortune_config *cfg;
  assert_int_equal(ortune_config_new(&cfg), ORTUNE_OK);
  assert_int_equal(ortune_config_set(cfg, "free_dimension_overrides.batch", "4"), ORTUNE_OK);
  assert_int_equal(make(s, cfg, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(n, 1);
  assert_int_equal(t[0].ndim, 2);
  assert_int_equal(t[0].dims[0], 4);
  assert_int_equal(t[0].dims[1], 3);
  assert_int_equal(t[0].count, 12);
  assert_int_equal(t[0].dtype, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  assert_string_equal(t[0].name, "x");
  for (size_t i = 0; i < t[0].count; i++) {
    float f = ((float *)t[0].data)[i];
    if (!(f >= -1.0f && f < 1.0f)) fail_msg("random input %zu = %g outside [-1, 1)", i, f);
  }
  ortune_tensors_free(t, n);
  /* --shape by name wins over the free dim */
  assert_int_equal(ortune_shape_parse("x=5x3", &spec.shapes[spec.nshapes++]), ORTUNE_OK);
  assert_int_equal(make(s, cfg, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(t[0].dims[0], 5);
  ortune_tensors_free(t, n);
  /* --shape without a name: the first input */
  assert_int_equal(ortune_shape_parse("6x3", &spec.shapes[0]), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(t[0].dims[0], 6);
  ortune_tensors_free(t, n);
  /* wrong rank, and a static dim contradicted */
  assert_int_equal(ortune_shape_parse("x=1x3x3", &spec.shapes[0]), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_ESHAPE);
  assert_contains(ortune_last_error(), "3 dims");
  assert_int_equal(ortune_shape_parse("x=2x4", &spec.shapes[0]), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_ESHAPE);
  assert_contains(ortune_last_error(), "fixed at 3");
  /* a --shape for an input the model does not have: an error naming it and the model's inputs */
  assert_int_equal(ortune_shape_parse("y=2x3", &spec.shapes[0]), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_EUSAGE);
  assert_contains(ortune_last_error(), "no input 'y': the model's inputs: x");
  ortune_config_release(cfg);
  ortune_ort_api()->ReleaseSession(s);

  s = open_model(DATA "/dyn_unnamed.onnx", NULL);
  memset(&spec, 0, sizeof spec);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_ESHAPE);
  assert_contains(ortune_last_error(), "unnamed");
  assert_contains(ortune_last_error(), "--shape x=");
  assert_int_equal(ortune_shape_parse("x=2x3", &spec.shapes[spec.nshapes++]), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(t[0].count, 6);
  ortune_tensors_free(t, n);
  ortune_ort_api()->ReleaseSession(s);
}

/* A session with free_dimension_overrides set in ORT itself reports the dim as fixed. */
static void test_free_dim_in_session(void **state) {
  (void)state;
  ortune_config *cfg;
  assert_int_equal(ortune_config_new(&cfg), ORTUNE_OK);
  assert_int_equal(ortune_config_set(cfg, "free_dimension_overrides.batch", "2"), ORTUNE_OK);
  OrtSession *s = open_model(DATA "/dyn_relu.onnx", cfg);
  ortune_input_spec spec;
  memset(&spec, 0, sizeof spec);
  ortune_tensor *t;
  int n;
  ortune_config *empty;
  assert_int_equal(ortune_config_new(&empty), ORTUNE_OK);
  assert_int_equal(make(s, empty, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(t[0].dims[0], 2);
  ortune_tensors_free(t, n);
  ortune_config_release(empty);
  ortune_config_release(cfg);
  ortune_ort_api()->ReleaseSession(s);
}

static int tensors_equal(const ortune_tensor *a, const ortune_tensor *b) {
  return a->dtype == b->dtype && a->ndim == b->ndim && a->nbytes == b->nbytes && !memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->ndim) &&
         !memcmp(a->data, b->data, a->nbytes);
}

static void test_random_inputs_seeded(void **state) {
  (void)state;
  OrtSession *s = open_model(DATA "/add2.onnx", NULL);
  ortune_input_spec spec;
  memset(&spec, 0, sizeof spec);
  ortune_tensor *t1, *t2, *t3;
  int n1, n2, n3;
  assert_int_equal(make(s, NULL, &spec, &t1, &n1), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t2, &n2), ORTUNE_OK);
  assert_int_equal(n1, 2);
  assert_true(tensors_equal(&t1[0], &t2[0]) && tensors_equal(&t1[1], &t2[1]));
  assert_false(tensors_equal(&t1[0], &t1[1])); /* each input its own stream (seeded by name) */
  spec.seed = 12345;
  assert_int_equal(make(s, NULL, &spec, &t3, &n3), ORTUNE_OK);
  assert_false(tensors_equal(&t1[0], &t3[0]));
  ortune_tensors_free(t1, n1);
  ortune_tensors_free(t2, n2);
  ortune_tensors_free(t3, n3);
  ortune_ort_api()->ReleaseSession(s);
}

static void test_inputs_from_files(void **state) {
  (void)state;
  OrtSession *s = open_model(DATA "/add2.onnx", NULL);
  ortune_tensor a, b;
  assert_int_equal(ortune_tensor_read_pb(DATA "/add2_data/input_0.pb", &a), ORTUNE_OK);
  assert_int_equal(ortune_tensor_read_pb(DATA "/add2_data/input_1.pb", &b), ORTUNE_OK);
  ortune_input_spec spec;
  ortune_tensor *t;
  int n;
  /* a test_data_set directory */
  memset(&spec, 0, sizeof spec);
  snprintf(spec.dir, sizeof spec.dir, "%s", DATA "/add2_data");
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_OK);
  assert_int_equal(n, 2);
  assert_true(tensors_equal(&t[0], &a));
  assert_true(tensors_equal(&t[1], &b));
  assert_string_equal(t[0].name, "a");
  assert_string_equal(t[1].name, "b");
  ortune_tensors_free(t, n);
  /* by name, swapped: b's file feeds a, a's feeds b */
  memset(&spec, 0, sizeof spec);
  assert_int_equal(ortune_input_arg_parse(&spec, "b=" DATA "/add2_data/input_0.pb"), ORTUNE_OK);
  assert_int_equal(ortune_input_arg_parse(&spec, "a=" DATA "/add2_data/input_1.pb"), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_OK);
  assert_true(tensors_equal(&t[0], &b));
  assert_true(tensors_equal(&t[1], &a));
  assert_string_equal(t[0].name, "a");
  ortune_tensors_free(t, n);
  /* positional, the second random */
  memset(&spec, 0, sizeof spec);
  assert_int_equal(ortune_input_arg_parse(&spec, DATA "/add2_data/input_1.pb"), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_OK);
  assert_true(tensors_equal(&t[0], &b));
  assert_false(tensors_equal(&t[1], &b));
  ortune_tensors_free(t, n);
  /* a file of the wrong dtype */
  ortune_tensor wrong;
  assert_int_equal(ortune_tensor_alloc(&wrong, "a", ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, 2, (int64_t[]){2, 3}), ORTUNE_OK);
  const char *path = tmp_path("int64.pb");
  assert_int_equal(ortune_tensor_write_pb(path, &wrong), ORTUNE_OK);
  ortune_tensor_release(&wrong);
  memset(&spec, 0, sizeof spec);
  char arg[600];
  snprintf(arg, sizeof arg, "a=%s", path);
  assert_int_equal(ortune_input_arg_parse(&spec, arg), ORTUNE_OK);
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_EVALUE);
  assert_contains(ortune_last_error(), "int64");
  assert_contains(ortune_last_error(), "float32");
  /* a missing file */
  memset(&spec, 0, sizeof spec);
  assert_int_equal(ortune_input_arg_parse(&spec, "a=/nonexistent/x.npy"), ORTUNE_OK);
  int rc = make(s, NULL, &spec, &t, &n);
  assert_int_not_equal(rc, ORTUNE_OK);
  assert_contains(ortune_last_error(), "/nonexistent/x.npy");
  ortune_tensor_release(&a);
  ortune_tensor_release(&b);
  ortune_ort_api()->ReleaseSession(s);
}

static void test_sequence_input_unsupported(void **state) {
  (void)state;
  const char *m = TESTDATA "/node/test_identity_sequence/model.onnx";
  if (access(m, R_OK) != 0) skip();
  OrtSession *s = open_model(m, NULL);
  ortune_io_desc *d = only_input(s);
  assert_false(d[0].is_tensor);
  ortune_io_free(d, 1);
  ortune_input_spec spec;
  memset(&spec, 0, sizeof spec);
  ortune_tensor *t;
  int n;
  assert_int_equal(make(s, NULL, &spec, &t, &n), ORTUNE_EUNSUPPORTED);
  assert_contains(ortune_last_error(), "sequence");
  ortune_ort_api()->ReleaseSession(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_shape_good),
    cmocka_unit_test(test_shape_bad),
    cmocka_unit_test(test_freedim),
    cmocka_unit_test(test_input_arg),
    cmocka_unit_test(test_dynamic_dims),
    cmocka_unit_test(test_free_dim_in_session),
    cmocka_unit_test(test_random_inputs_seeded),
    cmocka_unit_test(test_inputs_from_files),
    cmocka_unit_test(test_sequence_input_unsupported),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
