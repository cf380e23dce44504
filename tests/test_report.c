/* test_report.c - the HTML report: sections, plots, escaping, odd JSON, I/O errors. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ortune.h"
#include "report.h"
#include "testutil.h"

static const char *const sections[] = {"provenance", "summary", "latency", "speedup", "pareto", "impact", "failures", "outputs", "trials"};
#define NSECTIONS (sizeof sections / sizeof sections[0])
#define NPLOTS 3 /* latency, speedup, pareto; plus one glyph SVG per impact row */

#define NTRIALS 12
#define NIMPACT 3
static const char *const names[NTRIALS] = {
    "defaults", "cudnn DEFAULT algo search", "cuda graph", "nhwc layout", "cuda graph + nhwc", "<b>&\"x\"",
    "tf32 off", "arena kSameAsRequested", "gpu_mem_limit 1GB", "copy in default stream", "fp16 mismatch", "crashes"};
static const char *const statuses[NTRIALS] = {"ok", "ok", "ok", "ok", "ok", "ok", "ok", "oom", "runtime_error", "timeout", "mismatch", "crash"};

/* ---- helpers -------------------------------------------------------------- */

TESTUTIL_TMPDIR("report")

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

static void escape(const char *s, char *out, size_t len) {
  size_t k = 0;
  for (; *s && k + 8 < len; s++) {
    const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
    if (e) k += (size_t)snprintf(out + k, len - k, "%s", e);
    else out[k++] = *s;
  }
  out[k] = '\0';
}

/* Every <svg>...</svg> is free of "nan" and "inf" (any case); returns the SVG count. */
static int check_svgs(const char *html) {
  int n = 0;
  for (const char *p = strstr(html, "<svg"); p; p = strstr(p + 1, "<svg")) {
    const char *end = strstr(p, "</svg>");
    assert_non_null(end);
    char *seg = strndup(p, (size_t)(end - p));
    for (char *c = seg; *c; c++) *c = (char)tolower((unsigned char)*c);
    if (strstr(seg, "nan") || strstr(seg, "inf")) fail_msg("non-finite number in an SVG: %.300s", seg);
    assert_non_null(strstr(seg, "<title>"));
    assert_non_null(strstr(seg, "class=\"plot"));
    free(seg);
    n++;
  }
  return n;
}

/* Write the report for root, read it back, check the skeleton; caller frees. */
static char *render(const cJSON *root, const char *file) {
  const char *path = tmp_path(file);
  assert_int_equal(ortune_report_html(root, path), ORTUNE_OK);
  char *html = slurp(path);
  assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
  assert_non_null(strstr(html, "</html>\n"));
  assert_null(strstr(html, "<script"));
  /* nothing to fetch: the only URLs are SVG namespace names */
  assert_int_equal(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  for (size_t i = 0; i < NSECTIONS; i++) {
    char id[64];
    snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
    if (count(html, id) != 1) fail_msg("section %s missing or repeated", sections[i]);
  }
  assert_int_equal(count(html, "<section"), count(html, "</section>"));
  assert_int_equal(count(html, "<svg"), count(html, "</svg>"));
  assert_true(check_svgs(html) >= NPLOTS);
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  assert_int_not_equal(access(tmp, F_OK), 0);
  return html;
}

/* ---- a realistic tune ---------------------------------------------------------- */

static cJSON *latencies(double p50, int n, unsigned seed) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    double u = (double)((seed >> 8) & 0xFFFF) / 65536.0;
    cJSON_AddItemToArray(a, cJSON_CreateNumber(p50 * (0.93 + 0.14 * u + (i % 50 == 0 ? 0.3 : 0))));
  }
  return a;
}

static cJSON *make_trial(int id) {
  static const double p50[NTRIALS] = {2.56, 256.0, 1.9, 2.2, 1.6, 2.4, 2.5};
  static const double gpu[NTRIALS] = {1200, 1100, 1900, 1250, 2100, NAN, 1190};
  static const char *const reasons[NTRIALS] = {[7] = "CUDA failure 2: out of memory (arena grew to 9 GB)",
                                               [8] = "Failed to allocate <memory> & gave up",
                                               [9] = "no result within 60 s",
                                               [10] = "max abs err 0.31 > atol 1e-3",
                                               [11] = "killed by signal 11 (SIGSEGV)"};
  cJSON *t = cJSON_CreateObject();
  cJSON_AddNumberToObject(t, "id", id);
  cJSON_AddStringToObject(t, "name", names[id]);
  cJSON_AddStringToObject(t, "stage", id == 0 ? "baseline" : id < 4 ? "screen" : "combine");
  cJSON *cfg = cJSON_AddObjectToObject(t, "config");
  cJSON_AddStringToObject(cfg, "cudnn_conv_algo_search", id == 1 ? "DEFAULT" : "EXHAUSTIVE");
  if (id == 2 || id == 4) cJSON_AddStringToObject(cfg, "enable_cuda_graph", "1");
  if (id == 3 || id == 4) cJSON_AddStringToObject(cfg, "prefer_nhwc", "1");
  if (id == 8) cJSON_AddNumberToObject(cfg, "gpu_mem_limit", 1073741824.0);
  cJSON_AddStringToObject(t, "status", statuses[id]);
  cJSON_AddStringToObject(t, "reason", reasons[id] ? reasons[id] : "");
  cJSON_AddNumberToObject(t, "create_ms", 800 + 37.0 * id);
  if (strcmp(statuses[id], "ok") != 0) {
    cJSON_AddNullToObject(t, "p50_ms");
    return t;
  }
  double p = p50[id];
  cJSON_AddNumberToObject(t, "first_run_ms", 40.0);
  cJSON_AddNumberToObject(t, "runs", 300);
  cJSON_AddNumberToObject(t, "p50_ms", p);
  cJSON_AddNumberToObject(t, "p90_ms", p * 1.05);
  cJSON_AddNumberToObject(t, "p99_ms", id == 6 ? NAN : p * 1.2); /* a NaN must not leak */
  cJSON_AddNumberToObject(t, "mean_ms", p * 1.01);
  cJSON_AddNumberToObject(t, "min_ms", p * 0.93);
  cJSON_AddNumberToObject(t, "cv", 0.03);
  cJSON_AddNumberToObject(t, "peak_host_mb", 900.0 + id);
  if (isfinite(gpu[id])) cJSON_AddNumberToObject(t, "peak_gpu_mb", gpu[id]);
  else cJSON_AddNullToObject(t, "peak_gpu_mb");
  cJSON_AddNumberToObject(t, "max_abs_err", 0.0);
  cJSON_AddNumberToObject(t, "speedup", id == 6 ? INFINITY : 2.56 / p); /* as must an inf */
  if (id != 5) cJSON_AddItemToObject(t, "latencies_ms", latencies(p, 300, (unsigned)id + 1));
  return t;
}

static void add_candidate(cJSON *cands, int id, double sp, double lo, double hi, int sig) {
  cJSON *c = cJSON_CreateObject();
  cJSON_AddNumberToObject(c, "id", id);
  cJSON_AddStringToObject(c, "name", names[id]);
  cJSON_AddNumberToObject(c, "p50_ms", 2.56 / sp);
  cJSON_AddNumberToObject(c, "speedup", sp);
  cJSON_AddNumberToObject(c, "ci_low", lo);
  cJSON_AddNumberToObject(c, "ci_high", hi);
  cJSON_AddBoolToObject(c, "significant", sig);
  cJSON_AddItemToArray(cands, c);
}

static void add_impact(cJSON *imp, const char *opt, const char *val, double sp, double lo, double hi, int n) {
  cJSON *e = cJSON_CreateObject();
  cJSON_AddStringToObject(e, "option", opt);
  cJSON_AddStringToObject(e, "value", val);
  cJSON_AddNumberToObject(e, "speedup", sp);
  cJSON_AddNumberToObject(e, "ci_low", lo);
  cJSON_AddNumberToObject(e, "ci_high", hi);
  cJSON_AddNumberToObject(e, "n", n);
  cJSON_AddItemToArray(imp, e);
}

static cJSON *make_results(void) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "ortune_version", "0.1.0");
  cJSON_AddStringToObject(r, "date", "2026-11-24T23:10:00Z");
  cJSON *m = cJSON_AddObjectToObject(r, "model");
  cJSON_AddStringToObject(m, "path", "models/yolo's <v8>.onnx");
  cJSON_AddStringToObject(m, "sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "name", "images");
  cJSON_AddStringToObject(in, "dtype", "float32");
  const int dims[] = {1, 3, 640, 640};
  cJSON_AddItemToObject(in, "shape", cJSON_CreateIntArray(dims, 4));
  cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "inputs"), in);
  cJSON *mach = cJSON_AddObjectToObject(r, "machine");
  cJSON_AddStringToObject(mach, "cpu", "AMD EPYC 9654 96-Core Processor");
  cJSON_AddNumberToObject(mach, "cores", 2);
  cJSON_AddNumberToObject(mach, "memory_mb", 24000);
  cJSON_AddStringToObject(mach, "ort_version", "1.29.0");
  cJSON *gpu = cJSON_AddObjectToObject(mach, "gpu");
  cJSON_AddStringToObject(gpu, "name", "NVIDIA H100 80GB HBM3");
  cJSON_AddNumberToObject(gpu, "memory_mb", 81559);
  cJSON_AddStringToObject(gpu, "driver", "580.1");
  cJSON_AddStringToObject(gpu, "cc", "9.0");
  const char *kv[][2] = {{"space", "full"}, {"strategy", "staged"}, {"objective", "p50"}, {"provider", "cuda"}, {"io", "host"}};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) cJSON_AddStringToObject(r, kv[i][0], kv[i][1]);
  cJSON_AddNumberToObject(r, "baseline", 0);
  cJSON *trials = cJSON_AddArrayToObject(r, "trials");
  for (int i = 0; i < NTRIALS; i++) cJSON_AddItemToArray(trials, make_trial(i));
  cJSON *fin = cJSON_AddObjectToObject(r, "final");
  cJSON_AddNumberToObject(fin, "winner", 4);
  cJSON_AddStringToObject(fin, "verdict", "faster");
  cJSON_AddStringToObject(fin, "message", "cuda graph + nhwc is 1.60x faster than defaults (95% CI 1.55-1.65)");
  cJSON_AddStringToObject(fin, "session_note", "ORT's defaults ran in two modes across fresh sessions: p50 2.337 ms in 6 of 12, <3.272> ms in 6");
  cJSON *cands = cJSON_AddArrayToObject(fin, "candidates");
  add_candidate(cands, 4, 1.60, 1.55, 1.65, 1);
  add_candidate(cands, 2, 1.35, 1.30, 1.41, 1);
  add_candidate(cands, 5, 1.07, 0.98, 1.15, 0);
  cJSON *imp = cJSON_AddArrayToObject(r, "impact");
  add_impact(imp, "enable_cuda_graph", "1", 1.3, 1.25, 1.35, 6);
  add_impact(imp, "prefer_nhwc", "1", 1.12, 1.05, 1.2, 6);
  add_impact(imp, "cudnn_conv_algo_search", "DEFAULT", 0.01, 0.009, 0.011, 2);
  return r;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_full_report(void **state) {
  (void)state;
  cJSON *root = make_results();
  char *html = render(root, "full.html");
  assert_int_equal(count(html, "<svg"), NPLOTS + NIMPACT);
  assert_int_equal(check_svgs(html), NPLOTS + NIMPACT);
  for (int i = 0; i < NTRIALS; i++) {
    char esc[256];
    escape(names[i], esc, sizeof esc);
    if (!strstr(html, esc)) fail_msg("trial name %s missing", esc);
  }
  assert_null(strstr(html, "<b>&\"x\""));
  assert_non_null(strstr(html, "&lt;b&gt;&amp;&quot;x&quot;"));
  assert_non_null(strstr(html, "yolo&#39;s &lt;v8&gt;.onnx"));
  assert_non_null(strstr(html, "Failed to allocate &lt;memory&gt; &amp; gave up"));
  assert_null(strstr(html, "<memory>"));
  /* the tune's notes beside the verdict, escaped, in the summary */
  const char *note = strstr(html, "<p class=\"note\">note: ORT&#39;s defaults ran in two modes"), *summ = strstr(html, "id=\"summary\"");
  assert_non_null(note);
  assert_true(summ && note > summ);
  assert_non_null(strstr(note, "&lt;3.272&gt; ms in 6</p>"));
  /* 100x slower trial: the latency axis goes logarithmic */
  const char *lat = strstr(html, "id=\"latency\""), *sp = strstr(html, "id=\"speedup\"");
  assert_non_null(lat);
  assert_non_null(sp);
  char *latsec = strndup(lat, (size_t)(sp - lat));
  assert_non_null(strstr(latsec, "log scale"));
  assert_int_equal(count(latsec, "<g class=\"box"), 7);
  assert_int_equal(count(latsec, "<g class=\"box base\">"), 1);
  assert_int_equal(count(latsec, "<g class=\"box win\">"), 1);
  free(latsec);
  /* GPU memory used for the Pareto plot; the winner's config in the summary */
  assert_non_null(strstr(html, "peak GPU memory (MB)"));
  assert_non_null(strstr(html, "class=\"front-line\""));
  assert_non_null(strstr(html, "<code>enable_cuda_graph</code>"));
  assert_non_null(strstr(html, "1.55" "\xe2\x80\x93" "1.65"));
  /* failures: five rows with status and reason */
  const char *fail = strstr(html, "id=\"failures\""), *tri = strstr(html, "id=\"trials\"");
  char *failsec = strndup(fail, (size_t)(tri - fail));
  const char *st[] = {"oom", "runtime_error", "timeout", "mismatch", "crash"};
  for (size_t i = 0; i < 5; i++) {
    char badge[64];
    snprintf(badge, sizeof badge, "s-bad\">%s</span>", st[i]);
    assert_non_null(strstr(failsec, badge));
  }
  assert_non_null(strstr(failsec, "SIGSEGV"));
  assert_int_equal(count(failsec, "<tr>") - 1, 5);
  free(failsec);
  const char *sample = getenv("ORTUNE_SAMPLE_REPORT");
  if (sample && *sample) assert_int_equal(ortune_report_html(root, sample), ORTUNE_OK);
  free(html);
  cJSON_Delete(root);
}

static void test_empty_trials(void **state) {
  (void)state;
  cJSON *root = make_results();
  cJSON_ReplaceItemInObject(root, "trials", cJSON_CreateArray());
  cJSON_DeleteItemFromObject(root, "final");
  cJSON_DeleteItemFromObject(root, "impact");
  char *html = render(root, "empty.html");
  assert_int_equal(check_svgs(html), NPLOTS);
  assert_non_null(strstr(html, "no successful trials"));
  free(html);
  cJSON_Delete(root);
}

static void test_all_failed(void **state) {
  (void)state;
  cJSON *root = make_results();
  cJSON *t;
  cJSON_ArrayForEach(t, cJSON_GetObjectItem(root, "trials")) cJSON_ReplaceItemInObject(t, "status", cJSON_CreateString("crash"));
  char *html = render(root, "failed.html");
  assert_int_equal(check_svgs(html), NPLOTS + NIMPACT);
  const char *fail = strstr(html, "id=\"failures\""), *tri = strstr(html, "id=\"trials\"");
  assert_int_equal(count(fail, "s-bad\">crash") - count(tri, "s-bad\">crash"), NTRIALS);
  free(html);
  cJSON_Delete(root);
}

/* The output check: the defaults' error per output, and each rejected candidate's beside the defaults'. */
static void test_output_check(void **state) {
  (void)state;
  cJSON *root = make_results();
  cJSON *ref = cJSON_Parse("{\"check\": \"exact\", \"outputs\": [{\"name\": \"probs\", \"set\": \"main\", \"ref_max_abs\": 0.5,"
                           " \"default_err\": {\"max_abs\": 0.0002, \"max_rel\": 0.001, \"norm\": 0.0004},"
                           " \"weak\": \"max|ref| 0.0002 (near zero)\"}]}");
  cJSON_AddItemToObject(root, "reference", ref);
  cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "trials"), 2);
  cJSON_ReplaceItemInObject(t, "status", cJSON_CreateString("mismatch"));
  cJSON_AddItemToObject(t, "outputs", cJSON_Parse("[{\"name\": \"probs\", \"set\": \"set2\", \"default_err\": {\"max_abs\": 0.0002, "
                                                  "\"norm\": 0.0004}, \"cand_err\": {\"max_abs\": 0.0375, \"norm\": 0.075}, "
                                                  "\"allowed\": 0.0008, \"verdict\": \"less exact\"}]"));
  char *html = render(root, "outputs.html");
  const char *sec = strstr(html, "<section id=\"outputs\">"), *end = sec ? strstr(sec, "</section>") : NULL;
  assert_non_null(end);
  char *part = strndup(sec, (size_t)(end - sec));
  assert_non_null(strstr(part, "The defaults' error"));
  assert_non_null(strstr(part, "weak check: max|ref| 0.0002 (near zero)"));
  assert_non_null(strstr(part, "0.0004"));  /* the defaults' error */
  assert_non_null(strstr(part, "0.075"));   /* the candidate's, in the same row */
  assert_non_null(strstr(part, "0.0375"));
  assert_non_null(strstr(part, "v-bad\">less exact"));
  free(part);
  free(html);
  cJSON_Delete(root);
}

static void test_one_trial(void **state) {
  (void)state;
  cJSON *root = make_results();
  cJSON *trials = cJSON_CreateArray();
  cJSON_AddItemToArray(trials, make_trial(0));
  cJSON_ReplaceItemInObject(root, "trials", trials);
  cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "final"), "winner", cJSON_CreateNumber(0));
  char *html = render(root, "one.html");
  assert_int_equal(check_svgs(html), NPLOTS + NIMPACT);
  assert_int_equal(count(html, "<g class=\"box base\">"), 1);
  free(html);
  cJSON_Delete(root);
}

/* The inputs as tune writes them (model.input_shapes, model.shape_sets) reach the report's provenance. */
static void test_tune_input_shapes(void **state) {
  (void)state;
  cJSON *root = make_results();
  cJSON *model = cJSON_GetObjectItem(root, "model");
  cJSON_DeleteItemFromObject(model, "inputs");
  cJSON_AddStringToObject(model, "input_shapes", "x=1x3x640x640 (float32)");
  char *html = render(root, "shapes.html");
  assert_non_null(strstr(html, "<code>x=1x3x640x640 (float32)</code>"));
  free(html);
  cJSON_AddStringToObject(model, "shape_sets", "x=1x3x128x128; x=1x3x160x224");
  html = render(root, "sets.html");
  assert_non_null(strstr(html, "<code>x=1x3x128x128; x=1x3x160x224</code>"));
  free(html);
  cJSON_Delete(root);
}

static void test_odd_roots(void **state) {
  (void)state;
  cJSON *roots[] = {NULL, cJSON_CreateArray(), cJSON_CreateString("results"), cJSON_CreateNumber(3), cJSON_CreateObject(),
                    cJSON_Parse("[{\"trials\":[]}]")};
  for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
    char file[32];
    snprintf(file, sizeof file, "odd%zu.html", i);
    char *html = render(roots[i], file);
    assert_int_equal(check_svgs(html), NPLOTS);
    free(html);
    cJSON_Delete(roots[i]);
  }
}

static void test_missing_fields(void **state) {
  (void)state;
  static const char *const docs[] = {
      "{\"trials\":[{}, 5, null, \"x\", [], {\"status\":\"ok\"}, {\"name\":\"a\",\"status\":\"ok\",\"p50_ms\":1}]}",
      "{\"trials\":[{\"name\":\"s\",\"status\":\"ok\",\"latencies_ms\":[\"a\",null,-1,2,3]}],\"baseline\":\"zero\"}",
      "{\"trials\":{\"a\":1},\"final\":{\"winner\":\"7\",\"candidates\":[1,{\"id\":1e300}]},\"impact\":[{},3,{\"speedup\":0}]}",
      "{\"model\":{\"inputs\":[{\"shape\":[\"batch\",-1,null]},7]},\"machine\":{\"gpu\":null,\"cores\":\"two\"},"
      "\"trials\":[{\"id\":0,\"name\":\"defaults\",\"status\":\"ok\",\"p50_ms\":0,\"p99_ms\":0,\"speedup\":1}],"
      "\"final\":{\"winner\":0,\"candidates\":[{\"id\":0,\"speedup\":1,\"ci_low\":1,\"ci_high\":1}]}}",
      "{\"trials\":[{\"id\":1,\"status\":\"ok\",\"p50_ms\":1e-9,\"peak_host_mb\":1e12,\"speedup\":1e15},"
      "{\"id\":2,\"status\":\"ok\",\"p50_ms\":1e9,\"peak_host_mb\":-5,\"speedup\":1e-15}],"
      "\"impact\":[{\"option\":\"o\",\"value\":{\"a\":[1]},\"speedup\":1e300,\"ci_low\":-1,\"ci_high\":1e-300}]}",
  };
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    cJSON *root = cJSON_Parse(docs[i]);
    assert_non_null(root);
    char file[32];
    snprintf(file, sizeof file, "missing%zu.html", i);
    free(render(root, file));
    cJSON_Delete(root);
  }
}

static void test_overwrite(void **state) {
  (void)state;
  cJSON *root = make_results();
  free(render(root, "again.html"));
  char *html = render(root, "again.html");
  assert_int_equal(count(html, "</html>"), 1);
  free(html);
  cJSON_Delete(root);
}

static void test_missing_directory(void **state) {
  (void)state;
  const char *path = tmp_path("no/such/dir/report.html");
  cJSON *root = make_results();
  int rc = ortune_report_html(root, path);
  assert_int_equal(rc, ORTUNE_EIO);
  assert_non_null(strstr(ortune_last_error(), path));
  assert_int_not_equal(access(path, F_OK), 0);
  path = tmp_path("no");
  assert_int_not_equal(access(path, F_OK), 0);
  assert_int_not_equal(ortune_report_html(root, ""), ORTUNE_OK);
  assert_int_not_equal(ortune_report_html(root, NULL), ORTUNE_OK);
  cJSON_Delete(root);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_report),   cmocka_unit_test(test_empty_trials),   cmocka_unit_test(test_all_failed),
      cmocka_unit_test(test_one_trial), cmocka_unit_test(test_tune_input_shapes),     cmocka_unit_test(test_output_check),   cmocka_unit_test(test_odd_roots),
      cmocka_unit_test(test_missing_fields),
      cmocka_unit_test(test_overwrite),     cmocka_unit_test(test_missing_directory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
