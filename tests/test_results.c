/* test_results.c - the results JSON reader (lib/tune/results.c): what it accepts, the one-line error naming the
 * field for what it refuses, the CSV view (quoted, escaped, any length), and ortune_term_escape. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "results.h"
#include "testutil.h"

static int parse(const char *text, cJSON **r) {
  return ortune_results_parse(text, strlen(text), "r.json", "test", "way out", r);
}

static void test_accepts(void **state) {
  (void)state;
  static const char *const good[] = {
    "{\"trials\": []}",
    "{\"schema\": 1, \"trials\": [{\"id\": 0, \"name\": \"defaults\", \"stage\": \"baseline\", \"status\": \"ok\", \"config\": {},"
    " \"p50_ms\": 1.5, \"latencies_ms\": [1, 2], \"dropped\": false, \"future_key\": {\"x\": 1}}]}",
    "{\"trials\": [], \"impact\": [{\"option\": \"o\", \"value\": \"v\", \"speedup\": 1, \"ci_low\": 1, \"ci_high\": 1, \"n\": 2}],"
    " \"final\": {\"candidates\": [{\"id\": 1, \"name\": \"n\", \"speedup\": 1, \"ci_low\": 1, \"ci_high\": 1}], \"verdict\": \"defaults\"}}",
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    cJSON *r = NULL;
    if (parse(good[i], &r) != ORTUNE_OK) fail_msg("refused %s: %s", good[i], ortune_last_error());
    assert_non_null(r);
    cJSON_Delete(r);
  }
}

static void test_refuses_naming_the_field(void **state) {
  (void)state;
  static const struct { const char *text, *want; } bad[] = {
    {"{\"trials\": [{\"id\": 0, \"name\": \"d\", \"stage\": \"s\", \"config\": {}}]}", "trials[0].status: missing"},
    {"{\"trials\": [{\"id\": 0, \"name\": \"d\", \"stage\": \"s\", \"status\": 1, \"config\": {}}]}", "trials[0].status: is a number"},
    {"{\"trials\": [{\"id\": 0, \"name\": \"d\", \"stage\": \"s\", \"status\": \"ok\", \"config\": {\"a\": 1}}]}",
     "trials[0].config.a: is a number, want a string"},
    {"{\"trials\": [{\"id\": 0, \"name\": \"d\", \"stage\": \"s\", \"status\": \"ok\", \"config\": {}, \"p50_ms\": \"1\"}]}",
     "trials[0].p50_ms: is a string, want a number"},
    {"{\"trials\": {}}", "trials: is an object, want an array"},
    {"{}", "trials: missing"},
    {"[]", "is not an object"},
    {"{\"schema\": 7, \"trials\": []}", "schema: not 1"},
    {"{\"trials\": [", "not valid JSON"},
    {"", "not valid JSON"},
    {"{\"trials\": [], \"final\": {\"candidates\": [{\"id\": 1}]}}", "final.candidates[0].name: missing"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cJSON *r = NULL;
    int rc = parse(bad[i].text, &r);
    if (rc != ORTUNE_ECONFIG) fail_msg("'%s': got %s, want ECONFIG", bad[i].text, ortune_err_name(rc));
    assert_null(r);
    assert_contains(ortune_last_error(), bad[i].want);
    assert_contains(ortune_last_error(), "test r.json: ");
    assert_contains(ortune_last_error(), ": way out");
  }
  /* a 5000-character stage: bounded */
  char *big = malloc(6000);
  assert_non_null(big);
  int n = snprintf(big, 6000, "{\"trials\": [{\"id\": 0, \"name\": \"d\", \"status\": \"ok\", \"config\": {}, \"stage\": \"");
  memset(big + n, 's', 5000);
  snprintf(big + n + 5000, 6000 - (size_t)n - 5000, "\"}]}");
  cJSON *r = NULL;
  assert_int_equal(parse(big, &r), ORTUNE_ECONFIG);
  assert_contains(ortune_last_error(), "trials[0].stage: 5000 characters, at most 32");
  free(big);
}

static void test_csv(void **state) {
  (void)state;
  cJSON *r = NULL;
  char *reason = malloc(5000);
  assert_non_null(reason);
  memset(reason, 'r', 4000);
  reason[4000] = '\0';
  const char *head = "{\"trials\": [{\"id\": 3, \"name\": \"a \\\"b\\\", c\", \"stage\": \"screen\", \"status\": \"ok\", \"config\": {}, "
                     "\"p50_ms\": 2.5, \"reason\": \"x\\ny";
  size_t len = strlen(head) + 4000 + 8;
  char *text = malloc(len);
  assert_non_null(text);
  snprintf(text, len, "%s%s\"}]}", head, reason);
  assert_int_equal(parse(text, &r), ORTUNE_OK);
  size_t n = 0;
  char *csv = ortune_results_csv(r, &n);
  assert_non_null(csv);
  assert_int_equal(strlen(csv), n);
  assert_contains(csv, "3,\"a \"\"b\"\", c\",\"screen\",\"ok\",2.5,nan,");
  assert_contains(csv, ",\"x yrrrr"); /* newline as a space, the reason whole */
  assert_non_null(strstr(csv, reason));
  cJSON_Delete(r);
  free(csv);
  free(text);
  free(reason);
}

static void test_term_escape(void **state) {
  (void)state;
  char out[64];
  assert_string_equal(ortune_term_escape("a\x1b[31mb\x07", out, sizeof out), "a\\x1b[31mb\\x07");
  assert_string_equal(ortune_term_escape("l1\nl2\tx", out, sizeof out), "l1 l2 x");
  assert_string_equal(ortune_term_escape("\xc2\x9b" "1m caf\xc3\xa9", out, sizeof out), "\\x9b1m caf\xc3\xa9"); /* C1 CSI; UTF-8 kept */
  assert_string_equal(ortune_term_escape("abcdef", out, 4), "abc");
  assert_string_equal(ortune_term_escape("ab\x1b", out, 5), "ab"); /* an escape that does not fit is left out whole */
  assert_string_equal(ortune_term_escape("a\xc3\xa9", out, 3), "a"); /* no half character */
  assert_string_equal(ortune_term_escape("a\xe2\x82\xac", out, 4), "a");
  assert_string_equal(ortune_term_escape("a\xe2\x82\xac", out, 5), "a\xe2\x82\xac");
  ortune_set_error(ORTUNE_EUSAGE, "name 'x\x1b]0;t\x07' unknown\nsecond");
  assert_string_equal(ortune_last_error(), "name 'x\\x1b]0;t\\x07' unknown second");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_accepts),
    cmocka_unit_test(test_refuses_naming_the_field),
    cmocka_unit_test(test_csv),
    cmocka_unit_test(test_term_escape),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
