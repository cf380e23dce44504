/* guide.c - the parameter guide behind `ortune explain`: finding an entry (and its aliases), the intro, the language.
 * The words are data: docs/parameters/{en,ko}/<option>.md, turned by tools/guidegen.c at build time into
 * guide_data.c (the ortune_guide table and the intros, in the build directory) and into docs/parameters{,.ko}.md. */
#include "guide.h"

#include <stdlib.h>
#include <string.h>

/* Names accepted for an entry besides its own (config aliases). */
static const struct {
  const char *alias, *option;
} guide_aliases[] = {
    {"gpu_mem_limit_gb", "gpu_mem_limit"},
};

const ortune_guide_entry *ortune_guide_find(const char *option) {
  if (!option)
    return NULL;
  for (size_t i = 0; i < sizeof guide_aliases / sizeof guide_aliases[0]; i++)
    if (strcmp(option, guide_aliases[i].alias) == 0) {
      option = guide_aliases[i].option;
      break;
    }
  for (int i = 0; i < ortune_guide_count; i++)
    if (strcmp(option, ortune_guide[i].option) == 0)
      return &ortune_guide[i];
  return NULL;
}

const char *ortune_guide_intro(int korean) { return korean ? ortune_guide_intro_ko : ortune_guide_intro_en; }

int ortune_guide_lang_is_korean(void) {
  /* POSIX precedence for message language: the first of these that is set and non-empty decides. */
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v)
      return strncmp(v, "ko", 2) == 0;
  }
  return 0;
}

/* ---- per GPU class: the intro's starting points as data (ortune explain --class) ---- */

static const ortune_guide_pick picks_big[] = {
    {"cudnn_conv_algo_search", "EXHAUSTIVE"}, {"prefer_nhwc", "1"}, {"enable_cuda_graph", "1"}, {"io", "device"}, {NULL, NULL}};
static const ortune_guide_pick picks_entry[] = {{"cudnn_conv_algo_search", "HEURISTIC"},
                                                {"cudnn_conv_use_max_workspace", "1"},
                                                {"prefer_nhwc", "1"},
                                                {"enable_cuda_graph", "1"},
                                                {NULL, NULL}};
static const ortune_guide_pick picks_none[] = {{NULL, NULL}};

const ortune_guide_pick *ortune_guide_class_picks(const char *cls) {
  if (cls && (!strcmp(cls, "high") || !strcmp(cls, "mid"))) return picks_big;
  if (cls && !strcmp(cls, "entry")) return picks_entry;
  return picks_none;
}

const char *ortune_guide_class_note(const char *cls, int korean) {
  if (cls && (!strcmp(cls, "high") || !strcmp(cls, "mid")))
    return korean ? "시드 가이드는 HEURISTIC, gpu_mem_limit_gb 8-24, do_copy_in_default_stream: false, tunable_op_enable: true를 "
                    "권했지만 H100에서 측정한 결과 기본값과 차이가 없었습니다. prefer_nhwc와 enable_cuda_graph가 실제로 빨라진 옵션입니다."
                  : "The seed guide advised HEURISTIC, gpu_mem_limit_gb 8-24, do_copy_in_default_stream: false and "
                    "tunable_op_enable: true; measured on an H100 these were within noise of the defaults. prefer_nhwc and "
                    "enable_cuda_graph are what moved the numbers.";
  if (cls && !strcmp(cls, "entry"))
    return korean ? "시드 가이드의 cudnn_conv_algo_search: DEFAULT는 틀렸습니다(2~100배 느림). HEURISTIC 또는 EXHAUSTIVE를 "
                    "쓰십시오. T4(Turing)에서는 use_tf32가 효과가 없습니다."
                  : "The seed guide's cudnn_conv_algo_search: DEFAULT is wrong (2x to 100x slower): use HEURISTIC or EXHAUSTIVE. "
                    "On the T4 (Turing) use_tf32 does nothing.";
  return korean ? "가이드에는 CPU 등급별 권장값이 없습니다. CPU에서는 intra_op_num_threads와 "
                  "session.intra_op.allow_spinning이 가장 크게 작용합니다."
                : "The guide gives no per-class advice for CPUs; there intra_op_num_threads and "
                  "session.intra_op.allow_spinning matter most.";
}
