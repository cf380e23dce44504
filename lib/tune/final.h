/* final.h - the final A/B of a tune: the finalists against ORT's defaults, and the verdict (internal; see final.c). */
#ifndef ORTUNE_FINAL_H
#define ORTUNE_FINAL_H
#include "tuner.h"

typedef struct {
  const ortune_trial *winner;      /* NULL: the defaults are kept */
  double p50_ms, p99_ms;           /* the winner's, in the A/B */
  double speedup, ci_low, ci_high; /* the winner's speedup over the defaults and its 95% interval */
  double baseline_p50_ms, baseline_p99_ms; /* the defaults' in the A/B; NAN when no A/B ran */
  char message[600];               /* the verdict in one line */
} ortune_final;

/* Pick the finalists, run the interleaved A/B in fresh sessions, record it (the results' "final" section) and
 * choose the winner by parsimony. Returns ORTUNE_EINTR when interrupted, an error when the A/B failed. */
int ortune_final_run(ortune_tuner *t, ortune_final *f);
#endif
