/* internal.h - declarations shared by the library's modules and the CLI (not installed). */
#ifndef ORTUNE_INTERNAL_H
#define ORTUNE_INTERNAL_H

#include "ortune.h"
#include <stdarg.h>
#include <stdio.h>

/* ---- test-only environment variables (testhook.c) ------------------------- */
/* Each stands in for what a test cannot make happen otherwise; production never sets them. */
#define ORTUNE_TEST_HOOKS(X)                                                                                    \
  X(ENOSPC, "1: every write fails as on a full disk (util.c, cmd_tune.c's room check)")                      \
  X(WRITE_SIGNAL, "N: raise signal N while a write's temp file exists (util.c)")                             \
  X(CPUS, "N: pretend to have N cores (util.c)")                                                            \
  X(CPU, "NAME: pretend to be this CPU model, for profile selection (util.c)")                              \
  X(GPU, "NAME;CC[;MEM_GIB[;SMS]] or none: pretend to have this GPU, or none (profiles.c, docs/config.md)")  \
  X(FAULT, "KIND@NAME: the trial whose name contains NAME crashes, is killed, OOMs, hangs or is slow (trial.c)") \
  X(OOM_EVENTS, "FILE: read the OOM-kill count from FILE instead of /proc/vmstat and the cgroup (oom.c)")   \
  X(AB_SLOW_REF, "MS: every run of an A/B's reference (config 0) is MS slower (trial.c)")                   \
  X(AB_SKEW, "K:X: element 0 of A/B config K's float outputs moves by X of their scale (trial.c)")
typedef enum {
#define X(name, doc) ORTUNE_TEST_HOOK_##name,
  ORTUNE_TEST_HOOKS(X)
#undef X
  ORTUNE_TEST_HOOK_COUNT
} ortune_test_hook_id;
/* The value of ORTUNE_TEST_<name>; NULL when unset or empty. */
const char *ortune_test_hook(ortune_test_hook_id id);

/* ---- errors (error.c) ---------------------------------------------------- */
/* Set the thread's one-line message and return code. fmt is lowercase and
 * names what failed first, then the way out. */
int ortune_set_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ortune_clear_error(void);
/* Turn an OrtStatus into an ortune error (releases status). what: "create session". (ort.c) */
int ortune_ort_error(OrtStatus *st, const char *what);
/* In a function with `int rc` and a `fail:` label: on an ORT error set rc and jump there. */
#define ORTUNE_ORT_TRY(call, what)           \
  do {                                       \
    OrtStatus *st_ = (call);                 \
    if (st_) {                               \
      rc = ortune_ort_error(st_, what);      \
      goto fail;                             \
    }                                        \
  } while (0)

/* ---- small utilities (util.c) --------------------------------------------- */
double ortune_now(void);                          /* monotonic seconds */
int ortune_sha256_file(const char *path, char hex[65]);
/* Write data to path atomically: temp file in the same directory, fsync, rename. A symlink is followed (its
 * target is replaced; the link stays); an existing file keeps its mode (and, as root, owner and group); a new
 * file gets 0666 & ~umask. */
int ortune_write_atomic(const char *path, const void *data, size_t len);
/* Where ortune_write_atomic(path) writes: path, or the file its symlink (chain) names, even a missing one. 0 or -1
 * (errno: ELOOP, ENAMETOOLONG, ...). */
int ortune_write_target(const char *path, char *out, size_t len);
/* Async-signal-safe: remove the temp file of an ortune_write_atomic in progress (signal handlers). */
void ortune_write_atomic_abort(void);
/* Remove the temp files (PATH.tmp.PID.XXXXXX) that writers of path killed before their rename (SIGKILL, a crash)
 * left beside its target: only those of dead pids, owned by this user. */
void ortune_sweep_stale_temps(const char *path);
/* Is there no process pid (kill(pid, 0) says ESRCH)? */
int ortune_pid_dead(long pid);
/* NUL-terminated. A FIFO, device (but /dev/null, an empty file) or directory is refused at once (ORTUNE_EIO,
 * errno 0, the message names it); other failures keep errno. */
int ortune_read_file(const char *path, char **data, size_t *len);
/* Open path for reading without blocking on a FIFO; refuse anything but a regular file or /dev/null (ORTUNE_EIO,
 * one line naming what and what it is; errno 0 then, else the open's errno). what: "model", "config". */
int ortune_open_regular(const char *path, const char *what, int *fd);
int ortune_mkdir_p(const char *path);
char *ortune_strdup(const char *s);
/* Copy in to out (len bytes, NUL-terminated, cut at a character) safe for a terminal: control characters and UTF-8
 * C1 controls (ESC sequences, BEL, ...) as \xNN text; tab, CR and newline as spaces. Returns out. (error.c) */
char *ortune_term_escape(const char *in, char *out, size_t len);
/* Levenshtein distance, for "did you mean" hints. */
int ortune_edit_distance(const char *a, const char *b);
int ortune_cpu_count(void);
/* Strict numbers for flags and files: the whole text, finite, no overflow. 0 on success, -1 otherwise. */
int ortune_parse_double(const char *s, double *out);
int ortune_parse_ll(const char *s, long long min, long long max, long long *out);
void ortune_cpu_name(char *buf, size_t len);
uint64_t ortune_host_memory(void);                /* bytes of RAM */

/* ---- output paths (outpath.c): one guard for every writer ------------------ */
/* CONFIG: spliced, INPLACE: read and then rewritten (tune --resume's --results; its reader validates it): any
 * regular file is acceptable for both. The others replace the file: only ortune's own earlier output of the kind. */
typedef enum {
  ORTUNE_OUT_CONFIG, ORTUNE_OUT_RESULTS, ORTUNE_OUT_REPORT, ORTUNE_OUT_CSV, ORTUNE_OUT_TENSOR, ORTUNE_OUT_INPLACE
} ortune_out_kind;
#define ORTUNE_MAX_PATHS 320
/* The start of the CSV header `tune --csv` writes, and the doc_string ortune_tensor_write_pb adds: how an
 * existing file is recognised as ortune's own earlier output (replaced without --force). */
#define ORTUNE_CSV_HEADER_START "id,name,stage,status,"
#define ORTUNE_TENSOR_MARKER "written by ortune"
typedef struct {
  int n;
  struct { const char *path, *what; int output; ortune_out_kind kind; } e[ORTUNE_MAX_PATHS];
} ortune_paths;
/* Add a file the command reads / writes; what names it in messages ("--results", "model"). NULL/"" ignored. */
void ortune_paths_in(ortune_paths *p, const char *what, const char *path);
void ortune_paths_out(ortune_paths *p, const char *what, const char *path, ortune_out_kind kind);
/* ORTUNE_EUSAGE (one line, nothing written) when an output is the same file as another listed path, or exists
 * and is not ortune's own output of its kind (unless force); ORTUNE_EIO when it exists and is not a regular file. */
int ortune_paths_check(const ortune_paths *p, int force);
/* Is the existing file at path ortune's own output of this kind? (A config: always.) */
int ortune_out_is_ours(const char *path, ortune_out_kind kind);
/* ORTUNE_EIO when path cannot be written (read-only file, missing or read-only directory); what: "--results". */
int ortune_out_probe(const char *path, const char *what);

/* ---- tensors (tensorio.c): ORT-free storage, .pb / .npy I/O, comparison ---- */
#define ORTUNE_MAX_DIMS 16
/* dtype values are ONNX TensorProto.DataType, identical to ONNXTensorElementDataType. */
typedef struct ortune_tensor {
  char *name;                     /* owned, may be NULL */
  int dtype;
  int ndim;
  int64_t dims[ORTUNE_MAX_DIMS];
  size_t count;                   /* number of elements (product of dims) */
  void *data;                     /* owned. Packed little-endian elements (4-bit types two per byte);
                                     for STRING: char*[count], each owned, NUL-terminated */
  size_t nbytes;                  /* bytes in data (0 for STRING) */
} ortune_tensor;

const char *ortune_dtype_name(int dtype);           /* "float32", "int64", ... "?" if unknown */
int ortune_dtype_from_name(const char *name);       /* inverse; 0 if unknown */
size_t ortune_dtype_nbytes(int dtype, size_t count);/* storage bytes; 0 for STRING/unknown */
int ortune_tensor_alloc(ortune_tensor *t, const char *name, int dtype, int ndim, const int64_t *dims);
void ortune_tensor_release(ortune_tensor *t);       /* frees contents, zeroes struct */
int ortune_tensor_read_pb(const char *path, ortune_tensor *out);   /* ONNX TensorProto */
int ortune_tensor_write_pb(const char *path, const ortune_tensor *t);
int ortune_tensor_read_npy(const char *path, ortune_tensor *out);  /* NumPy .npy v1-v3 */
int ortune_tensor_write_npy(const char *path, const ortune_tensor *t);
int ortune_tensor_read(const char *path, ortune_tensor *out);      /* by extension */

typedef struct {
  double max_abs, max_rel;   /* over all elements (rel = |a-b|/|b|, |b|>0) */
  size_t mismatches;         /* elements outside atol + rtol*|ref| (or unequal) */
  size_t count;
  int nan_mismatch;          /* NaN on one side only */
  char what[160];            /* one-line description when not within tolerance */
} ortune_diff;
/* Default tolerances for comparing outputs of a dtype (floats loose, ints exact). */
void ortune_default_tol(int dtype, double *rtol, double *atol);
/* Tolerance for comparing outputs of two ORT configurations (tune, compare): given rtol/atol (< 0: default),
 * floats default to rtol 1e-2 and atol 1e-3 * max|ref| (TF32 and other algorithms move floats by ~1e-3 of
 * the output's scale; real breakage moves them by O(scale)); other dtypes keep ortune_default_tol. */
void ortune_config_tol(const ortune_tensor *ref, double rtol, double atol, double *rtol_out, double *atol_out);
/* Largest finite |element| (0 for strings). */
double ortune_tensor_max_abs(const ortune_tensor *t);
/* ORTUNE_OK when got matches want within rtol/atol (negative: per-dtype default);
 * ORTUNE_EMISMATCH otherwise, with d->what filled. d may be NULL. */
int ortune_tensor_compare(const ortune_tensor *got, const ortune_tensor *want,
                          double rtol, double atol, ortune_diff *d);

/* ---- model file (modelinfo.c): read ModelProto header fields without ORT ---- */
typedef struct {
  int64_t ir_version;
  char producer[128];
  char producer_version[64];
  char domain[128];
  int64_t model_version;
  int nopsets;
  struct { char domain[64]; int64_t version; } opsets[16];
  char graph_name[128];
  int ndim_params;                 /* distinct dim_param names of the graph's inputs (first 32) */
  char dim_params[32][64];
} ortune_model_info;
/* ORTUNE_EMODEL with a one-line reason for a file that is not a complete ONNX model. */
int ortune_model_info_read(const char *path, ortune_model_info *out);
/* ORTUNE_EUSAGE naming the first free_dimension_overrides name of cfg that is no dim_param of the model's
 * inputs, with a did-you-mean and the model's names. */
int ortune_model_check_freedims(const ortune_model_info *mi, const ortune_config *cfg);

/* ---- option table (options.c) ------------------------------------------- */
typedef enum { ORTUNE_SCOPE_SESSION, ORTUNE_SCOPE_CUDA, ORTUNE_SCOPE_CPU, ORTUNE_SCOPE_HARNESS } ortune_scope;
typedef enum { ORTUNE_KIND_ENUM, ORTUNE_KIND_BOOL, ORTUNE_KIND_INT, ORTUNE_KIND_BYTES, ORTUNE_KIND_PATH } ortune_kind;

/* How a value reaches ORT (session.c switches on it; no option name is compared there). */
typedef enum {
  ORTUNE_APPLY_SETTER,       /* an OrtApi session-options call, chosen by the row's setter */
  ORTUNE_APPLY_CONFIG_ENTRY, /* AddSessionConfigEntry(name, value) */
  ORTUNE_APPLY_CUDA_OPTION,  /* UpdateCUDAProviderOptions(name, value); a BYTES "max" is ORT's default and not passed */
  ORTUNE_APPLY_HARNESS,      /* ortune's own key: read by the runner/tuner, never passed to ORT */
} ortune_apply;
/* The OrtApi call of an ORTUNE_APPLY_SETTER row (ORTUNE_SETTER_NONE for every other row). */
typedef enum {
  ORTUNE_SETTER_NONE,
  ORTUNE_SETTER_GRAPH_OPT_LEVEL,   /* SetSessionGraphOptimizationLevel, the value's index in values */
  ORTUNE_SETTER_EXECUTION_MODE,    /* SetSessionExecutionMode */
  ORTUNE_SETTER_CPU_MEM_ARENA,     /* EnableCpuMemArena / DisableCpuMemArena */
  ORTUNE_SETTER_MEM_PATTERN,       /* EnableMemPattern / DisableMemPattern */
  ORTUNE_SETTER_INTRA_OP_THREADS,  /* SetIntraOpNumThreads */
  ORTUNE_SETTER_INTER_OP_THREADS,  /* SetInterOpNumThreads */
} ortune_setter;
/* The named search spaces an option belongs to (lib/tune/space.c maps names to bits; seed14 is a fixed list). */
enum {
  ORTUNE_SPACE_CPU = 1 << 0,       /* `--space cpu`: CPU session options */
  ORTUNE_SPACE_CUDA = 1 << 1,      /* `--space cuda`: CUDA EP options */
  ORTUNE_SPACE_CUDA_CORE = 1 << 2, /* `--space cuda-core`: the GPU options that matter, small enough for a grid */
  ORTUNE_SPACE_FULL = 1 << 3,      /* `--space full`: CUDA options and session options except CPU threading */
  ORTUNE_SPACE_STARTUP = 1 << 4,   /* `--space startup`: what session creation and the first run cost */
};

typedef struct ortune_option {
  const char *name;          /* ORT's own name */
  ortune_scope scope;
  ortune_kind kind;
  const char *values;        /* allowed values, '|'-separated (ENUM/BOOL); NULL for INT/BYTES */
  const char *def;           /* ORT's default, as text */
  long long min, max;        /* INT/BYTES range */
  const char *tune_values;   /* values searched by `tune` ('|'-separated), NULL: not tuned */
  const char *help;          /* one line */
  ortune_apply apply;        /* how session.c hands it to ORT */
  ortune_setter setter;      /* for ORTUNE_APPLY_SETTER */
  unsigned spaces;           /* ORTUNE_SPACE_* bits: the spaces that search it (0 when tune_values is NULL) */
} ortune_option;

extern const ortune_option ortune_options[];
extern const int ortune_noptions;
const ortune_option *ortune_option_find(const char *name);
/* The closest known option name to name (for "did you mean"). */
const char *ortune_option_closest(const char *name);
/* Validate and normalise a value (e.g. "True" -> "1", "8GB" -> bytes). norm gets the canonical text. */
int ortune_option_check(const ortune_option *opt, const char *value, char *norm, size_t normlen);
const char *ortune_scope_name(ortune_scope s);

/* Config internals shared with tune/session. */
#define ORTUNE_MAX_FREEDIMS 16
#define ORTUNE_MAX_PROV 40
#define ORTUNE_PROFILE_NAME 64
/* The hardware a profile was tuned on (its `match:` mapping). */
typedef struct {
  int is_cpu;                /* 1: a cpu profile (cpu, cores); 0: a GPU profile (gpu, compute_capability, class) */
  char gpu[96];              /* NVML name, "" = any */
  char cc[24];               /* compute capability "major.minor", "" = any */
  char gpu_class[16];        /* high|mid|entry (ortune_gpu_class), "" = any */
  char cpu[256];             /* CPU model as /proc/cpuinfo names it, "" = any */
  int cores;                 /* 0 = any */
} ortune_profile_match;
struct ortune_config {
  char *value[64];           /* per option index: canonical value, NULL = ORT default */
  int nfree;
  struct { char name[64]; int64_t value; } freedim[ORTUNE_MAX_FREEDIMS];
  int nprov;
  struct { char key[48]; char *value; } prov[ORTUNE_MAX_PROV];
  char profile[ORTUNE_PROFILE_NAME]; /* the profile this came from (and save writes to); "" = the default */
  char profile_why[512];     /* how the loader chose it */
  ortune_profile_match match;/* the profile's match (meaningful when profile[0]) */
};
/* Effective value (set or default) of option idx. */
const char *ortune_config_value(const ortune_config *cfg, int idx);
int ortune_option_index(const char *name);
/* One-line "k=v, k=v" summary of the options set (non-default) in cfg. */
void ortune_config_summary(const ortune_config *cfg, char *buf, size_t len);
/* Render the onnxruntime: section as YAML text (owned by caller). */
char *ortune_config_to_yaml(const ortune_config *cfg);

/* ---- profiles (profiles.c; the YAML side in config.c) -------------------- */
/* The machine running now, as profile selection sees it. */
typedef struct {
  int gpu;                   /* 1: the CUDA EP loads and NVML lists GPU device_id */
  char gpu_name[96], cc[24], gpu_class[16];
  char cpu[256];
  int cores;
  char why[256];             /* why no GPU (gpu == 0) */
  int simulated;             /* ORTUNE_TEST_GPU was set (tests only) */
} ortune_device_identity;
int ortune_device_identify(int device_id, ortune_device_identity *d);
void ortune_device_describe(const ortune_device_identity *d, char *buf, size_t len);
typedef struct {
  char name[ORTUNE_PROFILE_NAME];
  ortune_profile_match match;
} ortune_profile_entry;
/* The documented rule (docs/config.md): index of the chosen profile, -1 for the default, or -2 with the error set
 * (no match and no default; the message names path and the profiles present). why: the reason, one line. */
int ortune_profile_select(const ortune_profile_entry *p, int n, int has_default, const ortune_device_identity *d,
                          const char *path, char *why, size_t whylen);
void ortune_match_describe(const ortune_profile_match *m, char *buf, size_t len);
int ortune_match_same_machine(const ortune_profile_match *a, const ortune_profile_match *b);
/* Is s usable as a profile name (1-63 of [A-Za-z0-9._-], not "default" or "auto")? */
int ortune_profile_name_valid(const char *s);
/* A profile name for a machine: "nvidia-h100-80gb-hbm3", "cpu-amd-epyc-7b13-16c". */
void ortune_profile_auto_name(const ortune_profile_match *m, char *buf, size_t len);
/* The match of this machine: its GPU when gpu and it has one, else its CPU. */
void ortune_match_from_device(const ortune_device_identity *d, int gpu, ortune_profile_match *m);
/* The match a single-profile config was tuned on, from its provenance (gpu, gpu_detail, cpu, host); 0 if none.
 * (provenance.c) */
int ortune_match_from_provenance(const ortune_config *cfg, ortune_profile_match *m);
/* Every profile of the config file at path: names and matches (*out malloc'ed, NULL when none) and whether the
 * section has a default (top-level keys besides profiles:). Validates the whole file. */
int ortune_config_list_profiles(const char *path, ortune_profile_entry **out, int *n, int *has_default);
/* What ortune_config_save does, on text in memory: the new file text (caller frees). label names the file in errors. */
int ortune_config_splice_text(const ortune_config *cfg, const char *label, const char *old, size_t oldlen, char **out);
/* old without its onnxruntime: section (key, value and the comments inside it); caller frees *out. */
int ortune_config_drop_section_text(const char *label, const char *old, size_t oldlen, char **out);
/* Load from text in memory (label names it in errors); profile as for ortune_config_load_profile. */
int ortune_config_load_text(ortune_config **out, const char *label, const char *text, size_t len, const char *profile);

/* ---- session (session.c) -------------------------------------------------- */
/* Hand one option's canonical value to so through the row's apply column (SETTER, CONFIG_ENTRY); CUDA options go
 * with the CUDA EP when it is appended, harness keys never reach ORT (both: ORTUNE_OK, nothing done). */
int ortune_option_apply(const OrtApi *api, OrtSessionOptions *so, const ortune_option *o, const char *value);
/* The model file a session for model_path opens under cfg: model_path, or cfg's model_override (relative to
 * model_path's directory), which must exist and match provenance model_override_sha256 when that is recorded. */
int ortune_config_model_path(const ortune_config *cfg, const char *model_path, char *out, size_t outlen);
/* Build OrtSessionOptions from cfg (CUDA EP appended when provider=cuda). */
int ortune_session_options_build(const ortune_config *cfg, OrtSessionOptions **out);
/* The same, with ORT's CUDA work on the given stream (user_compute_stream); NULL: ORT's own. */
int ortune_session_options_build_stream(const ortune_config *cfg, void *cuda_stream, OrtSessionOptions **out);

/* ---- start-up: the optimized-model cache (optcache.c) ---------------------- */
enum { ORTUNE_OPTCACHE_OFF = 0, ORTUNE_OPTCACHE_HIT, ORTUNE_OPTCACHE_MISS, ORTUNE_OPTCACHE_UNWRITABLE };
/* The cache file for model under cfg (a sha256 name in the cache directory); -1 when the model cannot be cached. */
int ortune_optcache_path(const char *model, const ortune_config *cfg, char *out, size_t len);
/* sha256 of a file, remembered in the cache directory against its size, mtime and inode (re-hashed when one
 * changes); the plain ortune_sha256_file when there is no cache. */
int ortune_sha256_file_cached(const char *path, char hex[65]);
/* Make path's directory (0700) and name a temp file beside path for ORT to write into; -1 when it cannot be written. */
int ortune_optcache_prepare(const char *path, char *tmp, size_t len);
/* CreateSession for model with so (built from cfg, on cuda_stream): with optimized_model_cache: 1, from the cached
 * optimized graph (hit), or from the model while writing that graph into the cache (miss), or from the model alone
 * when the cache cannot be used (unwritable); without it, from the model (off). ORTUNE_OK or an ORT error.
 * (session.c) */
int ortune_session_create_cached(OrtEnv *env, const char *model, const ortune_config *cfg, void *cuda_stream,
                                 OrtSessionOptions *so, OrtSession **out, int *hit);

/* ---- GPU (gpu.c) ----------------------------------------------------------- */
/* Device memory in use on device dev (bytes) through cudaMemGetInfo, -1 if unknown. */
long long ortune_gpu_mem_used(int dev);
/* GPU class from the seed's guide: "high", "mid", "entry" or "none". */
const char *ortune_gpu_class(const ortune_gpu *g);
/* CUDA_VISIBLE_DEVICES (cvd, NULL: unset) over n NVML GPUs with these UUIDs: map[k] = the NVML index of CUDA
 * device k; returns how many CUDA sees. */
int ortune_cuda_visible(const char *cvd, const char (*uuids)[96], int n, int *map, int max);

#endif
