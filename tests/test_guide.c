/* test_guide.c - the `ortune explain` guide (generated from docs/parameters/): complete in both languages, in step with
 * the option table, findable, tidy, language detection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "internal.h"

/* Config keys the guide explains that are not rows of the option table (config.c reads them itself). */
static const char *const non_table[] = {"free_dimension_overrides"};

static int is_non_table(const char *name) {
  for (size_t i = 0; i < sizeof non_table / sizeof non_table[0]; i++)
    if (!strcmp(name, non_table[i])) return 1;
  return 0;
}

static int has_hangul(const char *s) {
  /* Hangul syllables U+AC00..U+D7A3 are encoded with lead bytes 0xEA..0xED. */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p >= 0xEA && *p <= 0xED)
      return 1;
  return 0;
}

/* Longest line of s in UTF-8 code points. */
static int longest_line(const char *s, int *lineno) {
  int best = 0, cur = 0, line = 1;
  *lineno = 0;
  for (const unsigned char *p = (const unsigned char *)s;; p++) {
    if (*p == '\n' || *p == '\0') {
      if (cur > best) {
        best = cur;
        *lineno = line;
      }
      if (!*p)
        break;
      cur = 0;
      line++;
    } else if ((*p & 0xC0) != 0x80) {
      cur++;
    }
  }
  return best;
}

static int valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0)
      return 0;
    p++;
    for (int i = 0; i < n; i++, p++)
      if ((*p & 0xC0) != 0x80)
        return 0;
  }
  return 1;
}

static void test_entries_complete(void **state) {
  (void)state;
  assert_true(ortune_guide_count >= ortune_noptions);
  for (int i = 0; i < ortune_guide_count; i++) {
    const ortune_guide_entry *e = &ortune_guide[i];
    assert_non_null(e->option);
    assert_true(e->option[0] != '\0');
    const char *texts[] = {e->en_summary, e->en_body, e->ko_summary, e->ko_body};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
      if (!texts[k] || !texts[k][0])
        fail_msg("%s: text %zu is empty", e->option, k);
      if (!valid_utf8(texts[k]))
        fail_msg("%s: text %zu is not valid UTF-8", e->option, k);
    }
    if (strchr(e->en_summary, '\n') || strchr(e->ko_summary, '\n'))
      fail_msg("%s: a summary spans more than one line", e->option);
    if (!has_hangul(e->ko_summary) || !has_hangul(e->ko_body))
      fail_msg("%s: Korean text has no Hangul", e->option);
    if (has_hangul(e->en_summary) || has_hangul(e->en_body))
      fail_msg("%s: English text contains Hangul", e->option);
    if (!strchr(e->en_body, '\n') || !strchr(e->ko_body, '\n'))
      fail_msg("%s: body is a single line", e->option);
  }
}

/* The table and the guide cannot drift: every option in the table has an entry (in both languages: each entry
 * carries both), and every entry is a table option or a documented non-table key. */
static void test_table_and_guide_agree(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_guide_entry *e = ortune_guide_find(ortune_options[i].name);
    if (!e || strcmp(e->option, ortune_options[i].name))
      fail_msg("option %s has no guide entry: add docs/parameters/en/%s.md and docs/parameters/ko/%s.md", ortune_options[i].name,
               ortune_options[i].name, ortune_options[i].name);
  }
  for (int i = 0; i < ortune_guide_count; i++)
    if (!ortune_option_find(ortune_guide[i].option) && !is_non_table(ortune_guide[i].option))
      fail_msg("guide entry %s is not an option of the table (lib/runtime/options.c): add its row, or remove "
               "docs/parameters/{en,ko}/%s.md", ortune_guide[i].option, ortune_guide[i].option);
  for (size_t k = 0; k < sizeof non_table / sizeof non_table[0]; k++) {
    if (!ortune_guide_find(non_table[k])) fail_msg("non-table key %s has no guide entry", non_table[k]);
    if (ortune_option_find(non_table[k])) fail_msg("%s is a table option now: drop it from non_table", non_table[k]);
  }
}

/* Entries are sorted by name (the generator sorts them; `ortune explain` lists them in this order). */
static void test_sorted(void **state) {
  (void)state;
  for (int i = 1; i < ortune_guide_count; i++)
    if (strcmp(ortune_guide[i - 1].option, ortune_guide[i].option) >= 0)
      fail_msg("guide not sorted: %s before %s", ortune_guide[i - 1].option, ortune_guide[i].option);
}

static void test_find(void **state) {
  (void)state;
  for (int i = 0; i < ortune_guide_count; i++)
    assert_ptr_equal(ortune_guide_find(ortune_guide[i].option), &ortune_guide[i]);
  assert_null(ortune_guide_find("no_such_option"));
  assert_null(ortune_guide_find(""));
  assert_null(ortune_guide_find(NULL));
  assert_null(ortune_guide_find("CUDNN_CONV_ALGO_SEARCH"));
  /* the config alias finds its option's entry */
  const ortune_guide_entry *e = ortune_guide_find("gpu_mem_limit_gb");
  assert_non_null(e);
  assert_string_equal(e->option, "gpu_mem_limit");
}

static void test_no_duplicates(void **state) {
  (void)state;
  for (int i = 0; i < ortune_guide_count; i++)
    for (int j = i + 1; j < ortune_guide_count; j++)
      if (strcmp(ortune_guide[i].option, ortune_guide[j].option) == 0)
        fail_msg("duplicate guide entry %s", ortune_guide[i].option);
}

static void test_line_width(void **state) {
  (void)state;
  int line;
  for (int i = 0; i < ortune_guide_count; i++) {
    const ortune_guide_entry *e = &ortune_guide[i];
    int w = longest_line(e->en_body, &line);
    if (w > 100)
      fail_msg("%s: English body line %d is %d columns", e->option, line, w);
    w = longest_line(e->ko_body, &line);
    if (w > 100)
      fail_msg("%s: Korean body line %d is %d code points", e->option, line, w);
    if (longest_line(e->en_summary, &line) > 100 || longest_line(e->ko_summary, &line) > 100)
      fail_msg("%s: summary longer than 100 columns", e->option);
  }
  for (int ko = 0; ko <= 1; ko++) {
    int w = longest_line(ortune_guide_intro(ko), &line);
    if (w > 100)
      fail_msg("intro (%s) line %d is %d code points", ko ? "ko" : "en", line, w);
  }
}

/* The facts the guide exists to get right (see the seed guide's mistakes). */
static void test_key_facts(void **state) {
  (void)state;
  const ortune_guide_entry *e = ortune_guide_find("cudnn_conv_algo_search");
  assert_non_null(strstr(e->en_body, "ORT default: EXHAUSTIVE"));
  assert_non_null(strstr(e->en_body, "177-222 ms"));
  assert_non_null(strstr(e->ko_body, "177-222 ms"));
  e = ortune_guide_find("do_copy_in_default_stream");
  assert_non_null(strstr(e->en_body, "ORT default: 1"));
  e = ortune_guide_find("cudnn_conv_use_max_workspace");
  assert_non_null(strstr(e->en_body, "ORT default: 1"));
  e = ortune_guide_find("gpu_mem_limit");
  assert_non_null(strstr(e->en_body, "SIZE_MAX"));
  assert_non_null(strstr(e->en_body, "gpu_mem_limit_gb"));
  e = ortune_guide_find("graph_optimization_level");
  assert_non_null(strstr(e->en_body, "ORT default: ORT_ENABLE_ALL"));
  for (int ko = 0; ko <= 1; ko++) {
    const char *intro = ortune_guide_intro(ko);
    assert_non_null(intro);
    assert_non_null(strstr(intro, "ortune tune MODEL --config config.yaml"));
    assert_non_null(strstr(intro, "ortune compare"));
    assert_non_null(strstr(intro, "ortune_session_create("));
    assert_non_null(strstr(intro, "RTX 3060"));
    assert_non_null(strstr(intro, "H100"));
    assert_int_equal(has_hangul(intro), ko);
  }
  assert_ptr_not_equal(ortune_guide_intro(0), ortune_guide_intro(1));
}

/* ---- language detection ------------------------------------------------- */
static char *saved[3];
static const char *const lang_vars[3] = {"LC_ALL", "LC_MESSAGES", "LANG"};

static int save_env(void **state) {
  (void)state;
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(lang_vars[i]);
    saved[i] = v ? strdup(v) : NULL;
    unsetenv(lang_vars[i]);
  }
  return 0;
}

static int restore_env(void **state) {
  (void)state;
  for (int i = 0; i < 3; i++) {
    if (saved[i])
      setenv(lang_vars[i], saved[i], 1);
    else
      unsetenv(lang_vars[i]);
    free(saved[i]);
    saved[i] = NULL;
  }
  return 0;
}

static void test_lang(void **state) {
  (void)state;
  assert_int_equal(ortune_guide_lang_is_korean(), 0); /* nothing set */

  setenv("LANG", "ko_KR.UTF-8", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 1);
  setenv("LANG", "en_US.UTF-8", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 0);
  setenv("LANG", "ko", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 1);

  /* LC_MESSAGES overrides LANG, LC_ALL overrides both */
  setenv("LANG", "en_US.UTF-8", 1);
  setenv("LC_MESSAGES", "ko_KR.UTF-8", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 1);
  setenv("LC_ALL", "en_US.UTF-8", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 0);
  setenv("LC_ALL", "ko_KR.UTF-8", 1);
  setenv("LC_MESSAGES", "C", 1);
  setenv("LANG", "C", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 1);

  /* empty values are skipped, as if unset */
  setenv("LC_ALL", "", 1);
  setenv("LC_MESSAGES", "", 1);
  setenv("LANG", "ko_KR.UTF-8", 1);
  assert_int_equal(ortune_guide_lang_is_korean(), 1);

  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  unsetenv("LANG");
  assert_int_equal(ortune_guide_lang_is_korean(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_entries_complete),
      cmocka_unit_test(test_table_and_guide_agree),
      cmocka_unit_test(test_sorted),
      cmocka_unit_test(test_find),
      cmocka_unit_test(test_no_duplicates),
      cmocka_unit_test(test_line_width),
      cmocka_unit_test(test_key_facts),
      cmocka_unit_test_setup_teardown(test_lang, save_env, restore_env),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
