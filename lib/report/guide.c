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
