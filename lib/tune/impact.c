/* impact.c - parameter impact: what each option value did, from pairs of trials that differ only in it.
 *
 * How it works: for every value of every option, every pair of successful trials (a with the value, b differing
 * from a in that option alone) gives one log ratio of their scores; their mean is the value's speedup, and their
 * spread (or, with two pairs or fewer, the baseline's run-to-run noise) its 95% interval. No trial is run: it reads
 * the typed records of the search, and writes the results' "impact" section for the report. */
#include "impact.h"
#include <math.h>
#include <string.h>

/* Do trials a and b differ in option o and in no other? */
static int differ_only_in(const ortune_tuner *t, const ortune_trial *a, const ortune_trial *b, int o) {
  for (int k = 0; k < ortune_noptions; k++) {
    int same = !strcmp(ortune_trial_option(a, t->o->base, k), ortune_trial_option(b, t->o->base, k));
    if ((k == o) == same) return 0;
  }
  return 1;
}

/* The log speedups of value v of option o (at most max); their number. */
static int pairs_of(const ortune_tuner *t, int o, const char *v, double *lr, int max) {
  int m = 0, n = t->res.trials.n;
  for (int a = 0; a < n && m < max; a++) {
    const ortune_trial *ta = t->res.trials.v[a];
    if (ta->status != ORTUNE_TRIAL_OK || strcmp(ortune_trial_option(ta, t->o->base, o), v)) continue;
    for (int b = 0; b < n && m < max; b++) {
      const ortune_trial *tb = t->res.trials.v[b];
      if (a == b || tb->status != ORTUNE_TRIAL_OK) continue;
      if (differ_only_in(t, ta, tb, o)) lr[m++] = log(ortune_tuner_score(t, tb) / ortune_tuner_score(t, ta));
    }
  }
  return m;
}

void ortune_impact(ortune_tuner *t) {
  cJSON *imp = ortune_tuner_section(t, "impact", 1);
  if (!imp) return;
  for (int o = 0; o < ortune_noptions; o++) {
    char vals[16][48];
    int nv = ortune_space_values(o, vals, 16);
    for (int v = 0; v < nv; v++) {
      double lr[256];
      int m = pairs_of(t, o, vals[v], lr, 256);
      if (!m) continue;
      double mean = 0, sq = 0;
      for (int i = 0; i < m; i++) mean += lr[i];
      mean /= m;
      for (int i = 0; i < m; i++) sq += (lr[i] - mean) * (lr[i] - mean);
      /* spread: from the pairs when there are several, else the run-to-run noise of the baseline */
      double se = m > 2 ? sqrt(sq / (m - 1) / m) : t->noise;
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "option", ortune_options[o].name);
      cJSON_AddStringToObject(x, "value", vals[v]);
      cJSON_AddNumberToObject(x, "speedup", exp(mean));
      cJSON_AddNumberToObject(x, "ci_low", exp(mean - 1.96 * se));
      cJSON_AddNumberToObject(x, "ci_high", exp(mean + 1.96 * se));
      cJSON_AddNumberToObject(x, "n", m);
      cJSON_AddItemToArray(imp, x);
    }
  }
}
