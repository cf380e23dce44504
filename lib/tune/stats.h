/* stats.h - the statistics of a before/after measurement: speedup intervals over sessions x rounds, the one
 * verdict rule of tune, compare and the report, latency modes, and parsimony among equals (internal). */
#ifndef ORTUNE_STATS_H
#define ORTUNE_STATS_H
#include <stddef.h>
#include <stdint.h>

/* Blocks of one A/B: for each (session, round) the median latency of every config in that round.
 * blocks[(s * rounds + r) * n + c]; config 0 is the reference (ORT's defaults). */
typedef struct {
  const double *blocks;
  int sessions, rounds, n;
} ortune_ab_data;

typedef struct {
  double speedup;          /* geometric mean of reference/candidate block ratios */
  double ci_low, ci_high;  /* 95% interval: the hierarchical bootstrap (sessions, then rounds within them), widened
                            * to at least the Student t interval of the per-session means when S >= 2 */
  double session_spread;   /* largest/smallest per-session speedup: what a restart can change */
  int samples;             /* ratios used */
} ortune_ratio;

/* Speedup of config c over config 0 with a hierarchical bootstrap interval (nboot resamples, seeded:
 * the same data give the same interval). With one session, rounds are resampled alone. */
void ortune_ratio_estimate(const ortune_ab_data *d, int c, int nboot, uint64_t seed, ortune_ratio *out);
/* The same for config c over config ref (any two configs of the A/B): the speedup of c where ref is the reference. */
void ortune_ratio_between(const ortune_ab_data *d, int c, int ref, int nboot, uint64_t seed, ortune_ratio *out);

typedef enum { ORTUNE_AB_SAME = 0, ORTUNE_AB_FASTER, ORTUNE_AB_SLOWER } ortune_ab_verdict;
/* The one rule: faster when the whole interval lies above 1 + min_gain, slower when it lies below
 * 1 / (1 + min_gain), otherwise "no measurable difference". */
ortune_ab_verdict ortune_ab_verdict_of(const ortune_ratio *r, double min_gain);
const char *ortune_ab_verdict_word(ortune_ab_verdict v); /* "faster", "slower", "no measurable difference" */

/* qsort comparator for doubles, and the median of v[0..n) (sorts v in place; NAN when n is 0). */
int ortune_cmp_double(const void *a, const void *b);
double ortune_median(double *v, int n);

/* Latency modes: 1, or 2 when the sorted latencies split into two groups each holding >= 10% of the runs
 * whose gap is wider than 4x the larger group's spread (MAD-scaled). Fills the modes' medians and shares. */
typedef struct {
  int count;
  double median[2], share[2];
} ortune_modes;
void ortune_modes_find(const double *lat, int n, ortune_modes *out);

/* Parsimony: among candidates cand[0..k) (config indices of d, at most ORTUNE_PARSIMONY_MAX) called faster than
 * the defaults, take the best by speedup; every candidate whose difference from the best is inside the noise (the
 * best's paired ratio over it, same rounds, is not "faster" under the verdict rule with min_gain) competes, and
 * the one that changes the fewest options from the defaults wins; ties: the higher speedup. Returns an index
 * into cand, -1 when k is 0. */
#define ORTUNE_PARSIMONY_MAX 64
int ortune_parsimony_pick(const ortune_ab_data *d, const int *cand, const int *nchanged, int k, double min_gain);

/* Budget accounting: one deadline for everything a tune or compare does. */
typedef struct {
  double start, deadline;  /* ortune_now() seconds; deadline 0: none */
} ortune_budget;
void ortune_budget_start(ortune_budget *b, double now, double seconds);
double ortune_budget_left(const ortune_budget *b, double now); /* seconds; INFINITY without a deadline */
/* Runs per block so that one block takes about block_s at the given per-run latency (at least 3, at most 1000). */
int ortune_block_runs(double run_ms, double block_s);
/* Rounds that fit in seconds_left for n configs with blocks of block_s (at least min_rounds, at most max_rounds;
 * 0 when not even min_rounds fit). */
int ortune_rounds_fit(double seconds_left, int n, double block_s, int min_rounds, int max_rounds);
/* The A/B's shape within seconds (n configs, blocks of block_s, setup_s per session to open them, total_rounds
 * wanted in all): the most sessions, from eight down to min_sessions, that still get two rounds each; else
 * min_sessions of two rounds. fixed: exactly min_sessions. Sets *sessions and *rounds. */
void ortune_ab_shape(double seconds, int n, double block_s, double setup_s, int total_rounds, int min_sessions, int fixed,
                     int *sessions, int *rounds);

#endif
