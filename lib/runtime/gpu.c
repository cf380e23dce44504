/* gpu.c - GPU discovery (NVML) and CUDA runtime calls, all loaded at run time so CPU-only boxes need nothing. */
#define _GNU_SOURCE
#include "internal.h"
#include "gpu.h"
#include <dlfcn.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- CUDA EP availability ------------------------------------------------------ */

/* The directory holding the libonnxruntime that is loaded (the CUDA EP must sit there). */
int ortune_ort_lib_dir(char *buf, size_t len) {
  Dl_info info;
  if (!dladdr((void *)OrtGetApiBase, &info) || !info.dli_fname) return -1;
  snprintf(buf, len, "%s", info.dli_fname);
  char *slash = strrchr(buf, '/');
  if (!slash) return -1;
  *slash = '\0';
  return 0;
}

static const char *const cuda_deps[] = {"libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10",
                                        "libcufft.so.12",  "libcudnn.so.9"};

int ortune_cuda_probe(char *why, size_t whylen) {
  char dir[PATH_MAX], ep[PATH_MAX + 64];
  if (why && whylen) why[0] = '\0';
  if (ortune_ort_lib_dir(dir, sizeof dir) != 0) snprintf(dir, sizeof dir, ".");
  snprintf(ep, sizeof ep, "%s/libonnxruntime_providers_cuda.so", dir);
  void *h = dlopen(ep, RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
  if (h) { /* already loaded by ORT */
    dlclose(h);
    return ORTUNE_OK;
  }
  FILE *f = fopen(ep, "rb");
  if (!f) {
    if (why)
      snprintf(why, whylen, "libonnxruntime_providers_cuda.so is not in %s: rebuild with -DORTUNE_WITH_CUDA=ON "
               "(scripts/fetch-onnxruntime --with-cuda) or point -DORT_ROOT at a GPU build of ORT", dir);
    return ORTUNE_ENOCUDA;
  }
  fclose(f);
  for (size_t i = 0; i < sizeof cuda_deps / sizeof cuda_deps[0]; i++) {
    void *d = dlopen(cuda_deps[i], RTLD_LAZY | RTLD_LOCAL);
    if (!d) {
      if (why)
        snprintf(why, whylen, "%s cannot be loaded (CUDA 13 / cuDNN 9 needed by the CUDA EP): install it or add its "
                 "directory to LD_LIBRARY_PATH", cuda_deps[i]);
      return ORTUNE_ENOCUDA;
    }
    dlclose(d);
  }
  return ORTUNE_OK;
}

/* ---- CUDA runtime (libcudart.so.13) -------------------------------------------- */

typedef int (*cuda_getcount_fn)(int *);
typedef int (*cuda_meminfo_fn)(size_t *, size_t *);
typedef int (*cuda_setdev_fn)(int);
typedef int (*cuda_attr_fn)(int *, int, int);
typedef int (*cuda_malloc_fn)(void **, size_t);
typedef int (*cuda_free_fn)(void *);
typedef int (*cuda_memcpy_fn)(void *, const void *, size_t, int);
typedef int (*cuda_stream_fn)(void **);
typedef int (*cuda_evcreate_fn)(void **);
typedef int (*cuda_evrecord_fn)(void *, void *);
typedef int (*cuda_evsync_fn)(void *);
typedef int (*cuda_evelapsed_fn)(float *, void *, void *);
typedef int (*cuda_memcpyasync_fn)(void *, const void *, size_t, int, void *);
typedef int (*cuda_streamsync_fn)(void *);
typedef int (*cuda_hostalloc_fn)(void **, size_t, unsigned);
typedef int (*cuda_freehost_fn)(void *);
typedef int (*cuda_streamdestroy_fn)(void *);
typedef int (*cuda_ptrattr_fn)(void *, const void *);

static struct {
  int tried;
  void *h;
  cuda_getcount_fn count;
  cuda_meminfo_fn meminfo;
  cuda_setdev_fn setdev;
  cuda_attr_fn attr;
  cuda_malloc_fn malloc_;
  cuda_free_fn free_;
  cuda_memcpy_fn memcpy_;
  cuda_stream_fn stream_create;
  cuda_evcreate_fn ev_create;
  cuda_evrecord_fn ev_record;
  cuda_evsync_fn ev_sync;
  cuda_evelapsed_fn ev_elapsed;
  cuda_memcpyasync_fn memcpy_async;
  cuda_streamsync_fn stream_sync;
  cuda_hostalloc_fn host_alloc;
  cuda_freehost_fn free_host;
  cuda_streamdestroy_fn stream_destroy;
  cuda_ptrattr_fn ptr_attr;
} rt;
static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

static void cudart_load(void) {
  {
    rt.tried = 1;
    rt.h = dlopen("libcudart.so.13", RTLD_LAZY | RTLD_LOCAL);
    if (rt.h) {
      rt.count = (cuda_getcount_fn)dlsym(rt.h, "cudaGetDeviceCount");
      rt.meminfo = (cuda_meminfo_fn)dlsym(rt.h, "cudaMemGetInfo");
      rt.setdev = (cuda_setdev_fn)dlsym(rt.h, "cudaSetDevice");
      rt.attr = (cuda_attr_fn)dlsym(rt.h, "cudaDeviceGetAttribute");
      rt.malloc_ = (cuda_malloc_fn)dlsym(rt.h, "cudaMalloc");
      rt.free_ = (cuda_free_fn)dlsym(rt.h, "cudaFree");
      rt.memcpy_ = (cuda_memcpy_fn)dlsym(rt.h, "cudaMemcpy");
      rt.stream_create = (cuda_stream_fn)dlsym(rt.h, "cudaStreamCreate");
      rt.ev_create = (cuda_evcreate_fn)dlsym(rt.h, "cudaEventCreate");
      rt.ev_record = (cuda_evrecord_fn)dlsym(rt.h, "cudaEventRecord");
      rt.ev_sync = (cuda_evsync_fn)dlsym(rt.h, "cudaEventSynchronize");
      rt.ev_elapsed = (cuda_evelapsed_fn)dlsym(rt.h, "cudaEventElapsedTime");
      rt.memcpy_async = (cuda_memcpyasync_fn)dlsym(rt.h, "cudaMemcpyAsync");
      rt.stream_sync = (cuda_streamsync_fn)dlsym(rt.h, "cudaStreamSynchronize");
      rt.host_alloc = (cuda_hostalloc_fn)dlsym(rt.h, "cudaHostAlloc");
      rt.free_host = (cuda_freehost_fn)dlsym(rt.h, "cudaFreeHost");
      rt.stream_destroy = (cuda_streamdestroy_fn)dlsym(rt.h, "cudaStreamDestroy");
      rt.ptr_attr = (cuda_ptrattr_fn)dlsym(rt.h, "cudaPointerGetAttributes");
      if (!rt.count || !rt.meminfo || !rt.setdev || !rt.attr || !rt.malloc_ || !rt.free_ || !rt.memcpy_ ||
          !rt.memcpy_async || !rt.stream_sync || !rt.host_alloc || !rt.free_host || !rt.stream_destroy)
        rt.h = NULL;
    }
  }
}

/* Loaded once per process (thread-safe); 1 when the CUDA runtime is usable. */
static int cudart(void) {
  pthread_once(&rt_once, cudart_load);
  return rt.h != NULL;
}

#define CUDART_OR_FAIL()                                                                                          \
  do {                                                                                                            \
    if (!cudart()) return ortune_set_error(ORTUNE_ENOCUDA, "libcudart.so.13 cannot be loaded: add CUDA 13 to LD_LIBRARY_PATH"); \
  } while (0)

int ortune_cuda_memcpy_async(void *dst, const void *src, size_t n, int kind, void *stream) {
  CUDART_OR_FAIL();
  int e = rt.memcpy_async(dst, src, n, kind, stream);
  return e ? ortune_set_error(ORTUNE_EORT, "cudaMemcpyAsync (%zu bytes) failed with CUDA error %d", n, e) : ORTUNE_OK;
}

int ortune_cuda_stream_sync(void *stream) {
  CUDART_OR_FAIL();
  int e = rt.stream_sync(stream);
  return e ? ortune_set_error(ORTUNE_EORT, "cudaStreamSynchronize failed with CUDA error %d", e) : ORTUNE_OK;
}

int ortune_cuda_host_alloc(void **p, size_t n) {
  CUDART_OR_FAIL();
  int e = rt.host_alloc(p, n ? n : 1, 0);
  return e ? ortune_set_error(ORTUNE_EOOM, "cudaHostAlloc (%zu bytes of pinned memory) failed with CUDA error %d", n, e) : ORTUNE_OK;
}

void ortune_cuda_host_free(void *p) {
  if (p && cudart()) rt.free_host(p);
}

int ortune_cuda_is_pinned(const void *p) {
  /* struct cudaPointerAttributes begins with `enum cudaMemoryType type` (1: registered/pinned host memory);
   * the buffer is larger than the struct of any CUDA release */
  union { int type; char bytes[256]; } attr = {0};
  if (!p || !rt.ptr_attr || !cudart()) return 0;
  return rt.ptr_attr(&attr, p) == 0 && attr.type == 1;
}

static int host_alloc_pinned(void **p, size_t n) { return cudart() && rt.host_alloc(p, n ? n : 1, 0) == 0; }

void *ortune_host_alloc(size_t bytes) {
  void *p = NULL;
  if (host_alloc_pinned(&p, bytes)) return p;
  return posix_memalign(&p, 4096, bytes ? bytes : 1) ? NULL : p; /* no CUDA: page-aligned pageable memory */
}

void ortune_host_free(void *p) {
  if (!p) return;
  if (ortune_cuda_is_pinned(p)) rt.free_host(p);
  else free(p);
}

void ortune_cuda_stream_destroy(void *stream) {
  if (stream && cudart()) rt.stream_destroy(stream);
}

long long ortune_gpu_mem_used(int dev) {
  size_t fr = 0, tot = 0;
  if (!cudart() || rt.setdev(dev) != 0 || rt.meminfo(&fr, &tot) != 0) return -1;
  return (long long)(tot - fr);
}

int ortune_cuda_memcpy(void *dst, const void *src, size_t n, int to_device) {
  if (!cudart()) return ortune_set_error(ORTUNE_ENOCUDA, "libcudart.so.13 cannot be loaded: add CUDA 13 to LD_LIBRARY_PATH");
  int e = rt.memcpy_(dst, src, n, to_device ? 1 /* HostToDevice */ : 2 /* DeviceToHost */);
  return e ? ortune_set_error(ORTUNE_EORT, "cudaMemcpy failed with CUDA error %d", e) : ORTUNE_OK;
}


int ortune_cuda_stream_create(void **stream) {
  if (!cudart() || !rt.stream_create) return ortune_set_error(ORTUNE_ENOCUDA, "libcudart.so.13 cannot be loaded");
  int e = rt.stream_create(stream);
  return e ? ortune_set_error(ORTUNE_EORT, "cudaStreamCreate failed with CUDA error %d", e) : ORTUNE_OK;
}

int ortune_cuda_event_record(void *stream, void **ev, int start) {
  void **e = &ev[start ? 0 : 1];
  if (!cudart() || !rt.ev_create) return ORTUNE_ENOCUDA;
  if (!*e && rt.ev_create(e)) return ORTUNE_EORT;
  return rt.ev_record(*e, stream) ? ORTUNE_EORT : ORTUNE_OK;
}

double ortune_cuda_events_ms(void **ev) {
  float ms = -1;
  if (!cudart() || !ev[0] || !ev[1] || rt.ev_sync(ev[1]) || rt.ev_elapsed(&ms, ev[0], ev[1])) return -1;
  return ms;
}

static int cuda_sm_count(int dev) {
  int v = -1;
  if (!cudart() || rt.attr(&v, 16 /* cudaDevAttrMultiProcessorCount */, dev) != 0) return -1;
  return v;
}

/* ---- NVML --------------------------------------------------------------------- */

typedef struct { unsigned long long total, free_, used; } nvml_memory;
typedef int (*nvml_init_fn)(void);
typedef int (*nvml_count_fn)(unsigned int *);
typedef int (*nvml_handle_fn)(unsigned int, void **);
typedef int (*nvml_name_fn)(void *, char *, unsigned int);
typedef int (*nvml_mem_fn)(void *, nvml_memory *);
typedef int (*nvml_driver_fn)(char *, unsigned int);
typedef int (*nvml_cc_fn)(void *, int *, int *);

/* CUDA_VISIBLE_DEVICES as CUDA reads it: a comma-separated list of device indices or UUIDs ("GPU-8f2c...", a unique
 * prefix is enough; "MIG-..." names a MIG instance, not matched here); the list ends at the first entry that names
 * no device; unset means every device, empty means none. map[k] = the NVML index of CUDA device k; returns the count. */
int ortune_cuda_visible(const char *cvd, const char (*uuids)[96], int n, int *map, int max) {
  int k = 0;
  if (!cvd) {
    for (; k < n && k < max; k++) map[k] = k;
    return k;
  }
  for (const char *p = cvd; *p && k < max;) {
    while (*p == ' ') p++;
    size_t len = strcspn(p, ",");
    int found = -1;
    char *end;
    long v = strtol(p, &end, 10);
    if (end != p && (size_t)(end - p) <= len && (end - p == (long)len || *end == ' ')) {
      found = v >= 0 && v < n ? (int)v : -1;
    } else if (len >= 5 && !strncmp(p, "GPU-", 4)) {
      for (int i = 0; i < n; i++)
        if (!strncmp(uuids[i], p, len)) {
          if (found >= 0) { found = -1; break; } /* ambiguous prefix */
          found = i;
        }
    }
    if (found < 0) break;
    for (int j = 0; j < k; j++)
      if (map[j] == found) found = -1; /* a repeated device: CUDA stops there too */
    if (found < 0) break;
    map[k++] = found;
    p += len;
    if (*p == ',') p++;
  }
  return k;
}

int ortune_gpu_list(ortune_gpu *out, int max) {
  void *h = dlopen("libnvidia-ml.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!h) return 0;
  nvml_init_fn init = (nvml_init_fn)dlsym(h, "nvmlInit_v2");
  nvml_count_fn count = (nvml_count_fn)dlsym(h, "nvmlDeviceGetCount_v2");
  nvml_handle_fn handle = (nvml_handle_fn)dlsym(h, "nvmlDeviceGetHandleByIndex_v2");
  nvml_name_fn name = (nvml_name_fn)dlsym(h, "nvmlDeviceGetName");
  nvml_name_fn uuid = (nvml_name_fn)dlsym(h, "nvmlDeviceGetUUID");
  nvml_mem_fn mem = (nvml_mem_fn)dlsym(h, "nvmlDeviceGetMemoryInfo");
  nvml_driver_fn driver = (nvml_driver_fn)dlsym(h, "nvmlSystemGetDriverVersion");
  nvml_cc_fn cc = (nvml_cc_fn)dlsym(h, "nvmlDeviceGetCudaComputeCapability");
  unsigned int n = 0;
  int got = 0;
  if (!init || !count || !handle || !name || !mem || !driver || init() != 0 || count(&n) != 0) goto done;
  char drv[32] = "", uuids[64][96];
  void *devs[64];
  int nd = 0, map[64];
  driver(drv, sizeof drv);
  for (unsigned int i = 0; i < n && nd < 64; i++) { /* NVML numbers every GPU of the machine */
    if (handle(i, &devs[nd]) != 0) continue;
    uuids[nd][0] = '\0';
    if (uuid) uuid(devs[nd], uuids[nd], sizeof uuids[nd]);
    nd++;
  }
  /* CUDA's device k (device_id) is the k-th of CUDA_VISIBLE_DEVICES (CUDA_DEVICE_ORDER=FASTEST_FIRST, CUDA's
   * default, can order unlike GPUs otherwise than NVML's PCI order: not modelled) */
  int nv = ortune_cuda_visible(getenv("CUDA_VISIBLE_DEVICES"), (const char (*)[96])uuids, nd, map, 64);
  for (int k = 0; k < nv && got < max; k++) {
    void *dev = devs[map[k]];
    ortune_gpu *g = &out[got++];
    memset(g, 0, sizeof *g);
    g->index = map[k];
    name(dev, g->name, sizeof g->name);
    snprintf(g->uuid, sizeof g->uuid, "%s", uuids[map[k]]);
    nvml_memory m;
    if (mem(dev, &m) == 0) g->memory_total = m.total;
    snprintf(g->driver, sizeof g->driver, "%s", drv);
    g->cc_major = g->cc_minor = -1;
    if (cc) cc(dev, &g->cc_major, &g->cc_minor);
    g->sm_count = cuda_sm_count(k); /* CUDA's ordinal */
  }
done:
  /* NVML stays loaded: unloading it while its threads may run is unsafe */
  return got;
}

/* The seed guide's classes: high (>= 20 GiB and >= 80 SMs), mid (>= 10 GiB), entry (the rest). */
const char *ortune_gpu_class(const ortune_gpu *g) {
  if (!g) return "none";
  double gib = (double)g->memory_total / 1073741824.0;
  if (gib >= 20 && (g->sm_count < 0 || g->sm_count >= 80)) return "high";
  if (gib >= 10) return "mid";
  return "entry";
}
