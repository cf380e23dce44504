/* test_verify.c - unit tests for the tuner's output check (lib/tune/verify.c): error measures, the acceptance
 * rule, weak checks, the random-operator scan and the per-output JSON, on fixed synthetic tensors. */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tune.h"
#include "verify.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

TESTUTIL_TMPDIR("verify")

#define F32 ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

static void f32(ortune_tensor *t, const char *name, size_t n, const float *v) {
  int64_t d = (int64_t)n;
  assert_int_equal(ortune_tensor_alloc(t, name, F32, 1, &d), ORTUNE_OK);
  memcpy(t->data, v, n * sizeof *v);
}

static void i64(ortune_tensor *t, size_t n, const int64_t *v) {
  int64_t d = (int64_t)n;
  assert_int_equal(ortune_tensor_alloc(t, "k", ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, 1, &d), ORTUNE_OK);
  memcpy(t->data, v, n * sizeof *v);
}

static ortune_verr err_of(const float *got, const float *ref, size_t n, double rtol, double atol) {
  ortune_tensor g, r;
  ortune_verr e;
  f32(&g, "y", n, got);
  f32(&r, "y", n, ref);
  ortune_verify_error(&g, &r, rtol, atol, &e);
  ortune_tensor_release(&g);
  ortune_tensor_release(&r);
  return e;
}

static ortune_verr norm_err(double norm) {
  ortune_verr e = {0};
  e.norm = norm;
  e.scale = 4;
  e.max_abs = norm * 4;
  return e;
}

static void test_error_measures(void **state) {
  (void)state;
  static const float ref[] = {1, -2, 4, 0}, got[] = {1, -2.0004f, 4, 0.0001f};
  ortune_verr e = err_of(got, ref, 4, -1, -1);
  assert_false(e.bad_shape);
  assert_float_equal(e.max_abs, 4e-4, 1e-6); /* -2.0004 is not exact in float32 */
  assert_float_equal(e.max_rel, 2e-4, 1e-6);
  assert_float_equal(e.norm, 1e-4, 1e-6); /* max|got-ref| / max|ref| = 4e-4 / 4 */
  assert_int_equal(e.nonfinite, 0);
  assert_int_equal(e.tol_fail, 0);
  e = err_of(ref, ref, 4, -1, -1);
  assert_true(e.max_abs == 0 && e.norm == 0);
}

static void test_rule_against_defaults(void **state) {
  (void)state;
  double allowed;
  ortune_verr def = norm_err(1e-3);
  ortune_verr c = norm_err(1.9e-3);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
  assert_float_equal(allowed, 2e-3, 1e-12);
  c = norm_err(2.1e-3);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_WORSE);
  assert_true(ortune_verdict_rejects(ORTUNE_V_WORSE));
  /* more exact than the defaults: always acceptable, however large both are */
  def = norm_err(0.5);
  c = norm_err(0.2);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_MORE_EXACT);
  assert_false(ortune_verdict_rejects(ORTUNE_V_MORE_EXACT));
  /* exact defaults: the float32 floor decides */
  def = norm_err(0);
  c = norm_err(0.9e-4);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
  assert_float_equal(allowed, 1e-4, 1e-12);
  c = norm_err(1.1e-4);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_WORSE);
  /* an output near zero: the floor is 8 ulps of 1.0 in absolute terms, not 1e-4 of its own tiny scale */
  c = norm_err(5e-7 / 2e-4);
  c.scale = 2e-4;
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
  assert_float_equal(allowed * 2e-4, 8 * 0x1p-23, 1e-12);
  c = norm_err(2e-6 / 2e-4);
  c.scale = 2e-4;
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_WORSE);
  /* float16 outputs get a wider floor than float32, integers none */
  assert_true(ortune_verify_floor(ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16) > ortune_verify_floor(F32));
  assert_true(ortune_verify_floor(ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64) == 0);
}

static void test_nonfinite_always_rejected(void **state) {
  (void)state;
  static const float ref[] = {1, 2, 3}, nan1[] = {NAN, 2, 3}, inf1[] = {1, INFINITY, 3};
  double allowed;
  ortune_verr c = err_of(nan1, ref, 3, -1, -1), def = err_of(ref, ref, 3, -1, -1);
  assert_int_equal(c.nonfinite, 1);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_NONFINITE);
  /* even when the defaults have NaN there too, and even when every finite element is exact */
  def = c;
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_NONFINITE);
  c = err_of(inf1, ref, 3, -1, -1);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_NONFINITE);
  /* NaN/Inf in the reference: the same NaN is fine; another value counts unless the defaults differ there too */
  static const float rnan[] = {NAN, 1, INFINITY}, gsame[] = {NAN, 1, INFINITY}, gdiff[] = {NAN, 1, 5};
  c = err_of(gsame, rnan, 3, -1, -1);
  assert_int_equal(c.special_diff, 0);
  def = err_of(gsame, rnan, 3, -1, -1);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
  c = err_of(gdiff, rnan, 3, -1, -1);
  assert_int_equal(c.special_diff, 1);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_NONFINITE);
  def = c;
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
}

static void test_user_tolerance(void **state) {
  (void)state;
  static const float ref[] = {1, -2, 4, 0}, got[] = {1, -2.00005f, 4, 0};
  double allowed;
  ortune_verr def = err_of(ref, ref, 4, 1e-7, 1e-6);
  /* within the defaults' rule (norm 1.25e-5 < floor 1e-4) but outside atol 1e-6 */
  ortune_verr c = err_of(got, ref, 4, 0, 1e-6);
  assert_true(c.norm < 1e-4);
  assert_int_equal(c.tol_fail, 1);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_TOLERANCE);
  /* a looser tolerance accepts it */
  c = err_of(got, ref, 4, 0, 1e-3);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_OK);
  /* rtol alone: atol is the float32 floor x max|ref| (4e-4), so 5e-5 on -2 passes rtol 0 */
  c = err_of(got, ref, 4, 0, -1);
  assert_int_equal(c.tol_fail, 0);
  /* no tolerance given: nothing counted */
  c = err_of(got, ref, 4, -1, -1);
  assert_int_equal(c.tol_fail, 0);
}

static void test_integers_and_shapes(void **state) {
  (void)state;
  static const int64_t ref[] = {1, 2, 3, 4}, got[] = {1, 2, 3, 5};
  ortune_tensor r, g, f;
  ortune_verr c, def = {0};
  double allowed;
  i64(&r, 4, ref);
  i64(&g, 4, got);
  ortune_verify_error(&g, &r, -1, -1, &c);
  assert_float_equal(c.norm, 0.25, 1e-12); /* the fraction of elements that differ */
  assert_int_equal(ortune_verify_judge(&c, &def, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, &allowed), ORTUNE_V_WORSE);
  def.norm = 0.25; /* the defaults flip the same element: as exact as they are */
  assert_int_equal(ortune_verify_judge(&c, &def, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64, &allowed), ORTUNE_V_OK);
  static const float v[] = {1, 2, 3, 4}, v3[] = {1, 2, 3};
  f32(&f, "k", 4, v); /* another dtype */
  ortune_verify_error(&f, &r, -1, -1, &c);
  assert_true(c.bad_shape);
  assert_int_equal(ortune_verify_judge(&c, &def, F32, &allowed), ORTUNE_V_SHAPE);
  ortune_tensor_release(&f);
  f32(&f, "k", 3, v3);
  ortune_tensor_release(&r);
  f32(&r, "k", 4, v); /* another shape */
  ortune_verify_error(&f, &r, -1, -1, &c);
  assert_true(c.bad_shape);
  ortune_tensor_release(&r);
  ortune_tensor_release(&g);
  ortune_tensor_release(&f);
}

static void test_weak(void **state) {
  (void)state;
  static const float tiny[] = {1e-5f, 2e-4f, 0}, flat[] = {5, 5.0001f, 5}, fine[] = {0.1f, 0.9f, 0.4f};
  static const int64_t same[] = {3, 3, 3};
  ortune_tensor t;
  char why[160];
  f32(&t, "p", 3, tiny);
  assert_true(ortune_verify_weak(&t, why, sizeof why));
  assert_non_null(strstr(why, "near zero"));
  ortune_tensor_release(&t);
  f32(&t, "p", 3, flat);
  assert_true(ortune_verify_weak(&t, why, sizeof why));
  assert_non_null(strstr(why, "near constant"));
  ortune_tensor_release(&t);
  f32(&t, "p", 3, fine);
  assert_false(ortune_verify_weak(&t, why, sizeof why));
  ortune_tensor_release(&t);
  i64(&t, 3, same);
  assert_true(ortune_verify_weak(&t, why, sizeof why));
  ortune_tensor_release(&t);
}

static void test_random_ops_scan(void **state) {
  (void)state;
  char ops[256];
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/random_like.onnx", ops, sizeof ops), ORTUNE_OK);
  assert_string_equal(ops, "RandomNormalLike");
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/mlp.onnx", ops, sizeof ops), ORTUNE_OK);
  assert_string_equal(ops, "");
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/dropout_train.onnx", ops, sizeof ops), ORTUNE_OK);
  assert_string_equal(ops, "Dropout (training_mode)");
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/dropout_eval.onnx", ops, sizeof ops), ORTUNE_OK);
  assert_string_equal(ops, "");
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/random_in_if.onnx", ops, sizeof ops), ORTUNE_OK);
  assert_string_equal(ops, "RandomUniformLike"); /* inside the If's then_branch */
  assert_int_equal(ortune_model_random_ops(ORTUNE_TEST_DATA "/no-such.onnx", ops, sizeof ops), ORTUNE_EIO);
}

/* Every prefix of a model and a few corrupted copies: the scan reads within bounds (ASan builds check) and never
 * reports an operator that is not there. */
static void test_random_ops_scan_corrupt(void **state) {
  (void)state;
  size_t n;
  unsigned char *m = slurp_bytes(ORTUNE_TEST_DATA "/random_in_if.onnx", &n);
  char ops[256];
  const char *path = tmp_path("cut.onnx");
  for (size_t k = 1; k < n; k++) {
    write_bytes(path, m, k);
    assert_int_equal(ortune_model_random_ops(path, ops, sizeof ops), ORTUNE_OK);
    assert_true(!ops[0] || !strcmp(ops, "RandomUniformLike"));
  }
  for (size_t k = 0; k < n; k++) { /* one byte at a time set to 0xff: lengths and keys go wild */
    unsigned char save = m[k];
    m[k] = 0xff;
    write_bytes(path, m, n);
    assert_int_equal(ortune_model_random_ops(path, ops, sizeof ops), ORTUNE_OK);
    m[k] = save;
  }
  write_bytes(path, "", 0);
  assert_int_equal(ortune_model_random_ops(path, ops, sizeof ops), ORTUNE_EMODEL);
  free(m);
}

/* The reference run: CPU EP, host IO, one thread, the base's free dims and the trials' input sets, fewest runs. */
static void test_reference_spec(void **state) {
  (void)state;
  ortune_config *base = NULL;
  ortune_input_spec in = {0}, extra[1] = {{0}};
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_config_set(base, "provider", "cuda"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(base, "free_dimension_overrides.batch", "4"), ORTUNE_OK);
  assert_int_equal(ortune_input_arg_parse(&in, "x=frame.npy"), ORTUNE_OK);
  in.seed = 7;
  assert_int_equal(ortune_shape_parse("x=1x3x64x64", &extra[0].shapes[0]), ORTUNE_OK);
  extra[0].nshapes = 1;
  cJSON *j = ortune_verify_reference_spec("m.onnx", base, &in, extra, 1, "/w/exact");
  const cJSON *opts = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "config"), "options");
  assert_string_equal(cJSON_GetObjectItem(opts, "provider")->valuestring, "cpu");
  assert_string_equal(cJSON_GetObjectItem(opts, "io")->valuestring, "host");
  assert_string_equal(cJSON_GetObjectItem(opts, "intra_op_num_threads")->valuestring, "1");
  assert_int_equal(cJSON_GetArraySize(opts), 3); /* nothing else: ORT's defaults (no denormal flush) */
  const cJSON *fd = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "config"), "free_dimension_overrides");
  assert_int_equal((int)cJSON_GetObjectItem(fd, "batch")->valuedouble, 4);
  const cJSON *files = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "inputs"), "files");
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 0), "path")->valuestring, "frame.npy");
  assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "inputs"), "seed")->valuedouble, 7);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "extra_shapes")), 1);
  assert_string_equal(cJSON_GetObjectItem(j, "out_dir")->valuestring, "/w/exact");
  assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetObjectItem(j, "bench"), "max_runs")->valuedouble, 1);
  cJSON_Delete(j);
  ortune_config_release(base);
}

/* dir/output_0.pb (and dir/set2/output_0.pb) holding v. */
static void put(const char *dir, const char *set, const float *v, size_t n) {
  char path[600];
  ortune_tensor t;
  snprintf(path, sizeof path, "%s/%s%s", tmpdir, dir, set);
  assert_int_equal(ortune_mkdir_p(path), ORTUNE_OK);
  snprintf(path, sizeof path, "%s/%s%s/output_0.pb", tmpdir, dir, set);
  f32(&t, "y", n, v);
  assert_int_equal(ortune_tensor_write_pb(path, &t), ORTUNE_OK);
  ortune_tensor_release(&t);
}

static void put2(const char *dir, const float *v) {
  put(dir, "", v, 4);
  put(dir, "/set2", v, 4);
}

static void test_check_json(void **state) {
  (void)state;
  static const float exact[] = {1, 2, 3, 4}, def[] = {1, 2, 3, 4.04f}, better[] = {1, 2, 3, 4.001f},
                     worse[] = {1, 2, 3.3f, 4}, nan[] = {NAN, 2, 3, 4};
  put2("exact", exact);
  put2("ref", def);
  put2("better", better);
  put2("worse", worse);
  put2("nan", nan);
  ortune_verify *v = calloc(1, sizeof *v);
  cJSON *info = cJSON_CreateObject();
  assert_int_equal(ortune_verify_setup(v, ORTUNE_CHECK_EXACT, tmp_path("exact"), tmp_path("ref"), 2, -1, -1, NULL, info, NULL), ORTUNE_OK);
  assert_int_equal(v->n, 2);
  assert_float_equal(v->out[0].def.norm, 0.01, 1e-6);
  cJSON *tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("better"), tr), 0); /* more exact than the defaults */
  cJSON *o = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "outputs"), 0);
  assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring, "y");
  assert_string_equal(cJSON_GetObjectItem(o, "verdict")->valuestring, "more exact");
  assert_float_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "default_err"), "norm")->valuedouble, 0.01, 1e-6);
  assert_float_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "cand_err"), "norm")->valuedouble, 2.5e-4, 1e-6);
  cJSON_Delete(tr);
  tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("worse"), tr), 1); /* 0.075 > 2 x 0.01 */
  const char *why = cJSON_GetObjectItem(tr, "reason")->valuestring;
  assert_non_null(strstr(why, "less exact than the defaults"));
  assert_non_null(strstr(why, "0.075")); /* its error and the defaults', side by side */
  assert_non_null(strstr(why, "defaults 0.01"));
  cJSON_Delete(tr);
  tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("nan"), tr), 1);
  assert_non_null(strstr(cJSON_GetObjectItem(tr, "reason")->valuestring, "NaN/Inf where the exact reference is finite"));
  cJSON_Delete(tr);
  tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("missing"), tr), 1);
  cJSON_Delete(tr);
  /* random operators: shapes, dtypes and NaN only, against the defaults' outputs */
  cJSON_Delete(info);
  info = cJSON_CreateObject();
  assert_int_equal(ortune_verify_setup(v, ORTUNE_CHECK_SHAPES, NULL, tmp_path("ref"), 2, -1, -1, "random", info, NULL), ORTUNE_OK);
  tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("worse"), tr), 0);
  cJSON_Delete(tr);
  tr = cJSON_CreateObject();
  assert_int_equal(ortune_verify_check(v, tmp_path("nan"), tr), 1);
  cJSON_Delete(tr);
  cJSON_Delete(info);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_error_measures),
      cmocka_unit_test(test_rule_against_defaults),
      cmocka_unit_test(test_nonfinite_always_rejected),
      cmocka_unit_test(test_user_tolerance),
      cmocka_unit_test(test_integers_and_shapes),
      cmocka_unit_test(test_weak),
      cmocka_unit_test(test_random_ops_scan),
      cmocka_unit_test(test_random_ops_scan_corrupt),
      cmocka_unit_test(test_reference_spec),
      cmocka_unit_test(test_check_json),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
