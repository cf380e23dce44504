/* test_numbers.c - strict number parsing (ortune_parse_double / ortune_parse_ll, used by every numeric flag)
 * and the A/B size bounds (ortune_ab_measure used to overflow an int at 8388609 rounds x 256 runs). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tune.h"
#include "testutil.h"

#include <limits.h>

static void test_parse_double(void **state) {
  (void)state;
  double x;
  static const char *const good[] = {"0", "1.5", "-5", "1e3", "0.001"};
  static const double want[] = {0, 1.5, -5, 1000, 0.001};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    assert_int_equal(ortune_parse_double(good[i], &x), 0);
    assert_true(x == want[i]);
  }
  static const char *const bad[] = {"", " 1", "1 ", "nan", "inf", "-inf", "1e999", "5x", "x", "0x", "--1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ortune_parse_double(bad[i], &x) == 0) fail_msg("'%s' accepted as %g", bad[i], x);
}

static void test_parse_ll(void **state) {
  (void)state;
  long long x;
  assert_int_equal(ortune_parse_ll("2147483647", 0, INT_MAX, &x), 0);
  assert_true(x == INT_MAX);
  static const char *const bad[] = {"", "-1", "4294967297", "2147483648", "1.5", "0x10", " 3", "3 ", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ortune_parse_ll(bad[i], 0, INT_MAX, &x) == 0) fail_msg("'%s' accepted as %lld", bad[i], x);
}

static void test_ab_bounds(void **state) {
  (void)state;
  ortune_config *c[2];
  assert_int_equal(ortune_config_new(&c[0]), ORTUNE_OK);
  assert_int_equal(ortune_config_new(&c[1]), ORTUNE_OK);
  ortune_ab_child out = {0};
  static const int sizes[][2] = {{8388609, 256}, {0, 20}, {20, -1}, {-1, 5}, {10, 257}, {INT_MAX, INT_MAX}};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    ortune_ab_opts ao = {.rounds = sizes[i][0], .runs = sizes[i][1]};
    int rc = ortune_ab_measure(ORTUNE_TEST_DATA "/add2.onnx", c, 2, NULL, &ao, &out, NULL, NULL);
    if (rc != ORTUNE_EUSAGE) fail_msg("%d rounds x %d runs: got %s, want EUSAGE", sizes[i][0], sizes[i][1], ortune_err_name(rc));
    assert_null(out.blocks);
  }
  ortune_ab_opts ok = {.rounds = 2, .runs = 256};
  assert_int_equal(ortune_ab_measure(ORTUNE_TEST_DATA "/add2.onnx", c, 2, NULL, &ok, &out, NULL, NULL), ORTUNE_OK);
  assert_int_equal(out.runs, 256);
  free(out.blocks);
  ortune_ab_opts by_time = {.rounds = 2, .runs = 0, .block_s = 0.01, .order_seed = 3}; /* blocks sized by time: 3..256 runs */
  assert_int_equal(ortune_ab_measure(ORTUNE_TEST_DATA "/add2.onnx", c, 2, NULL, &by_time, &out, NULL, NULL), ORTUNE_OK);
  assert_true(out.runs >= 3 && out.runs <= 256);
  assert_true(out.blocks[0] > 0 && out.blocks[3] > 0);
  free(out.blocks);
  ortune_config_release(c[0]);
  ortune_config_release(c[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_double),
    cmocka_unit_test(test_parse_ll),
    cmocka_unit_test(test_ab_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
