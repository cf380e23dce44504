/* test_inert.c - options with no effect on their own never reach a candidate (issue 13: parsimony). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "tune.h"

static void test_inert_dropped(void **state) {
  (void)state;
  ortune_config *base, *c;
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_config_clone(base, &c), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "tunable_op_tuning_enable", "1"), ORTUNE_OK); /* without tunable_op_enable */
  assert_int_equal(ortune_config_set(c, "inter_op_num_threads", "4"), ORTUNE_OK);     /* sequential executor */
  ortune_drop_inert(base, c);
  assert_string_equal(ortune_config_get(c, "tunable_op_tuning_enable"), "0");
  assert_string_equal(ortune_config_get(c, "inter_op_num_threads"), "0");
  /* with what they need, they stay */
  assert_int_equal(ortune_config_set(c, "tunable_op_enable", "1"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "tunable_op_tuning_enable", "1"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "execution_mode", "ORT_PARALLEL"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "inter_op_num_threads", "4"), ORTUNE_OK);
  ortune_drop_inert(base, c);
  assert_string_equal(ortune_config_get(c, "tunable_op_tuning_enable"), "1");
  assert_string_equal(ortune_config_get(c, "inter_op_num_threads"), "4");
  /* a chain: dropping TunableOp drops its tuning, and then the tuning duration */
  assert_int_equal(ortune_config_set(c, "tunable_op_max_tuning_duration_ms", "50"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "tunable_op_enable", "0"), ORTUNE_OK);
  ortune_drop_inert(base, c);
  assert_string_equal(ortune_config_get(c, "tunable_op_tuning_enable"), "0");
  assert_string_equal(ortune_config_get(c, "tunable_op_max_tuning_duration_ms"), "0");
  ortune_config_release(c);
  /* the user's own setting (in the base) is left alone */
  assert_int_equal(ortune_config_set(base, "inter_op_num_threads", "2"), ORTUNE_OK);
  assert_int_equal(ortune_config_clone(base, &c), ORTUNE_OK);
  ortune_drop_inert(base, c);
  assert_string_equal(ortune_config_get(c, "inter_op_num_threads"), "2");
  ortune_config_release(c);
  ortune_config_release(base);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_inert_dropped)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
