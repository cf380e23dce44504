/* cmd_info.c - `ortune info MODEL`: the model's I/O, ORT version and EPs, CUDA EP status, GPUs; `--config FILE`:
 * the profiles of a config and which one this machine would use, and why. */
#include "cli.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
} info_opts;

static const cli_opt info_table[] = {
  OPT_STR("config", info_opts, common.config, "FILE", "show the profiles of FILE and which one this machine would use, and why"),
  OPT_FLAG("json", info_opts, common.json, "machine-readable output"),
  {0},
};

static cJSON *io_json(const ortune_io_desc *d, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", d[i].name);
    cJSON_AddStringToObject(o, "dtype", d[i].is_tensor ? ortune_dtype_name(d[i].dtype) : "non-tensor");
    cJSON *sh = cJSON_AddArrayToObject(o, "shape");
    for (int k = 0; k < d[i].ndim; k++)
      cJSON_AddItemToArray(sh, d[i].dims[k] >= 0 ? cJSON_CreateNumber((double)d[i].dims[k])
                                                 : cJSON_CreateString(d[i].symbolic[k][0] ? d[i].symbolic[k] : "?"));
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static void print_io(const char *what, const ortune_io_desc *d, int n) {
  printf("%s:\n", what);
  for (int i = 0; i < n; i++) {
    char shape[256], safe[1024], safe_shape[512];
    ortune_io_shape_str(&d[i], shape, sizeof shape);
    ortune_term_escape(shape, safe_shape, sizeof safe_shape);
    printf("  %-24s %-9s %s\n", ortune_term_escape(d[i].name, safe, sizeof safe), d[i].is_tensor ? ortune_dtype_name(d[i].dtype) : "non-tensor", safe_shape);
  }
}

/* ---- --config: which profile this machine would use, and why --------------------------------------------------------- */

static cJSON *match_json(const ortune_profile_match *m) {
  cJSON *j = cJSON_CreateObject();
  if (m->is_cpu) {
    cJSON_AddStringToObject(j, "cpu", m->cpu[0] ? m->cpu : "any");
    if (m->cores) cJSON_AddNumberToObject(j, "cores", m->cores);
  } else {
    cJSON_AddStringToObject(j, "gpu", m->gpu);
    cJSON_AddStringToObject(j, "compute_capability", m->cc);
    cJSON_AddStringToObject(j, "class", m->gpu_class);
  }
  return j;
}

/* The profiles of path, this machine, the choice: printed (or added to j when j is not NULL). */
static int config_profiles(const char *path, cJSON *j) {
  ortune_profile_entry *pe = NULL;
  int n = 0, def = 0;
  int rc = ortune_config_list_profiles(path, &pe, &n, &def);
  if (rc) return rc;
  ortune_config *cfg = NULL;
  int lrc = ortune_config_load(&cfg, path);
  ortune_device_identity id;
  char here[512] = "", m[400];
  if (!ortune_device_identify(cfg ? atoi(ortune_config_get(cfg, "device_id")) : 0, &id)) ortune_device_describe(&id, here, sizeof here);
  if (j) {
    cJSON *c = cJSON_AddObjectToObject(j, "config");
    cJSON_AddStringToObject(c, "path", path);
    cJSON *a = cJSON_AddArrayToObject(c, "profiles");
    for (int i = 0; i < n; i++) {
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "name", pe[i].name);
      cJSON_AddItemToObject(x, "match", match_json(&pe[i].match));
      cJSON_AddItemToArray(a, x);
    }
    cJSON_AddBoolToObject(c, "has_default", def);
    cJSON_AddStringToObject(c, "this_machine", here);
    if (cfg) cJSON_AddStringToObject(c, "profile", ortune_config_profile_name(cfg));
    else cJSON_AddNullToObject(c, "profile");
    cJSON_AddStringToObject(c, "reason", cfg ? ortune_config_profile_reason(cfg) : ortune_last_error());
  } else {
    printf("config:       %s\n", path);
    for (int i = 0; i < n; i++) {
      ortune_match_describe(&pe[i].match, m, sizeof m);
      printf("%-13s %s: %s\n", i ? "" : "profiles:", pe[i].name, m);
    }
    if (!n) printf("profiles:     none (one section for every machine)\n");
    else if (def) printf("              default: the section's top-level keys, for any other machine\n");
    printf("this machine: %s\n", here);
    if (cfg) printf("uses:         %s: %s\n", ortune_config_profile_name(cfg), ortune_config_profile_reason(cfg));
    else printf("uses:         none: %s\n", ortune_last_error());
  }
  free(pe);
  ortune_config_release(cfg);
  return lrc;
}

/* What info reports besides the model file: its inputs and outputs as ORT sees them, the providers, the CUDA EP,
 * the GPUs. */
typedef struct {
  OrtSession *s;
  ortune_io_desc *in, *out;
  int nin, nout;
  char **eps;
  int neps, cuda, ngpu;
  char why[512], sha[65];
  ortune_gpu gpus[8];
} info_facts;

static int facts_read(const char *model, info_facts *f) {
  memset(f, 0, sizeof *f);
  int rc = ortune_session_create(model, NULL, NULL, &f->s);
  if (!rc) rc = ortune_session_io(f->s, 0, &f->in, &f->nin);
  if (!rc) rc = ortune_session_io(f->s, 1, &f->out, &f->nout);
  if (rc) return rc;
  OrtStatus *st = ortune_ort_api()->GetAvailableProviders(&f->eps, &f->neps);
  if (st) ortune_ort_api()->ReleaseStatus(st);
  f->cuda = ortune_cuda_probe(f->why, sizeof f->why);
  f->ngpu = ortune_gpu_list(f->gpus, 8);
  ortune_sha256_file(model, f->sha);
  return ORTUNE_OK;
}

static void facts_clear(info_facts *f) {
  const OrtApi *api = ortune_ort_api();
  if (f->eps) {
    OrtStatus *rs = api->ReleaseAvailableProviders(f->eps, f->neps);
    if (rs) api->ReleaseStatus(rs);
  }
  ortune_io_free(f->in, f->nin);
  ortune_io_free(f->out, f->nout);
  api->ReleaseSession(f->s);
}

/* --json: the facts (and --config's profiles) as one object on stdout. */
static int info_json(const info_opts *o, const char *model, const ortune_model_info *mi, const info_facts *f) {
  int crc = 0;
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "model", model);
  cJSON_AddStringToObject(j, "sha256", f->sha);
  cJSON_AddStringToObject(j, "producer", mi->producer);
  cJSON_AddStringToObject(j, "producer_version", mi->producer_version);
  cJSON_AddNumberToObject(j, "ir_version", (double)mi->ir_version);
  cJSON *ops = cJSON_AddArrayToObject(j, "opsets");
  for (int i = 0; i < mi->nopsets; i++) {
    cJSON *op = cJSON_CreateObject();
    cJSON_AddStringToObject(op, "domain", mi->opsets[i].domain[0] ? mi->opsets[i].domain : "ai.onnx");
    cJSON_AddNumberToObject(op, "version", (double)mi->opsets[i].version);
    cJSON_AddItemToArray(ops, op);
  }
  cJSON_AddItemToObject(j, "inputs", io_json(f->in, f->nin));
  cJSON_AddItemToObject(j, "outputs", io_json(f->out, f->nout));
  cJSON_AddStringToObject(j, "ort_version", OrtGetApiBase()->GetVersionString());
  cJSON *ep = cJSON_AddArrayToObject(j, "providers");
  for (int i = 0; i < f->neps; i++) cJSON_AddItemToArray(ep, cJSON_CreateString(f->eps[i]));
  cJSON_AddBoolToObject(j, "cuda_ep_loadable", f->cuda == ORTUNE_OK);
  if (f->cuda) cJSON_AddStringToObject(j, "cuda_ep_problem", f->why);
  cJSON *g = cJSON_AddArrayToObject(j, "gpus");
  for (int i = 0; i < f->ngpu; i++) {
    cJSON *x = cJSON_CreateObject();
    cJSON_AddNumberToObject(x, "index", f->gpus[i].index);
    cJSON_AddStringToObject(x, "name", f->gpus[i].name);
    cJSON_AddNumberToObject(x, "memory_mb", (double)f->gpus[i].memory_total / 1048576.0);
    cJSON_AddStringToObject(x, "driver", f->gpus[i].driver);
    char cc[16];
    snprintf(cc, sizeof cc, "%d.%d", f->gpus[i].cc_major, f->gpus[i].cc_minor);
    cJSON_AddStringToObject(x, "compute_capability", cc);
    cJSON_AddNumberToObject(x, "sm_count", f->gpus[i].sm_count);
    cJSON_AddStringToObject(x, "class", ortune_gpu_class(&f->gpus[i]));
    cJSON_AddItemToArray(g, x);
  }
  if (o->common.config) crc = config_profiles(o->common.config, j);
  char *txt = cJSON_Print(j);
  puts(txt);
  free(txt);
  cJSON_Delete(j);
  return crc;
}

/* The facts as text. */
static int info_text(const info_opts *o, const char *model, const ortune_model_info *mi, const info_facts *f) {
  printf("model:     %s\nsha256:    %s\nproducer:  %s %s\nir:        %lld\nopsets:   ", model, f->sha,
         mi->producer[0] ? mi->producer : "(none)", mi->producer_version, (long long)mi->ir_version);
  for (int i = 0; i < mi->nopsets; i++)
    printf(" %s:%lld", mi->opsets[i].domain[0] ? mi->opsets[i].domain : "ai.onnx", (long long)mi->opsets[i].version);
  printf("\n");
  print_io("inputs", f->in, f->nin);
  print_io("outputs", f->out, f->nout);
  printf("onnxruntime: %s\nproviders:  ", OrtGetApiBase()->GetVersionString());
  for (int i = 0; i < f->neps; i++) printf(" %s", f->eps[i]);
  printf("\ncuda ep:     %s%s\n", f->cuda ? "not loadable: " : "loadable", f->cuda ? f->why : "");
  if (!f->ngpu) printf("gpus:        none seen (no NVML)\n");
  for (int i = 0; i < f->ngpu; i++)
    printf("gpu %d:       %s, %.0f MiB, driver %s, compute %d.%d, %d SMs, class %s\n", f->gpus[i].index, f->gpus[i].name,
           (double)f->gpus[i].memory_total / 1048576.0, f->gpus[i].driver, f->gpus[i].cc_major, f->gpus[i].cc_minor, f->gpus[i].sm_count,
           ortune_gpu_class(&f->gpus[i]));
  if (o->common.config) return config_profiles(o->common.config, NULL);
  return 0;
}

static int info_run(void *vo, int argc, char **argv) {
  info_opts *o = vo;
  if (argc == 0 && o->common.config) {
    cJSON *j = o->common.json ? cJSON_CreateObject() : NULL;
    int rc = config_profiles(o->common.config, j);
    if (j) {
      char *txt = cJSON_Print(j);
      puts(txt);
      free(txt);
      cJSON_Delete(j);
    }
    return rc ? cli_fail(rc) : 0;
  }
  if (argc != 1) {
    ortune_set_error(ORTUNE_EUSAGE, "info: give exactly one MODEL (ortune info model.onnx), or --config FILE");
    return cli_fail(ORTUNE_EUSAGE);
  }
  const char *model = argv[0];
  ortune_model_info mi;
  info_facts f;
  int rc = ortune_model_info_read(model, &mi);
  if (rc) return cli_fail(rc);
  if ((rc = facts_read(model, &f))) return cli_fail(rc);
  int crc = o->common.json ? info_json(o, model, &mi, &f) : info_text(o, model, &mi, &f);
  facts_clear(&f);
  return crc ? cli_fail(crc) : 0;
}

const cli_cmd cmd_info = {"info", "[MODEL]", "show the model's inputs/outputs, ONNX Runtime, execution providers and GPUs; "
                          "--config: which profile this machine uses",
                          info_table, sizeof(info_opts), info_run, 0};
