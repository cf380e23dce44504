/* runner_bench.c - production path benchmark (issue 11): in ONE process, interleaved,
 *   A  ORT's defaults through a plain OrtSession + Run with host tensors (what users run without ortune),
 *   B  the tuned config.yaml through the public runner with host tensors (ortune_runner_run),
 *   C  the same with the frame in pinned host memory (ortune_host_alloc: no staging copy),
 *   D  the same tuned config through the runner with device buffers (ortune_runner_run_device),
 * with outputs compared on two different inputs (a stale CUDA-graph buffer shows as set 2 == set 1).
 * usage: runner_bench MODEL TUNED.yaml DEFAULTS.yaml [ROUNDS [RUNS]]
 * Prints one line per method and the per-round ratios (geometric mean and 95% interval over rounds). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <ortune.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIE(...) do { fprintf(stderr, "runner_bench: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
#define ORT(call) do { OrtStatus *st_ = (call); if (st_) DIE("%s: %s", #call, api->GetErrorMessage(st_)); } while (0)

static const OrtApi *api;
static int nm = 4; /* methods measured: 3 without CUDA */
static int (*cuMalloc)(void **, size_t);
static int (*cuMemcpy)(void *, const void *, size_t, int);

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmpd); return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]); }

typedef struct {
  OrtSession *s;
  ortune_runner *r;
  int nin, nout;
  ortune_value in[8], pin[8], din[8];
  const char *in_names[8], *out_names[8];
  OrtMemoryInfo *mi;
  size_t out_bytes[8];
  float *host_out[4][8]; /* per method, last outputs (float outputs only compared) */
} bench;

static void fill(float *x, size_t n, unsigned seed) {
  unsigned s = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; x[i] = (float)(s >> 8) / 16777216.0f; }
}

static void plain_run(bench *b, int keep) {
  OrtValue *iv[8], *ov[8] = {0};
  for (int i = 0; i < b->nin; i++)
    ORT(api->CreateTensorWithDataAsOrtValue(b->mi, b->in[i].data, b->in[i].nbytes, b->in[i].dims, (size_t)b->in[i].ndim,
                                           (ONNXTensorElementDataType)b->in[i].dtype, &iv[i]));
  ORT(api->Run(b->s, NULL, b->in_names, (const OrtValue *const *)iv, (size_t)b->nin, b->out_names, (size_t)b->nout, ov));
  for (int k = 0; k < b->nout; k++) {
    if (keep) {
      void *p;
      ORT(api->GetTensorMutableData(ov[k], &p));
      memcpy(b->host_out[0][k], p, b->out_bytes[k]);
    }
    api->ReleaseValue(ov[k]);
  }
  for (int i = 0; i < b->nin; i++) api->ReleaseValue(iv[i]);
}

/* m: 1 pageable host frame, 2 pinned host frame, 3 device buffers */
static void runner_run(bench *b, int m, int keep) {
  ortune_value out[8] = {0};
  int rc = m == 3 ? ortune_runner_run_device(b->r, b->din, b->nin, out, b->nout)
                  : ortune_runner_run(b->r, m == 2 ? b->pin : b->in, b->nin, out, b->nout);
  if (rc) DIE("%s: %s", m == 3 ? "run_device" : "run", ortune_last_error());
  for (int k = 0; keep && k < b->nout; k++) {
    if (m == 3) cuMemcpy(b->host_out[m][k], out[k].data, b->out_bytes[k], 2);
    else memcpy(b->host_out[m][k], out[k].data, b->out_bytes[k]);
  }
}

static void run_method(bench *b, int m, int keep) {
  if (m == 0) plain_run(b, keep);
  else runner_run(b, m, keep);
}

static void upload(bench *b) {
  for (int i = 0; i < b->nin; i++) memcpy(b->pin[i].data, b->in[i].data, b->in[i].nbytes);
  for (int i = 0; nm == 4 && i < b->nin; i++)
    if (cuMemcpy(b->din[i].data, b->in[i].data, b->in[i].nbytes, 1)) DIE("cudaMemcpy failed");
}
static double maxdiff(const float *a, const float *c, size_t n, double *scale) {
  double d = 0, s = 0;
  for (size_t i = 0; i < n; i++) {
    double e = fabs((double)a[i] - c[i]);
    if (e > d || isnan(e)) d = isnan(e) ? INFINITY : e;
    if (fabs(a[i]) > s) s = fabs(a[i]);
  }
  *scale = s;
  return d;
}

static void check(bench *b, float **prev_set) {
  for (int k = 0; k < b->nout; k++) {
    size_t n = b->out_bytes[k] / 4;
    double scale, d1 = maxdiff(b->host_out[0][k], b->host_out[1][k], n, &scale), sc2 = 0,
                  dp = maxdiff(b->host_out[0][k], b->host_out[2][k], n, &sc2),
                  d2 = nm == 4 ? maxdiff(b->host_out[0][k], b->host_out[3][k], n, &sc2) : NAN;
    double dset = prev_set ? maxdiff(prev_set[k], b->host_out[1][k], n, &sc2) : -1;
    printf("  output %d: max|ref| %.4g  defaults vs runner(host) max abs %.3g  (pinned) %.3g  (device) %.3g%s", k, scale, d1, dp, d2,
           prev_set ? "" : "\n");
    if (prev_set) printf("  set2 vs set1 (runner) max abs %.3g%s\n", dset, dset > 0 ? "" : "  STALE?");
  }
}

int main(int argc, char **argv) {
  if (argc < 4) DIE("usage: runner_bench MODEL TUNED.yaml DEFAULTS.yaml [ROUNDS [RUNS]]");
  int rounds = argc > 4 ? atoi(argv[4]) : 20, runs = argc > 5 ? atoi(argv[5]) : 20;
  api = ortune_ort_api();
  void *h = dlopen("libcudart.so.13", RTLD_NOW);
  if (h) {
    cuMalloc = (int (*)(void **, size_t))dlsym(h, "cudaMalloc");
    cuMemcpy = (int (*)(void *, const void *, size_t, int))dlsym(h, "cudaMemcpy");
  } else {
    fprintf(stderr, "runner_bench: no libcudart.so.13: device buffers not measured (CPU dry run)\n");
  }
  nm = h ? 4 : 3;
  bench b = {0};
  if (ortune_session_create(argv[1], argv[3], NULL, &b.s)) DIE("defaults: %s", ortune_last_error());
  if (ortune_runner_open(argv[1], argv[2], &b.r)) DIE("tuned: %s", ortune_last_error());
  ORT(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &b.mi));
  b.nin = ortune_runner_ninputs(b.r);
  b.nout = ortune_runner_noutputs(b.r);
  if (b.nin > 8 || b.nout > 8) DIE("too many inputs/outputs");
  for (int i = 0; i < b.nin; i++) {
    ortune_io_info ii;
    ortune_runner_input_info(b.r, i, &ii);
    if (ii.dtype != 1) DIE("input %s is not float32", ii.name);
    size_t n = 1;
    b.in[i] = (ortune_value){.name = ii.name, .dtype = 1, .ndim = ii.ndim};
    for (int d = 0; d < ii.ndim; d++) { if (ii.dims[d] < 1) DIE("input %s has a dynamic dim", ii.name); b.in[i].dims[d] = ii.dims[d]; n *= (size_t)ii.dims[d]; }
    b.in[i].nbytes = n * 4;
    b.in[i].data = malloc(n * 4);
    b.din[i] = b.pin[i] = b.in[i];
    if (!(b.pin[i].data = ortune_host_alloc(n * 4))) DIE("ortune_host_alloc failed");
    if (nm == 4 && cuMalloc(&b.din[i].data, n * 4)) {
      fprintf(stderr, "runner_bench: cudaMalloc failed: device buffers not measured (no GPU)\n");
      nm = 3;
    }
    b.in_names[i] = ii.name;
  }
  /* one runner run tells the output sizes */
  fill(b.in[0].data, b.in[0].nbytes / 4, 1);
  runner_run(&b, 0, 0);
  for (int k = 0; k < b.nout; k++) {
    ortune_io_info oi;
    ortune_value o;
    ortune_runner_output_info(b.r, k, &oi);
    ortune_runner_output(b.r, k, &o);
    if (o.dtype != 1) DIE("output %s is not float32", oi.name);
    b.out_names[k] = oi.name;
    b.out_bytes[k] = o.nbytes;
    for (int m = 0; m < 4; m++) b.host_out[m][k] = malloc(o.nbytes);
  }
  /* outputs on two input sets */
  float *set1[8];
  for (int set = 1; set <= 2; set++) {
    for (int i = 0; i < b.nin; i++) fill(b.in[i].data, b.in[i].nbytes / 4, (unsigned)(set * 17 + i));
    upload(&b);
    for (int w = 0; w < 3; w++)
      for (int m = 0; m < nm; m++) run_method(&b, m, 1);
    printf("outputs, input set %d:\n", set);
    check(&b, set == 1 ? NULL : set1);
    if (set == 1)
      for (int k = 0; k < b.nout; k++) { set1[k] = malloc(b.out_bytes[k]); memcpy(set1[k], b.host_out[1][k], b.out_bytes[k]); }
  }
  for (int m = 0; m < nm; m++)
    for (int w = 0; w < 20; w++) run_method(&b, m, 0);
  double *blk = calloc((size_t)rounds * 4, sizeof *blk), *all[4], lat[1024];
  for (int m = 0; m < 4; m++) all[m] = calloc((size_t)rounds * (size_t)runs, sizeof(double));
  if (runs > 1024) runs = 1024;
  for (int r = 0; r < rounds; r++)
    for (int j = 0; j < nm; j++) {
      int m = (r + j) % nm;
      for (int k = 0; k < runs; k++) {
        double t0 = now_ms();
        run_method(&b, m, 0);
        lat[k] = now_ms() - t0;
        all[m][r * runs + k] = lat[k];
      }
      blk[r * 4 + m] = median(lat, runs);
    }
  static const char *names[] = {"ORT defaults, plain Run (host)", "tuned, runner (host tensors)", "tuned, runner (pinned host frame)",
                                "tuned, runner (device buffers)"};
  double p50[4];
  for (int m = 0; m < nm; m++) {
    p50[m] = median(all[m], rounds * runs);
    printf("%-34s p50 %.4f ms  p90 %.4f ms\n", names[m], p50[m], all[m][(int)(0.9 * rounds * runs)]);
  }
  /* per-round ratios: geometric mean with a t interval over rounds */
  static const int pairs[4][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};
  static const char *pn[] = {"speedup defaults/runner(host)", "speedup defaults/runner(pinned)", "runner host/device p50 ratio",
                             "runner pinned/device p50 ratio"};
  for (int p = 0; p < (nm == 4 ? 4 : 2); p++) {
    double s = 0, s2 = 0;
    for (int r = 0; r < rounds; r++) { double l = log(blk[r * 4 + pairs[p][0]] / blk[r * 4 + pairs[p][1]]); s += l; s2 += l * l; }
    double mean = s / rounds, sd = rounds > 1 ? sqrt((s2 - s * s / rounds) / (rounds - 1)) : 0, half = 2.09 * sd / sqrt(rounds);
    printf("%-32s %.3fx [%.3f, %.3f] (geomean over %d rounds x %d runs; overall p50 ratio %.3fx)\n", pn[p], exp(mean), exp(mean - half),
           exp(mean + half), rounds, runs, p50[pairs[p][0]] / p50[pairs[p][1]]);
  }
  ortune_runner_release(b.r);
  api->ReleaseSession(b.s);
  return 0;
}
