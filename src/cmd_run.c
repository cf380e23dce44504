/* cmd_run.c - `ortune run MODEL`: one inference; save outputs, or check them against reference output_N.pb. */
#include "cli.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  cli_common common;
  const char *save, *check;
  int force;
} run_opts;


static const cli_opt run_table[] = {
  OPT_STR("config", run_opts, common.config, "FILE", "config.yaml whose onnxruntime: section to apply"),
  CLI_COMMON_INPUT_OPTS(run_opts),
  CLI_FORCE_OPT(run_opts, force),
  OPT_STR("save-outputs", run_opts, save, "DIR", "write each output as DIR/output_N.pb (ONNX TensorProto) and DIR/output_N.npy"),
  OPT_STR("check", run_opts, check, "DIR", "inputs from DIR/input_N.pb, compare outputs with DIR/output_N.pb"),
  CLI_TOL_OPTS,
  OPT_FLAG("json", run_opts, common.json, "machine-readable output"),
  {0},
};

/* The output-path guard: no DIR/output_N.pb or .npy may be the model, the config, an input or a reference file,
 * or replace a file ortune did not write (unless --force). */
static int check_save(const run_opts *o, const char *model, const ortune_tensor *t, int n) {
  ortune_paths *p = calloc(1, sizeof *p);
  static char names[2 * ORTUNE_MAX_IO][1200];
  if (!p) return ortune_set_error(ORTUNE_ENOMEM, "run: out of memory");
  cli_paths_inputs(p, &o->common, model, 0);
  for (int i = 0; i < n && i < ORTUNE_MAX_IO; i++) {
    snprintf(names[2 * i], sizeof names[0], "%s/output_%d.pb", o->save, i);
    ortune_paths_out(p, "--save-outputs file", names[2 * i], ORTUNE_OUT_TENSOR);
    if (t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16) continue; /* no .npy: see save_outputs */
    snprintf(names[2 * i + 1], sizeof names[0], "%s/output_%d.npy", o->save, i);
    ortune_paths_out(p, "--save-outputs file", names[2 * i + 1], ORTUNE_OUT_TENSOR);
  }
  int rc = ortune_paths_check(p, o->force);
  free(p);
  return rc;
}

static int save_outputs(const char *dir, const ortune_tensor *t, int n) {
  int rc = ortune_mkdir_p(dir);
  for (int i = 0; !rc && i < n; i++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/output_%d.pb", dir, i);
    rc = ortune_tensor_write_pb(path, &t[i]);
    if (rc || t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16) continue; /* numpy has no bfloat16 */
    snprintf(path, sizeof path, "%s/output_%d.npy", dir, i); /* the same, for numpy */
    rc = ortune_tensor_write_npy(path, &t[i]);
  }
  return rc;
}

/* Compare outputs with dir/output_N.pb; fills j; returns EMISMATCH on any difference. */
static int check_outputs(const run_opts *o, const ortune_tensor *t, int n, cJSON *j) {
  int bad = 0;
  cJSON *arr = cJSON_AddArrayToObject(j, "outputs");
  for (int i = 0; i < n; i++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/output_%d.pb", o->check, i);
    struct stat st;
    if (stat(path, &st) != 0) continue; /* fewer references than outputs: optional outputs */
    ortune_tensor want;
    int rc = ortune_tensor_read_pb(path, &want);
    if (rc) return rc;
    /* numpy has no bfloat16: ONNX's reference outputs hold its bits as uint16 */
    if (want.dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 && t[i].dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16)
      want.dtype = ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16;
    ortune_diff d;
    rc = ortune_tensor_compare(&t[i], &want, o->common.rtol, o->common.atol, &d);
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "name", t[i].name ? t[i].name : "");
    cJSON_AddBoolToObject(x, "match", rc == ORTUNE_OK);
    cJSON_AddNumberToObject(x, "max_abs_err", d.max_abs);
    cJSON_AddNumberToObject(x, "max_rel_err", d.max_rel);
    if (rc) cJSON_AddStringToObject(x, "what", d.what);
    cJSON_AddItemToArray(arr, x);
    if (rc && !bad++) ortune_set_error(ORTUNE_EMISMATCH, "output %d: %s", i, d.what);
    ortune_tensor_release(&want);
  }
  return bad ? ORTUNE_EMISMATCH : ORTUNE_OK;
}

static int run_run(void *vo, int argc, char **argv) {
  run_opts *o = vo;
  if (argc != 1) {
    ortune_set_error(ORTUNE_EUSAGE, "run: give exactly one MODEL (ortune run model.onnx)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (o->check) snprintf(o->common.spec.dir, sizeof o->common.spec.dir, "%s", o->check);
  ortune_config *cfg = NULL;
  ortune_tensor *in = NULL, *out = NULL;
  int nin = 0, nout = 0;
  ortune_runner *r = NULL;
  o->common.model = argv[0];
  int rc = cli_config(&o->common, &cfg);
  if (rc) goto fail_config;
  rc = ortune_runner_open_cfg(argv[0], cfg, &r); /* the production runtime, as tune measures it */
  if (rc) goto fail_session;
  rc = ortune_inputs_make(ortune_runner_session(r), cfg, &o->common.spec, &in, &nin);
  if (rc) goto fail_inputs;
  double t0 = ortune_now();
  rc = ortune_runner_bind_tensors(r, in, nin);
  if (!rc) rc = ortune_inputs_hint(ortune_runner_run_bound(r), &o->common.spec, in, nin);
  double ms = (ortune_now() - t0) * 1e3;
  if (!rc) rc = ortune_runner_outputs(r, &out, &nout);
  if (rc) goto fail_run;
  if (o->save && ((rc = check_save(o, argv[0], out, nout)) || (rc = save_outputs(o->save, out, nout)))) goto fail_run;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "model", argv[0]);
  cJSON_AddNumberToObject(j, "first_run_ms", ms);
  if (o->check) rc = check_outputs(o, out, nout, j);
  cJSON_AddStringToObject(j, "status", rc == ORTUNE_OK ? "pass" : rc == ORTUNE_EMISMATCH ? "mismatch" : "error");
  if (o->common.json) {
    char *txt = cJSON_Print(j);
    puts(txt);
    free(txt);
  } else {
    for (int i = 0; i < nout; i++) {
      char shape[256] = "";
      size_t k = 0;
      for (int d = 0; d < out[i].ndim && k < sizeof shape; d++)
        k += (size_t)snprintf(shape + k, sizeof shape - k, "%s%lld", d ? "x" : "", (long long)out[i].dims[d]);
      char safe[1024];
      printf("output %d %-24s %-8s %s\n", i, ortune_term_escape(out[i].name, safe, sizeof safe), ortune_dtype_name(out[i].dtype),
             out[i].ndim ? shape : "scalar");
    }
    printf("first run: %.3f ms\n", ms);
    if (o->check) printf("check: %s\n", rc == ORTUNE_OK ? "pass" : "MISMATCH");
  }
  cJSON_Delete(j);
fail_run:
  ortune_tensors_free(out, nout);
  ortune_tensors_free(in, nin);
fail_inputs:
  ortune_runner_release(r);
fail_session:
  ortune_config_release(cfg);
fail_config:
  return rc ? cli_fail(rc) : 0;
}

const cli_cmd cmd_run = {"run", "MODEL", "run one inference; save the outputs or check them against reference outputs",
                         run_table, sizeof(run_opts), run_run, 0};
