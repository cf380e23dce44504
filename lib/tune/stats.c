/* stats.c - the statistics of a before/after measurement.
 *
 * How it works: an A/B runs every config in S fresh sessions (separate processes: what a production restart
 * sees), each session in R interleaved rounds; a round gives one block median per config. The speedup of a
 * candidate is the geometric mean of its block ratios against the defaults of the same round (the pairing
 * removes the machine's drift). Its interval comes from a hierarchical bootstrap: sessions are drawn with
 * replacement, then rounds within each drawn session, so a session-to-session difference (cuDNN picking
 * other algorithms, memory placement) widens the interval instead of hiding in it; and because a bootstrap over
 * three sessions cannot reach beyond their range, the interval is widened to at least the Student t interval of
 * the per-session means (t with S-1 degrees of freedom: what few sessions can honestly say). One verdict rule turns the
 * interval into words for tune, compare and the report. Latency modes are found by the widest gap in the
 * sorted latencies; parsimony picks, among candidates equal within the noise, the one that changes least, "equal"
 * judged by the best candidate's own paired ratio against each other one (same rounds, same verdict rule), not by
 * whether two intervals against the defaults overlap (the defaults' noise is in both of those).
 */
#include "stats.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_next(uint64_t *s) { /* splitmix64 */
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static int rng_below(uint64_t *s, int n) { return (int)(rng_next(s) % (uint64_t)n); }

int ortune_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
#define cmp_double ortune_cmp_double

static double quantile(const double *sorted, int n, double q) {
  if (n <= 0) return NAN;
  double pos = q * (n - 1);
  int i = (int)pos;
  double f = pos - i;
  return i + 1 < n ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[n - 1];
}

/* log(reference/candidate) of block (s, r), the reference being config ref; NAN when a block is missing or not
 * positive. */
static double log_ratio_vs(const ortune_ab_data *d, int s, int r, int c, int ref) {
  const double *b = d->blocks + ((size_t)s * (size_t)d->rounds + (size_t)r) * (size_t)d->n;
  return b[ref] > 0 && b[c] > 0 && isfinite(b[ref]) && isfinite(b[c]) ? log(b[ref] / b[c]) : NAN;
}

static double session_mean(const ortune_ab_data *d, int s, int c, int ref, int *count) {
  double sum = 0;
  int k = 0;
  for (int r = 0; r < d->rounds; r++) {
    double l = log_ratio_vs(d, s, r, c, ref);
    if (!isnan(l)) sum += l, k++;
  }
  if (count) *count = k;
  return k ? sum / k : NAN;
}

static double bootstrap_once(const ortune_ab_data *d, int c, int ref, uint64_t *rng) {
  double sum = 0;
  int k = 0;
  for (int i = 0; i < d->sessions; i++) {
    int s = d->sessions > 1 ? rng_below(rng, d->sessions) : 0;
    for (int j = 0; j < d->rounds; j++) {
      double l = log_ratio_vs(d, s, rng_below(rng, d->rounds), c, ref);
      if (!isnan(l)) sum += l, k++;
    }
  }
  return k ? sum / k : NAN;
}

/* Two-sided 95% Student t quantile t(0.975, df). */
static double t975(int df) {
  static const double t[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086};
  if (df < 1) return NAN;
  if (df <= 20) return t[df];
  return df <= 30 ? 2.042 + (2.086 - 2.042) * (30 - df) / 10.0 : 1.96 + 2.5 / df;
}

/* The session-level interval: mean of the per-session mean log ratios +- t(S-1) x their standard error. With S
 * sessions a percentile bootstrap can only draw from S values, so with S = 3 its interval is about the range of
 * the three: when all three land on one side of the truth (1 time in 4 for a session effect), it excludes the
 * truth. The t interval is what the three values can honestly say. Returns 0 when fewer than 2 sessions. */
static int session_t_interval(const ortune_ab_data *d, int c, int ref, double *lo, double *hi) {
  double m[256], sum = 0, ss = 0;
  int k = 0;
  for (int s = 0; s < d->sessions && k < 256; s++) {
    int ks;
    double v = session_mean(d, s, c, ref, &ks);
    if (ks) m[k++] = v, sum += v;
  }
  if (k < 2) return 0;
  double mean = sum / k;
  for (int i = 0; i < k; i++) ss += (m[i] - mean) * (m[i] - mean);
  double se = sqrt(ss / (k - 1) / k);
  *lo = mean - t975(k - 1) * se;
  *hi = mean + t975(k - 1) * se;
  return 1;
}

/* The speedup of c over ref: the geometric mean of all block ratios (k of them), and the largest/smallest
 * per-session speedup; NAN with k = 0 when no block pair is usable. */
static double point_estimate(const ortune_ab_data *d, int c, int ref, int *k, double *spread) {
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  *k = 0;
  for (int s = 0; s < d->sessions; s++) {
    int ks;
    double m = session_mean(d, s, c, ref, &ks);
    if (!ks) continue;
    sum += m * ks, *k += ks;
    lo = fmin(lo, m), hi = fmax(hi, m);
  }
  *spread = *k ? exp(hi - lo) : NAN;
  return *k ? exp(sum / *k) : NAN;
}

void ortune_ratio_between(const ortune_ab_data *d, int c, int ref, int nboot, uint64_t seed, ortune_ratio *out) {
  memset(out, 0, sizeof *out);
  out->speedup = out->ci_low = out->ci_high = NAN;
  if (!d || d->sessions < 1 || d->rounds < 1 || c < 0 || c >= d->n || ref < 0 || ref >= d->n || c == ref) return;
  double spread;
  int k;
  out->speedup = point_estimate(d, c, ref, &k, &spread);
  if (!k) return;
  out->samples = k;
  out->session_spread = spread;
  if (nboot < 100) nboot = 100;
  double *bs = malloc(sizeof(double) * (size_t)nboot);
  if (!bs) return;
  uint64_t rng = seed ? seed : 0x243F6A8885A308D3ULL;
  int nb = 0;
  for (int b = 0; b < nboot; b++) {
    double m = bootstrap_once(d, c, ref, &rng);
    if (!isnan(m)) bs[nb++] = m;
  }
  qsort(bs, (size_t)nb, sizeof *bs, cmp_double);
  double lo_b = quantile(bs, nb, 0.025), hi_b = quantile(bs, nb, 0.975), lo_t, hi_t;
  free(bs);
  /* the wider of the two: the bootstrap sees skew and rounds, the t interval the few sessions */
  if (session_t_interval(d, c, ref, &lo_t, &hi_t)) lo_b = fmin(lo_b, lo_t), hi_b = fmax(hi_b, hi_t);
  out->ci_low = exp(lo_b);
  out->ci_high = exp(hi_b);
}

void ortune_ratio_estimate(const ortune_ab_data *d, int c, int nboot, uint64_t seed, ortune_ratio *out) {
  if (c == 0) { /* config 0 against itself: not an estimate */
    memset(out, 0, sizeof *out);
    out->speedup = out->ci_low = out->ci_high = NAN;
    return;
  }
  ortune_ratio_between(d, c, 0, nboot, seed, out);
}

ortune_ab_verdict ortune_ab_verdict_of(const ortune_ratio *r, double min_gain) {
  if (!r || isnan(r->ci_low) || isnan(r->ci_high)) return ORTUNE_AB_SAME;
  if (r->ci_low > 1.0 + min_gain) return ORTUNE_AB_FASTER;
  if (r->ci_high < 1.0 / (1.0 + min_gain)) return ORTUNE_AB_SLOWER;
  return ORTUNE_AB_SAME;
}

const char *ortune_ab_verdict_word(ortune_ab_verdict v) {
  return v == ORTUNE_AB_FASTER ? "faster" : v == ORTUNE_AB_SLOWER ? "slower" : "no measurable difference";
}

/* Median absolute deviation of sorted v[0..n), scaled to a standard deviation. */
static double mad_sd(const double *v, int n) {
  if (n < 2) return 0;
  double med = quantile(v, n, 0.5), *dev = malloc(sizeof(double) * (size_t)n);
  if (!dev) return 0;
  for (int i = 0; i < n; i++) dev[i] = fabs(v[i] - med);
  qsort(dev, (size_t)n, sizeof *dev, cmp_double);
  double m = quantile(dev, n, 0.5) * 1.4826;
  free(dev);
  return m;
}

void ortune_modes_find(const double *lat, int n, ortune_modes *out) {
  memset(out, 0, sizeof *out);
  if (n <= 0) return;
  double *v = malloc(sizeof(double) * (size_t)n);
  if (!v) return;
  memcpy(v, lat, sizeof(double) * (size_t)n);
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  out->count = 1;
  out->median[0] = quantile(v, n, 0.5);
  out->share[0] = 1;
  int lo = n / 10 > 2 ? n / 10 : 2, best = -1;
  double gap = 0;
  for (int i = lo; i <= n - lo; i++) /* split before index i: both sides hold >= 10% */
    if (i > 0 && i < n && v[i] - v[i - 1] > gap) gap = v[i] - v[i - 1], best = i;
  if (best > 0) {
    double spread = fmax(mad_sd(v, best), mad_sd(v + best, n - best));
    double floor = 1e-3 * quantile(v, n, 0.5); /* a timer-resolution floor: identical runs are one mode */
    if (gap > 4 * fmax(spread, floor)) {
      out->count = 2;
      out->median[0] = quantile(v, best, 0.5);
      out->median[1] = quantile(v + best, n - best, 0.5);
      out->share[0] = (double)best / n;
      out->share[1] = 1 - out->share[0];
    }
  }
  free(v);
}

double ortune_median(double *v, int n) {
  if (n <= 0) return NAN;
  qsort(v, (size_t)n, sizeof *v, ortune_cmp_double);
  return quantile(v, n, 0.5);
}

int ortune_parsimony_pick(const ortune_ab_data *d, const int *cand, const int *nchanged, int k, double min_gain) {
  int best = -1;
  double sp[ORTUNE_PARSIMONY_MAX];
  if (k > ORTUNE_PARSIMONY_MAX) k = ORTUNE_PARSIMONY_MAX;
  for (int i = 0; i < k; i++) {
    int samples;
    double spread;
    sp[i] = cand[i] > 0 && cand[i] < d->n ? point_estimate(d, cand[i], 0, &samples, &spread) : NAN; /* no bootstrap needed */
    if (!isnan(sp[i]) && (best < 0 || sp[i] > sp[best])) best = i;
  }
  if (best < 0) return -1;
  int pick = best;
  for (int i = 0; i < k; i++) {
    if (i == best || isnan(sp[i])) continue;
    ortune_ratio vs; /* the best against this one, round by round: the drift and the defaults' noise cancel */
    ortune_ratio_between(d, cand[best], cand[i], 2000, 0xBE57 + (uint64_t)(cand[best] * 64 + cand[i]), &vs);
    if (ortune_ab_verdict_of(&vs, min_gain) == ORTUNE_AB_FASTER) continue; /* clearly slower than the best */
    if (nchanged[i] < nchanged[pick] || (nchanged[i] == nchanged[pick] && sp[i] > sp[pick])) pick = i;
  }
  return pick;
}

void ortune_budget_start(ortune_budget *b, double now, double seconds) {
  b->start = now;
  b->deadline = seconds > 0 && isfinite(seconds) ? now + seconds : 0;
}

double ortune_budget_left(const ortune_budget *b, double now) {
  if (!b->deadline) return INFINITY;
  double left = b->deadline - now;
  return left > 0 ? left : 0;
}

int ortune_block_runs(double run_ms, double block_s) {
  if (!(run_ms > 0) || !(block_s > 0)) return 20;
  double n = block_s * 1e3 / run_ms;
  return n < 3 ? 3 : n > 1000 ? 1000 : (int)n;
}

int ortune_rounds_fit(double seconds_left, int n, double block_s, int min_rounds, int max_rounds) {
  if (isinf(seconds_left)) return max_rounds;
  double per_round = n * block_s;
  int r = per_round > 0 ? (int)(seconds_left / per_round) : max_rounds;
  if (r < min_rounds) return 0;
  return r > max_rounds ? max_rounds : r;
}

/* More sessions before more rounds: the interval is over sessions (a restart's cuDNN picks and memory placement),
 * and its t factor is 4.3 with three of them against 2.4 with eight. On an H200 rtmo_like's defaults ran at 2.59 to
 * 4.77 ms p50 in separate sessions of one tune, the rounds inside a session agreed, and three tunes with three
 * sessions gave 2.00x, 2.43x, 2.68x (bench/RESULTS.md, session 4): the spread is between sessions. */
void ortune_ab_shape(double seconds, int n, double block_s, double setup_s, int total_rounds, int min_sessions, int fixed,
                     int *sessions, int *rounds) {
  for (int s = fixed || min_sessions >= 8 ? min_sessions : 8; s >= min_sessions; s--) {
    int cap = (total_rounds + s - 1) / s;
    if (s > min_sessions && cap < 2) continue; /* the rounds asked for do not give more sessions two each */
    int fit = ortune_rounds_fit(seconds / s - setup_s, n, block_s, 2, cap > 2 ? cap : 2);
    if (fit || s == min_sessions) {
      *sessions = s;
      *rounds = fit ? fit : 2;
      return;
    }
  }
}
