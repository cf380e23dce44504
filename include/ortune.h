/* ortune.h - public API: tune ONNX Runtime for one model, load the tuned config.yaml in production. */
#ifndef ORTUNE_H
#define ORTUNE_H

#include <stddef.h>
#include <stdint.h>
#include <onnxruntime_c_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exported from libortune.so; everything else in the library is hidden. */
#if defined(ORTUNE_BUILDING)
#define ORTUNE_API __attribute__((visibility("default")))
#else
#define ORTUNE_API
#endif

/* ---------------------------------------------------------------------------
 * Errors. Every function returning int returns ORTUNE_OK (0) or one of these;
 * the value is also the CLI's exit code (documented in docs/exit-codes.md).
 * ortune_last_error() holds a one-line message for the calling thread: what
 * failed first, then how to fix it.
 * ------------------------------------------------------------------------- */
#define ORTUNE_ERRNO_MAP(X)                                                          \
  X(OK, 0, "success")                                                                \
  X(EFAIL, 1, "failure")                                                             \
  X(EUSAGE, 2, "bad command line")                                                   \
  X(EIO, 3, "file cannot be read or written")                                        \
  X(EMODEL, 4, "model cannot be loaded")                                             \
  X(ECONFIG, 5, "malformed config file")                                             \
  X(EKEY, 6, "unknown config key")                                                   \
  X(EVALUE, 7, "bad config value")                                                   \
  X(ESHAPE, 8, "input shape cannot be resolved")                                     \
  X(EORT, 9, "onnx runtime error")                                                   \
  X(ENOCUDA, 10, "cuda execution provider not available")                            \
  X(EOOM, 11, "out of memory")                                                       \
  X(EMISMATCH, 12, "outputs differ from the reference")                              \
  X(ETIMEOUT, 13, "timed out")                                                       \
  X(ECRASH, 14, "crashed")                                                           \
  X(ENOMEM, 15, "host out of memory")                                                \
  X(ENOSPC, 16, "no space left on device")                                           \
  X(EUNSUPPORTED, 17, "not supported")                                               \
  X(EINTR, 130, "interrupted")

typedef enum {
#define ORTUNE_XX(name, val, msg) ORTUNE_##name = val,
  ORTUNE_ERRNO_MAP(ORTUNE_XX)
#undef ORTUNE_XX
} ortune_errno;

ORTUNE_API const char *ortune_strerror(int err);  /* static string, never NULL */
ORTUNE_API const char *ortune_err_name(int err);  /* "EIO", ... */
ORTUNE_API const char *ortune_last_error(void);   /* thread-local; "" when none */
ORTUNE_API const char *ortune_version(void);

/* The OrtApi of the ONNX Runtime ortune was built against (never NULL). */
ORTUNE_API const OrtApi *ortune_ort_api(void);
/* A process-wide OrtEnv shared by ortune's sessions (created on first use). */
ORTUNE_API int ortune_env_get(OrtEnv **out);

/* ---------------------------------------------------------------------------
 * Config: the `onnxruntime:` section of a YAML file. Keys are ORT's own option
 * names (see `ortune explain`), plus `provider` (cpu|cuda), `io` (host|device),
 * `free_dimension_overrides` and a `provenance` mapping written by `tune`.
 * ------------------------------------------------------------------------- */
typedef struct ortune_config ortune_config;

ORTUNE_API int ortune_config_new(ortune_config **out);               /* all ORT defaults, provider cpu */
ORTUNE_API void ortune_config_release(ortune_config *cfg);
ORTUNE_API int ortune_config_clone(const ortune_config *cfg, ortune_config **out);
/* Read the `onnxruntime:` section of path. A file without the section gives the
 * defaults. Unknown key, wrong value or malformed YAML: an error naming it. A section with `profiles:` gives the
 * profile that fits this machine (see ortune_config_load_profile). */
ORTUNE_API int ortune_config_load(ortune_config **out, const char *path);
/* The same, choosing a profile of the section's `profiles:` by name: NULL or "auto" picks the one that fits this
 * machine (what ortune_config_load does; the rule is in docs/config.md: exact GPU name, then same compute
 * capability and class, then the default; a cpu profile when the CUDA EP is unavailable), "default" takes the
 * section's top-level keys. A file without profiles: NULL, "auto" and "default" all give its section. No fitting
 * profile and no default, or an unknown name: an error naming the profiles present. */
ORTUNE_API int ortune_config_load_profile(ortune_config **out, const char *path, const char *profile);
/* The profile cfg was loaded from ("default": the top-level keys, or a file without profiles), and why it was
 * chosen (one line, "" for a config not loaded from a file). Never NULL. */
ORTUNE_API const char *ortune_config_profile_name(const ortune_config *cfg);
ORTUNE_API const char *ortune_config_profile_reason(const ortune_config *cfg);
/* Write cfg into the `onnxruntime:` section of path, atomically (temp file +
 * rename), keeping every other key and comment of the file byte for byte. A config loaded from a profile is
 * written back into that profile; the other profiles are kept byte for byte. */
ORTUNE_API int ortune_config_save(const ortune_config *cfg, const char *path);
/* Set one option by name (an ORT name or an accepted alias such as
 * gpu_mem_limit_gb); value as text. Validates. */
ORTUNE_API int ortune_config_set(ortune_config *cfg, const char *key, const char *value);
/* The option's current value as text, or NULL if the key is unknown. */
ORTUNE_API const char *ortune_config_get(const ortune_config *cfg, const char *key);
/* Non-zero if key was set explicitly (differs from ORT's default handling). */
ORTUNE_API int ortune_config_is_set(const ortune_config *cfg, const char *key);
/* Provenance stored with the config (NULL if none); key like "model_sha256". */
ORTUNE_API const char *ortune_config_provenance(const ortune_config *cfg, const char *key);
ORTUNE_API int ortune_config_set_provenance(ortune_config *cfg, const char *key, const char *value);
/* Check that the config's provenance matches model/machine/ORT; returns the
 * number of mismatches and writes a one-line description of the first into why. */
ORTUNE_API int ortune_config_check_stale(const ortune_config *cfg, const char *model_path, char *why, size_t whylen);

/* ---------------------------------------------------------------------------
 * Sessions: the "apply in production" step. model + config.yaml -> OrtSession
 * with the CUDA EP (legacy CreateCUDAProviderOptions/..._CUDA_V2 API) or the CPU
 * EP and every session option of the config applied.
 * ------------------------------------------------------------------------- */
/* config_path may be NULL (ORT defaults on the CPU). env may be NULL (ortune's
 * shared env). The caller owns *out and releases it with OrtApi::ReleaseSession.
 * A stale config (other model/machine/ORT) prints one warning to stderr. A config with profiles gives the one
 * that fits this machine (ortune_config_load). */
ORTUNE_API int ortune_session_create(const char *model_path, const char *config_path, OrtEnv *env, OrtSession **out);
ORTUNE_API int ortune_session_create_cfg(const char *model_path, const ortune_config *cfg, OrtEnv *env, OrtSession **out);

/* ---------------------------------------------------------------------------
 * CUDA availability.
 * ------------------------------------------------------------------------- */
/* ORTUNE_OK if the CUDA EP library and its CUDA/cuDNN dependencies load; else
 * ORTUNE_ENOCUDA and why names the missing library. */
ORTUNE_API int ortune_cuda_probe(char *why, size_t whylen);

typedef struct {
  int index;
  char name[96];
  char uuid[96];
  uint64_t memory_total;  /* bytes */
  char driver[32];
  int cc_major, cc_minor; /* compute capability, -1 if unknown */
  int sm_count;           /* -1 if unknown */
} ortune_gpu;
/* GPUs seen through NVML (libnvidia-ml.so.1 loaded at run time). Returns the
 * count written (0 when NVML is absent). */
ORTUNE_API int ortune_gpu_list(ortune_gpu *out, int max);

#ifdef __cplusplus
}
#endif
#endif
