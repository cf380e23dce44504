/* replay_sessions.c - the logged GPU repeats (bench/h200/final-*.log, `gpu-final.sh repeat`) replayed through the
 * A/B's statistics (lib/tune/stats.c) with every session counted (what ortune does), and with only the sessions of
 * the defaults "at their best" (within 15% of their fastest session, when three remain: a rule tried in session 7
 * and not kept, because on these logs it repeated no better; bench/RESULTS.md). Each logged session gives one
 * block per config (its per-session p50s: the log keeps no rounds), so the intervals are the session-level ones.
 * For each model's three tunes of one log: the point estimates' largest distance from their mean, and how many
 * intervals hold the other two tunes' estimates (issue 13's target: within 5%, 3 of 3).
 *   cc -O2 -Ilib/tune bench/replay_sessions.c lib/tune/stats.c -lm -o /tmp/replay && /tmp/replay bench/h200/final-s6*.log
 */
#include "stats.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The sessions where the defaults ran within slack of their fastest, when at least min_keep; else all. */
static int at_best(const double *d, int n, double slack, int min_keep, unsigned char *keep) {
  double lo = INFINITY;
  int k = 0;
  for (int s = 0; s < n; s++) lo = fmin(lo, d[s]);
  for (int s = 0; s < n; s++) k += keep[s] = d[s] <= lo * (1 + slack);
  if (k >= min_keep) return k;
  memset(keep, 1, (size_t)n);
  return n;
}

typedef struct {
  char model[64], winner[128];
  double d[32], w[32];
  int n;
  ortune_ratio all, best;
  int used;
} tune;

static void estimate(const tune *t, const unsigned char *keep, ortune_ratio *r) {
  double blocks[64];
  int k = 0;
  for (int s = 0; s < t->n; s++)
    if (!keep || keep[s]) blocks[2 * k] = t->d[s], blocks[2 * k + 1] = t->w[s], k++;
  ortune_ab_data d = {blocks, k, 1, 2};
  ortune_ratio_estimate(&d, 1, 4000, 0x5EED + 1, r);
}

static void triple(tune *t, int m, int best) {
  double mean = 0, dev = 0;
  int hold = 0;
  for (int i = 0; i < m; i++) mean += (best ? t[i].best : t[i].all).speedup / m;
  for (int i = 0; i < m; i++) {
    const ortune_ratio *r = best ? &t[i].best : &t[i].all;
    dev = fmax(dev, fabs(r->speedup / mean - 1));
    int ok = 1;
    for (int j = 0; j < m; j++) {
      double o = (best ? t[j].best : t[j].all).speedup;
      if (j != i && !(o >= r->ci_low && o <= r->ci_high)) ok = 0;
    }
    hold += ok;
  }
  printf("  %-10s %s: mean %.3f, largest distance %.1f%%, %d of %d intervals hold the others\n", t[0].model,
         best ? "at their best" : "all sessions ", mean, 100 * dev, hold, m);
}

int main(int argc, char **argv) {
  for (int a = 1; a < argc; a++) {
    FILE *f = fopen(argv[a], "r");
    if (!f) { perror(argv[a]); return 1; }
    tune t[16];
    int nt = 0;
    char line[1024];
    printf("%s\n", argv[a]);
    while (fgets(line, sizeof line, f)) {
      char model[64], rest[900];
      int k;
      double ms_d, ms_w, ratio;
      if (sscanf(line, "repeat %63s %d %899[^\n]", model, &k, rest) == 3 && nt < 16) {
        memset(&t[nt], 0, sizeof t[nt]);
        snprintf(t[nt].model, sizeof t[nt].model, "%s", model);
        char *sp = strrchr(rest, ' ');
        for (int i = 0; i < 4 && sp; i++) *sp = '\0', sp = strrchr(rest, ' '); /* speedup lo hi verdict */
        snprintf(t[nt].winner, sizeof t[nt].winner, "%.120s", rest);
        nt++;
      } else if (nt && sscanf(line, " session %d: defaults %lf ms winner %lf ms ratio %lf", &k, &ms_d, &ms_w, &ratio) == 4 &&
                 t[nt - 1].n < 32) {
        t[nt - 1].d[t[nt - 1].n] = ms_d, t[nt - 1].w[t[nt - 1].n++] = ms_w;
      }
    }
    fclose(f);
    for (int i = 0; i < nt; i++) {
      unsigned char keep[32];
      if (t[i].n < 2) continue;
      estimate(&t[i], NULL, &t[i].all);
      t[i].used = at_best(t[i].d, t[i].n, 0.15, 3, keep);
      estimate(&t[i], keep, &t[i].best);
      printf("  %-12s %-55.55s all %d: %.3f [%.3f, %.3f]   at their best %d: %.3f [%.3f, %.3f]\n", t[i].model, t[i].winner, t[i].n,
             t[i].all.speedup, t[i].all.ci_low, t[i].all.ci_high, t[i].used, t[i].best.speedup, t[i].best.ci_low, t[i].best.ci_high);
    }
    for (int i = 0; i < nt;) { /* consecutive tunes of one model */
      int j = i;
      while (j < nt && !strcmp(t[j].model, t[i].model)) j++;
      int ok = 1;
      for (int x = i; x < j; x++) ok &= t[x].n >= 2;
      if (ok && j - i >= 2) triple(t + i, j - i, 0), triple(t + i, j - i, 1);
      i = j;
    }
  }
  return 0;
}
