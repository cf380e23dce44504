/* test_runner.c - the public runtime (ortune_runner_*): outputs equal to plain ORT and to ONNX's reference data,
 * argument checks, caller buffers, threads, and ortune_session_create's refusal of CUDA-graph configs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <glob.h>
#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "testutil.h"
#include "internal.h"
#include "harness.h"

#define CORPUS "/usr/share/libonnx-testdata/data/node"

static const char *ocr_dir(void) {
  static char dir[1024];
  const char *c = getenv("ORTUNE_CACHE");
  const char *h = getenv("HOME");
  if (c) snprintf(dir, sizeof dir, "%s/models/ocr-models-1.4.2", c);
  else snprintf(dir, sizeof dir, "%s/.cache/ortune/models/ocr-models-1.4.2", h ? h : "/root");
  return dir;
}

static ortune_value value_of(const ortune_tensor *t) {
  ortune_value v = {.name = t->name, .dtype = t->dtype, .ndim = t->ndim, .data = t->data, .nbytes = t->nbytes};
  memcpy(v.dims, t->dims, sizeof(int64_t) * (size_t)t->ndim);
  return v;
}

/* ONNX's own test cases: input_N.pb through the runner, outputs checked against output_N.pb. */
static void test_reference_data(void **state) {
  (void)state;
  static const char *const cases[] = {"test_conv_with_strides_padding", "test_relu", "test_add_bcast", "test_matmul_2d",
                                      "test_softmax_axis_1", "test_gather_0", "test_concat_3d_axis_1", "test_argmax_default_axis_example"};
  int ran = 0;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    char model[512], path[600];
    snprintf(model, sizeof model, "%s/%s/model.onnx", CORPUS, cases[c]);
    if (access(model, R_OK)) continue;
    ortune_runner *r;
    assert_int_equal(ortune_runner_open(model, NULL, &r), ORTUNE_OK);
    int nin = ortune_runner_ninputs(r);
    ortune_tensor in[8] = {0};
    ortune_value v[8];
    for (int i = 0; i < nin; i++) {
      snprintf(path, sizeof path, "%s/%s/test_data_set_0/input_%d.pb", CORPUS, cases[c], i);
      assert_int_equal(ortune_tensor_read_pb(path, &in[i]), ORTUNE_OK);
      v[i] = value_of(&in[i]);
      v[i].name = NULL; /* by position */
    }
    assert_int_equal(ortune_runner_run(r, v, nin, NULL, 0), ORTUNE_OK);
    for (int k = 0; k < ortune_runner_noutputs(r); k++) {
      ortune_tensor want, got = {0};
      ortune_value o;
      snprintf(path, sizeof path, "%s/%s/test_data_set_0/output_%d.pb", CORPUS, cases[c], k);
      assert_int_equal(ortune_tensor_read_pb(path, &want), ORTUNE_OK);
      assert_int_equal(ortune_runner_output(r, k, &o), ORTUNE_OK);
      assert_int_equal(ortune_tensor_alloc(&got, "got", o.dtype, o.ndim, o.dims), ORTUNE_OK);
      assert_int_equal(got.nbytes, o.nbytes);
      memcpy(got.data, o.data, o.nbytes);
      if (ortune_tensor_compare(&got, &want, -1, -1, NULL) != ORTUNE_OK) fail_msg("%s output %d differs from ONNX's reference", cases[c], k);
      ortune_tensor_release(&got);
      ortune_tensor_release(&want);
    }
    for (int i = 0; i < nin; i++) ortune_tensor_release(&in[i]);
    ortune_runner_release(r);
    ran++;
  }
  if (!ran) skip();
}

/* A float input of the given shape, seeded. */
static float *frame(size_t n, unsigned seed) {
  float *f = malloc(n * sizeof *f);
  for (size_t i = 0; i < n; i++) f[i] = (float)((i * 2654435761u + seed * 40503u) % 1000) / 1000.0f;
  return f;
}

/* The runner gives what a plain OrtSession + Run gives (PP-OCRv4 detection and recognition). */
static void test_same_as_plain_ort(void **state) {
  (void)state;
  static const struct { const char *file; int64_t dims[4]; } models[] = {{"ch_PP-OCRv4_det_infer.onnx", {1, 3, 96, 128}},
                                                                          {"ch_PP-OCRv4_rec_infer.onnx", {1, 3, 48, 160}}};
  const OrtApi *api = ortune_ort_api();
  int ran = 0;
  for (size_t m = 0; m < 2; m++) {
    char model[1200];
    snprintf(model, sizeof model, "%s/%s", ocr_dir(), models[m].file);
    if (access(model, R_OK)) continue;
    size_t n = 1;
    for (int d = 0; d < 4; d++) n *= (size_t)models[m].dims[d];
    float *x = frame(n, 7);
    ortune_runner *r;
    assert_int_equal(ortune_runner_open(model, NULL, &r), ORTUNE_OK);
    ortune_io_info ii;
    assert_int_equal(ortune_runner_input_info(r, 0, &ii), ORTUNE_OK);
    ortune_value in = {.name = ii.name, .dtype = 1, .ndim = 4, .data = x, .nbytes = n * sizeof *x};
    memcpy(in.dims, models[m].dims, sizeof in.dims[0] * 4);
    ortune_value out = {0};
    assert_int_equal(ortune_runner_run(r, &in, 1, &out, 1), ORTUNE_OK);

    OrtSession *s;
    OrtMemoryInfo *mi;
    OrtValue *iv = NULL, *ov = NULL;
    assert_int_equal(ortune_session_create(model, NULL, NULL, &s), ORTUNE_OK);
    assert_null(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mi));
    assert_null(api->CreateTensorWithDataAsOrtValue(mi, x, n * sizeof *x, models[m].dims, 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &iv));
    ortune_io_info oi;
    ortune_runner_output_info(r, 0, &oi);
    const char *in_names[] = {ii.name}, *out_names[] = {oi.name};
    assert_null(api->Run(s, NULL, in_names, (const OrtValue *const *)&iv, 1, out_names, 1, &ov));
    float *want;
    assert_null(api->GetTensorMutableData(ov, (void **)&want));
    assert_true(out.nbytes > 0);
    assert_memory_equal(out.data, want, out.nbytes);
    /* the same run into the caller's buffer; too small a buffer is an error naming the size */
    float *mine = malloc(out.nbytes);
    ortune_value o2 = {.name = oi.name, .data = mine, .nbytes = out.nbytes};
    assert_int_equal(ortune_runner_run(r, &in, 1, &o2, 1), ORTUNE_OK);
    assert_memory_equal(mine, want, out.nbytes);
    o2.nbytes = 4;
    assert_int_equal(ortune_runner_run(r, &in, 1, &o2, 1), ORTUNE_ESHAPE);
    assert_non_null(strstr(ortune_last_error(), "needs"));
    free(mine);
    api->ReleaseValue(ov);
    api->ReleaseValue(iv);
    api->ReleaseMemoryInfo(mi);
    api->ReleaseSession(s);
    ortune_runner_release(r);
    free(x);
    ran++;
  }
  if (!ran) skip();
}

/* optimized_model_cache: the first open writes the optimized graph into the cache (miss), the second opens it
 * (hit) with the same outputs, a damaged cache file is replaced, an unwritable cache is no error. */
static int open_run(const char *model, const ortune_config *cfg, const float *x, size_t n, const int64_t *dims, float *out,
                    size_t outbytes) {
  ortune_runner *r;
  assert_int_equal(ortune_runner_open_cfg(model, cfg, &r), ORTUNE_OK);
  ortune_io_info ii, oi;
  ortune_runner_input_info(r, 0, &ii);
  ortune_runner_output_info(r, 0, &oi);
  ortune_value in = {.name = ii.name, .dtype = 1, .ndim = 4, .data = (void *)x, .nbytes = n * sizeof *x};
  memcpy(in.dims, dims, sizeof in.dims[0] * 4);
  ortune_value o = {.name = oi.name, .data = out, .nbytes = outbytes};
  assert_int_equal(ortune_runner_run(r, &in, 1, &o, 1), ORTUNE_OK);
  int hit = ortune_runner_optcache(r);
  ortune_runner_release(r);
  return hit;
}

static void test_optimized_model_cache(void **state) {
  (void)state;
  char model[1200], dir[700], path[4096];
  snprintf(model, sizeof model, "%s/ch_PP-OCRv4_det_infer.onnx", ocr_dir());
  if (access(model, R_OK)) skip();
  snprintf(dir, sizeof dir, "%s", tmp_path("optcache"));
  setenv("ORTUNE_CACHE_DIR", dir, 1);
  int64_t dims[4] = {1, 3, 64, 64};
  size_t n = 3 * 64 * 64, ob = 64 * 64 * sizeof(float);
  float *x = frame(n, 3), *plain = malloc(ob), *got = malloc(ob);
  ortune_config *off, *on;
  assert_int_equal(ortune_config_new(&off), ORTUNE_OK);
  assert_int_equal(ortune_config_new(&on), ORTUNE_OK);
  assert_int_equal(ortune_config_set(on, "optimized_model_cache", "1"), ORTUNE_OK);
  assert_int_equal(open_run(model, off, x, n, dims, plain, ob), ORTUNE_OPTCACHE_OFF);
  assert_int_equal(ortune_optcache_path(model, on, path, sizeof path), 0);
  assert_int_equal(strncmp(path, dir, strlen(dir)), 0);
  unlink(path);
  assert_int_equal(open_run(model, on, x, n, dims, got, ob), ORTUNE_OPTCACHE_MISS);
  assert_memory_equal(got, plain, ob);
  assert_int_equal(access(path, R_OK), 0);
  memset(got, 0, ob);
  assert_int_equal(open_run(model, on, x, n, dims, got, ob), ORTUNE_OPTCACHE_HIT);
  for (size_t i = 0; i < ob / sizeof(float); i++) /* another graph (fused), same numbers within float32 rounding */
    if (fabsf(got[i] - plain[i]) > 1e-4f) fail_msg("cached graph output %zu: %g vs %g", i, got[i], plain[i]);
  /* another option value: another file */
  char other[4096];
  assert_int_equal(ortune_config_set(on, "enable_mem_pattern", "0"), ORTUNE_OK);
  assert_int_equal(ortune_optcache_path(model, on, other, sizeof other), 0);
  assert_string_not_equal(other, path);
  assert_int_equal(ortune_config_set(on, "enable_mem_pattern", "1"), ORTUNE_OK);
  /* a damaged cache file: replaced, never an error */
  FILE *f = fopen(path, "w");
  fputs("not a model", f);
  fclose(f);
  assert_int_equal(open_run(model, on, x, n, dims, got, ob), ORTUNE_OPTCACHE_MISS);
  assert_memory_equal(got, plain, ob);
  assert_int_equal(open_run(model, on, x, n, dims, got, ob), ORTUNE_OPTCACHE_HIT);
  /* a cache that cannot be written: the model as usual */
  setenv("ORTUNE_CACHE_DIR", "/proc/ortune-no-such-dir", 1);
  assert_int_equal(open_run(model, on, x, n, dims, got, ob), ORTUNE_OPTCACHE_UNWRITABLE);
  assert_memory_equal(got, plain, ob);
  /* the sha256 memo (stale and model_override checks): remembered, and recomputed when the file changes */
  setenv("ORTUNE_CACHE_DIR", dir, 1);
  char f1[700], h1[65], h2[65], h3[65];
  snprintf(f1, sizeof f1, "%s", tmp_path("memo.bin"));
  FILE *w = fopen(f1, "w");
  fputs("first", w);
  fclose(w);
  assert_int_equal(ortune_sha256_file_cached(f1, h1), ORTUNE_OK);
  assert_int_equal(ortune_sha256_file(f1, h2), ORTUNE_OK);
  assert_string_equal(h1, h2);
  glob_t g;
  char pat[800];
  snprintf(pat, sizeof pat, "%s/*.sha256", dir);
  assert_int_equal(glob(pat, 0, NULL, &g), 0);
  assert_int_equal(g.gl_pathc, 1);
  char memo[1024];
  FILE *m = fopen(g.gl_pathv[0], "r");
  assert_non_null(fgets(memo, sizeof memo, m));
  fclose(m);
  char *hx = strstr(memo, h1);
  assert_non_null(hx);
  memset(hx, 'a', 64); /* a memo for the same size, mtime and inode is believed: no read of the file */
  m = fopen(g.gl_pathv[0], "w");
  fputs(memo, m);
  fclose(m);
  assert_int_equal(ortune_sha256_file_cached(f1, h3), ORTUNE_OK);
  assert_int_equal(strspn(h3, "a"), 64);
  globfree(&g);
  usleep(20000);
  w = fopen(f1, "w");
  fputs("other", w); /* same size, new mtime */
  fclose(w);
  assert_int_equal(ortune_sha256_file_cached(f1, h3), ORTUNE_OK);
  assert_string_not_equal(h3, h1);
  assert_int_equal(ortune_sha256_file(f1, h2), ORTUNE_OK);
  assert_string_equal(h3, h2);
  unsetenv("ORTUNE_CACHE_DIR");
  ortune_config_release(on);
  ortune_config_release(off);
  free(x), free(plain), free(got);
}

static void test_bad_arguments(void **state) {
  (void)state;
  char model[600];
  snprintf(model, sizeof model, "%s/test_add_bcast/model.onnx", CORPUS);
  if (access(model, R_OK)) skip();
  ortune_runner *r;
  assert_int_equal(ortune_runner_open(model, NULL, &r), ORTUNE_OK);
  assert_int_equal(ortune_runner_ninputs(r), 2);
  ortune_io_info info;
  assert_int_equal(ortune_runner_input_info(r, 0, &info), ORTUNE_OK);
  assert_int_equal(info.ndim, 3);
  assert_int_equal(ortune_runner_input_info(r, 5, &info), ORTUNE_EVALUE);
  float a[60] = {0}, b[5] = {0};
  ortune_value in[2] = {{.name = "x", .ndim = 3, .dims = {3, 4, 5}, .data = a, .nbytes = sizeof a},
                        {.name = "y", .ndim = 1, .dims = {5}, .data = b, .nbytes = sizeof b}};
  assert_int_equal(ortune_runner_run(r, in, 2, NULL, 0), ORTUNE_OK);
  assert_int_equal(ortune_runner_run(r, in, 1, NULL, 0), ORTUNE_EVALUE); /* an input missing */
  in[1].name = "why";
  assert_int_equal(ortune_runner_run(r, in, 2, NULL, 0), ORTUNE_EVALUE);
  assert_non_null(strstr(ortune_last_error(), "no input named 'why'"));
  in[1].name = "y";
  in[1].dtype = ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
  assert_int_equal(ortune_runner_run(r, in, 2, NULL, 0), ORTUNE_EVALUE);
  in[1].dtype = 0;
  in[0].nbytes = 8;
  assert_int_equal(ortune_runner_run(r, in, 2, NULL, 0), ORTUNE_ESHAPE);
  in[0].nbytes = sizeof a;
  in[0].dims[0] = 7; /* the model says 3 */
  assert_int_equal(ortune_runner_run(r, in, 2, NULL, 0), ORTUNE_ESHAPE);
  in[0].dims[0] = 3;
  ortune_value out = {.name = "nope"};
  assert_int_equal(ortune_runner_run(r, in, 2, &out, 1), ORTUNE_EVALUE);
  /* run_device on a CPU config says what to use instead */
  assert_int_equal(ortune_runner_run_device(r, in, 2, NULL, 0), ORTUNE_EVALUE);
  assert_non_null(strstr(ortune_last_error(), "provider: cuda"));
  ortune_runner_release(r);
  assert_int_equal(ortune_runner_open("/nonexistent/model.onnx", NULL, &r), ORTUNE_EIO);
}

typedef struct {
  ortune_runner *r;
  float *x;
  size_t n;
  float want[60];
  int bad;
} thread_arg;

static void *worker(void *p) {
  thread_arg *a = p;
  float b[5] = {1, 2, 3, 4, 5};
  ortune_value in[2] = {{.name = "x", .ndim = 3, .dims = {3, 4, 5}, .data = a->x, .nbytes = a->n * sizeof(float)},
                        {.name = "y", .ndim = 1, .dims = {5}, .data = b, .nbytes = sizeof b}};
  for (int i = 0; i < 200; i++) {
    float got[60];
    ortune_value out = {.data = got, .nbytes = sizeof got};
    if (ortune_runner_run(a->r, in, 2, &out, 1) != ORTUNE_OK || memcmp(got, a->want, sizeof got)) a->bad++;
  }
  return NULL;
}

/* One runner shared by threads: runs are serialized, every result is right. */
static void test_threads(void **state) {
  (void)state;
  char model[600];
  snprintf(model, sizeof model, "%s/test_add_bcast/model.onnx", CORPUS);
  if (access(model, R_OK)) skip();
  ortune_runner *r;
  assert_int_equal(ortune_runner_open(model, NULL, &r), ORTUNE_OK);
  thread_arg args[4];
  pthread_t th[4];
  for (int t = 0; t < 4; t++) {
    args[t] = (thread_arg){.r = r, .x = frame(60, (unsigned)t + 1), .n = 60};
    for (int i = 0; i < 60; i++) args[t].want[i] = args[t].x[i] + (float)(i % 5 + 1);
    assert_int_equal(pthread_create(&th[t], NULL, worker, &args[t]), 0);
  }
  for (int t = 0; t < 4; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(args[t].bad, 0);
    free(args[t].x);
  }
  ortune_runner_release(r);
}

/* A CUDA-graph config through the plain session API is refused with a message naming the runner. */
static void test_session_refuses_cuda_graph(void **state) {
  (void)state;
  ortune_config *cfg;
  OrtSession *s = (OrtSession *)0x1;
  assert_int_equal(ortune_config_new(&cfg), ORTUNE_OK);
  assert_int_equal(ortune_config_set(cfg, "provider", "cuda"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(cfg, "enable_cuda_graph", "1"), ORTUNE_OK);
  assert_int_equal(ortune_session_create_cfg("/nonexistent.onnx", cfg, NULL, &s), ORTUNE_EUNSUPPORTED);
  assert_null(s);
  assert_non_null(strstr(ortune_last_error(), "ortune_runner_open()"));
  ortune_config_release(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_data), cmocka_unit_test(test_same_as_plain_ort), cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_threads), cmocka_unit_test(test_session_refuses_cuda_graph),
      cmocka_unit_test(test_optimized_model_cache),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
