/* options.c - the one table of every option ortune knows: scope, kind, values, ORT default, search values. */
#include "internal.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define B ORTUNE_KIND_BOOL
#define E ORTUNE_KIND_ENUM
#define I ORTUNE_KIND_INT
#define Z ORTUNE_KIND_BYTES
#define P ORTUNE_KIND_PATH
#define SES ORTUNE_SCOPE_SESSION
#define CUDA ORTUNE_SCOPE_CUDA
#define HAR ORTUNE_SCOPE_HARNESS
/* how it reaches ORT (apply, setter) */
#define SET(x) ORTUNE_APPLY_SETTER, ORTUNE_SETTER_##x
#define ENTRY ORTUNE_APPLY_CONFIG_ENTRY, ORTUNE_SETTER_NONE
#define EP ORTUNE_APPLY_CUDA_OPTION, ORTUNE_SETTER_NONE
#define OWN ORTUNE_APPLY_HARNESS, ORTUNE_SETTER_NONE
/* the spaces that search it */
#define SP_CPU ORTUNE_SPACE_CPU
#define SP_CUDA ORTUNE_SPACE_CUDA
#define SP_CORE ORTUNE_SPACE_CUDA_CORE
#define SP_FULL ORTUNE_SPACE_FULL
#define SP_STARTUP ORTUNE_SPACE_STARTUP

/* Sorted by name. Columns: name, scope, kind, allowed values, ORT default, min, max, tune_values (what `tune` tries,
 * first = ORT's default where it is one of them), help, how it reaches ORT (SET(setter) | ENTRY | EP | OWN), the
 * spaces that search it. Adding an option is adding a row: session.c and space.c compare no names. */
const ortune_option ortune_options[] = {
  {"arena_extend_strategy", CUDA, E, "kNextPowerOfTwo|kSameAsRequested", "kNextPowerOfTwo", 0, 0,
   "kNextPowerOfTwo|kSameAsRequested", "how the CUDA memory arena grows: doubling chunks or exactly what was asked",
   EP, SP_CUDA | SP_FULL},
  {"cudnn_conv1d_pad_to_nc1d", CUDA, B, "0|1", "0", 0, 0, NULL,
   "pad 1-D convolutions to NC1D instead of NCD1 for cuDNN", EP, 0},
  {"cudnn_conv_algo_search", CUDA, E, "EXHAUSTIVE|HEURISTIC|DEFAULT", "EXHAUSTIVE", 0, 0,
   "EXHAUSTIVE|HEURISTIC|DEFAULT", "how cuDNN picks convolution algorithms: benchmark all, heuristics, or a fixed default",
   EP, SP_CUDA | SP_CORE | SP_FULL | SP_STARTUP},
  {"cudnn_conv_use_max_workspace", CUDA, B, "0|1", "1", 0, 0, "1|0",
   "let cuDNN use as much workspace as the fastest algorithm wants", EP, SP_CUDA | SP_CORE | SP_FULL},
  {"device_id", CUDA, I, NULL, "0", 0, 64, NULL, "the GPU to run on", EP, 0},
  {"do_copy_in_default_stream", CUDA, B, "0|1", "1", 0, 0, "1|0",
   "do host/device copies in the default CUDA stream (1) or the compute stream (0)", EP, SP_CUDA | SP_CORE | SP_FULL},
  {"enable_cpu_mem_arena", SES, B, "0|1", "1", 0, 0, "1|0", "pool CPU allocations in an arena",
   SET(CPU_MEM_ARENA), SP_CPU | SP_FULL},
  {"enable_cuda_graph", CUDA, B, "0|1", "0", 0, 0, "0|1",
   "capture the whole run as a CUDA graph and replay it (fixed shapes and device addresses)",
   EP, SP_CUDA | SP_CORE | SP_FULL},
  {"enable_mem_pattern", SES, B, "0|1", "1", 0, 0, "1|0", "plan CPU buffers from the first run's allocation pattern",
   SET(MEM_PATTERN), SP_CPU | SP_FULL},
  {"execution_mode", SES, E, "ORT_SEQUENTIAL|ORT_PARALLEL", "ORT_SEQUENTIAL", 0, 0, "ORT_SEQUENTIAL|ORT_PARALLEL",
   "run graph nodes one at a time, or independent branches in parallel", SET(EXECUTION_MODE), SP_CPU | SP_FULL},
  {"fuse_conv_bias", CUDA, B, "0|1", "0", 0, 0, "0|1", "fuse convolution and bias in cuDNN (frontend API)",
   EP, SP_CUDA | SP_FULL},
  {"gpu_mem_limit", CUDA, Z, NULL, "max", 0, 0, NULL,
   "cap on the CUDA arena in bytes (alias gpu_mem_limit_gb in GiB); max = unlimited", EP, 0},
  {"graph_optimization_level", SES, E, "ORT_DISABLE_ALL|ORT_ENABLE_BASIC|ORT_ENABLE_EXTENDED|ORT_ENABLE_LAYOUT|ORT_ENABLE_ALL",
   "ORT_ENABLE_ALL", 0, 0, "ORT_ENABLE_ALL|ORT_ENABLE_EXTENDED|ORT_ENABLE_BASIC", "graph rewrites applied when the session is created",
   SET(GRAPH_OPT_LEVEL), SP_CPU | SP_FULL | SP_STARTUP},
  {"inter_op_num_threads", SES, I, NULL, "0", 0, 1024, NULL,
   "threads running independent nodes in ORT_PARALLEL mode (0 = ORT picks)", SET(INTER_OP_THREADS), 0},
  {"intra_op_num_threads", SES, I, NULL, "0", 0, 1024, "bisect",
   "threads inside one operator (0 = ORT picks: the physical cores)", SET(INTRA_OP_THREADS), SP_CPU},
  {"io", HAR, E, "host|device", "host", 0, 0, NULL,
   "harness: inputs from host memory each run, or bound on the GPU with IO binding", OWN, 0},
  {"model_override", HAR, P, NULL, "", 0, 0, NULL,
   "open this model file instead of the one the application names (relative to that model's directory); tune writes it",
   OWN, 0},
  {"optimized_model_cache", HAR, B, "0|1", "0", 0, 0, "0|1",
   "start-up: keep ORT's optimized graph in ~/.cache/ortune/optimized and open it, optimizers off, on later starts",
   OWN, SP_STARTUP},
  {"prefer_nhwc", CUDA, B, "0|1", "0", 0, 0, "0|1", "use NHWC convolution kernels (tensor-core friendly layout)",
   EP, SP_CUDA | SP_CORE | SP_FULL},
  {"provider", HAR, E, "cpu|cuda", "cpu", 0, 0, NULL, "execution provider: cpu or cuda", OWN, 0},
  {"session.dynamic_block_base", SES, I, NULL, "0", 0, 1024, "0|4",
   "split parallel loops into shrinking blocks (first block N / (threads x this)); 0 = off", ENTRY, SP_CPU},
  {"session.inter_op.allow_spinning", SES, B, "0|1", "1", 0, 0, NULL,
   "inter-op worker threads (ORT_PARALLEL) spin waiting for work (lower latency, more CPU)", ENTRY, 0},
  {"session.intra_op.allow_spinning", SES, B, "0|1", "1", 0, 0, "1|0",
   "intra-op worker threads spin waiting for work (lower latency, more CPU)", ENTRY, SP_CPU},
  {"session.set_denormal_as_zero", SES, B, "0|1", "0", 0, 0, "0|1",
   "flush denormal floats to zero on the CPU (FTZ/DAZ): avoids slow denormal math, may change outputs slightly",
   ENTRY, SP_CPU},
  {"tunable_op_enable", CUDA, B, "0|1", "0", 0, 0, "0|1", "use TunableOp kernels where ORT has them", EP, SP_CUDA | SP_FULL},
  {"tunable_op_max_tuning_duration_ms", CUDA, I, NULL, "0", 0, 600000, NULL,
   "time limit for TunableOp tuning of one op (0 = ORT's default)", EP, 0},
  {"tunable_op_tuning_enable", CUDA, B, "0|1", "0", 0, 0, "0|1", "let TunableOp tune (measure) kernels online",
   EP, SP_CUDA | SP_FULL},
  {"use_tf32", CUDA, B, "0|1", "1", 0, 0, "1|0", "allow TF32 tensor-core math for float32 conv/matmul",
   EP, SP_CUDA | SP_FULL},
};
const int ortune_noptions = (int)(sizeof ortune_options / sizeof ortune_options[0]);

_Static_assert(sizeof ortune_options / sizeof ortune_options[0] <= 64, "config holds at most 64 options");

int ortune_option_index(const char *name) {
  int lo = 0, hi = ortune_noptions - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strcmp(name, ortune_options[mid].name);
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

const ortune_option *ortune_option_find(const char *name) {
  int i = ortune_option_index(name);
  return i < 0 ? NULL : &ortune_options[i];
}

const char *ortune_option_closest(const char *name) {
  const char *best = ortune_options[0].name;
  int bestd = 1 << 30;
  for (int i = 0; i < ortune_noptions; i++) {
    int d = ortune_edit_distance(name, ortune_options[i].name);
    /* a prefix or substring is a strong hint too */
    if (strstr(ortune_options[i].name, name) || strstr(name, ortune_options[i].name)) d = d < 3 ? d : 3;
    if (d < bestd) { bestd = d; best = ortune_options[i].name; }
  }
  return best;
}

const char *ortune_scope_name(ortune_scope s) {
  switch (s) {
    case ORTUNE_SCOPE_SESSION: return "session";
    case ORTUNE_SCOPE_CUDA: return "cuda";
    case ORTUNE_SCOPE_CPU: return "cpu";
    case ORTUNE_SCOPE_HARNESS: return "harness";
  }
  return "?";
}

static int parse_bool(const char *v) {
  static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
  for (int i = 0; i < 4; i++) {
    if (!strcasecmp(v, yes[i])) return 1;
    if (!strcasecmp(v, no[i])) return 0;
  }
  return -1;
}

/* "8589934592", "8GB", "8GiB", "512MiB", "1.5G" -> bytes (binary units). */
static int parse_bytes(const char *v, unsigned long long *out) {
  errno = 0;
  char *end;
  double x = strtod(v, &end);
  if (end == v || errno || !(x >= 0)) return -1; /* !(x >= 0): also refuses "nan" */
  while (*end == ' ') end++;
  double mul = 1;
  if (*end) {
    char u = (char)toupper((unsigned char)*end);
    if (u == 'K') mul = 1024.0;
    else if (u == 'M') mul = 1024.0 * 1024;
    else if (u == 'G') mul = 1024.0 * 1024 * 1024;
    else if (u == 'T') mul = 1024.0 * 1024 * 1024 * 1024;
    else if (u != 'B') return -1;
    end++;
    if (u != 'B') {
      if (*end == 'i' || *end == 'I') end++;
      if (*end == 'B' || *end == 'b') end++;
    }
    if (*end) return -1;
  }
  double b = x * mul;
  if (!(b <= 1.8e19)) return -1;
  *out = (unsigned long long)b;
  return 0;
}

int ortune_option_check(const ortune_option *opt, const char *value, char *norm, size_t normlen) {
  switch (opt->kind) {
    case ORTUNE_KIND_BOOL: {
      int b = parse_bool(value);
      if (b < 0) break;
      snprintf(norm, normlen, "%d", b);
      return ORTUNE_OK;
    }
    case ORTUNE_KIND_ENUM: {
      const char *p = opt->values;
      while (p && *p) {
        size_t n = strcspn(p, "|");
        if (strlen(value) == n && !strncasecmp(value, p, n)) {
          snprintf(norm, normlen, "%.*s", (int)n, p);
          return ORTUNE_OK;
        }
        p += n + (p[n] == '|');
      }
      break;
    }
    case ORTUNE_KIND_INT: {
      errno = 0;
      char *end;
      long long x = strtoll(value, &end, 10);
      if (end == value || *end || errno || x < opt->min || x > opt->max) {
        return ortune_set_error(ORTUNE_EVALUE, "%s: '%s' is not a whole number from %lld to %lld", opt->name, value,
                                opt->min, opt->max);
      }
      snprintf(norm, normlen, "%lld", x);
      return ORTUNE_OK;
    }
    case ORTUNE_KIND_PATH: {
      size_t n = strlen(value);
      if (n >= normlen || strpbrk(value, "\n\r")) /* "": none */
        return ortune_set_error(ORTUNE_EVALUE, "%s: '%.64s' is not a file name (too long or several lines)", opt->name, value);
      snprintf(norm, normlen, "%s", value);
      return ORTUNE_OK;
    }
    case ORTUNE_KIND_BYTES: {
      unsigned long long b;
      if (!strcasecmp(value, "max") || !strcasecmp(value, "unlimited")) {
        snprintf(norm, normlen, "max");
        return ORTUNE_OK;
      }
      if (parse_bytes(value, &b) != 0 || b == 0)
        return ortune_set_error(ORTUNE_EVALUE, "%s: '%s' is not a size: give bytes (8589934592), a size like 8GiB, or max",
                                opt->name, value);
      snprintf(norm, normlen, "%llu", b);
      return ORTUNE_OK;
    }
  }
  char allowed[256];
  snprintf(allowed, sizeof allowed, "%s", opt->values);
  for (char *c = allowed; *c; c++)
    if (*c == '|') *c = ',';
  return ortune_set_error(ORTUNE_EVALUE, "%s: '%s' is not allowed: use one of %s", opt->name, value, allowed);
}
