/* test_profiles.c - unit tests for per-machine profiles of the onnxruntime: section (lib/runtime/config.c,
 * lib/runtime/profiles.c): the selection rule with simulated devices (ORTUNE_TEST_GPU, ORTUNE_TEST_CPU,
 * ORTUNE_TEST_CPUS), the no-match error, validation, and saving a profile while keeping the rest byte for byte. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

TESTUTIL_TMPDIR("profiles")

/* A fleet file: app keys around the section, a default, four profiles (with comments inside them). */
static const char fleet[] =
  "# service settings\n"
  "app:\n"
  "  fps: 30\n"
  "\n"
  "onnxruntime:\n"
  "  provider: cpu\n"
  "  intra_op_num_threads: 2\n"
  "  provenance:\n"
  "    model_sha256: \"abc\"\n"
  "    date: \"2026-01-01\"\n"
  "  profiles:\n"
  "    # tuned on the H100 box\n"
  "    h100:\n"
  "      match:\n"
  "        gpu: \"NVIDIA H100 80GB HBM3\"\n"
  "        compute_capability: \"9.0\"\n"
  "        class: high\n"
  "      provider: cuda\n"
  "      enable_cuda_graph: 1   # measured 1.4x\n"
  "      provenance:\n"
  "        model_sha256: \"abc\"\n"
  "        speedup: \"1.400 (95% CI 1.380-1.420)\"\n"
  "    t4:\n"
  "      match: {gpu: \"Tesla T4\", compute_capability: \"7.5\", class: entry}\n"
  "      provider: cuda\n"
  "      cudnn_conv_algo_search: HEURISTIC\n"
  "    cpu-xeon:\n"
  "      match:\n"
  "        cpu: \"Test Xeon\"\n"
  "        cores: 8\n"
  "      provider: cpu\n"
  "      intra_op_num_threads: 8\n"
  "    cpu-any:\n"
  "      match:\n"
  "        cpu: any\n"
  "      provider: cpu\n"
  "      intra_op_num_threads: 1\n"
  "\n"
  "# after the section\n"
  "logging:\n"
  "  level: info\n";

static int setup_env(void **state) {
  unsetenv("ORTUNE_TEST_GPU");
  setenv("ORTUNE_TEST_CPU", "Test Xeon", 1);
  setenv("ORTUNE_TEST_CPUS", "8", 1);
  return setup(state);
}

static void assert_one_line(const char *msg) {
  assert_true(msg[0] != '\0');
  if (strchr(msg, '\n')) fail_msg("message is not one line: '%s'", msg);
}

/* Load path as this (simulated) machine; expect profile want ("default" for the top-level keys), reason containing why. */
static ortune_config *load_as(const char *path, const char *gpu, const char *want, const char *why) {
  if (gpu) setenv("ORTUNE_TEST_GPU", gpu, 1);
  else unsetenv("ORTUNE_TEST_GPU");
  ortune_config *c = NULL;
  if (ortune_config_load(&c, path) != ORTUNE_OK) fail_msg("load %s as %s: %s", path, gpu ? gpu : "(real)", ortune_last_error());
  if (strcmp(ortune_config_profile_name(c), want))
    fail_msg("as %s: got profile %s (%s), want %s", gpu, ortune_config_profile_name(c), ortune_config_profile_reason(c), want);
  if (why) assert_contains(ortune_config_profile_reason(c), why);
  assert_one_line(ortune_config_profile_reason(c));
  return c;
}

static void expect(const char *path, const char *gpu, const char *want, const char *why) {
  ortune_config_release(load_as(path, gpu, want, why));
}

/* CUDA's device numbers under CUDA_VISIBLE_DEVICES: the GPU identity (profiles, staleness, provenance) must be the
 * GPU device_id runs on, not NVML's GPU of that number. */
static void test_cuda_visible(void **state) {
  (void)state;
  const char uuids[4][96] = {"GPU-aaaa-0000", "GPU-bbbb-1111", "GPU-bbcc-2222", "GPU-dddd-3333"};
  int map[8];
  assert_int_equal(ortune_cuda_visible(NULL, uuids, 4, map, 8), 4); /* unset: all, in order */
  assert_int_equal(map[3], 3);
  assert_int_equal(ortune_cuda_visible("2", uuids, 4, map, 8), 1); /* device 0 is NVML's GPU 2 */
  assert_int_equal(map[0], 2);
  assert_int_equal(ortune_cuda_visible("3, 1", uuids, 4, map, 8), 2);
  assert_int_equal(map[0], 3);
  assert_int_equal(map[1], 1);
  assert_int_equal(ortune_cuda_visible("GPU-dddd,0", uuids, 4, map, 8), 2); /* a UUID prefix */
  assert_int_equal(map[0], 3);
  assert_int_equal(map[1], 0);
  assert_int_equal(ortune_cuda_visible("GPU-bb", uuids, 4, map, 8), 0);  /* ambiguous: CUDA sees nothing from there */
  assert_int_equal(ortune_cuda_visible("1,7,2", uuids, 4, map, 8), 1);   /* the list ends at a device that is not there */
  assert_int_equal(ortune_cuda_visible("", uuids, 4, map, 8), 0);        /* empty: no GPU */
  assert_int_equal(ortune_cuda_visible("-1", uuids, 4, map, 8), 0);
  assert_int_equal(ortune_cuda_visible("1,1", uuids, 4, map, 8), 1);     /* a repeat ends it */
  assert_int_equal(ortune_cuda_visible("1x", uuids, 4, map, 8), 0);
}

static void test_rule_gpu(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_config *c = load_as(p, "NVIDIA H100 80GB HBM3;9.0;80;132", "h100", "exact GPU name");
  assert_string_equal(ortune_config_get(c, "provider"), "cuda");
  assert_string_equal(ortune_config_get(c, "enable_cuda_graph"), "1");
  assert_false(ortune_config_is_set(c, "intra_op_num_threads")); /* a profile stands alone: no default keys */
  assert_string_equal(ortune_config_provenance(c, "model_sha256"), "abc");
  ortune_config_release(c);
  /* same compute capability and class, another name: the H100 profile */
  expect(p, "NVIDIA H200;9.0;141;132", "h100", "same compute capability 9.0 and class high");
  /* same compute capability, other class (a 7.5 card with 48 GiB, 100 SMs is "high", the T4 profile "entry") */
  expect(p, "Quadro RTX 8000;7.5;48;100", "default", "no profile matches");
  /* the exact name wins over the rest, a memory-less simulation has no class: cc alone decides */
  expect(p, "Tesla T4;7.5;15;40", "t4", "exact GPU name");
  expect(p, "Some T4 clone;7.5", "t4", "same compute capability 7.5");
  expect(p, "NVIDIA A10;8.6;24;72", "default", "GPU 'NVIDIA A10'");
}

static void test_rule_cpu(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_config *c = load_as(p, "none", "cpu-xeon", "same CPU model 'Test Xeon' and core count");
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "8");
  ortune_config_release(c);
  setenv("ORTUNE_TEST_CPUS", "4", 1);
  expect(p, "none", "cpu-xeon", "tuned with 8 cores, this machine has 4");
  setenv("ORTUNE_TEST_CPU", "Other CPU", 1);
  expect(p, "none", "cpu-any", "any CPU model");
  /* without the any-model profile: any cpu profile beats the default on a CPU-only machine */
  char *txt = strdup(fleet);
  *strstr(txt, "    cpu-any:") = '\0';
  write_text(p, txt);
  free(txt);
  expect(p, "none", "cpu-xeon", "no profile has this CPU 'Other CPU'");
}

static void test_no_match_no_default(void **state) {
  (void)state;
  const char *p = tmp_path("nodef.yaml");
  write_text(p, "onnxruntime:\n  profiles:\n    h100:\n      match: {gpu: \"NVIDIA H100 80GB HBM3\", compute_capability: \"9.0\"}\n"
                "      provider: cuda\n    big-cpu:\n      match: {cpu: \"Big CPU\", cores: 64}\n");
  setenv("ORTUNE_TEST_GPU", "NVIDIA A10;8.6;24;72", 1);
  ortune_config *c = (ortune_config *)0x1;
  assert_int_equal(ortune_config_load(&c, p), ORTUNE_ECONFIG);
  assert_null(c);
  assert_one_line(ortune_last_error());
  assert_contains(ortune_last_error(), "no default");
  assert_contains(ortune_last_error(), "h100 (gpu 'NVIDIA H100 80GB HBM3', compute 9.0)");
  assert_contains(ortune_last_error(), "big-cpu (cpu 'Big CPU', 64 cores)");
  assert_contains(ortune_last_error(), p);
  /* the CPU box: the cpu profile, whatever its model */
  expect(p, "none", "big-cpu", "no profile has this CPU");
  /* and by name */
  setenv("ORTUNE_TEST_GPU", "NVIDIA A10;8.6;24;72", 1);
  assert_int_equal(ortune_config_load_profile(&c, p, "h100"), ORTUNE_OK);
  assert_string_equal(ortune_config_profile_name(c), "h100");
  ortune_config_release(c);
  assert_int_equal(ortune_config_load_profile(&c, p, "h10"), ORTUNE_EKEY);
  assert_contains(ortune_last_error(), "did you mean 'h100'");
  assert_int_equal(ortune_config_load_profile(&c, p, "default"), ORTUNE_ECONFIG);
  assert_contains(ortune_last_error(), "no default");
  /* a bad simulation is a usage error, not a silent default */
  setenv("ORTUNE_TEST_GPU", "garbage", 1);
  assert_int_equal(ortune_config_load(&c, p), ORTUNE_EUSAGE);
  assert_contains(ortune_last_error(), "ORTUNE_TEST_GPU");
}

static void test_single_profile_files_unchanged(void **state) {
  (void)state;
  const char *p = tmp_path("single.yaml");
  write_text(p, "onnxruntime:\n  provider: cpu\n  intra_op_num_threads: 3\n");
  ortune_config *c = load_as(p, "NVIDIA H100 80GB HBM3;9.0;80;132", "default", "no profiles");
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "3");
  ortune_config_release(c);
  assert_int_equal(ortune_config_load_profile(&c, p, "default"), ORTUNE_OK);
  ortune_config_release(c);
  assert_int_equal(ortune_config_load_profile(&c, p, "h100"), ORTUNE_EKEY);
  assert_contains(ortune_last_error(), "has no profiles");
}

/* Each bad profile text: the error code and words of its one-line message. */
static void test_validation(void **state) {
  (void)state;
  static const struct { const char *text; int err; const char *want; } cases[] = {
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x, compute_capabilty: \"9.0\"}\n", ORTUNE_EKEY,
     "did you mean 'compute_capability'"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x, cpu: y}\n", ORTUNE_ECONFIG, "both a GPU and a CPU"},
    {"onnxruntime:\n  profiles:\n    a:\n      provider: cuda\n", ORTUNE_ECONFIG, "has no match:"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x}\n      enable_cuda_grap: 1\n", ORTUNE_EKEY,
     "did you mean 'enable_cuda_graph'"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x}\n      profiles: {}\n", ORTUNE_ECONFIG, "cannot nest"},
    {"onnxruntime:\n  match: {gpu: x}\n", ORTUNE_ECONFIG, "belongs to a profile"},
    {"onnxruntime:\n  profile:\n    a:\n      match: {gpu: x}\n", ORTUNE_EKEY, "did you mean 'profiles'"},
    {"onnxruntime:\n  profiles:\n    a:\n      matches: {gpu: x}\n", ORTUNE_EKEY, "did you mean 'match'"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {compute_capability: nine}\n", ORTUNE_EVALUE, "MAJOR.MINOR"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x, class: huge}\n", ORTUNE_EVALUE, "high, mid or entry"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {cpu: x, cores: 0}\n", ORTUNE_EVALUE, "cores '0'"},
    {"onnxruntime:\n  profiles:\n    \"a b\":\n      match: {gpu: x}\n", ORTUNE_ECONFIG, "profile name 'a b'"},
    {"onnxruntime:\n  profiles:\n    default:\n      match: {gpu: x}\n", ORTUNE_ECONFIG, "profile name 'default'"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x}\n    a:\n      match: {gpu: y}\n", ORTUNE_ECONFIG,
     "appears twice"},
    {"onnxruntime:\n  profiles: [a, b]\n", ORTUNE_ECONFIG, "profiles: must be a mapping"},
    {"onnxruntime:\n  profiles:\n    a: 1\n", ORTUNE_ECONFIG, "must be a mapping"},
    {"onnxruntime:\n  profiles:\n    a:\n      match: {gpu: x}\n  intra_op_num_threads: -3\n", ORTUNE_EVALUE, ":5:"},
  };
  setenv("ORTUNE_TEST_GPU", "none", 1);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *p = tmp_path("bad.yaml");
    write_text(p, cases[i].text);
    ortune_config *c = (ortune_config *)0x1;
    int rc = ortune_config_load(&c, p);
    if (rc != cases[i].err)
      fail_msg("case %zu: got %s (%s), want %s", i, ortune_err_name(rc), ortune_last_error(), ortune_err_name(cases[i].err));
    assert_null(c);
    assert_one_line(ortune_last_error());
    assert_contains(ortune_last_error(), cases[i].want);
  }
}

/* The text of fleet outside [from, to) of the profile named, for byte-for-byte comparisons. */
static void assert_same_except(const char *before, const char *after, const char *from, const char *to) {
  const char *a = strstr(before, from), *b = to ? strstr(before, to) : before + strlen(before);
  assert_non_null(a);
  assert_non_null(b);
  size_t head = (size_t)(a - before), tail = strlen(b);
  if (strncmp(before, after, head)) fail_msg("text before %s changed:\n%s", from, after);
  if (strlen(after) < tail || strcmp(after + strlen(after) - tail, b)) fail_msg("text after %s changed:\n%s", from, after);
}

static void test_save_replaces_one_profile(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_config *c = load_as(p, "Tesla T4;7.5;15;40", "t4", NULL);
  assert_int_equal(ortune_config_set(c, "prefer_nhwc", "1"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config_release(c);
  char *after = slurp(p);
  assert_same_except(fleet, after, "    t4:\n", "    cpu-xeon:\n");
  c = load_as(p, "Tesla T4;7.5;15;40", "t4", "exact GPU name");
  assert_string_equal(ortune_config_get(c, "prefer_nhwc"), "1");
  assert_string_equal(ortune_config_get(c, "cudnn_conv_algo_search"), "HEURISTIC");
  /* saving the same again changes nothing */
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config_release(c);
  char *again = slurp(p);
  assert_string_equal(after, again);
  free(again);
  free(after);
  expect(p, "NVIDIA H100 80GB HBM3;9.0;80;132", "h100", NULL);
}

static void test_save_adds_profile(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_config *c = NULL;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  snprintf(c->profile, sizeof c->profile, "a100");
  snprintf(c->match.gpu, sizeof c->match.gpu, "NVIDIA A100-SXM4-80GB");
  snprintf(c->match.cc, sizeof c->match.cc, "8.0");
  snprintf(c->match.gpu_class, sizeof c->match.gpu_class, "high");
  assert_int_equal(ortune_config_set(c, "provider", "cuda"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(c, "prefer_nhwc", "1"), ORTUNE_OK);
  assert_int_equal(ortune_config_set_provenance(c, "gpu", "NVIDIA A100-SXM4-80GB"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config_release(c);
  char *after = slurp(p);
  /* everything of the old file is there, in order: the new profile is inserted after cpu-any, before the blank
   * line and the comment that belong to what follows the section */
  const char *ins = strstr(after, "    a100:\n");
  assert_non_null(ins);
  const char *cut = strstr(fleet, "\n# after the section");
  assert_non_null(cut);
  size_t head = (size_t)(cut - fleet);
  assert_memory_equal(after, fleet, head);
  assert_ptr_equal(ins, after + head);
  assert_string_equal(after + strlen(after) - strlen(cut), cut);
  free(after);
  expect(p, "NVIDIA A100-SXM4-80GB;8.0;80;108", "a100", "exact GPU name");
  expect(p, "NVIDIA H100 80GB HBM3;9.0;80;132", "h100", NULL);
  expect(p, "none", "cpu-xeon", NULL);
}

static void test_save_default_keeps_profiles(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_config *c = NULL;
  assert_int_equal(ortune_config_load_profile(&c, p, "default"), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "2");
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "6"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  ortune_config_release(c);
  char *after = slurp(p);
  const char *block = strstr(fleet, "  profiles:\n"), *end = strstr(fleet, "\n# after the section");
  char *want = strndup(block, (size_t)(end - block) + 1);
  assert_contains(after, want); /* the profiles: block byte for byte */
  assert_int_equal(strncmp(after, fleet, (size_t)(strstr(fleet, "onnxruntime:") - fleet)), 0);
  free(want);
  free(after);
  c = load_as(p, "Quadro RTX 8000;7.5;48;100", "default", NULL);
  assert_string_equal(ortune_config_get(c, "intra_op_num_threads"), "6");
  ortune_config_release(c);
  expect(p, "Tesla T4;7.5;15;40", "t4", NULL);
}

static void test_first_profile(void **state) {
  (void)state;
  /* a single-profile file: the first profile goes after its keys; the keys stay the default, byte for byte */
  const char *single = "app: 1\nonnxruntime:\n  provider: cpu   # hand-written\n  intra_op_num_threads: 2\n# tail\nz: 2\n";
  const char *p = tmp_path("one.yaml");
  write_text(p, single);
  ortune_config *c = NULL;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  snprintf(c->profile, sizeof c->profile, "cpu-big");
  c->match.is_cpu = 1;
  snprintf(c->match.cpu, sizeof c->match.cpu, "Big CPU");
  c->match.cores = 64;
  assert_int_equal(ortune_config_set(c, "intra_op_num_threads", "64"), ORTUNE_OK);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  char *after = slurp(p);
  assert_string_equal(after, "app: 1\nonnxruntime:\n  provider: cpu   # hand-written\n  intra_op_num_threads: 2\n  profiles:\n"
                             "    cpu-big:\n      match:\n        cpu: \"Big CPU\"\n        cores: 64\n      provider: cpu\n"
                             "      intra_op_num_threads: 64\n# tail\nz: 2\n");
  free(after);
  /* a file without the section: a new one holding the profile alone */
  p = tmp_path("none.yaml");
  write_text(p, "app: 1\n");
  assert_int_equal(ortune_config_save(c, p), ORTUNE_OK);
  after = slurp(p);
  assert_string_equal(after, "app: 1\nonnxruntime:\n  profiles:\n    cpu-big:\n      match:\n        cpu: \"Big CPU\"\n"
                             "        cores: 64\n      provider: cpu\n      intra_op_num_threads: 64\n");
  free(after);
  setenv("ORTUNE_TEST_CPU", "Big CPU", 1);
  setenv("ORTUNE_TEST_CPUS", "64", 1);
  expect(p, "none", "cpu-big", "same CPU model 'Big CPU' and core count");
  /* a flow-style profiles: mapping cannot be rewritten: refused, file unchanged */
  p = tmp_path("flow.yaml");
  const char *flow = "onnxruntime:\n  profiles: {x: {match: {cpu: any}}}\n";
  write_text(p, flow);
  assert_int_equal(ortune_config_save(c, p), ORTUNE_ECONFIG);
  assert_one_line(ortune_last_error());
  assert_contains(ortune_last_error(), "block style");
  after = slurp(p);
  assert_string_equal(after, flow);
  free(after);
  ortune_config_release(c);
}

static void test_auto_name_and_provenance_match(void **state) {
  (void)state;
  ortune_profile_match m = {0};
  char name[64];
  snprintf(m.gpu, sizeof m.gpu, "NVIDIA H100 80GB HBM3");
  ortune_profile_auto_name(&m, name, sizeof name);
  assert_string_equal(name, "nvidia-h100-80gb-hbm3");
  memset(&m, 0, sizeof m);
  m.is_cpu = 1;
  m.cores = 16;
  snprintf(m.cpu, sizeof m.cpu, "AMD EPYC 7B13 64-Core Processor");
  ortune_profile_auto_name(&m, name, sizeof name);
  assert_string_equal(name, "cpu-amd-epyc-7b13-64-core-processor-16c");
  ortune_config *c = NULL;
  assert_int_equal(ortune_config_new(&c), ORTUNE_OK);
  assert_int_equal(ortune_match_from_provenance(c, &m), 0);
  ortune_config_set(c, "provider", "cuda");
  ortune_config_set_provenance(c, "gpu", "Tesla T4");
  ortune_config_set_provenance(c, "gpu_detail", "15360 MiB, driver 580.1, compute 7.5");
  assert_int_equal(ortune_match_from_provenance(c, &m), 1);
  assert_false(m.is_cpu);
  assert_string_equal(m.gpu, "Tesla T4");
  assert_string_equal(m.cc, "7.5");
  assert_string_equal(m.gpu_class, "mid"); /* 15 GiB, SMs unknown: mid by memory */
  ortune_config_set_provenance(c, "gpu_class", "entry"); /* tune records the class it computed (SMs known) */
  assert_int_equal(ortune_match_from_provenance(c, &m), 1);
  assert_string_equal(m.gpu_class, "entry");
  ortune_config_set(c, "provider", "cpu");
  ortune_config_set_provenance(c, "cpu", "Test Xeon");
  ortune_config_set_provenance(c, "host", "8 cores, 32000 MiB");
  assert_int_equal(ortune_match_from_provenance(c, &m), 1);
  assert_true(m.is_cpu);
  assert_string_equal(m.cpu, "Test Xeon");
  assert_int_equal(m.cores, 8);
  ortune_config_release(c);
}

static void test_list_profiles(void **state) {
  (void)state;
  const char *p = tmp_path("fleet.yaml");
  write_text(p, fleet);
  ortune_profile_entry *e = NULL;
  int n = 0, def = 0;
  assert_int_equal(ortune_config_list_profiles(p, &e, &n, &def), ORTUNE_OK);
  assert_int_equal(n, 4);
  assert_true(def);
  assert_string_equal(e[0].name, "h100");
  assert_string_equal(e[1].match.cc, "7.5");
  assert_true(e[2].match.is_cpu);
  assert_string_equal(e[3].match.cpu, "");
  free(e);
}

/* merge's first step for a single-profile first input: the section goes, every other byte stays */
static void test_drop_section(void **state) {
  (void)state;
  const char *in = "# top\napp: 1\nonnxruntime:\n  provider: cpu\n  # inside\n\n# after\nz: 2\n";
  char *out = NULL;
  assert_int_equal(ortune_config_drop_section_text("x.yaml", in, strlen(in), &out), ORTUNE_OK);
  assert_string_equal(out, "# top\napp: 1\n\n# after\nz: 2\n");
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cuda_visible),
    cmocka_unit_test_setup_teardown(test_rule_gpu, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_rule_cpu, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_no_match_no_default, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_single_profile_files_unchanged, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_validation, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_save_replaces_one_profile, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_save_adds_profile, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_save_default_keeps_profiles, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_first_profile, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_auto_name_and_provenance_match, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_list_profiles, setup_env, teardown),
    cmocka_unit_test_setup_teardown(test_drop_section, setup_env, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
