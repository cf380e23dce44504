/* test_space.c - the named search spaces: each lists exactly the options whose `spaces` column says so, and the
 * lists match what the spaces held when they were strcmp chains in space.c (captured before the column existed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tune.h"

#include <string.h>

/* The spaces' contents as space.c's strcmp chains defined them (main at b7dd456, and at 582103e where the float16
 * work added session.dynamic_block_base and session.set_denormal_as_zero to cpu only), in table order. */
static const struct {
  const char *space;
  const char *const options[16];
} captured[] = {
  {"seed14", {NULL}},
  {"cpu", {"enable_cpu_mem_arena", "enable_mem_pattern", "execution_mode", "graph_optimization_level",
           "intra_op_num_threads", "session.dynamic_block_base", "session.intra_op.allow_spinning",
           "session.set_denormal_as_zero", NULL}},
  {"cuda", {"arena_extend_strategy", "cudnn_conv_algo_search", "cudnn_conv_use_max_workspace", "do_copy_in_default_stream",
            "enable_cuda_graph", "fuse_conv_bias", "prefer_nhwc", "tunable_op_enable", "tunable_op_tuning_enable", "use_tf32",
            NULL}},
  {"cuda-core", {"cudnn_conv_algo_search", "cudnn_conv_use_max_workspace", "do_copy_in_default_stream", "enable_cuda_graph",
                 "prefer_nhwc", NULL}},
  {"full", {"arena_extend_strategy", "cudnn_conv_algo_search", "cudnn_conv_use_max_workspace", "do_copy_in_default_stream",
            "enable_cpu_mem_arena", "enable_cuda_graph", "enable_mem_pattern", "execution_mode", "fuse_conv_bias",
            "graph_optimization_level", "prefer_nhwc", "tunable_op_enable", "tunable_op_tuning_enable", "use_tf32", NULL}},
};
#define NCAPTURED (int)(sizeof captured / sizeof captured[0])

static int in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (!strcmp(*list, name)) return 1;
  return 0;
}

static void test_spaces_as_captured(void **state) {
  (void)state;
  for (int s = 0; s < NCAPTURED; s++) {
    assert_true(ortune_space_valid(captured[s].space));
    for (const char *const *p = captured[s].options; *p; p++)
      if (ortune_option_index(*p) < 0) fail_msg("space %s: %s is not in the table", captured[s].space, *p);
    for (int i = 0; i < ortune_noptions; i++) {
      int want = in_list(captured[s].options, ortune_options[i].name), got = ortune_space_has(captured[s].space, i) != 0;
      if (want != got)
        fail_msg("space %s %s %s, captured list says it %s", captured[s].space, got ? "searches" : "does not search",
                 ortune_options[i].name, want ? "does" : "does not");
    }
  }
}

static void test_unknown_space(void **state) {
  (void)state;
  assert_false(ortune_space_valid("gpu"));
  assert_false(ortune_space_valid(""));
  assert_false(ortune_space_valid("CPU"));
  for (int i = 0; i < ortune_noptions; i++) assert_false(ortune_space_has("gpu", i));
}

/* The spaces column: a space searches exactly the rows that carry its bit; a row has bits iff it has values to search. */
static void test_spaces_column(void **state) {
  (void)state;
  static const struct {
    const char *space;
    unsigned bit;
  } named[] = {{"cpu", ORTUNE_SPACE_CPU}, {"cuda", ORTUNE_SPACE_CUDA}, {"cuda-core", ORTUNE_SPACE_CUDA_CORE},
               {"full", ORTUNE_SPACE_FULL}, {"startup", ORTUNE_SPACE_STARTUP}};
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if ((o->spaces != 0) != (o->tune_values != NULL))
      fail_msg("%s: spaces 0x%x but tune_values %s", o->name, o->spaces, o->tune_values ? o->tune_values : "NULL");
    if (o->spaces & ~(unsigned)(ORTUNE_SPACE_CPU | ORTUNE_SPACE_CUDA | ORTUNE_SPACE_CUDA_CORE | ORTUNE_SPACE_FULL | ORTUNE_SPACE_STARTUP))
      fail_msg("%s: unknown space bits 0x%x", o->name, o->spaces);
    for (size_t s = 0; s < sizeof named / sizeof named[0]; s++)
      if ((ortune_space_has(named[s].space, i) != 0) != ((o->spaces & named[s].bit) != 0))
        fail_msg("space %s and %s's spaces column disagree", named[s].space, o->name);
    assert_false(ortune_space_has("seed14", i)); /* seed14 is its own fixed list */
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spaces_as_captured),
      cmocka_unit_test(test_unknown_space),
      cmocka_unit_test(test_spaces_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
