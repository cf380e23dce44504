/* test_cli.c - the CLI's declarative option tables (src/cli.c): parsing (values, flags, numbers, repeats, "--"),
 * its one-line errors (unknown option with a hint, missing value, a value on a flag), and --help generated from the
 * table, for a test table and for every real subcommand. Links the CLI sources except src/main.c. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
  int quiet, runs;
  double warmup;
  const char *out;
  int ntags;
  const char *tags[8];
} t_opts;

static int add_tag(void *opts, const char *v) {
  t_opts *o = opts;
  if (!strcmp(v, "bad")) return ortune_set_error(ORTUNE_EUSAGE, "--tag: 'bad' refused");
  o->tags[o->ntags++] = v;
  return 0;
}

static const cli_opt t_table[] = {
  OPT_FLAG("quiet", t_opts, quiet, "print less"),
  OPT_INT("runs", t_opts, runs, "N", "timed runs"),
  OPT_DBL("warmup", t_opts, warmup, "SEC", "warm-up seconds"),
  OPT_STR("out", t_opts, out, "FILE", "where to write"),
  OPT_CALL("tag", "TAG", add_tag, "a tag (repeatable)"),
  {0},
};
static const cli_cmd t_cmd = {"probe", "MODEL", "a command for the tests", t_table, sizeof(t_opts), NULL, 0};

/* Parse a NULL-terminated word list into *o; returns cli_parse's result; positionals left in words. */
static int parse_words(t_opts *o, char **words) {
  int n = 0;
  while (words[n]) n++;
  memset(o, 0, sizeof *o);
  ortune_clear_error();
  return cli_parse(&t_cmd, o, n, words);
}

static void test_values_and_positionals(void **state) {
  (void)state;
  t_opts o;
  char *w[] = {"model.onnx", "--runs", "12", "--warmup=0.5", "--quiet", "--out", "x.json", "extra", NULL};
  assert_int_equal(parse_words(&o, w), 2);
  assert_string_equal(w[0], "model.onnx");
  assert_string_equal(w[1], "extra");
  assert_int_equal(o.runs, 12);
  assert_true(o.warmup == 0.5);
  assert_int_equal(o.quiet, 1);
  assert_string_equal(o.out, "x.json");
  /* "--" ends the options: what follows is positional, even when it looks like one; "-" is a positional */
  char *w2[] = {"-", "--", "--runs", "3", NULL};
  assert_int_equal(parse_words(&o, w2), 3);
  assert_string_equal(w2[0], "-");
  assert_string_equal(w2[1], "--runs");
  assert_string_equal(w2[2], "3");
  assert_int_equal(o.runs, 0);
}

static void test_repeated(void **state) {
  (void)state;
  t_opts o;
  /* a repeatable option collects every value, in order; a plain one keeps the last */
  char *w[] = {"--tag", "a", "--out", "one", "--tag=b", "--out=two", "--tag", "c", NULL};
  assert_int_equal(parse_words(&o, w), 0);
  assert_int_equal(o.ntags, 3);
  assert_string_equal(o.tags[0], "a");
  assert_string_equal(o.tags[1], "b");
  assert_string_equal(o.tags[2], "c");
  assert_string_equal(o.out, "two");
  char *w2[] = {"--tag", "a", "--tag", "bad", NULL};
  assert_int_equal(parse_words(&o, w2), -ORTUNE_EUSAGE); /* the option's own refusal comes through */
  assert_string_equal(ortune_last_error(), "--tag: 'bad' refused");
}

static void test_unknown_option(void **state) {
  (void)state;
  t_opts o;
  char *w[] = {"--runz", "3", NULL};
  assert_int_equal(parse_words(&o, w), -ORTUNE_EUSAGE);
  assert_string_equal(ortune_last_error(), "probe: unknown option '--runz' (did you mean --runs?): see `ortune probe --help`");
  char *w2[] = {"--completely-different=1", NULL}; /* too far from every name: no hint */
  assert_int_equal(parse_words(&o, w2), -ORTUNE_EUSAGE);
  assert_string_equal(ortune_last_error(), "probe: unknown option '--completely-different': see `ortune probe --help`");
  char *w3[] = {"--run", "3", NULL}; /* a prefix is not accepted as the option */
  assert_int_equal(parse_words(&o, w3), -ORTUNE_EUSAGE);
  assert_non_null(strstr(ortune_last_error(), "did you mean --runs?"));
  assert_int_equal(o.runs, 0);
}

static void test_missing_and_bad_values(void **state) {
  (void)state;
  t_opts o;
  char *w[] = {"model.onnx", "--out", NULL};
  assert_int_equal(parse_words(&o, w), -ORTUNE_EUSAGE);
  assert_string_equal(ortune_last_error(), "probe: --out needs a value (FILE)");
  char *w2[] = {"--quiet=1", NULL};
  assert_int_equal(parse_words(&o, w2), -ORTUNE_EUSAGE);
  assert_string_equal(ortune_last_error(), "probe: --quiet takes no value");
  static const char *const bad_ints[] = {"12x", "-1", "", "1e3", "99999999999"};
  for (size_t i = 0; i < sizeof bad_ints / sizeof bad_ints[0]; i++) {
    char *wi[] = {"--runs", (char *)bad_ints[i], NULL};
    if (parse_words(&o, wi) != -ORTUNE_EUSAGE) fail_msg("--runs '%s' accepted", bad_ints[i]);
    assert_non_null(strstr(ortune_last_error(), "--runs: '"));
  }
  static const char *const bad_dbls[] = {"-0.5", "nan", "inf", "1s", ""};
  for (size_t i = 0; i < sizeof bad_dbls / sizeof bad_dbls[0]; i++) {
    char *wd[] = {"--warmup", (char *)bad_dbls[i], NULL};
    if (parse_words(&o, wd) != -ORTUNE_EUSAGE) fail_msg("--warmup '%s' accepted", bad_dbls[i]);
    assert_non_null(strstr(ortune_last_error(), "is not a finite number >= 0"));
  }
}

/* cli_help's text for c, owned by the caller. */
static char *help_of(const cli_cmd *c) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  cli_help(f, c);
  fclose(f);
  return buf;
}

static void test_help_from_table(void **state) {
  (void)state;
  char *h = help_of(&t_cmd);
  assert_non_null(strstr(h, "usage: ortune probe MODEL [options]\n\na command for the tests\n\noptions:\n"));
  /* one line per row, in table order, with its metavar and help, then -h */
  const char *p = h;
  static const char *const lines[] = {"  --quiet ", "print less\n", "  --runs N ", "timed runs\n", "  --warmup SEC ",
                                      "warm-up seconds\n", "  --out FILE ", "where to write\n", "  --tag TAG ",
                                      "a tag (repeatable)\n", "  -h, --help ", "show this help\n"};
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    const char *q = strstr(p, lines[i]);
    if (!q) fail_msg("help lacks '%s' after position %td:\n%s", lines[i], p - h, h);
    p = q + strlen(lines[i]);
  }
  assert_string_equal(p, "");
  free(h);
}

/* Every real subcommand: option names unique (a second row of a name could never be reached), each option in its
 * --help, and each one parsed (a flag alone, anything else with "--name=") without "unknown option". */
static void test_real_commands(void **state) {
  (void)state;
  int ncmds = 0;
  for (int i = 0; cli_commands[i]; i++, ncmds++) {
    const cli_cmd *c = cli_commands[i];
    char *h = help_of(c);
    assert_non_null(strstr(h, c->summary));
    for (const cli_opt *o = c->opts; o->name; o++) {
      for (const cli_opt *q = o + 1; q->name; q++)
        if (!strcmp(o->name, q->name)) fail_msg("%s: option --%s twice in its table", c->name, o->name);
      char want[96];
      snprintf(want, sizeof want, "  --%s%s%s ", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
      if (!strstr(h, want)) fail_msg("%s --help lacks '%s'", c->name, want);
      if (o->kind != ARG_FLAG && !o->metavar) fail_msg("%s: --%s takes a value but has no metavar", c->name, o->name);
      char word[96];
      snprintf(word, sizeof word, "--%s%s", o->name, o->kind == ARG_FLAG ? "" : "=");
      char *w[] = {word, NULL};
      void *opts = calloc(1, c->opts_size > sizeof(cli_common) ? c->opts_size : sizeof(cli_common));
      ortune_clear_error();
      cli_parse(c, opts, 1, w);
      if (strstr(ortune_last_error(), "unknown option")) fail_msg("%s: %s", c->name, ortune_last_error());
      free(opts);
    }
    free(h);
  }
  assert_true(ncmds >= 6);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_values_and_positionals),
      cmocka_unit_test(test_repeated),
      cmocka_unit_test(test_unknown_option),
      cmocka_unit_test(test_missing_and_bad_values),
      cmocka_unit_test(test_help_from_table),
      cmocka_unit_test(test_real_commands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
