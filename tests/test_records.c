/* test_records.c - the tuner's typed records (lib/tune/record.c): a trial and a whole results file survive
 * struct -> JSON -> struct with every field, the JSON keeps schema 1's keys (what the report and older files use),
 * unknown keys are carried, and a results file is typed only after it passed the validated reader. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include "record.h"
#include "results.h"
#include "testutil.h"

/* A trial with every field set to something distinct. */
static ortune_trial *full_trial(int id) {
  ortune_trial *t = NULL;
  assert_int_equal(ortune_trial_new(&t), ORTUNE_OK);
  t->id = id;
  assert_int_equal(ortune_trial_set_text(&t->name, "intra_op_num_threads=2"), ORTUNE_OK);
  assert_int_equal(ortune_trial_set_text(&t->inputs, "x=1x3 batch=4"), ORTUNE_OK);
  assert_int_equal(ortune_trial_set_text(&t->reason, "outputs differ"), ORTUNE_OK);
  snprintf(t->stage, sizeof t->stage, "screen");
  t->status = ORTUNE_TRIAL_MISMATCH;
  assert_int_equal(ortune_config_set(t->config, "intra_op_num_threads", "2"), ORTUNE_OK);
  assert_int_equal(ortune_config_set(t->config, "execution_mode", "ORT_PARALLEL"), ORTUNE_OK);
  t->error_code = 7;
  t->create_ms = 12.5, t->first_run_ms = 3.25, t->first_run_mean_ms = 3.5, t->warmup_runs = 4, t->runs = 40;
  t->p50_ms = 1.5, t->p90_ms = 1.75, t->p99_ms = 2.5, t->mean_ms = 1.625, t->min_ms = 1.25, t->cv = 0.0625;
  t->peak_host_mb = 100, t->peak_gpu_mb = -1, t->event_p50_ms = 1.4375, t->max_abs_err = 1e-3, t->max_rel_err = 2e-3;
  t->speedup = 1.125;
  t->dropped = 1;
  t->resumed = 1;
  cJSON_AddItemToObject(t->more, "latencies_ms", cJSON_CreateIntArray((const int[]){1, 2, 3}, 3));
  cJSON_AddStringToObject(t->more, "future_key", "kept");
  return t;
}

/* Text fields: both absent (NULL) or equal. */
static void assert_same_text(const char *a, const char *b) {
  if (!a || !b) assert_ptr_equal(a, b);
  else assert_string_equal(a, b);
}

static void assert_same_trial(const ortune_trial *a, const ortune_trial *b) {
  assert_int_equal(a->id, b->id);
  assert_same_text(a->name, b->name);
  assert_same_text(a->inputs, b->inputs);
  assert_same_text(a->reason, b->reason);
  assert_string_equal(a->stage, b->stage);
  assert_int_equal(a->status, b->status);
  assert_int_equal(a->error_code, b->error_code);
  for (int i = 0; i < ortune_noptions; i++) {
    assert_same_text(a->config->value[i], b->config->value[i]);
  }
  const double x[] = {a->create_ms, a->first_run_ms, a->first_run_mean_ms, a->warmup_runs, a->runs, a->p50_ms, a->p90_ms,
                      a->p99_ms, a->mean_ms, a->min_ms, a->cv, a->peak_host_mb, a->peak_gpu_mb, a->event_p50_ms,
                      a->max_abs_err, a->max_rel_err, a->speedup};
  const double y[] = {b->create_ms, b->first_run_ms, b->first_run_mean_ms, b->warmup_runs, b->runs, b->p50_ms, b->p90_ms,
                      b->p99_ms, b->mean_ms, b->min_ms, b->cv, b->peak_host_mb, b->peak_gpu_mb, b->event_p50_ms,
                      b->max_abs_err, b->max_rel_err, b->speedup};
  for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
    if (isnan(x[i]) || isnan(y[i])) assert_true(isnan(x[i]) && isnan(y[i]));
    else assert_true(x[i] == y[i]);
  }
  assert_int_equal(a->dropped, b->dropped);
  assert_int_equal(a->resumed, b->resumed);
  assert_true(cJSON_Compare(a->more, b->more, 1));
}

static void test_trial_round_trip(void **state) {
  (void)state;
  ortune_trial *t = full_trial(3), *back = NULL;
  cJSON *j = ortune_trial_to_json(t);
  assert_non_null(j);
  /* schema 1's keys, as the report and the CSV read them */
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "status")->valuestring, "mismatch");
  assert_true(cJSON_GetObjectItemCaseSensitive(j, "p50_ms")->valuedouble == 1.5);
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "config"), "intra_op_num_threads")->valuestring, "2");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "config")), 2);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "dropped")));
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "latencies_ms")), 3);
  assert_int_equal(ortune_trial_from_json(j, &back), ORTUNE_OK);
  assert_same_trial(t, back);
  assert_int_equal(ortune_trial_changed_options(back), 2);
  cJSON_Delete(j);
  ortune_trial_release(back);
  ortune_trial_release(t);
}

static void test_trial_absent_fields(void **state) {
  (void)state;
  ortune_trial *t = NULL, *back = NULL;
  assert_int_equal(ortune_trial_new(&t), ORTUNE_OK);
  assert_int_equal(ortune_trial_set_text(&t->name, "defaults"), ORTUNE_OK);
  t->status = ORTUNE_TRIAL_TIMEOUT;
  cJSON *j = ortune_trial_to_json(t);
  /* what was never measured is not written (the report shows "-"), and reads back absent */
  assert_null(cJSON_GetObjectItemCaseSensitive(j, "p50_ms"));
  assert_null(cJSON_GetObjectItemCaseSensitive(j, "speedup"));
  assert_null(cJSON_GetObjectItemCaseSensitive(j, "inputs"));
  assert_null(cJSON_GetObjectItemCaseSensitive(j, "dropped"));
  assert_int_equal(ortune_trial_from_json(j, &back), ORTUNE_OK);
  assert_true(isnan(back->p50_ms));
  assert_null(back->inputs);
  assert_same_trial(t, back);
  cJSON_Delete(j);
  ortune_trial_release(back);
  ortune_trial_release(t);
}

static void test_trial_refuses_unknown_option(void **state) {
  (void)state;
  cJSON *j = cJSON_Parse("{\"id\": 0, \"name\": \"n\", \"stage\": \"s\", \"status\": \"ok\", \"config\": {\"no_such\": \"1\"}}");
  ortune_trial *t = (ortune_trial *)1;
  assert_int_not_equal(ortune_trial_from_json(j, &t), ORTUNE_OK);
  assert_null(t);
  assert_non_null(strstr(ortune_last_error(), "config.no_such"));
  cJSON_Delete(j);
}

static void test_status_names(void **state) {
  (void)state;
  for (int s = 0; s < ORTUNE_TRIAL_NSTATUS; s++) assert_int_equal(ortune_trial_status_parse(ortune_trial_status_name(s)), s);
  assert_string_equal(ortune_trial_status_name(ORTUNE_TRIAL_RUNTIME_ERROR), "runtime_error");
  assert_int_equal(ortune_trial_status_parse("fine"), -1);
}

/* A results struct with a header, two trials and sections. */
static void fill_results(ortune_results *r) {
  ortune_results_init(r);
  snprintf(r->ortune_version, sizeof r->ortune_version, "0.1.0");
  snprintf(r->date, sizeof r->date, "2026-01-02T03:04:05Z");
  snprintf(r->model_sha256, sizeof r->model_sha256, "%064d", 0);
  assert_int_equal(ortune_trial_set_text(&r->model_path, "m.onnx"), ORTUNE_OK);
  assert_int_equal(ortune_trial_set_text(&r->input_shapes, "x=1x3"), ORTUNE_OK);
  assert_int_equal(ortune_trial_set_text(&r->shape_sets, "x=1x3; x=2x3"), ORTUNE_OK);
  r->first_run_weight = 0.5;
  r->has_machine = 1;
  snprintf(r->machine.cpu, sizeof r->machine.cpu, "Test CPU");
  snprintf(r->machine.ort_version, sizeof r->machine.ort_version, "1.29.0");
  r->machine.cores = 8, r->machine.memory_mb = 16384;
  r->machine.has_gpu = 1;
  snprintf(r->machine.gpu.name, sizeof r->machine.gpu.name, "GPU");
  snprintf(r->machine.gpu.cls, sizeof r->machine.gpu.cls, "high");
  snprintf(r->machine.gpu.cc, sizeof r->machine.gpu.cc, "9.0");
  r->machine.gpu.memory_mb = 80000, r->machine.gpu.sm_count = 132;
  snprintf(r->space, sizeof r->space, "cpu");
  snprintf(r->strategy, sizeof r->strategy, "staged");
  snprintf(r->objective, sizeof r->objective, "p50");
  snprintf(r->provider, sizeof r->provider, "cpu");
  snprintf(r->io, sizeof r->io, "host");
  assert_int_equal(ortune_config_new(&r->base), ORTUNE_OK);
  assert_int_equal(ortune_config_set(r->base, "graph_optimization_level", "ORT_ENABLE_ALL"), ORTUNE_OK);
  assert_int_equal(ortune_trials_add(&r->trials, full_trial(0)), ORTUNE_OK);
  assert_int_equal(ortune_trials_add(&r->trials, full_trial(1)), ORTUNE_OK);
  r->noise = 0.02, r->search_noise = 0.03, r->wall_s = 12.5;
  r->sections = cJSON_Parse("{\"reference\": {\"mode\": \"exact\"}, \"final\": {\"candidates\": [], \"winner\": 0,"
                            " \"verdict\": \"defaults\"}, \"impact\": []}");
  assert_non_null(r->sections);
}

static void test_results_round_trip(void **state) {
  (void)state;
  ortune_results r, back;
  fill_results(&r);
  cJSON *j = ortune_results_to_json(&r);
  assert_non_null(j);
  /* what tune writes passes the validated reader */
  assert_int_equal(ortune_results_validate(j, "r.json", "test", "way out"), ORTUNE_OK);
  assert_true(cJSON_GetObjectItemCaseSensitive(j, "schema")->valuedouble == ORTUNE_RESULTS_SCHEMA);
  /* schema 1's order: the header, trials, noise, the sections as added, wall_s last */
  static const char *const order[] = {"schema", "ortune_version", "date", "model", "first_run_weight", "machine", "space",
                                      "strategy", "objective", "provider", "io", "base", "baseline", "trials", "noise",
                                      "search_noise", "reference", "final", "impact", "wall_s"};
  const cJSON *it = j->child;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++, it = it->next) {
    assert_non_null(it);
    assert_string_equal(it->string, order[i]);
  }
  assert_null(it);
  assert_int_equal(ortune_results_from_json(j, &back), ORTUNE_OK);
  assert_string_equal(back.model_path, "m.onnx");
  assert_string_equal(back.shape_sets, "x=1x3; x=2x3");
  assert_string_equal(back.model_sha256, r.model_sha256);
  assert_string_equal(back.machine.gpu.cls, "high");
  assert_true(back.machine.gpu.sm_count == 132 && back.machine.cores == 8);
  assert_true(back.noise == 0.02 && back.search_noise == 0.03 && back.wall_s == 12.5 && back.first_run_weight == 0.5);
  assert_string_equal(ortune_config_get(back.base, "graph_optimization_level"), "ORT_ENABLE_ALL");
  assert_int_equal(back.trials.n, 2);
  assert_same_trial(r.trials.v[1], back.trials.v[1]);
  /* and back again: the same document */
  cJSON *j2 = ortune_results_to_json(&back);
  assert_true(cJSON_Compare(j, j2, 1));
  cJSON_Delete(j2);
  cJSON_Delete(j);
  ortune_results_clear(&back);
  ortune_results_clear(&r);
}

static void test_results_read(void **state) {
  (void)state;
  char good[300], bad[300];
  snprintf(good, sizeof good, "%s/good.json", tmpdir);
  snprintf(bad, sizeof bad, "%s/bad.json", tmpdir);
  /* an older file: no schema, no machine, no inputs per trial; an unknown key is carried */
  write_text(good, "{\"space\": \"cpu\", \"model\": {\"path\": \"m.onnx\", \"sha256\": \"ab\"}, \"trials\": [{\"id\": 0,"
                   " \"name\": \"defaults\", \"stage\": \"baseline\", \"status\": \"ok\", \"config\": {}, \"p50_ms\": 2},"
                   " {\"id\": 1, \"name\": \"x\", \"stage\": \"screen\", \"status\": \"crash\", \"config\":"
                   " {\"intra_op_num_threads\": \"1\"}}], \"extra\": [1]}");
  write_text(bad, "{\"trials\": [{\"id\": 0, \"name\": \"d\", \"stage\": \"s\", \"status\": \"fine\", \"config\": {}}]}");
  ortune_results r;
  assert_int_equal(ortune_results_read(good, "--resume:", "way out", &r), ORTUNE_OK);
  assert_int_equal(r.schema, 1);
  assert_string_equal(r.model_sha256, "ab");
  assert_int_equal(r.has_machine, 0);
  assert_int_equal(r.trials.n, 2);
  assert_true(r.trials.v[0]->p50_ms == 2);
  assert_int_equal(r.trials.v[1]->status, ORTUNE_TRIAL_CRASH);
  assert_string_equal(ortune_trial_option(r.trials.v[1], r.trials.v[0]->config,
                                          ortune_option_index("intra_op_num_threads")), "1");
  assert_non_null(cJSON_GetObjectItemCaseSensitive(r.sections, "extra"));
  ortune_results_clear(&r);
  assert_int_equal(ortune_results_read(bad, "--resume:", "way out", &r), ORTUNE_ECONFIG);
  assert_non_null(strstr(ortune_last_error(), "trials[0].status"));
  assert_int_equal(r.trials.n, 0);
}

static void test_trials_array(void **state) {
  (void)state;
  ortune_trials ts;
  ortune_trials_init(&ts);
  ortune_trial *first = NULL;
  for (int i = 0; i < 40; i++) {
    ortune_trial *t = full_trial(i);
    if (!i) first = t;
    assert_int_equal(ortune_trials_add(&ts, t), ORTUNE_OK);
  }
  assert_ptr_equal(ts.v[0], first); /* records stay where they are while the array grows */
  ortune_trials_remove(&ts, 0);
  assert_int_equal(ts.n, 39);
  assert_int_equal(ts.v[0]->id, 1);
  assert_int_equal(ts.v[38]->id, 39);
  ortune_trials_clear(&ts);
  assert_int_equal(ts.n, 0);
}

static int setup(void **state) {
  (void)state;
  return tmpdir_create("records");
}
static int teardown(void **state) {
  (void)state;
  tmpdir_remove();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_trial_round_trip),    cmocka_unit_test(test_trial_absent_fields),
    cmocka_unit_test(test_trial_refuses_unknown_option), cmocka_unit_test(test_status_names),
    cmocka_unit_test(test_results_round_trip),  cmocka_unit_test(test_results_read),
    cmocka_unit_test(test_trials_array),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
