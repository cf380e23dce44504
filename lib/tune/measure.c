/* measure.c - warm up until latency is steady, then time runs; percentiles, CV, peak memory. */
#include "gpu.h"
#include "harness.h"
#include "stats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

void ortune_bench_opts_default(ortune_bench_opts *o) {
  memset(o, 0, sizeof *o);
  o->min_runs = 30;
  o->max_runs = 100000;
  o->duration_s = 2.0;
  o->warmup_max_s = 3.0;
}


double ortune_percentile(const double *sorted, int n, double pct) {
  if (n <= 0) return NAN;
  double pos = pct / 100.0 * (n - 1);
  int lo = (int)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

void ortune_stats(double *v, int n, ortune_measure *m) {
  qsort(v, (size_t)n, sizeof *v, ortune_cmp_double);
  double sum = 0, sq = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  m->mean = n ? sum / n : NAN;
  for (int i = 0; i < n; i++) sq += (v[i] - m->mean) * (v[i] - m->mean);
  m->cv = n > 1 && m->mean > 0 ? sqrt(sq / (n - 1)) / m->mean : 0;
  m->p50 = ortune_percentile(v, n, 50);
  m->p90 = ortune_percentile(v, n, 90);
  m->p99 = ortune_percentile(v, n, 99);
  m->min = n ? v[0] : NAN;
  m->max = n ? v[n - 1] : NAN;
}

static void sleep_ms(double ms) {
  if (ms <= 0) return;
  struct timespec ts = {(time_t)(ms / 1000), (long)(fmod(ms, 1000.0) * 1e6)};
  nanosleep(&ts, NULL);
}

/* One timed inference in ms. */
static int timed_run(ortune_runner *r, const ortune_bench_opts *o, double *ms) {
  double t0 = ortune_now();
  int rc = ortune_runner_run_bound(r);
  sleep_ms(o->delay_ms);
  *ms = (ortune_now() - t0) * 1e3;
  return rc;
}

static double median_of(double *v, int n) {
  double tmp[16];
  memcpy(tmp, v, sizeof(double) * (size_t)n);
  qsort(tmp, (size_t)n, sizeof *tmp, ortune_cmp_double);
  return ortune_percentile(tmp, n, 50);
}

int ortune_measure_run(ortune_runner *r, const ortune_bench_opts *o, ortune_measure *m) {
  enum { BATCH = 8 };
  double batch[BATCH], prev = -1;
  int rc, steady = 0, last_nb = 0;
  /* warm-up: batches of 8 until two consecutive batch medians agree within 3% */
  double t0 = ortune_now();
  m->warmup_runs = 0;
  double warm_limit = o->max_s > 0 && o->max_s / 2 < o->warmup_max_s ? o->max_s / 2 : o->warmup_max_s;
  while (ortune_now() - t0 < warm_limit) {
    int nb = 0;
    while (nb < BATCH) { /* a slow model (seconds a run) stops mid-batch at the limit */
      if ((rc = timed_run(r, o, &batch[nb++]))) return rc;
      if (nb >= 2 && ortune_now() - t0 > warm_limit) break;
    }
    m->warmup_runs += nb;
    last_nb = nb;
    double med = median_of(batch, nb);
    if (prev > 0 && fabs(med - prev) / prev < 0.03) {
      if (++steady >= 2) break;
    } else {
      steady = 0;
    }
    prev = med;
  }
  m->warmup_s = ortune_now() - t0;
  if (o->cutoff_ms > 0 && prev > 1.5 * o->cutoff_ms && last_nb > 0) { /* racing: clearly slower than the best so far */
    m->dropped = 1;
    m->lat = malloc(sizeof(double) * BATCH);
    if (!m->lat) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
    memcpy(m->lat, batch, sizeof(double) * (size_t)last_nb);
    m->runs = last_nb;
    ortune_stats(batch, last_nb, m);
    return ORTUNE_OK;
  }
  /* timed runs */
  int cap = o->min_runs > 64 ? o->min_runs : 64;
  m->lat = malloc(sizeof(double) * (size_t)cap);
  if (!m->lat) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  m->runs = 0;
  static double evs[20000];
  int nev = 0;
  void *ev[2] = {0}; /* created once, recorded around every run */
  t0 = ortune_now();
  double t_all = t0 - m->warmup_s;
  while (m->runs < o->max_runs && (m->runs < o->min_runs || ortune_now() - t0 < o->duration_s)) {
    if (o->max_s > 0 && m->runs >= 3 && ortune_now() - t_all > o->max_s) break; /* the budget's share for this trial */
    if (m->runs == cap) {
      cap *= 2;
      double *nl = realloc(m->lat, sizeof(double) * (size_t)cap);
      if (!nl) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
      m->lat = nl;
    }
      if (o->stream) ortune_cuda_event_record(o->stream, ev, 1);
    if ((rc = timed_run(r, o, &m->lat[m->runs]))) return rc;
    if (o->stream) {
      ortune_cuda_event_record(o->stream, ev, 0);
      double ems = ortune_cuda_events_ms(ev);
      if (ems >= 0 && nev < (int)(sizeof evs / sizeof evs[0])) evs[nev++] = ems;
    }
    m->runs++;
  }
  if (nev) {
    qsort(evs, (size_t)nev, sizeof *evs, ortune_cmp_double);
    m->event_p50 = ortune_percentile(evs, nev, 50);
  }
  double *sorted = malloc(sizeof(double) * (size_t)m->runs);
  if (!sorted) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  memcpy(sorted, m->lat, sizeof(double) * (size_t)m->runs);
  ortune_stats(sorted, m->runs, m);
  free(sorted);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  m->peak_host_mb = (double)ru.ru_maxrss / 1024.0;
  return ORTUNE_OK;
}

void ortune_measure_free(ortune_measure *m) {
  free(m->lat);
  m->lat = NULL;
}
