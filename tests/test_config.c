/* test_config.c - unit tests for config.yaml: load/save round trip, byte-for-byte splicing of the
 * onnxruntime: section, validation errors, atomic writes that leave the old file alone on failure (lib/config.c). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TESTUTIL_TMPDIR("config")

static int setup_config(void **state) {
  unsetenv("ORTUNE_TEST_ENOSPC");
  return setup(state);
}

static void assert_one_line(const char *msg) {
  assert_true(msg[0] != '\0');
  if (strchr(msg, '\n')) fail_msg("message is not one line: '%s'", msg);
}

/* Load path and expect err, with every want[] substring in the message. */
static void assert_load_fails(const char *path, int err, const char *want1, const char *want2) {
  ortune_config *cfg = (ortune_config *)0x1;
  int rc = ortune_config_load(&cfg, path);
  if (rc != err) fail_msg("load %s: got %s (%s), want %s", path, ortune_err_name(rc), ortune_last_error(), ortune_err_name(err));
  assert_null(cfg);
  assert_one_line(ortune_last_error());
  if (want1) assert_contains(ortune_last_error(), want1);
  if (want2) assert_contains(ortune_last_error(), want2);
}

static ortune_config *load_ok(const char *path) {
  ortune_config *cfg = NULL;
  if (ortune_config_load(&cfg, path) != ORTUNE_OK) fail_msg("load %s: %s", path, ortune_last_error());
  assert_non_null(cfg);
  return cfg;
}

/* Write text to path, then expect the load to fail as assert_load_fails() says. */
static void text_load_fails(const char *path, const char *text, int err, const char *want1, const char *want2) {
  write_text(path, text);
  assert_load_fails(path, err, want1, want2);
}

/* Write text to path and load it. */
static ortune_config *load_text_ok(const char *path, const char *text) {
  write_text(path, text);
  return load_ok(path);
}

/* A config with a few options, free dims and provenance set. */
static ortune_config *sample_config(void) {
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "2"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "graph_optimization_level", "ORT_ENABLE_EXTENDED"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "enable_mem_pattern", "false"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "session.intra_op.allow_spinning", "0"), ORTUNE_OK);
  return c;
}

/* Is there a leftover "NAME.tmp.*" beside path's file in tmpdir? */
static int temp_files_left(void) {
  DIR *d = opendir(tmpdir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".tmp.")) n++;
  closedir(d);
  return n;
}

/* ---- round trip ----------------------------------------------------------------------------- */

static void test_new_is_defaults(void **state) {
  (void)state;
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "provider"), "cpu");
  assert_string_equal(ortune_config_get(c, "graph_optimization_level"), "ORT_ENABLE_ALL");
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "0");
  assert_false(ortune_config_is_set(c, "intra_op_num_threads"));
  assert_null(ortune_config_get(c, "no_such_option"));
  assert_null(ortune_config_provenance(c, "model_sha256"));
  ortune_config_release(c);
}

static void test_roundtrip(void **state) {
  (void)state;
  ortune_config *c = sample_config();
  assert_int_equal(ortune_config_set(c, "provider", "cuda"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "cudnn_conv_algo_search", "heuristic"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "gpu_mem_limit", "4GiB"), ORTUNE_OK);
  const char *p = tmp_path("rt.yaml");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config *d = load_ok(p);
  for (int i = 0; i < ortune_noptions; i++) {
    const char *n = ortune_options[i].name;
    assert_string_equal(ortune_config_get(c, n), ortune_config_get(d, n));
    if (ortune_config_is_set(c, n) != ortune_config_is_set(d, n)) fail_msg("%s: set-ness not kept", n);
  }
  assert_string_equal(ortune_config_get(d, "cudnn_conv_algo_search"), "HEURISTIC");
  assert_string_equal(ortune_config_get(d, "gpu_mem_limit"), "4294967296");
  assert_string_equal(ortune_config_get(d, "enable_mem_pattern"), "0");
  /* saving what was loaded gives the same bytes (idempotent) */
  char *first = slurp(p);
  assert_int_equal(ortune_config_save(d, p), ORTUNE_OK);
  char *second = slurp(p);
  assert_string_equal(first, second);
  free(first);
  free(second);
  ortune_config_release(c);
  ortune_config_release(d);
}

static void test_clone_is_deep(void **state) {
  (void)state;
  ortune_config *c = sample_config(), *d;
  assert_int_equal(ortune_config_set_provenance(c, "model", "a.onnx"), ORTUNE_OK);
  assert_int_equal(ortune_config_clone(c, &d), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "4"), ORTUNE_OK);
  assert_int_equal(ortune_config_set_provenance(c, "model", "b.onnx"), ORTUNE_OK);
  assert_string_equal(ortune_config_get(d, "intra_op_num_threads"), "2");
  assert_string_equal(ortune_config_provenance(d, "model"), "a.onnx");
  ortune_config_release(c);
  ortune_config_release(d);
}

static void test_provenance_and_freedims_roundtrip(void **state) {
  (void)state;
  ortune_config *c = sample_config();
  assert_int_equal(ortune_config_set(c, "free_dimension_overrides.batch", "1"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "free_dimension_overrides.p2o.DynamicDimension.1", "640"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "free_dimension_overrides.batch", "4"), ORTUNE_OK); /* replaces */
  assert_int_equal(c->nfree, 2);
  const char *sha = "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff";
  assert_int_equal(ortune_config_set_provenance(c, "model_sha256", sha), ORTUNE_OK);
  /* values that need quoting in YAML: colons, '#', quotes, backslashes, leading spaces, numbers, bools */
  static const char *const tricky[][2] = {
    {"verdict", "x: is 1.2x faster # really \"quoted\" and \\back\\slashed"},
    {"date", "2025-01-02T03:04:05Z"},
    {"cpu", "  Intel(R) Xeon(R) CPU @ 2.20GHz  "},
    {"speedup", "1.000"},
    {"flag", "true"},
    {"empty", ""},
    {"tool", "ortune 0.1.0"},
  };
  for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
    assert_int_equal(ortune_config_set_provenance(c, tricky[i][0], tricky[i][1]), ORTUNE_OK);
  const char *p = tmp_path("prov.yaml");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config *d = load_ok(p);
  assert_string_equal(ortune_config_provenance(d, "model_sha256"), sha);
  for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
    const char *got = ortune_config_provenance(d, tricky[i][0]);
    if (!got || strcmp(got, tricky[i][1])) fail_msg("provenance %s: got '%s', want '%s'", tricky[i][0], got ? got : "(null)", tricky[i][1]);
  }
  assert_int_equal(d->nfree, 2);
  int seen = 0;
  for (int i = 0; i < d->nfree; i++) {
    if (!strcmp(d->freedim[i].name, "batch")) assert_int_equal(d->freedim[i].value, 4), seen |= 1;
    if (!strcmp(d->freedim[i].name, "p2o.DynamicDimension.1")) assert_int_equal(d->freedim[i].value, 640), seen |= 2;
  }
  assert_int_equal(seen, 3);
  ortune_config_release(c);
  ortune_config_release(d);
}

static void test_freedim_values_validated(void **state) {
  (void)state;
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  static const char *const bad[] = {"0", "-1", "", "x", "1.5", "99999999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ortune_config_set(c, "free_dimension_overrides.batch", bad[i]) != ORTUNE_EVALUE) fail_msg("'%s' accepted as a free dim", bad[i]);
  assert_int_equal(c->nfree, 0);
  const char *p = tmp_path("fd.yaml");
  text_load_fails(p, "onnxruntime:\n  free_dimension_overrides:\n    batch: 0\n", ORTUNE_EVALUE, "batch", ":3");
  text_load_fails(p, "onnxruntime:\n  free_dimension_overrides: [1, 2]\n", ORTUNE_ECONFIG, "free_dimension_overrides", NULL);
  ortune_config_release(c);
}

/* ---- splicing into an existing file ---------------------------------------------------------- */

/* Save sample_config into a file holding before + section + after; the result must start with
 * before and end with after, byte for byte, and load back to the sample. */
static void check_splice(const char *name, const char *before, const char *section, const char *after) {
  const char *p = tmp_path(name);
  char *orig;
  assert_true(asprintf(&orig, "%s%s%s", before, section, after) > 0);
  write_text(p, orig);
  ortune_config *c = sample_config();
  if (ortune_config_save(c, p) != ORTUNE_OK) fail_msg("%s: save: %s", name, ortune_last_error());
  char *got = slurp(p);
  size_t nb = strlen(before), na = strlen(after), ng = strlen(got);
  if (ng < nb + na || memcmp(got, before, nb)) fail_msg("%s: text before the section changed:\n%s", name, got);
  if (memcmp(got + ng - na, after, na)) fail_msg("%s: text after the section changed:\n%s", name, got);
  assert_contains(got + nb, "onnxruntime:\n");
  ortune_config *d = load_ok(p);
  assert_string_equal(ortune_config_get(d, "intra_op_num_threads"), "2");
  assert_string_equal(ortune_config_get(d, "graph_optimization_level"), "ORT_ENABLE_EXTENDED");
  assert_string_equal(ortune_config_get(d, "enable_mem_pattern"), "0");
  /* a second save changes nothing more */
  assert_int_equal(ortune_config_save(d, p), ORTUNE_OK);
  char *again = slurp(p);
  if (strcmp(got, again)) fail_msg("%s: second save differs:\n%s\n---\n%s", name, got, again);
  free(again);
  free(got);
  free(orig);
  ortune_config_release(c);
  ortune_config_release(d);
}

static void test_splice_section_in_middle(void **state) {
  (void)state;
  check_splice("middle.yaml",
               "# service config: edited by hand\n"
               "app:\n"
               "  name: ocr   # the name\n"
               "  replicas: 3\n"
               "\n",
               "onnxruntime:\n"
               "  provider: cpu\n"
               "  intra_op_num_threads: 8\n"
               "  # a comment inside the section goes with it\n"
               "  execution_mode: ORT_PARALLEL\n",
               "\n"
               "# logging below\n"
               "logging:\n"
               "  level: debug\n"
               "  files: [a.log, b.log]\n"
               "tail: {x: 1}\n");
}

/* A rewrite keeps the user's own lines for what it did not change: the spelling ("4GiB", "yes"), the comment after
 * the value and the comments right above it; a changed value is written afresh (its old comment may no longer hold). */
static void test_splice_keeps_user_lines(void **state) {
  (void)state;
  const char *p = tmp_path("userlines.yaml");
  write_text(p, "onnxruntime:\n"
                "  provider: cpu\n"
                "  # the other service needs the rest\n"
                "  gpu_mem_limit: 4GiB  # keep under 8\n"
                "  enable_mem_pattern: yes   # measured 2026-11\n"
                "  intra_op_num_threads: 8 # will change\n");
  ortune_config *c = load_ok(p);
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "4294967296");
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "2"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "execution_mode", "ORT_PARALLEL"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  char *got = slurp(p);
  assert_contains(got, "  # the other service needs the rest\n  gpu_mem_limit: 4GiB  # keep under 8\n");
  assert_contains(got, "  enable_mem_pattern: yes   # measured 2026-11\n");
  assert_contains(got, "  intra_op_num_threads: 2\n");
  if (strstr(got, "will change") || strstr(got, "4294967296")) fail_msg("changed line kept or 4GiB rewritten:\n%s", got);
  ortune_config *d = load_ok(p);
  assert_string_equal(ortune_config_get(d, "gpu_mem_limit"), "4294967296");
  assert_string_equal(ortune_config_get(d, "execution_mode"), "ORT_PARALLEL");
  assert_int_equal(ortune_config_save(d, p), ORTUNE_OK); /* again: nothing doubles */
  char *again = slurp(p);
  if (strcmp(got, again)) fail_msg("second save differs:\n%s\n---\n%s", got, again);
  free(again);
  free(got);
  ortune_config_release(c);
  ortune_config_release(d);
}

static void test_splice_section_first_and_last(void **state) {
  (void)state;
  check_splice("first.yaml", "", "onnxruntime:\n  provider: cpu\n", "other:\n  key: value # keep me\n");
  check_splice("last.yaml", "a: 1\nb:\n  - x\n  - y\n", "onnxruntime:\n  intra_op_num_threads: 1\n", "");
  check_splice("last-comment.yaml", "a: 1\n", "onnxruntime:\n  intra_op_num_threads: 1\n", "# trailing comment\n");
}

static void test_splice_flow_style(void **state) {
  (void)state;
  check_splice("flow.yaml", "# flow style\nbefore: 1\n", "onnxruntime: {provider: cpu, intra_op_num_threads: 3}\n", "after: [1, 2]\n");
}

static void test_splice_empty_section(void **state) {
  (void)state;
  check_splice("empty-section.yaml", "x: 1\n", "onnxruntime:\n", "y: 2\n");
}

static void test_splice_no_section_appends(void **state) {
  (void)state;
  const char *p = tmp_path("nosec.yaml");
  const char *orig = "# my settings\nmodel: det.onnx\nthreshold: 0.3   # tuned by hand\n";
  write_text(p, orig);
  ortune_config *c = sample_config();
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  char *got = slurp(p);
  assert_memory_equal(got, orig, strlen(orig));
  assert_contains(got + strlen(orig), "onnxruntime:\n");
  free(got);
  /* a file without a final newline gets one before the section */
  write_text(p, "model: det.onnx");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  got = slurp(p);
  assert_memory_equal(got, "model: det.onnx\nonnxruntime:\n", 29);
  free(got);
  ortune_config *d = load_ok(p);
  assert_string_equal(ortune_config_get(d, "intra_op_num_threads"), "2");
  ortune_config_release(d);
  ortune_config_release(c);
}

static void test_save_into_empty_and_comment_only_files(void **state) {
  (void)state;
  ortune_config *c = sample_config();
  const char *p = tmp_path("empty.yaml");
  write_text(p, "");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  char *got = slurp(p);
  assert_memory_equal(got, "onnxruntime:\n", 13);
  free(got);
  ortune_config *d = load_ok(p);
  assert_string_equal(ortune_config_get(d, "intra_op_num_threads"), "2");
  ortune_config_release(d);

  const char *comments = "# only comments here\n#\n   # indented comment\n\n";
  p = tmp_path("comments.yaml");
  write_text(p, comments);
  d = load_ok(p); /* no section: the defaults */
  assert_false(ortune_config_is_set(d, "intra_op_num_threads"));
  ortune_config_release(d);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  got = slurp(p);
  assert_memory_equal(got, comments, strlen(comments));
  assert_contains(got, "intra_op_num_threads: 2");
  free(got);

  /* a new file in an existing directory */
  p = tmp_path("new.yaml");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  d = load_ok(p);
  assert_string_equal(ortune_config_get(d, "graph_optimization_level"), "ORT_ENABLE_EXTENDED");
  ortune_config_release(d);
  ortune_config_release(c);
}

static void test_load_file_without_section_or_empty(void **state) {
  (void)state;
  const char *p = tmp_path("nosec2.yaml");
  ortune_config *d = load_text_ok(p, "other: 1\n");
  assert_string_equal(ortune_config_get(d, "provider"), "cpu");
  ortune_config_release(d);
  d = load_text_ok(p, "");
  ortune_config_release(d);
  d = load_text_ok(p, "onnxruntime:\nother: 1\n");
  assert_false(ortune_config_is_set(d, "provider"));
  ortune_config_release(d);
}

/* ---- validation -------------------------------------------------------------------------------- */

static void test_unknown_key_names_closest(void **state) {
  (void)state;
  const char *p = tmp_path("typo.yaml");
  text_load_fails(p, "onnxruntime:\n  provider: cpu\n  cudnn_conv_algo_serch: HEURISTIC\n", ORTUNE_EKEY, "cudnn_conv_algo_serch", "cudnn_conv_algo_search");
  assert_contains(ortune_last_error(), ":3");
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  static const char *const typos[][2] = {
    {"intra_op_num_thread", "intra_op_num_threads"},
    {"graph_optimisation_level", "graph_optimization_level"},
    {"enable_mem_patern", "enable_mem_pattern"},
    {"gpu_mem_limt", "gpu_mem_limit"},
    {"execution-mode", "execution_mode"},
  };
  for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
    assert_int_equal(ortune_config_set(c, typos[i][0], "1"), ORTUNE_EKEY);
    assert_contains(ortune_last_error(), typos[i][1]);
    assert_one_line(ortune_last_error());
  }
  ortune_config_release(c);
}

static void test_bad_value_lists_allowed(void **state) {
  (void)state;
  const char *p = tmp_path("badval.yaml");
  text_load_fails(p, "onnxruntime:\n  execution_mode: FAST\n", ORTUNE_EVALUE, "ORT_SEQUENTIAL", "ORT_PARALLEL");
  assert_contains(ortune_last_error(), "FAST");
  text_load_fails(p, "onnxruntime:\n  provider: tpu\n", ORTUNE_EVALUE, "cpu", "cuda");
  text_load_fails(p, "# c\nonnxruntime:\n  enable_mem_pattern: maybe\n", ORTUNE_EVALUE, "maybe", ":3");
  text_load_fails(p, "onnxruntime:\n  intra_op_num_threads: -3\n", ORTUNE_EVALUE, "intra_op_num_threads", "-3");
  text_load_fails(p, "onnxruntime:\n  intra_op_num_threads: [1, 2]\n", ORTUNE_EVALUE, "intra_op_num_threads", "list");
  text_load_fails(p, "onnxruntime:\n  gpu_mem_limit: lots\n", ORTUNE_EVALUE, "gpu_mem_limit", "lots");
  text_load_fails(p, "onnxruntime:\n  gpu_mem_limit_gb: -1\n", ORTUNE_EVALUE, "gpu_mem_limit_gb", NULL);

  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  static const char *const bad[][2] = {
    {"intra_op_num_threads", "1025"}, {"intra_op_num_threads", "2x"}, {"intra_op_num_threads", ""},
    {"device_id", "-1"},              {"graph_optimization_level", "ALL"}, {"gpu_mem_limit", "0"},
    {"cudnn_conv_algo_search", "FASTEST"}, {"use_tf32", "2"},     {"io", "disk"},
    {"intra_op_num_threads", "99999999999999999999"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = ortune_config_set(c, bad[i][0], bad[i][1]);
    if (rc != ORTUNE_EVALUE) fail_msg("%s=%s: got %s, want EVALUE", bad[i][0], bad[i][1], ortune_err_name(rc));
    assert_contains(ortune_last_error(), bad[i][0]);
    assert_one_line(ortune_last_error());
    assert_false(ortune_config_is_set(c, bad[i][0]));
  }
  /* a failed set keeps the previous value */
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "3"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "-3"), ORTUNE_EVALUE);
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "3");
  ortune_config_release(c);
}

static void test_gpu_mem_limit_gb_alias(void **state) {
  (void)state;
  const char *p = tmp_path("gb.yaml");
  ortune_config *c = load_text_ok(p, "onnxruntime:\n  provider: cuda\n  gpu_mem_limit_gb: 8\n");
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "8589934592");
  assert_true(ortune_config_is_set(c, "gpu_mem_limit"));
  assert_int_equal(ortune_config_set(c, "gpu_mem_limit_gb", "0.5"), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "536870912");
  assert_set_get(c, "gpu_mem_limit", "8GB", "8589934592");
  assert_set_get(c, "gpu_mem_limit", "512MiB", "536870912");
  assert_set_get(c, "gpu_mem_limit", "max", "max");
  /* written back under ORT's own name */
  assert_int_equal(ortune_config_set(c, "gpu_mem_limit_gb", "8"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  char *txt = slurp(p);
  assert_contains(txt, "gpu_mem_limit: 8589934592\n");
  assert_null(strstr(txt, "gpu_mem_limit_gb"));
  free(txt);
  ortune_config_release(c);
}

static void test_booleans_normalise(void **state) {
  (void)state;
  static const char *const in[][2] = {
    {"true", "1"}, {"false", "0"}, {"True", "1"}, {"FALSE", "0"}, {"0", "0"}, {"1", "1"},
    {"yes", "1"},  {"no", "0"},    {"on", "1"},   {"off", "0"},
  };
  for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
    const char *p = tmp_path("bool.yaml");
    char text[128];
    snprintf(text, sizeof text, "onnxruntime:\n  enable_cpu_mem_arena: %s\n  use_tf32: %s\n", in[i][0], in[i][0]);
    ortune_config *c = load_text_ok(p, text);
    assert_string_equal(ortune_config_get(c, "enable_cpu_mem_arena"), in[i][1]);
    assert_string_equal(ortune_config_get(c, "use_tf32"), in[i][1]);
    ortune_config_release(c);
  }
  /* quoted strings are values too */
  const char *p = tmp_path("bool2.yaml");
  ortune_config *c = load_text_ok(p, "onnxruntime:\n  enable_cpu_mem_arena: \"True\"\n  execution_mode: 'ort_parallel'\n");
  assert_string_equal(ortune_config_get(c, "enable_cpu_mem_arena"), "1");
  assert_string_equal(ortune_config_get(c, "execution_mode"), "ORT_PARALLEL");
  ortune_config_release(c);
}

static void test_malformed_yaml(void **state) {
  (void)state;
  const char *p = tmp_path("bad.yaml");
  const char *text = "app:\n  name: x\nonnxruntime:\n  provider: cpu\n    intra_op_num_threads: 2\n  bad: [unclosed\n";
  text_load_fails(p, text, ORTUNE_ECONFIG, "bad.yaml:", "yaml");
  /* the line of the problem is named: "path:LINE:COL" with LINE 5 or 6 */
  const char *m = strstr(ortune_last_error(), "bad.yaml:");
  int line = atoi(m + strlen("bad.yaml:"));
  if (line < 4 || line > 7) fail_msg("line %d in '%s'", line, ortune_last_error());
  /* a save onto it is refused and leaves the file alone */
  ortune_config *c = sample_config();
  int rc = ortune_config_save(c, p);
  if (rc != ORTUNE_ECONFIG) fail_msg("save onto malformed yaml: got %s (%s)", ortune_err_name(rc), ortune_last_error());
  assert_one_line(ortune_last_error());
  char *after = slurp(p);
  assert_string_equal(after, text);
  free(after);
  assert_int_equal(temp_files_left(), 0);

  /* tabs, duplicate documents and a bare scalar */
  text_load_fails(p, "onnxruntime:\n\tprovider: cpu\n", ORTUNE_ECONFIG, ":2", NULL);
  text_load_fails(p, "a: 1\n---\nb: 2\n", ORTUNE_ECONFIG, "document", NULL);
  text_load_fails(p, "just a string\n", ORTUNE_ECONFIG, "mapping", NULL);
  text_load_fails(p, "onnxruntime: cpu\n", ORTUNE_ECONFIG, "onnxruntime", NULL);
  text_load_fails(p, "onnxruntime:\n  - provider: cpu\n", ORTUNE_ECONFIG, "onnxruntime", NULL);
  ortune_config_release(c);
}

static void test_top_level_list(void **state) {
  (void)state;
  const char *p = tmp_path("list.yaml");
  const char *text = "- onnxruntime:\n    provider: cpu\n- other\n";
  text_load_fails(p, text, ORTUNE_ECONFIG, "list", "mapping");
  ortune_config *c = sample_config();
  assert_int_equal(ortune_config_save(c, p), ORTUNE_ECONFIG);
  assert_one_line(ortune_last_error());
  char *after = slurp(p);
  assert_string_equal(after, text);
  free(after);
  ortune_config_release(c);
}

static void test_missing_file(void **state) {
  (void)state;
  assert_load_fails(tmp_path("nope.yaml"), ORTUNE_EIO, "nope.yaml", NULL);
  assert_load_fails("/nonexistent/dir/c.yaml", ORTUNE_EIO, "/nonexistent/dir/c.yaml", NULL);
  ortune_config *c = sample_config();
  int rc = ortune_config_save(c, "/nonexistent/dir/c.yaml");
  if (rc != ORTUNE_EIO) fail_msg("save into a missing dir: %s (%s)", ortune_err_name(rc), ortune_last_error());
  assert_contains(ortune_last_error(), "/nonexistent/dir/c.yaml");
  assert_one_line(ortune_last_error());
  ortune_config_release(c);
}

/* ---- failed writes leave the old file ------------------------------------------------------------- */

static const char *const keep_text = "# precious\nother: 1\nonnxruntime:\n  provider: cpu\n  intra_op_num_threads: 1\n";

static void test_readonly_file_unchanged(void **state) {
  (void)state;
  const char *p = tmp_path("ro.yaml");
  write_text(p, keep_text);
  assert_int_equal(chmod(p, 0444), 0);
  ortune_config *c = sample_config();
  int rc = ortune_config_save(c, p);
  if (rc != ORTUNE_EIO) fail_msg("save onto a read-only file: got %s (%s)", ortune_err_name(rc), ortune_last_error());
  assert_contains(ortune_last_error(), "ro.yaml");
  assert_one_line(ortune_last_error());
  char *after = slurp(p);
  assert_string_equal(after, keep_text);
  free(after);
  struct stat st;
  assert_int_equal(stat(p, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0444);
  assert_int_equal(temp_files_left(), 0);
  chmod(p, 0644);
  ortune_config_release(c);
}

/* Run save into dir made read-only: chmod for a normal user; for root (who writes anyway) a read-only
 * bind mount in a private mount namespace of a child. Returns the save's code, or -77 when it cannot be arranged. */
static int save_in_readonly_dir(const char *dir, const char *path) {
  if (geteuid() != 0) {
    assert_int_equal(chmod(dir, 0555), 0);
    ortune_config *c = sample_config();
    int rc = ortune_config_save(c, path);
    ortune_config_release(c);
    chmod(dir, 0755);
    return rc;
  }
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(dir, dir, NULL, MS_BIND, NULL) != 0 || mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
      _exit(77);
    ortune_config *c = sample_config();
    int rc = ortune_config_save(c, path);
    if (rc) fprintf(stderr, "  (child: %s)\n", ortune_last_error());
    _exit(rc == ORTUNE_EIO && strchr(ortune_last_error(), '\n') == NULL ? 0 : 100 + rc);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) return -77;
  return WEXITSTATUS(status) == 0 ? ORTUNE_EIO : WEXITSTATUS(status) - 100;
}

static void test_readonly_dir_unchanged(void **state) {
  (void)state;
  char dir[600];
  snprintf(dir, sizeof dir, "%s/rodir", tmpdir);
  assert_int_equal(mkdir(dir, 0755), 0);
  char p[700];
  snprintf(p, sizeof p, "%s/c.yaml", dir);
  write_text(p, keep_text);
  int rc = save_in_readonly_dir(dir, p);
  if (rc == -77) skip(); /* root without mount namespaces */
  if (rc != ORTUNE_EIO) fail_msg("save into a read-only dir: got %s", ortune_err_name(rc));
  char *after = slurp(p);
  assert_string_equal(after, keep_text);
  free(after);
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  assert_int_equal(n, 1);
}

static void test_enospc_unchanged(void **state) {
  (void)state;
  const char *p = tmp_path("full.yaml");
  write_text(p, keep_text);
  ortune_config *c = sample_config();
  setenv("ORTUNE_TEST_ENOSPC", "1", 1);
  int rc = ortune_config_save(c, p);
  unsetenv("ORTUNE_TEST_ENOSPC");
  if (rc != ORTUNE_ENOSPC) fail_msg("simulated full disk: got %s (%s)", ortune_err_name(rc), ortune_last_error());
  assert_contains(ortune_last_error(), "full.yaml");
  assert_one_line(ortune_last_error());
  char *after = slurp(p);
  assert_string_equal(after, keep_text);
  free(after);
  assert_int_equal(temp_files_left(), 0);
  /* and a new file is not created */
  const char *q = tmp_path("full-new.yaml");
  setenv("ORTUNE_TEST_ENOSPC", "1", 1);
  assert_int_equal(ortune_config_save(c, q), ORTUNE_ENOSPC);
  unsetenv("ORTUNE_TEST_ENOSPC");
  assert_int_equal(access(q, F_OK), -1);
  assert_int_equal(temp_files_left(), 0);
  /* ORTUNE_TEST_ENOSPC=0 is off */
  setenv("ORTUNE_TEST_ENOSPC", "0", 1);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  unsetenv("ORTUNE_TEST_ENOSPC");
  ortune_config_release(c);
}

static void test_save_keeps_mode(void **state) {
  (void)state;
  const char *p = tmp_path("mode.yaml");
  write_text(p, keep_text);
  assert_int_equal(chmod(p, 0640), 0);
  ortune_config *c = sample_config();
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  struct stat st;
  assert_int_equal(stat(p, &st), 0);
  assert_int_equal(st.st_mode & 07777, 0640);
  assert_int_equal(temp_files_left(), 0);
  ortune_config_release(c);
}

static void test_stale_check(void **state) {
  (void)state;
  const char *model = tmp_path("m.onnx");
  write_text(model, "not really a model, but it has a hash");
  char hex[65];
  assert_int_equal(ortune_sha256_file(model, hex), ORTUNE_OK);
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  char why[256];
  assert_int_equal(ortune_config_check_stale(c, model, why, sizeof why), 0); /* no provenance: never stale */
  assert_int_equal(ortune_config_set_provenance(c, "model_sha256", hex), ORTUNE_OK);
  assert_int_equal(ortune_config_check_stale(c, model, why, sizeof why), 0);
  assert_int_equal(ortune_config_set_provenance(c, "model_sha256", "00000000"), ORTUNE_OK);
  assert_int_equal(ortune_config_check_stale(c, model, why, sizeof why), 1);
  assert_contains(why, "another model");
  assert_int_equal(ortune_config_set_provenance(c, "ort_version", "0.0.1"), ORTUNE_OK);
  assert_int_equal(ortune_config_check_stale(c, model, why, sizeof why), 2);
  ortune_config_release(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_is_defaults),
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_clone_is_deep),
    cmocka_unit_test(test_provenance_and_freedims_roundtrip),
    cmocka_unit_test(test_freedim_values_validated),
    cmocka_unit_test(test_splice_section_in_middle), cmocka_unit_test(test_splice_keeps_user_lines),
    cmocka_unit_test(test_splice_section_first_and_last),
    cmocka_unit_test(test_splice_flow_style),
    cmocka_unit_test(test_splice_empty_section),
    cmocka_unit_test(test_splice_no_section_appends),
    cmocka_unit_test(test_save_into_empty_and_comment_only_files),
    cmocka_unit_test(test_load_file_without_section_or_empty),
    cmocka_unit_test(test_unknown_key_names_closest),
    cmocka_unit_test(test_bad_value_lists_allowed),
    cmocka_unit_test(test_gpu_mem_limit_gb_alias),
    cmocka_unit_test(test_booleans_normalise),
    cmocka_unit_test(test_malformed_yaml),
    cmocka_unit_test(test_top_level_list),
    cmocka_unit_test(test_missing_file),
    cmocka_unit_test(test_readonly_file_unchanged),
    cmocka_unit_test(test_readonly_dir_unchanged),
    cmocka_unit_test(test_enospc_unchanged),
    cmocka_unit_test(test_save_keeps_mode),
    cmocka_unit_test(test_stale_check),
  };
  return cmocka_run_group_tests(tests, setup_config, teardown);
}
