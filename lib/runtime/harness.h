/* harness.h - inputs for any model, the inference runner (host or device IO), and latency measurement (internal). */
#ifndef ORTUNE_HARNESS_H
#define ORTUNE_HARNESS_H
#include "internal.h"

#define ORTUNE_MAX_IO 64

/* ---- model inputs/outputs as ORT sees them (inputs.c) ---- */
typedef struct {
  char *name;                /* owned (any length) */
  int is_tensor;             /* 0: sequence, map, optional: not fed by ortune */
  int dtype;
  int ndim;                  /* -1: unknown rank */
  int64_t dims[ORTUNE_MAX_DIMS]; /* -1 where dynamic */
  char symbolic[ORTUNE_MAX_DIMS][64];
} ortune_io_desc;
/* Describe the session's inputs (outputs=0) or outputs (1). Free *out with ortune_io_free. */
int ortune_session_io(OrtSession *s, int outputs, ortune_io_desc **out, int *n);
void ortune_io_free(ortune_io_desc *d, int n);
/* "1x3x?x640"-style text of a desc's shape with symbolic names. */
void ortune_io_shape_str(const ortune_io_desc *d, char *buf, size_t len);

/* ---- input specification from the command line ---- */
#define ORTUNE_MAX_NAME 512  /* input names given on the command line (--shape, --input) */
typedef struct {
  char name[ORTUNE_MAX_NAME]; /* empty: the first input */
  int ndim;
  int64_t dims[ORTUNE_MAX_DIMS];
} ortune_shape_arg;

typedef struct {
  int nshapes;
  ortune_shape_arg shapes[16];
  int nfiles;
  /* name empty: positional. path: a .npy/.pb file, or "range:LO:HI" (seeded random values in [LO, HI]),
   * or "value:V" (every element V) */
  struct { char name[ORTUNE_MAX_NAME]; char path[1024]; } files[ORTUNE_MAX_IO];
  char dir[1024];            /* a test_data_set dir: input_N.pb (empty: none) */
  uint64_t seed;
} ortune_input_spec;

/* "name=1x3x640x640" or "1x3x640x640". */
int ortune_shape_parse(const char *arg, ortune_shape_arg *out);
/* "name=value" (value >= 1). */
int ortune_freedim_parse(const char *arg, char *name, size_t namelen, int64_t *value);
/* "name=path", "path", "name=range:LO:HI" or "name=value:V". */
int ortune_input_arg_parse(ortune_input_spec *spec, const char *arg);
/* What an --input source is: ORTUNE_SRC_FILE, or RANGE (lo..hi) / VALUE (lo) when path is such a
 * generator and no file of that name exists. */
enum { ORTUNE_SRC_FILE, ORTUNE_SRC_RANGE, ORTUNE_SRC_VALUE };
int ortune_input_source(const char *path, double *lo, double *hi);
/* Make one host tensor per model input: from files, or random (seeded, identical
 * across processes). Unresolved dynamic dims are an error naming input and dim. */
int ortune_inputs_make(OrtSession *s, const ortune_config *cfg, const ortune_input_spec *spec, ortune_tensor **out, int *n);
void ortune_tensors_free(ortune_tensor *t, int n);
/* Overwrite the random inputs' values with another seeded random set (same shapes); inputs the spec
 * gives (files, value:) are kept as given, range: inputs get another draw in their range. */
int ortune_inputs_refill(const ortune_input_spec *spec, ortune_tensor *t, int n, uint64_t seed);
/* rc from running the model with inputs made by ortune_inputs_make: when some integer inputs were
 * synthetic (random 0..3), append a hint to give them real values with --input; returns rc. */
int ortune_inputs_hint(int rc, const ortune_input_spec *spec, const ortune_tensor *t, int n);

/* ---- the runner (runner.c, public API in ortune.h): the tuner's entry points ---- */
/* Open with the failing step named in *phase ("options", "create", "inputs") and the session create time. */
int ortune_runner_open_ex(const char *model, const ortune_config *cfg, ortune_runner **out, const char **phase, double *create_ms);
/* How the runner's session was created: ORTUNE_OPTCACHE_OFF, _HIT (from the cached optimized graph), _MISS (written
 * into the cache), _UNWRITABLE (the cache could not be used). */
int ortune_runner_optcache(const ortune_runner *r);
/* Bind host tensors (kept by the caller) for ortune_runner_run_bound; with io=device they are uploaded once. */
int ortune_runner_bind_tensors(ortune_runner *r, const ortune_tensor *in, int nin);
/* One run of the bound tensors through the public run (host tensors, or device copies for io=device). */
int ortune_runner_run_bound(ortune_runner *r);
/* The bound host tensors changed in place: bring the device copies up to date (no-op for io=host). */
int ortune_runner_refresh(ortune_runner *r);
/* Copy the last run's outputs to host tensors (caller frees with ortune_tensors_free). */
int ortune_runner_outputs(ortune_runner *r, ortune_tensor **outs, int *n);
/* The CUDA stream ORT computes on (NULL on the CPU). */
void *ortune_runner_stream(ortune_runner *r);

/* ---- measurement (measure.c) ---- */
typedef struct {
  int min_runs;          /* timed runs at least (default 30) */
  int max_runs;          /* at most (default 100000) */
  double duration_s;     /* timed for at least this long (default 2 s) */
  double warmup_max_s;   /* warm-up stops here even if not steady (default 3 s) */
  double max_s;          /* 0, or a hard limit for warm-up + timed runs (a --budget): at least 3 timed runs */
  double delay_ms;       /* test-only: added to every run (ORTUNE_TEST_FAULT=slow@...) */
  double cutoff_ms;      /* racing: stop after warm-up when slower than 1.5x this (0: never) */
  void *stream;          /* CUDA events are recorded on this stream (ORT's user_compute_stream): harness overhead check */
} ortune_bench_opts;
void ortune_bench_opts_default(ortune_bench_opts *o);

typedef struct {
  double create_ms, first_run_ms, warmup_s;
  int warmup_runs, runs;
  double p50, p90, p99, mean, min, max, cv; /* ms */
  double *lat;                /* ms, runs entries, owned */
  double peak_host_mb, peak_gpu_mb;  /* -1 unknown */
  int dropped;                /* racing cut it short after warm-up */
  double event_p50;           /* ms, p50 of CUDA-event time per run (event_timing), else 0 */
} ortune_measure;
/* Warm up until steady, then time runs. */
int ortune_measure_run(ortune_runner *r, const ortune_bench_opts *o, ortune_measure *m);
void ortune_measure_free(ortune_measure *m);
/* Percentile (0..100) of sorted values. */
double ortune_percentile(const double *sorted, int n, double pct);
void ortune_stats(double *v, int n, ortune_measure *m); /* sorts v; fills p50..cv */

#endif
