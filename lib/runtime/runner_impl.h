/* runner_impl.h - the runner's insides, shared by runner.c (API, plain path) and runner_graph.c (CUDA graphs,
 * device buffers). Not installed. */
#ifndef ORTUNE_RUNNER_IMPL_H
#define ORTUNE_RUNNER_IMPL_H
#include "harness.h"
#include <pthread.h>

typedef struct {
  char *name;
  int dtype, is_tensor;
  int ndim;                                /* -1: unknown rank */
  int64_t dims[ORTUNE_MAX_DIMS];
  char *dim_names[ORTUNE_MAX_DIMS];
} runner_io;

/* An output of the last run: where it is and what it looks like. */
typedef struct {
  int dtype, ndim, on_device;
  int64_t dims[ORTUNE_VALUE_MAX_DIMS];
  void *data;
  size_t nbytes;
} runner_last;

/* A CUDA graph for one set of input shapes: fixed device buffers, pinned staging, its gpu_graph_id. */
typedef struct {
  int used, outputs_bound;
  int ndim[ORTUNE_MAX_IO];
  int64_t dims[ORTUNE_MAX_IO][ORTUNE_VALUE_MAX_DIMS];
  OrtIoBinding *bind;
  OrtRunOptions *ro, *ro_skip;
  OrtValue *din[ORTUNE_MAX_IO], *dout[ORTUNE_MAX_IO];
  void *din_ptr[ORTUNE_MAX_IO], *dout_ptr[ORTUNE_MAX_IO];
  void *pin_in[ORTUNE_MAX_IO], *pin_out[ORTUNE_MAX_IO];
  size_t in_bytes[ORTUNE_MAX_IO];
  const void *seen[ORTUNE_MAX_IO];         /* the caller's last input buffer, and whether it is pinned */
  int seen_pinned[ORTUNE_MAX_IO];
  runner_last out[ORTUNE_MAX_IO];
} runner_slot;

struct ortune_runner {
  OrtSession *s;
  ortune_config *cfg;
  void *stream;                            /* ORT's user_compute_stream (CUDA), owned */
  int cuda, graph, io_device;
  int pinned_staging;                      /* ORTUNE_HOST_STAGING=pinned (bench knob): pageable inputs via our staging */
  int optcache;                            /* ORTUNE_OPTCACHE_*: how the session was created (optimized_model_cache) */
  int nin, nout;
  runner_io *in, *out;
  const char *in_names[ORTUNE_MAX_IO], *out_names[ORTUNE_MAX_IO];
  OrtMemoryInfo *cpu_mi, *cuda_mi;
  OrtAllocator *cuda_alloc;
  /* plain path */
  OrtValue *out_vals[ORTUNE_MAX_IO];
  char **str_out[ORTUNE_MAX_IO];
  size_t str_count[ORTUNE_MAX_IO];
  /* graph path */
  runner_slot *slots[ORTUNE_RUNNER_MAX_SHAPES];
  int nslots;
  /* device path without graphs */
  OrtIoBinding *dbind;
  OrtValue **dvals;
  size_t ndvals;
  /* the last run */
  runner_last last[ORTUNE_MAX_IO];
  int have_last;
  /* the tuner's bound host tensors (and their device copies for io=device) */
  const ortune_tensor *bound;
  int nbound;
  ortune_value *bvals;
  OrtValue *bdev[ORTUNE_MAX_IO];
  char *stale;
  pthread_mutex_t lock;
};

size_t ortune_value_count(const ortune_value *v);
int ortune_runner_order_inputs(const ortune_runner *r, const ortune_value *in, int nin, const ortune_value **ord, int device);
int ortune_runner_note_output(ortune_runner *r, int k, OrtValue *v);
int ortune_runner_deliver(ortune_runner *r, int k, ortune_value *o);
int ortune_runner_deliver_all(ortune_runner *r, ortune_value *out, int nout);
/* runner_graph.c */
int ortune_runner_graph_run(ortune_runner *r, const ortune_value **ord, int device);
int ortune_runner_device_run(ortune_runner *r, const ortune_value **ord);
void ortune_runner_graph_release(ortune_runner *r);
#endif
