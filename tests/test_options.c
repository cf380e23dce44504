/* test_options.c - unit tests for the option table (lib/options.c): sorted for binary search, defaults
 * and search values valid, aliases and normalisation, and every value buildable into session options. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tune.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* The values of a '|'-separated list. */
static int split(const char *list, char out[][64], int max) {
  int n = 0;
  for (const char *p = list; p && *p && n < max;) {
    size_t len = strcspn(p, "|");
    snprintf(out[n++], 64, "%.*s", (int)len, p);
    p += len + (p[len] == '|');
  }
  return n;
}

static void test_table_sorted_and_unique(void **state) {
  (void)state;
  assert_true(ortune_noptions > 10);
  assert_true(ortune_noptions <= 64); /* ortune_config holds 64 values */
  for (int i = 1; i < ortune_noptions; i++)
    if (strcmp(ortune_options[i - 1].name, ortune_options[i].name) >= 0)
      fail_msg("options not strictly sorted: '%s' before '%s' (binary search breaks)", ortune_options[i - 1].name,
               ortune_options[i].name);
}

static void test_binary_search_finds_every_name(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    assert_int_equal(ortune_option_index(ortune_options[i].name), i);
    assert_ptr_equal(ortune_option_find(ortune_options[i].name), &ortune_options[i]);
  }
  static const char *const unknown[] = {"", "a", "zzz", "provider ", "Provider", "intra_op_num_thread", "use_tf32x", "gpu_mem_limit_gb"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    assert_int_equal(ortune_option_index(unknown[i]), -1);
    assert_null(ortune_option_find(unknown[i]));
  }
}

static void test_entries_well_formed(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (!o->help || !*o->help) fail_msg("%s: no help", o->name);
    if (!o->def) fail_msg("%s: no default", o->name);
    assert_string_not_equal(ortune_scope_name(o->scope), "?");
    switch (o->kind) {
      case ORTUNE_KIND_BOOL:
        if (!o->values || strcmp(o->values, "0|1")) fail_msg("%s: a bool's values are 0|1, not %s", o->name, o->values);
        break;
      case ORTUNE_KIND_ENUM:
        if (!o->values || !*o->values) fail_msg("%s: enum without values", o->name);
        break;
      case ORTUNE_KIND_INT:
        if (o->min > o->max) fail_msg("%s: min %lld > max %lld", o->name, o->min, o->max);
        break;
      case ORTUNE_KIND_BYTES: break;
      case ORTUNE_KIND_PATH:
        if (o->values || o->tune_values) fail_msg("%s: a path has no value list and is not searched", o->name);
        break;
    }
  }
}

static void test_defaults_pass_validator(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    char norm[64];
    int rc = ortune_option_check(o, o->def, norm, sizeof norm);
    if (rc) fail_msg("%s: default '%s' rejected: %s", o->name, o->def, ortune_last_error());
    if (strcmp(norm, o->def)) fail_msg("%s: default '%s' is not canonical (normalises to '%s')", o->name, o->def, norm);
  }
}

static void test_tune_values_pass_validator(void **state) {
  (void)state;
  int tuned = 0;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (!o->tune_values) continue;
    tuned++;
    /* what the search really tries: the split list, or the thread bisection */
    char vals[16][48];
    int n = ortune_space_values(i, vals, 16);
    if (n < 2) fail_msg("%s: tuned with %d value(s)", o->name, n);
    for (int v = 0; v < n; v++) {
      char norm[64];
      if (ortune_option_check(o, vals[v], norm, sizeof norm)) fail_msg("%s: tune value '%s' rejected: %s", o->name, vals[v], ortune_last_error());
      if (strcmp(norm, vals[v])) fail_msg("%s: tune value '%s' is not canonical ('%s')", o->name, vals[v], norm);
      for (int w = 0; w < v; w++)
        if (!strcmp(vals[w], vals[v])) fail_msg("%s: tune value '%s' twice", o->name, vals[v]);
    }
    /* the table's literal list: the first value is ORT's default where the default is one of them */
    if (strcmp(o->tune_values, "bisect")) {
      char lit[16][64];
      int m = split(o->tune_values, lit, 16);
      int has_def = 0;
      for (int v = 0; v < m; v++) has_def |= !strcmp(lit[v], o->def);
      if (has_def && strcmp(lit[0], o->def)) fail_msg("%s: tune values '%s' do not start with the default %s", o->name, o->tune_values, o->def);
    } else {
      assert_string_equal(vals[0], "0"); /* ORT's own choice first, then the two ends the search bisects between */
      assert_string_equal(vals[1], "1");
      if (ortune_cpu_count() > 1) {
        char cores[16];
        snprintf(cores, sizeof cores, "%d", ortune_cpu_count());
        assert_int_equal(n, 3);
        assert_string_equal(vals[2], cores);
      }
    }
  }
  assert_true(tuned >= 8);
}

static void test_enum_and_bool_values_pass_validator(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (o->kind != ORTUNE_KIND_ENUM && o->kind != ORTUNE_KIND_BOOL) continue;
    char vals[16][64], norm[64], lower[64];
    int n = split(o->values, vals, 16);
    for (int v = 0; v < n; v++) {
      assert_int_equal(ortune_option_check(o, vals[v], norm, sizeof norm), ORTUNE_OK);
      assert_string_equal(norm, vals[v]);
      /* case does not matter, the canonical spelling comes back */
      size_t k;
      for (k = 0; vals[v][k] && k < sizeof lower - 1; k++) lower[k] = (char)(vals[v][k] | (vals[v][k] >= 'A' && vals[v][k] <= 'Z' ? 0x20 : 0));
      lower[k] = '\0';
      assert_int_equal(ortune_option_check(o, lower, norm, sizeof norm), ORTUNE_OK);
      assert_string_equal(norm, vals[v]);
    }
    /* and a wrong value's message lists them all */
    assert_int_equal(ortune_option_check(o, "definitely-not-a-value", norm, sizeof norm), ORTUNE_EVALUE);
    if (o->kind == ORTUNE_KIND_ENUM)
      for (int v = 0; v < n; v++)
        if (!strstr(ortune_last_error(), vals[v])) fail_msg("%s: '%s' does not list %s", o->name, ortune_last_error(), vals[v]);
    assert_non_null(strstr(ortune_last_error(), o->name));
  }
}

static void test_int_ranges(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (o->kind != ORTUNE_KIND_INT) continue;
    char v[64], norm[64];
    snprintf(v, sizeof v, "%lld", o->min);
    assert_int_equal(ortune_option_check(o, v, norm, sizeof norm), ORTUNE_OK);
    snprintf(v, sizeof v, "%lld", o->max);
    assert_int_equal(ortune_option_check(o, v, norm, sizeof norm), ORTUNE_OK);
    snprintf(v, sizeof v, "%lld", o->min - 1);
    assert_int_equal(ortune_option_check(o, v, norm, sizeof norm), ORTUNE_EVALUE);
    snprintf(v, sizeof v, "%lld", o->max + 1);
    assert_int_equal(ortune_option_check(o, v, norm, sizeof norm), ORTUNE_EVALUE);
    static const char *const bad[] = {"", "x", "1.5", "2x", "0x10", "1e3", "99999999999999999999"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
      if (ortune_option_check(o, bad[k], norm, sizeof norm) != ORTUNE_EVALUE) fail_msg("%s: '%s' accepted", o->name, bad[k]);
  }
}

static void test_bytes_parsing(void **state) {
  (void)state;
  const ortune_option *o = ortune_option_find("gpu_mem_limit");
  assert_non_null(o);
  static const char *const good[][2] = {
    {"8589934592", "8589934592"}, {"8GB", "8589934592"}, {"8GiB", "8589934592"}, {"8g", "8589934592"},
    {"512MiB", "536870912"},      {"1.5G", "1610612736"}, {"64K", "65536"},        {"100B", "100"},
    {"max", "max"},               {"MAX", "max"},         {"unlimited", "max"},   {"1T", "1099511627776"},
  };
  char norm[64];
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    if (ortune_option_check(o, good[i][0], norm, sizeof norm)) fail_msg("'%s' rejected: %s", good[i][0], ortune_last_error());
    assert_string_equal(norm, good[i][1]);
  }
  static const char *const bad[] = {"", "0", "-1", "8XB", "8GBs", "lots", "1e30", "G"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ortune_option_check(o, bad[i], norm, sizeof norm) != ORTUNE_EVALUE) fail_msg("gpu_mem_limit: '%s' accepted", bad[i]);
}

static void test_aliases(void **state) {
  (void)state;
  ortune_config *c;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  /* the seed's gpu_mem_limit_gb (GiB) sets ORT's gpu_mem_limit (bytes) */
  assert_int_equal(ortune_config_set(c, "gpu_mem_limit_gb", "8"), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "8589934592");
  assert_int_equal(ortune_config_set(c, "gpu_mem_limit_gb", "21"), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "22548578304");
  assert_null(ortune_config_get(c, "gpu_mem_limit_gb")); /* not a stored key of its own */
  static const char *const bad_gb[] = {"0", "-4", "x", "", "8GB"};
  for (size_t i = 0; i < sizeof bad_gb / sizeof bad_gb[0]; i++)
    if (ortune_config_set(c, "gpu_mem_limit_gb", bad_gb[i]) != ORTUNE_EVALUE) fail_msg("gpu_mem_limit_gb=%s accepted", bad_gb[i]);
  assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), "22548578304");
  /* booleans: YAML's spellings */
  static const char *const yes[] = {"1", "true", "True", "TRUE", "yes", "on"}, *const no[] = {"0", "false", "False", "no", "off", "OFF"};
  for (size_t i = 0; i < 6; i++) {
    assert_set_get(c, "use_tf32", yes[i], "1");
    assert_set_get(c, "use_tf32", no[i], "0");
  }
  /* enums: any case */
  assert_set_get(c, "cudnn_conv_algo_search", "heuristic", "HEURISTIC");
  assert_set_get(c, "arena_extend_strategy", "ksameasrequested", "kSameAsRequested");
  assert_set_get(c, "provider", "CUDA", "cuda");
  ortune_config_release(c);
  /* did-you-mean */
  assert_string_equal(ortune_option_closest("gpu_mem_limit_gb"), "gpu_mem_limit");
  assert_string_equal(ortune_option_closest("cudnn_conv_algo_serch"), "cudnn_conv_algo_search");
  assert_string_equal(ortune_option_closest("intra_op.allow_spinning"), "session.intra_op.allow_spinning");
  assert_string_equal(ortune_option_closest("inter_op.allow_spinning"), "session.inter_op.allow_spinning");
  assert_string_equal(ortune_option_closest("denormal_as_zero"), "session.set_denormal_as_zero");
  assert_string_equal(ortune_option_closest("intra_op_threads"), "intra_op_num_threads");
}

/* Every value of every session option (and harness option) turns into OrtSessionOptions. */
static void test_session_options_build_every_value(void **state) {
  (void)state;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (o->scope != ORTUNE_SCOPE_SESSION && o->scope != ORTUNE_SCOPE_HARNESS) continue;
    char vals[16][64];
    int n;
    if (o->values) n = split(o->values, vals, 16);
    else {
      n = 0;
      snprintf(vals[n++], 64, "%s", o->def);
      snprintf(vals[n++], 64, "%lld", o->min);
      snprintf(vals[n++], 64, "%lld", o->min + 1 <= o->max ? o->min + 1 : o->max);
    }
    for (int v = 0; v < n; v++) {
      if (!strcmp(o->name, "provider") && strcmp(vals[v], "cpu")) continue; /* cuda needs the EP */
      ortune_config *c;
      assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
      assert_int_equal(ortune_config_set(c, o->name, vals[v]), ORTUNE_OK);
      OrtSessionOptions *so = NULL;
      int rc = ortune_session_options_build(c, &so);
      if (rc) fail_msg("%s=%s: %s", o->name, vals[v], ortune_last_error());
      assert_non_null(so);
      ortune_ort_api()->ReleaseSessionOptions(so);
      ortune_config_release(c);
    }
  }
}

/* The apply column: each row names a way to reach ORT that fits its scope, and every allowed value of every session
 * row goes through ortune_option_apply; config entries are then readable back from the session options. */
static void test_apply_column(void **state) {
  (void)state;
  const OrtApi *api = ortune_ort_api();
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    switch (o->apply) {
      case ORTUNE_APPLY_SETTER:
        if (o->scope != ORTUNE_SCOPE_SESSION || o->setter == ORTUNE_SETTER_NONE) fail_msg("%s: setter row without a setter", o->name);
        break;
      case ORTUNE_APPLY_CONFIG_ENTRY:
        if (o->scope != ORTUNE_SCOPE_SESSION || strncmp(o->name, "session.", 8)) fail_msg("%s: not a session config key", o->name);
        break;
      case ORTUNE_APPLY_CUDA_OPTION:
        if (o->scope != ORTUNE_SCOPE_CUDA) fail_msg("%s: CUDA provider option outside the cuda scope", o->name);
        break;
      case ORTUNE_APPLY_HARNESS:
        if (o->scope != ORTUNE_SCOPE_HARNESS) fail_msg("%s: harness row outside the harness scope", o->name);
        break;
    }
    if (o->apply != ORTUNE_APPLY_SETTER && o->setter != ORTUNE_SETTER_NONE) fail_msg("%s: a setter on a non-setter row", o->name);
    char vals[16][64];
    int n = o->values ? split(o->values, vals, 16) : 0;
    if (!o->values) {
      snprintf(vals[n++], 64, "%lld", o->min);
      snprintf(vals[n++], 64, "%lld", o->max);
    }
    for (int v = 0; v < n; v++) {
      char norm[64];
      if (o->kind == ORTUNE_KIND_BYTES) snprintf(vals[v], 64, "8GiB");
      assert_int_equal(ortune_option_check(o, vals[v], norm, sizeof norm), ORTUNE_OK);
      OrtSessionOptions *so = NULL;
      assert_null(api->CreateSessionOptions(&so));
      if (ortune_option_apply(api, so, o, norm)) fail_msg("%s=%s: %s", o->name, norm, ortune_last_error());
      int has = 0;
      assert_null(api->HasSessionConfigEntry(so, o->name, &has));
      if (has != (o->apply == ORTUNE_APPLY_CONFIG_ENTRY)) fail_msg("%s=%s: config entry %s", o->name, norm, has ? "set" : "missing");
      if (has) {
        char got[64];
        size_t len = sizeof got;
        assert_null(api->GetSessionConfigEntry(so, o->name, got, &len));
        assert_string_equal(got, norm);
      }
      api->ReleaseSessionOptions(so);
    }
  }
}

/* A setter row whose value has no setter case is an error naming the option, not a silent default. */
static void test_apply_bad_setter(void **state) {
  (void)state;
  const OrtApi *api = ortune_ort_api();
  ortune_option bad = ortune_options[ortune_option_index("execution_mode")];
  OrtSessionOptions *so = NULL;
  assert_null(api->CreateSessionOptions(&so));
  assert_int_not_equal(ortune_option_apply(api, so, &bad, "ORT_NOT_A_MODE"), ORTUNE_OK);
  assert_non_null(strstr(ortune_last_error(), "execution_mode"));
  bad.setter = ORTUNE_SETTER_NONE;
  assert_int_not_equal(ortune_option_apply(api, so, &bad, "ORT_PARALLEL"), ORTUNE_OK);
  api->ReleaseSessionOptions(so);
}

static void test_space_membership(void **state) {
  (void)state;
  static const char *const spaces[] = {"seed14", "cpu", "cuda", "cuda-core", "full"};
  for (size_t s = 0; s < sizeof spaces / sizeof spaces[0]; s++) assert_true(ortune_space_valid(spaces[s]));
  assert_false(ortune_space_valid("gpu"));
  assert_false(ortune_space_valid(""));
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    /* the cpu space searches only session options; the GPU spaces never the harness keys */
    if (ortune_space_has("cpu", i) && o->scope != ORTUNE_SCOPE_SESSION) fail_msg("cpu space has %s", o->name);
    if (o->scope == ORTUNE_SCOPE_HARNESS)
      for (size_t s = 0; s < sizeof spaces / sizeof spaces[0]; s++)
        if (ortune_space_has(spaces[s], i)) fail_msg("space %s searches harness key %s", spaces[s], o->name);
    if (!o->tune_values)
      for (size_t s = 0; s < sizeof spaces / sizeof spaces[0]; s++)
        if (ortune_space_has(spaces[s], i)) fail_msg("space %s searches untuned %s", spaces[s], o->name);
  }
}

/* The seed's 14 combinations, by name and values (docs: the seed guide's "14 combinations"). */
static void test_seed14(void **state) {
  (void)state;
  /* 3 families, each at 4, 8, 16 and 21 GB ("<family>_<gb>GB"), then 2 experiments */
  static const int gbs[4] = {4, 8, 16, 21};
  static const struct seed_want {
    const char *name, *algo, *copy, *ws, *tunable, *mode, *arena;
    int gb;
  } family[3] = {
    {"HEURISTIC_OPTIMIZED", "HEURISTIC", "0", "1", "1", "ORT_SEQUENTIAL", NULL, 0},
    {"EXHAUSTIVE_BASELINE", "EXHAUSTIVE", "0", "1", "0", "ORT_SEQUENTIAL", NULL, 0},
    {"DEFAULT_CONSERVATIVE", "DEFAULT", "1", "0", "0", "ORT_SEQUENTIAL", NULL, 0},
  }, experiment[2] = {
    {"EXPERIMENT_13_PARALLEL", "HEURISTIC", NULL, NULL, NULL, "ORT_PARALLEL", "0", 21},
    {"EXPERIMENT_14_MEMORY_SAVING", "HEURISTIC", "1", "0", NULL, NULL, NULL, 4},
  };
  ortune_config *base;
  assert_int_equal(ortune_config_new(&base), ORTUNE_OK);
  assert_int_equal(ortune_config_set(base, "provider", "cuda"), ORTUNE_OK);
  ortune_candidates cs = {0};
  assert_int_equal(ortune_space_seed14(base, 0, &cs), ORTUNE_OK);
  assert_int_equal(cs.n, 14);
  for (int i = 0; i < 14; i++) {
    const ortune_config *c = cs.v[i].cfg;
    struct seed_want w = i < 12 ? family[i / 4] : experiment[i - 12];
    char name[64];
    if (i < 12) {
      w.gb = gbs[i % 4];
      snprintf(name, sizeof name, "%s_%dGB", w.name, w.gb);
      w.name = name;
    }
    assert_string_equal(cs.v[i].name, w.name);
    assert_string_equal(ortune_config_get(c, "provider"), "cuda");
    assert_string_equal(ortune_config_get(c, "cudnn_conv_algo_search"), w.algo);
    if (w.copy) assert_string_equal(ortune_config_get(c, "do_copy_in_default_stream"), w.copy);
    if (w.ws) assert_string_equal(ortune_config_get(c, "cudnn_conv_use_max_workspace"), w.ws);
    if (w.tunable) assert_string_equal(ortune_config_get(c, "tunable_op_enable"), w.tunable);
    if (w.mode) assert_string_equal(ortune_config_get(c, "execution_mode"), w.mode);
    if (w.arena) assert_string_equal(ortune_config_get(c, "enable_cpu_mem_arena"), w.arena);
    char bytes[32];
    snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)w.gb << 30);
    assert_string_equal(ortune_config_get(c, "gpu_mem_limit"), bytes);
  }
  ortune_candidates_free(&cs);
  /* --scale-memory: the seed's GB of its 24 GB card map to this card's size (here a 48 GiB one: twice) */
  assert_int_equal(ortune_space_seed14(base, 48ull << 30, &cs), ORTUNE_OK);
  assert_string_equal(ortune_config_get(cs.v[0].cfg, "gpu_mem_limit"), "8589934592");
  ortune_candidates_free(&cs);
  ortune_config_release(base);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_table_sorted_and_unique),
    cmocka_unit_test(test_binary_search_finds_every_name),
    cmocka_unit_test(test_entries_well_formed),
    cmocka_unit_test(test_defaults_pass_validator),
    cmocka_unit_test(test_tune_values_pass_validator),
    cmocka_unit_test(test_enum_and_bool_values_pass_validator),
    cmocka_unit_test(test_int_ranges),
    cmocka_unit_test(test_bytes_parsing),
    cmocka_unit_test(test_aliases),
    cmocka_unit_test(test_session_options_build_every_value),
    cmocka_unit_test(test_apply_column),
    cmocka_unit_test(test_apply_bad_setter),
    cmocka_unit_test(test_space_membership),
    cmocka_unit_test(test_seed14),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
