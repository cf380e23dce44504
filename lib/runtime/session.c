/* session.c - model + config -> ready OrtSession (CUDA EP through the legacy V2 options API, or CPU EP). */
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

const char *ortune_version(void) { return ORTUNE_VERSION; }

static int enum_index(const char *values, const char *v) {
  int i = 0;
  for (const char *p = values; *p; i++) {
    size_t n = strcspn(p, "|");
    if (strlen(v) == n && !strncmp(p, v, n)) return i;
    p += n + (p[n] == '|');
  }
  return -1;
}

static int append_cuda(const OrtApi *api, const ortune_config *cfg, void *stream, OrtSessionOptions *so) {
  char why[512];
  int rc = ortune_cuda_probe(why, sizeof why);
  if (rc) return ortune_set_error(rc, "cuda execution provider: %s", why);
  OrtCUDAProviderOptionsV2 *cuda = NULL;
  const char *keys[64], *vals[64];
  size_t n = 0;
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    if (o->apply != ORTUNE_APPLY_CUDA_OPTION || !cfg->value[i]) continue;
    if (o->kind == ORTUNE_KIND_BYTES && !strcmp(cfg->value[i], "max")) continue; /* unlimited: ORT's default */
    keys[n] = o->name;
    vals[n++] = cfg->value[i];
  }
  ORTUNE_ORT_TRY(api->CreateCUDAProviderOptions(&cuda), "cuda provider options");
  if (n) ORTUNE_ORT_TRY(api->UpdateCUDAProviderOptions(cuda, keys, vals, n), "cuda provider options");
  if (stream) ORTUNE_ORT_TRY(api->UpdateCUDAProviderOptionsWithValue(cuda, "user_compute_stream", stream), "cuda user stream");
  ORTUNE_ORT_TRY(api->SessionOptionsAppendExecutionProvider_CUDA_V2(so, cuda), "append cuda execution provider");
  api->ReleaseCUDAProviderOptions(cuda);
  return ORTUNE_OK;
fail:
  if (cuda) api->ReleaseCUDAProviderOptions(cuda);
  return rc;
}

/* A session-options setter (the row's setter column); the value is already validated and canonical. */
static OrtStatus *apply_setter(const OrtApi *api, OrtSessionOptions *so, const ortune_option *o, const char *v) {
  static const GraphOptimizationLevel lv[] = {ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_LAYOUT,
                                              ORT_ENABLE_ALL};
  int k = o->values ? enum_index(o->values, v) : -1;
  switch (o->setter) {
    case ORTUNE_SETTER_GRAPH_OPT_LEVEL:
      if (k < 0 || k >= (int)(sizeof lv / sizeof lv[0])) break;
      return api->SetSessionGraphOptimizationLevel(so, lv[k]);
    case ORTUNE_SETTER_EXECUTION_MODE:
      if (k < 0) break;
      return api->SetSessionExecutionMode(so, k ? ORT_PARALLEL : ORT_SEQUENTIAL);
    case ORTUNE_SETTER_CPU_MEM_ARENA: return *v == '1' ? api->EnableCpuMemArena(so) : api->DisableCpuMemArena(so);
    case ORTUNE_SETTER_MEM_PATTERN: return *v == '1' ? api->EnableMemPattern(so) : api->DisableMemPattern(so);
    case ORTUNE_SETTER_INTRA_OP_THREADS: return api->SetIntraOpNumThreads(so, atoi(v));
    case ORTUNE_SETTER_INTER_OP_THREADS: return api->SetInterOpNumThreads(so, atoi(v));
    case ORTUNE_SETTER_NONE: break;
  }
  return api->CreateStatus(ORT_INVALID_ARGUMENT, "the option table gives no setter for this value (a table bug)");
}

int ortune_option_apply(const OrtApi *api, OrtSessionOptions *so, const ortune_option *o, const char *value) {
  int rc = ORTUNE_OK;
  switch (o->apply) {
    case ORTUNE_APPLY_SETTER: ORTUNE_ORT_TRY(apply_setter(api, so, o, value), o->name); break;
    case ORTUNE_APPLY_CONFIG_ENTRY: ORTUNE_ORT_TRY(api->AddSessionConfigEntry(so, o->name, value), o->name); break;
    case ORTUNE_APPLY_CUDA_OPTION: /* with the CUDA EP (append_cuda) */
    case ORTUNE_APPLY_HARNESS: break; /* ortune's own key */
  }
fail:
  return rc;
}

int ortune_session_options_build(const ortune_config *cfg, OrtSessionOptions **out) {
  return ortune_session_options_build_stream(cfg, NULL, out);
}

int ortune_session_options_build_stream(const ortune_config *cfg, void *cuda_stream, OrtSessionOptions **out) {
  const OrtApi *api = ortune_ort_api();
  OrtSessionOptions *so = NULL;
  int rc = ORTUNE_OK;
  ORTUNE_ORT_TRY(api->CreateSessionOptions(&so), "session options");
  for (int i = 0; i < ortune_noptions; i++) {
    if (cfg->value[i] && (rc = ortune_option_apply(api, so, &ortune_options[i], cfg->value[i]))) goto fail;
  }
  for (int i = 0; i < cfg->nfree; i++)
    ORTUNE_ORT_TRY(api->AddFreeDimensionOverrideByName(so, cfg->freedim[i].name, cfg->freedim[i].value), "free dimension override");
  if (!strcmp(ortune_config_get(cfg, "provider"), "cuda")) {
    rc = append_cuda(api, cfg, cuda_stream, so);
    if (rc) goto fail;
  }
  *out = so;
  return ORTUNE_OK;
fail:
  if (so) api->ReleaseSessionOptions(so);
  return rc;
}

int ortune_config_model_path(const ortune_config *cfg, const char *model_path, char *out, size_t outlen) {
  const char *ov = cfg ? ortune_config_get(cfg, "model_override") : NULL, *slash = model_path ? strrchr(model_path, '/') : NULL;
  if (!ov || !*ov || !model_path) {
    snprintf(out, outlen, "%s", model_path ? model_path : "");
    return ORTUNE_OK;
  }
  if (ov[0] == '/' || !slash) snprintf(out, outlen, "%s", ov);
  else snprintf(out, outlen, "%.*s/%s", (int)(slash - model_path), model_path, ov);
  if (access(out, R_OK) != 0)
    return ortune_set_error(ORTUNE_EIO, "model_override: %s: %s: restore it (ortune tune writes it), or remove model_override "
                            "from the config to run %s itself", out, strerror(errno), model_path);
  const char *want = ortune_config_provenance(cfg, "model_override_sha256");
  char hex[65];
  if (want && *want) {
    int rc = ortune_sha256_file_cached(out, hex);
    if (rc) return rc;
    if (strcmp(hex, want))
      return ortune_set_error(ORTUNE_EMODEL, "model_override: %s changed since tune wrote it (sha256 %.12s..., the config "
                              "says %.12s...): run ortune tune again, or remove model_override", out, hex, want);
  }
  return ORTUNE_OK;
}

/* The optimized-model cache's side of session creation (optcache.c names the file): see optimized_model_cache. */
static int create_plain(OrtEnv *env, const char *model, OrtSessionOptions *so, OrtSession **out) {
  OrtStatus *st = ortune_ort_api()->CreateSession(env, model, so, out);
  return st ? ortune_ort_error(st, "create session") : ORTUNE_OK;
}

int ortune_session_create_cached(OrtEnv *env, const char *model, const ortune_config *cfg, void *cuda_stream, OrtSessionOptions *so,
                           OrtSession **out, int *hit) {
  const OrtApi *api = ortune_ort_api();
  char path[4096], tmp[4200];
  OrtStatus *st;
  *hit = ORTUNE_OPTCACHE_OFF;
  if (strcmp(ortune_config_get(cfg, "optimized_model_cache"), "1")) return create_plain(env, model, so, out);
  *hit = ORTUNE_OPTCACHE_UNWRITABLE;
  if (ortune_optcache_path(model, cfg, path, sizeof path)) return create_plain(env, model, so, out);
  if (access(path, R_OK) == 0) {
    /* the cached graph is optimized already: ORT's optimizers off, the rest of the options as configured */
    if (!(st = api->SetSessionGraphOptimizationLevel(so, ORT_DISABLE_ALL)) && !(st = api->CreateSession(env, path, so, out)))
      return *hit = ORTUNE_OPTCACHE_HIT, ORTUNE_OK;
    api->ReleaseStatus(st);
    unlink(path); /* damaged, or written by an incompatible build: rebuilt below */
    int rc = ortune_option_apply(api, so, ortune_option_find("graph_optimization_level"),
                                 ortune_config_value(cfg, ortune_option_index("graph_optimization_level")));
    if (rc) return rc;
  }
  if (ortune_optcache_prepare(path, tmp, sizeof tmp)) return create_plain(env, model, so, out);
  if ((st = api->SetOptimizedModelFilePath(so, tmp))) return api->ReleaseStatus(st), create_plain(env, model, so, out);
  if ((st = api->CreateSession(env, model, so, out))) {
    /* writing the optimized graph may be what failed: once more, with options that do not write it */
    api->ReleaseStatus(st);
    unlink(tmp);
    OrtSessionOptions *plain = NULL;
    int rc = ortune_session_options_build_stream(cfg, cuda_stream, &plain);
    if (rc) return rc;
    rc = create_plain(env, model, plain, out);
    api->ReleaseSessionOptions(plain);
    return rc;
  }
  if (access(tmp, R_OK) == 0 && rename(tmp, path) == 0) *hit = ORTUNE_OPTCACHE_MISS;
  else unlink(tmp);
  return ORTUNE_OK;
}

int ortune_session_create_cfg(const char *model_arg, const ortune_config *cfg, OrtEnv *env, OrtSession **out) {
  const OrtApi *api = ortune_ort_api();
  OrtSessionOptions *so = NULL;
  ortune_model_info info;
  char model_path[4096];
  *out = NULL;
  /* a CUDA graph replays fixed device addresses: a plain Run with host tensors crashes or returns no tensor */
  if (!strcmp(ortune_config_get(cfg, "provider"), "cuda") && !strcmp(ortune_config_get(cfg, "enable_cuda_graph"), "1"))
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "this config enables CUDA graphs (enable_cuda_graph: 1), which a plain OrtSession cannot "
                            "run: open it with ortune_runner_open() (C) or ortune.Runner (Python), which run it as tune measured it");
  int rc = ortune_config_model_path(cfg, model_arg, model_path, sizeof model_path);
  if (!rc) rc = ortune_model_info_read(model_path, &info); /* a clear message before ORT's long one */
  if (rc) return rc;
  if (!env && (rc = ortune_env_get(&env))) return rc;
  rc = ortune_session_options_build(cfg, &so);
  if (rc) return rc;
  int hit;
  rc = ortune_session_create_cached(env, model_path, cfg, NULL, so, out, &hit);
  api->ReleaseSessionOptions(so);
  if (rc) {
    if (rc == ORTUNE_EORT && strstr(ortune_last_error(), "NOT_IMPLEMENTED"))
      rc = ORTUNE_EUNSUPPORTED;
    return ortune_set_error(rc, "%s: %s", model_path, ortune_last_error());
  }
  return ORTUNE_OK;
}

int ortune_session_create(const char *model_path, const char *config_path, OrtEnv *env, OrtSession **out) {
  ortune_config *cfg = NULL;
  int rc = config_path ? ortune_config_load(&cfg, config_path) : ortune_config_new(&cfg);
  if (rc) return rc;
  rc = ortune_session_create_cfg(model_path, cfg, env, out);
  ortune_config_release(cfg);
  return rc;
}
