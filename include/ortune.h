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
 * Nothing is printed; check staleness with ortune_config_check_stale.
 * A config that a plain session cannot run as tuned (enable_cuda_graph: 1 needs
 * fixed device buffers) is ORTUNE_EUNSUPPORTED naming ortune_runner_open():
 * use the runner for those (and for every config, to run what tune measured).
 * A config with profiles gives the one that fits this machine (ortune_config_load). */
ORTUNE_API int ortune_session_create(const char *model_path, const char *config_path, OrtEnv *env, OrtSession **out);
ORTUNE_API int ortune_session_create_cfg(const char *model_path, const ortune_config *cfg, OrtEnv *env, OrtSession **out);

/* ---------------------------------------------------------------------------
 * Runner: the production runtime. model + config.yaml -> inferences, run
 * exactly as `ortune tune` measured them (every trial, the final A/B and
 * `ortune compare` use this same code).
 *
 * Inside: with enable_cuda_graph, inputs and outputs are bound at fixed device
 * addresses; host inputs are copied asynchronously on the CUDA EP's compute
 * stream (by DMA from pinned memory: ortune_host_alloc), outputs land in the
 * runner's pinned buffers; one CUDA graph is captured per input shape (ORT's
 * gpu_graph_id), up to ORTUNE_RUNNER_MAX_SHAPES shapes (another shape is an
 * ORTUNE_ESHAPE error naming it). Without CUDA graphs, host tensors go through
 * ORT's plain Run.
 *
 * Thread safety: a runner may be shared by threads; its runs are serialized
 * by an internal lock (open one runner per thread for parallel inference).
 * Process-wide initialisation (ORT API, env, CUDA runtime) is thread-safe.
 * ------------------------------------------------------------------------- */
typedef struct ortune_runner ortune_runner;
#define ORTUNE_RUNNER_MAX_SHAPES 8
#define ORTUNE_VALUE_MAX_DIMS 16

/* A tensor passed to or returned by a run. */
typedef struct {
  const char *name;   /* input/output name; NULL: by position */
  int dtype;          /* ONNXTensorElementDataType; 0 on input: the model's type */
  int ndim;
  int64_t dims[ORTUNE_VALUE_MAX_DIMS];
  void *data;         /* host memory (ortune_runner_run) or CUDA device memory (_run_device);
                         for string tensors (host only): char *[count] */
  size_t nbytes;      /* bytes at data; for outputs with data set: its capacity */
} ortune_value;

/* An input or output as the model declares it. */
typedef struct {
  const char *name;
  int dtype;                     /* ONNXTensorElementDataType */
  int ndim;                      /* -1: unknown rank */
  const int64_t *dims;           /* ndim entries; -1 where dynamic */
  const char *const *dim_names;  /* ndim entries: symbolic name, "" when none */
} ortune_io_info;

/* Open model with the `onnxruntime:` section of config_path (NULL: ORT defaults on the CPU). */
ORTUNE_API int ortune_runner_open(const char *model_path, const char *config_path, ortune_runner **out);
ORTUNE_API int ortune_runner_open_cfg(const char *model_path, const ortune_config *cfg, ortune_runner **out);
ORTUNE_API void ortune_runner_release(ortune_runner *r);
/* Why the config does not match this model/machine/ORT (it still runs), or NULL when it does. */
ORTUNE_API const char *ortune_runner_stale(const ortune_runner *r);
ORTUNE_API int ortune_runner_ninputs(const ortune_runner *r);
ORTUNE_API int ortune_runner_noutputs(const ortune_runner *r);
/* i in [0, n): fills *info (strings owned by the runner). */
ORTUNE_API int ortune_runner_input_info(const ortune_runner *r, int i, ortune_io_info *info);
ORTUNE_API int ortune_runner_output_info(const ortune_runner *r, int i, ortune_io_info *info);
/* One inference with host tensors. in: every model input (by name, or in order when names are NULL).
 * out (may be NULL with nout 0): outputs wanted, by name or position; an entry with data NULL gets the
 * runner's own host buffer (valid until the next run or release), one with data set is filled (nbytes
 * too small: ORTUNE_ESHAPE naming the size needed). dtype, ndim, dims and nbytes are set on return. */
ORTUNE_API int ortune_runner_run(ortune_runner *r, const ortune_value *in, int nin, ortune_value *out, int nout);
/* The same with CUDA device pointers in and out (provider cuda only); outputs left NULL point at the
 * runner's device buffers. */
ORTUNE_API int ortune_runner_run_device(ortune_runner *r, const ortune_value *in, int nin, ortune_value *out, int nout);
/* The output i of the last run (host runs), as ortune_runner_run would have returned it. */
ORTUNE_API int ortune_runner_output(ortune_runner *r, int i, ortune_value *out);
/* Host memory for inputs and outputs that the GPU reads and writes directly: pinned (page-locked) when the
 * CUDA runtime is present, plain page-aligned memory otherwise. A frame decoded into it skips the runner's
 * copy into its staging buffer. Free with ortune_host_free. */
ORTUNE_API void *ortune_host_alloc(size_t bytes);
ORTUNE_API void ortune_host_free(void *p);
/* The session inside (owned by the runner): for queries, not for Run with a CUDA-graph config. */
ORTUNE_API OrtSession *ortune_runner_session(ortune_runner *r);

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
/* GPUs seen through NVML (libnvidia-ml.so.1 loaded at run time), numbered as
 * CUDA numbers them (out[device_id]): with CUDA_VISIBLE_DEVICES set, only the
 * GPUs it lists, in its order (index keeps NVML's number). Returns the count
 * written (0 when NVML is absent). */
ORTUNE_API int ortune_gpu_list(ortune_gpu *out, int max);

#ifdef __cplusplus
}
#endif
#endif
