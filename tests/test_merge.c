/* test_merge.c - the one rule for options the user set in config.yaml when tuning (ortune_merge_user_options):
 * every user option is kept in the base (so in every candidate and the written config); a searched one is
 * pinned (not searched) unless --search-set-options; presets (seed14) get the user's values back. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tune.h"
#include "testutil.h"

static ortune_config *user_config(void) {
  ortune_config *u;
  assert_int_equal(ortune_config_new(&u), ORTUNE_OK);
  assert_int_equal(ortune_config_set(u, "gpu_mem_limit", "3GiB"), ORTUNE_OK);          /* not searched by any space */
  assert_int_equal(ortune_config_set(u, "inter_op_num_threads", "2"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(u, "tunable_op_max_tuning_duration_ms", "50"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(u, "execution_mode", "ORT_PARALLEL"), ORTUNE_OK); /* searched by cpu and full */
  assert_int_equal(ortune_config_set(u, "free_dimension_overrides.batch", "4"), ORTUNE_OK);
  return u;
}

static void test_user_options_kept_and_pinned(void **state) {
  (void)state;
  ortune_config *u = user_config(), *base;
  char note[256];
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_merge_user_options(u, "cpu", 0, base, note, sizeof note), ORTUNE_OK);
  assert_string_equal(ortune_config_get(base, "gpu_mem_limit"), "3221225472");
  assert_string_equal(ortune_config_get(base, "inter_op_num_threads"), "2");
  assert_string_equal(ortune_config_get(base, "tunable_op_max_tuning_duration_ms"), "50");
  assert_string_equal(ortune_config_get(base, "execution_mode"), "ORT_PARALLEL");
  assert_int_equal(base->nfree, 1);
  assert_string_equal(base->freedim[0].name, "batch");
  /* the searched option the user set is pinned, and said so; the others are searched */
  assert_string_equal(note, "execution_mode=ORT_PARALLEL");
  int em = ortune_option_index("execution_mode"), mp = ortune_option_index("enable_mem_pattern");
  assert_true(ortune_space_has("cpu", em));
  assert_false(ortune_space_searches("cpu", base, em));
  assert_true(ortune_space_searches("cpu", base, mp));
  ortune_config_release(base);
  ortune_config_release(u);
}

static void test_search_set_options(void **state) {
  (void)state;
  ortune_config *u = user_config(), *base;
  char note[256];
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_merge_user_options(u, "cpu", 1, base, note, sizeof note), ORTUNE_OK);
  assert_string_equal(note, "");
  /* searched from ORT's default; the options no space searches stay */
  assert_false(ortune_config_is_set(base, "execution_mode"));
  assert_true(ortune_space_searches("cpu", base, ortune_option_index("execution_mode")));
  assert_string_equal(ortune_config_get(base, "inter_op_num_threads"), "2");
  assert_string_equal(ortune_config_get(base, "gpu_mem_limit"), "3221225472");
  ortune_config_release(base);
  ortune_config_release(u);
}

static void test_seed14_keeps_user_values(void **state) {
  (void)state;
  ortune_config *u = user_config(), *base;
  char note[256];
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_config_set(base, "provider", "cuda"), ORTUNE_OK);
  assert_int_equal(ortune_merge_user_options(u, "seed14", 0, base, note, sizeof note), ORTUNE_OK);
  ortune_candidates cs = {0};
  assert_int_equal(ortune_space_seed14(base, 0, &cs), ORTUNE_OK);
  assert_int_equal(cs.n, 14);
  /* seed14 sets gpu_mem_limit and execution_mode itself: the user's values win */
  assert_string_not_equal(ortune_config_get(cs.v[0].cfg, "gpu_mem_limit"), "3221225472");
  for (int i = 0; i < cs.n; i++) {
    assert_int_equal(ortune_apply_pinned(base, cs.v[i].cfg), ORTUNE_OK);
    assert_string_equal(ortune_config_get(cs.v[i].cfg, "gpu_mem_limit"), "3221225472");
    assert_string_equal(ortune_config_get(cs.v[i].cfg, "execution_mode"), "ORT_PARALLEL");
    assert_string_equal(ortune_config_get(cs.v[i].cfg, "inter_op_num_threads"), "2");
  }
  ortune_candidates_free(&cs);
  ortune_config_release(base);
  ortune_config_release(u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_user_options_kept_and_pinned),
    cmocka_unit_test(test_search_set_options),
    cmocka_unit_test(test_seed14_keeps_user_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
