/* test_modelinfo.c - unit tests for reading ONNX model header fields without ORT (lib/modelinfo.c). */
#define _XOPEN_SOURCE 700
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <ftw.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TESTDATA "/usr/share/libonnx-testdata/data"
#define ABS_MODEL TESTDATA "/node/test_abs/model.onnx"

TESTUTIL_TMPDIR("modelinfo")

/* Expect path to be rejected with EMODEL and a message containing want. */
static void assert_rejected(const char *path, const char *want) {
  ortune_model_info mi;
  assert_int_equal(ortune_model_info_read(path, &mi), ORTUNE_EMODEL);
  const char *msg = ortune_last_error();
  if (!strstr(msg, want)) fail_msg("'%s' lacks '%s'", msg, want);
  assert_null(strchr(msg, '\n'));
  assert_int_equal(mi.nopsets, 0);
}

static void test_known_model(void **state) {
  (void)state;
  ortune_model_info mi;
  assert_int_equal(ortune_model_info_read(ABS_MODEL, &mi), ORTUNE_OK);
  assert_int_equal(mi.ir_version, 7);
  assert_string_equal(mi.producer, "backend-test");
  assert_string_equal(mi.graph_name, "test_abs");
  assert_int_equal(mi.nopsets, 1);
  assert_string_equal(mi.opsets[0].domain, "");
  assert_int_equal(mi.opsets[0].version, 13);
}

static int nmodels;

static int visit_model(const char *p, const struct stat *s, int type, struct FTW *f) {
  (void)s, (void)f;
  size_t n = strlen(p);
  if (type != FTW_F || n < 10 || strcmp(p + n - 10, "model.onnx") != 0) return 0;
  ortune_model_info mi;
  if (ortune_model_info_read(p, &mi) != ORTUNE_OK) fail_msg("%s: %s", p, ortune_last_error());
  if (mi.ir_version <= 0 || mi.nopsets <= 0 || mi.opsets[0].version <= 0) fail_msg("%s: no ir_version or opset", p);
  nmodels++;
  return 0;
}

static void test_all_testdata_models(void **state) {
  (void)state;
  if (access(TESTDATA, R_OK) != 0) skip();
  assert_int_equal(nftw(TESTDATA, visit_model, 16, FTW_PHYS), 0);
  assert_true(nmodels >= 1000);
}

/* A real model fetched by scripts/fetch-models, when it is there. */
static void test_large_model_if_present(void **state) {
  (void)state;
  const char *home = getenv("HOME");
  char pattern[512];
  glob_t g;
  snprintf(pattern, sizeof pattern, "%s/.cache/ortune/models/*/ch_PP-OCRv4_det_infer.onnx", home ? home : "/root");
  if (glob(pattern, 0, NULL, &g) != 0) skip();
  ortune_model_info mi;
  int rc = ortune_model_info_read(g.gl_pathv[0], &mi);
  if (rc) fail_msg("%s: %s", g.gl_pathv[0], ortune_last_error());
  assert_true(mi.nopsets > 0 && mi.opsets[0].version > 0);
  globfree(&g);
}

static void put_varint(uint8_t **q, uint64_t v) {
  do {
    *(*q)++ = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
    v >>= 7;
  } while (v);
}

/* A sparse multi-GiB model (one huge initializer) is read through mmap without touching its data. */
static void test_huge_sparse_model(void **state) {
  (void)state;
  const uint64_t big = 3ull << 30; /* initializer bytes: past 2^31 and 2^32 offsets */
  uint8_t head[64], *q = head;
  uint64_t graph_len = 3 + 1 + 5 + big; /* name field, initializer key, its 5-byte length, data */
  *q++ = 0x08, *q++ = 0x07, *q++ = 0x3a;
  put_varint(&q, graph_len);
  *q++ = 0x12, *q++ = 0x01, *q++ = 'g', *q++ = 0x2a;
  put_varint(&q, big);
  const uint8_t tail[] = {0x42, 0x04, 0x0a, 0x00, 0x10, 0x11};
  const char *p = tmp_path("huge.onnx");
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(head, 1, (size_t)(q - head), f), (size_t)(q - head));
  if (fseeko(f, (off_t)big, SEEK_CUR) != 0 || fwrite(tail, 1, sizeof tail, f) != sizeof tail) {
    fclose(f);
    unlink(p);
    skip(); /* no room for a sparse file here */
  }
  assert_int_equal(fclose(f), 0);
  ortune_model_info mi;
  int rc = ortune_model_info_read(p, &mi);
  if (rc) fail_msg("%s", ortune_last_error());
  assert_string_equal(mi.graph_name, "g");
  assert_int_equal(mi.opsets[0].version, 17);
  /* the same file cut inside the initializer */
  assert_int_equal(truncate(p, (off_t)(big / 2)), 0);
  assert_rejected(p, "truncated");
  unlink(p);
}

static void test_truncated_models(void **state) {
  (void)state;
  char *data;
  size_t n;
  assert_int_equal(ortune_read_file(ABS_MODEL, &data, &n), ORTUNE_OK);
  const char *cut = tmp_path("cut.onnx");
  write_bytes(cut, data, n / 2);
  assert_rejected(cut, "truncated");
  /* every shorter prefix is rejected too (cut inside a field, or before the graph or opsets) */
  for (size_t len = 1; len < n; len++) {
    ortune_model_info mi;
    write_bytes(cut, data, len);
    int rc = ortune_model_info_read(cut, &mi);
    if (rc != ORTUNE_EMODEL) fail_msg("prefix of %zu/%zu bytes: rc %d", len, n, rc);
  }
  free(data);
}

static void test_not_models(void **state) {
  (void)state;
  const char *p = tmp_path("x.onnx");
  write_bytes(p, "", 0);
  assert_rejected(p, "empty file");
  const char *text = "hello, this is not a model\n";
  write_bytes(p, text, strlen(text));
  assert_rejected(p, "not an ONNX model: byte 0 is not a valid protobuf field");
  write_bytes(p, "{\"a\": 1}", 8);
  assert_rejected(p, "byte 0 is not a valid protobuf field: ");
  const uint8_t badlater[] = {0x08, 0x07, 0x12, 0x01, 'a', 0x0c};
  write_bytes(p, badlater, sizeof badlater);
  assert_rejected(p, "not an ONNX model: byte 5 is not a valid protobuf field: ");
  /* a valid message with ir_version and producer but no graph */
  const uint8_t nograph[] = {0x08, 0x07, 0x12, 0x03, 'a', 'b', 'c'};
  write_bytes(p, nograph, sizeof nograph);
  assert_rejected(p, "no graph");
  /* a graph but no opset_import at IR 7 */
  const uint8_t noopset[] = {0x08, 0x07, 0x3a, 0x03, 0x12, 0x01, 'g'};
  write_bytes(p, noopset, sizeof noopset);
  assert_rejected(p, "no opset_import");
  /* the same with an opset is accepted */
  const uint8_t ok[] = {0x08, 0x07, 0x3a, 0x03, 0x12, 0x01, 'g', 0x42, 0x04, 0x0a, 0x00, 0x10, 0x11};
  ortune_model_info mi;
  write_bytes(p, ok, sizeof ok);
  assert_int_equal(ortune_model_info_read(p, &mi), ORTUNE_OK);
  assert_string_equal(mi.graph_name, "g");
  assert_int_equal(mi.opsets[0].version, 17);
  /* a malformed field inside the graph */
  const uint8_t badgraph[] = {0x08, 0x07, 0x3a, 0x02, 0x0f, 0x00, 0x42, 0x02, 0x10, 0x11};
  write_bytes(p, badgraph, sizeof badgraph);
  assert_rejected(p, "byte 4 is not a valid protobuf field in the graph");
  /* a length that runs past the end of the file */
  const uint8_t longlen[] = {0x08, 0x07, 0x3a, 0xff, 0xff, 0x03, 0x12};
  write_bytes(p, longlen, sizeof longlen);
  assert_rejected(p, "truncated");
}

static void test_unreadable(void **state) {
  (void)state;
  ortune_model_info mi;
  assert_int_equal(ortune_model_info_read(tmp_path("missing.onnx"), &mi), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "missing.onnx"));
  assert_int_equal(ortune_model_info_read(tmpdir, &mi), ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), "directory"));
}

static void test_garbage(void **state) {
  (void)state;
  uint64_t seed = 1234;
  uint8_t buf[700];
  const char *p = tmp_path("garbage.onnx");
  ortune_model_info mi;
  for (int iter = 0; iter < 300; iter++) {
    size_t n = 1 + rnd(&seed) % (sizeof buf - 1);
    rnd_fill(buf, n, &seed);
    write_bytes(p, buf, n);
    assert_int_equal(ortune_model_info_read(p, &mi), ORTUNE_EMODEL);
  }
  /* mutations of a real model: no crash, and strings stay terminated */
  char *data;
  size_t n;
  assert_int_equal(ortune_read_file(ABS_MODEL, &data, &n), ORTUNE_OK);
  assert_true(n <= sizeof buf);
  for (int iter = 0; iter < 300; iter++) {
    memcpy(buf, data, n);
    for (int k = 0; k < 2; k++) buf[rnd(&seed) % n] = (uint8_t)rnd(&seed);
    write_bytes(p, buf, n);
    if (ortune_model_info_read(p, &mi) == ORTUNE_OK) {
      assert_true(strlen(mi.producer) < sizeof mi.producer && strlen(mi.graph_name) < sizeof mi.graph_name);
      assert_true(mi.nopsets >= 0 && mi.nopsets <= 16);
    }
  }
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_model),
      cmocka_unit_test(test_all_testdata_models),
      cmocka_unit_test(test_large_model_if_present),
      cmocka_unit_test(test_huge_sparse_model),
      cmocka_unit_test(test_truncated_models),
      cmocka_unit_test(test_not_models),
      cmocka_unit_test(test_unreadable),
      cmocka_unit_test(test_garbage),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
