/* test_stats.c - the measurement statistics on fixed synthetic data: speedup and its hierarchical interval,
 * the verdict rule, latency modes, parsimony, budget accounting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ab.h"
#include "stats.h"

/* A deterministic noise in [-1, 1]. */
static double noise(uint64_t *s) {
  *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*s >> 11) / (double)(1ULL << 52) - 1.0;
}

/* blocks for `sessions` x `rounds`, 2 configs: defaults at base ms, candidate at base/speedup[s], +-amp noise */
static double *make_blocks(int sessions, int rounds, const double *speedup, double amp, uint64_t seed) {
  double *b = malloc(sizeof(double) * (size_t)(sessions * rounds * 2));
  for (int s = 0; s < sessions; s++)
    for (int r = 0; r < rounds; r++) {
      double base = 10.0 * (1 + 0.2 * noise(&seed)); /* drift shared by both configs of the round */
      b[(s * rounds + r) * 2 + 0] = base * (1 + amp * noise(&seed));
      b[(s * rounds + r) * 2 + 1] = base / speedup[s] * (1 + amp * noise(&seed));
    }
  return b;
}

static void test_identical_configs_same(void **state) {
  (void)state;
  double sp[3] = {1, 1, 1};
  double *b = make_blocks(3, 12, sp, 0.03, 1);
  ortune_ab_data d = {b, 3, 12, 2};
  ortune_ratio r;
  ortune_ratio_estimate(&d, 1, 2000, 7, &r);
  assert_true(r.ci_low <= 1.0 && r.ci_high >= 1.0);
  assert_true(fabs(r.speedup - 1.0) < 0.03);
  assert_int_equal(ortune_ab_verdict_of(&r, 0.01), ORTUNE_AB_SAME);
  assert_string_equal(ortune_ab_verdict_word(ORTUNE_AB_SAME), "no measurable difference");
  assert_int_equal(r.samples, 36);
  free(b);
}

static void test_faster_and_slower(void **state) {
  (void)state;
  double fast[2] = {1.2, 1.2}, slow[2] = {0.8, 0.8};
  double *b = make_blocks(2, 15, fast, 0.02, 2);
  ortune_ab_data d = {b, 2, 15, 2};
  ortune_ratio r;
  ortune_ratio_estimate(&d, 1, 2000, 7, &r);
  assert_true(fabs(r.speedup - 1.2) < 0.03);
  assert_true(r.ci_low > 1.1 && r.ci_high < 1.3);
  assert_int_equal(ortune_ab_verdict_of(&r, 0.01), ORTUNE_AB_FASTER);
  free(b);
  b = make_blocks(2, 15, slow, 0.02, 3);
  d.blocks = b;
  ortune_ratio_estimate(&d, 1, 2000, 7, &r);
  assert_int_equal(ortune_ab_verdict_of(&r, 0.01), ORTUNE_AB_SLOWER);
  /* a gain inside min_gain is not called faster */
  free(b);
  double tiny[2] = {1.005, 1.005};
  b = make_blocks(2, 30, tiny, 0.001, 4);
  d.blocks = b;
  d.rounds = 30;
  ortune_ratio_estimate(&d, 1, 2000, 7, &r);
  assert_true(r.ci_low > 1.0);
  assert_int_equal(ortune_ab_verdict_of(&r, 0.01), ORTUNE_AB_SAME);
  free(b);
}

/* Sessions that disagree (a restart changes the answer) widen the interval: the hierarchical interval is wider
 * than the one that treats all rounds as one session, and it covers every session's own speedup. */
static void test_sessions_widen_interval(void **state) {
  (void)state;
  double sp[3] = {1.35, 1.0, 1.15};
  double *b = make_blocks(3, 10, sp, 0.01, 5);
  ortune_ab_data h = {b, 3, 10, 2}, flat = {b, 1, 30, 2};
  ortune_ratio rh, rf;
  ortune_ratio_estimate(&h, 1, 4000, 9, &rh);
  ortune_ratio_estimate(&flat, 1, 4000, 9, &rf);
  assert_true(fabs(rh.speedup - rf.speedup) < 1e-12); /* the same point estimate */
  assert_true(rh.ci_high - rh.ci_low > 2 * (rf.ci_high - rf.ci_low));
  assert_true(rh.session_spread > 1.3);
  assert_true(rh.ci_low < 1.02 && rh.ci_high > 1.3);
  free(b);
}

/* A/A with a session effect (a restart moves both configs' ratio: another thread placement, another cuDNN pick):
 * 3 sessions of 6 rounds, 400 simulated compares of identical configs. A percentile bootstrap over 3 sessions
 * spans about their range and excludes the truth whenever all three land on one side (1 in 4): the interval must
 * be wide enough that the false-positive rate stays near 5%. */
static void test_aa_false_positives(void **state) {
  (void)state;
  uint64_t seed = 77;
  int fp = 0, n = 400;
  double blocks[3 * 6 * 2];
  for (int k = 0; k < n; k++) {
    for (int s = 0; s < 3; s++) {
      double effect = 0.06 * (noise(&seed) + noise(&seed) + noise(&seed)); /* sd ~0.06 */
      for (int r = 0; r < 6; r++) {
        double base = 10.0 * (1 + 0.2 * noise(&seed));
        blocks[(s * 6 + r) * 2 + 0] = base * (1 + 0.03 * noise(&seed));
        blocks[(s * 6 + r) * 2 + 1] = base * exp(effect) * (1 + 0.03 * noise(&seed));
      }
    }
    ortune_ab_data d = {blocks, 3, 6, 2};
    ortune_ratio r;
    ortune_ratio_estimate(&d, 1, 1000, 100 + (uint64_t)k, &r);
    fp += ortune_ab_verdict_of(&r, 0.01) != ORTUNE_AB_SAME;
  }
  print_message("simulated A/A, 3 sessions: %d of %d called faster or slower\n", fp, n);
  assert_true(fp <= n * 6 / 100);
}

static void test_seeded_and_robust(void **state) {
  (void)state;
  double sp[2] = {1.1, 1.1};
  double *b = make_blocks(2, 8, sp, 0.05, 6);
  ortune_ab_data d = {b, 2, 8, 2};
  ortune_ratio a, c;
  ortune_ratio_estimate(&d, 1, 1000, 11, &a);
  ortune_ratio_estimate(&d, 1, 1000, 11, &c);
  assert_true(a.ci_low == c.ci_low && a.ci_high == c.ci_high);
  b[3] = NAN; /* a missing block is skipped, not propagated */
  ortune_ratio_estimate(&d, 1, 1000, 11, &a);
  assert_int_equal(a.samples, 15);
  assert_false(isnan(a.ci_low));
  ortune_ratio_estimate(&d, 0, 1000, 11, &a); /* config 0 against itself: not an estimate */
  assert_true(isnan(a.speedup));
  assert_int_equal(ortune_ab_verdict_of(&a, 0.01), ORTUNE_AB_SAME);
  free(b);
}

static void test_modes(void **state) {
  (void)state;
  double lat[100];
  uint64_t s = 12;
  for (int i = 0; i < 100; i++) lat[i] = (i % 3 ? 68.0 : 125.0) * (1 + 0.01 * noise(&s)); /* the CPU demo's 68/125 ms */
  ortune_modes m;
  ortune_modes_find(lat, 100, &m);
  assert_int_equal(m.count, 2);
  assert_true(fabs(m.median[0] - 68) < 1 && fabs(m.median[1] - 125) < 2);
  assert_true(fabs(m.share[1] - 0.34) < 0.02);
  for (int i = 0; i < 100; i++) lat[i] = 70.0 * (1 + 0.05 * noise(&s));
  ortune_modes_find(lat, 100, &m);
  assert_int_equal(m.count, 1);
  for (int i = 0; i < 100; i++) lat[i] = 5.0;
  ortune_modes_find(lat, 100, &m);
  assert_int_equal(m.count, 1);
  for (int i = 0; i < 100; i++) lat[i] = i < 95 ? 10.0 + 0.01 * i : 50.0; /* a 5% tail is not a mode */
  ortune_modes_find(lat, 100, &m);
  assert_int_equal(m.count, 1);
}

/* blocks of 3 sessions x 8 rounds for configs {defaults, a, b, c} with per-config speedups and shared drift */
static void make_four(double *b, const double *sp, double amp, uint64_t seed) {
  for (int s = 0; s < 3; s++)
    for (int r = 0; r < 8; r++) {
      double base = 10.0 * (1 + 0.3 * noise(&seed)); /* a round's drift: large, but shared */
      for (int c = 0; c < 4; c++) b[(s * 8 + r) * 4 + c] = base / sp[c] * (1 + amp * noise(&seed));
    }
}

static void test_parsimony(void **state) {
  (void)state;
  double b[3 * 8 * 4];
  ortune_ab_data d = {b, 3, 8, 4};
  int cand[3] = {1, 2, 3}, changed[3] = {3, 1, 0};
  double sp[4] = {1, 1.40, 1.395, 1.10};
  make_four(b, sp, 0.01, 21);
  assert_int_equal(ortune_parsimony_pick(&d, cand, changed, 3, 0.01), 1); /* 1.40 vs 1.395: equal, fewer changes */
  sp[2] = 1.25;                                                           /* now clearly slower than the best */
  make_four(b, sp, 0.01, 22);
  assert_int_equal(ortune_parsimony_pick(&d, cand, changed, 3, 0.01), 0);
  int same[3] = {2, 2, 2};
  sp[2] = 1.395;
  make_four(b, sp, 0.01, 23);
  assert_int_equal(ortune_parsimony_pick(&d, cand, same, 3, 0.01), 0); /* a tie in changes: the faster */
  assert_int_equal(ortune_parsimony_pick(&d, cand, changed, 0, 0.01), -1);
  /* the pairing: rtmo's float16 + graph at 2.04x and the float32 graph at 1.87x, each with a wide interval
   * against the defaults (noisy defaults), but 9% apart round by round: the faster one is not "equal" */
  double noisy[4] = {1, 2.04, 1.87, 1.0};
  for (int s = 0; s < 3; s++)
    for (int r = 0; r < 8; r++) {
      uint64_t q = (uint64_t)(s * 8 + r + 1) * 7919;
      double sess = s == 0 ? 1.12 : s == 1 ? 0.9 : 1.0; /* the defaults' session (cuDNN's picks) moves them */
      double base = 10.0 * (1 + 0.3 * noise(&q)), def = base * sess * (1 + 0.1 * noise(&q));
      b[(s * 8 + r) * 4 + 0] = def;
      for (int c = 1; c < 4; c++) b[(s * 8 + r) * 4 + c] = base / noisy[c] * (1 + 0.01 * noise(&q));
    }
  ortune_ratio r1, r2;
  ortune_ratio_estimate(&d, 1, 2000, 1, &r1);
  ortune_ratio_estimate(&d, 2, 2000, 1, &r2);
  assert_true(r2.ci_high > r1.ci_low); /* the intervals against the defaults overlap ... */
  int two[2] = {1, 2}, ch2[2] = {2, 1};
  assert_int_equal(ortune_parsimony_pick(&d, two, ch2, 2, 0.01), 0); /* ... yet the paired ratio tells them apart */
}

static void test_budget(void **state) {
  (void)state;
  ortune_budget b;
  ortune_budget_start(&b, 100.0, 30);
  assert_true(fabs(ortune_budget_left(&b, 110.0) - 20) < 1e-9);
  assert_true(ortune_budget_left(&b, 200.0) == 0);
  ortune_budget_start(&b, 100.0, 0);
  assert_true(isinf(ortune_budget_left(&b, 1e9)));
  ortune_budget_start(&b, 100.0, NAN);
  assert_true(isinf(ortune_budget_left(&b, 1e9)));
  assert_int_equal(ortune_block_runs(2.0, 0.2), 100);
  assert_int_equal(ortune_block_runs(3700.0, 0.2), 3); /* a 3.7 s model: 3 runs per block at least */
  assert_int_equal(ortune_block_runs(0.001, 10), 1000);
  assert_int_equal(ortune_rounds_fit(10.0, 2, 0.5, 4, 30), 10);
  assert_int_equal(ortune_rounds_fit(100.0, 2, 0.5, 4, 30), 30);
  assert_int_equal(ortune_rounds_fit(3.0, 2, 0.5, 4, 30), 0);
  assert_int_equal(ortune_rounds_fit(INFINITY, 2, 0.5, 4, 30), 30);
}

/* The A/B's shape: sessions first (up to six with three rounds each), then rounds; a fixed count stays. */
static void test_ab_shape(void **state) {
  (void)state;
  int s = 0, r = 0;
  ortune_ab_shape(1000, 3, 0.15, 1.0, 16, 3, 0, &s, &r); /* plenty: eight sessions of ceil(16/8) = 2 rounds */
  assert_int_equal(s, 8);
  assert_int_equal(r, 2);
  ortune_ab_shape(1000, 3, 0.15, 1.0, 30, 3, 0, &s, &r); /* --ab-rounds 30: eight of four */
  assert_int_equal(s, 8);
  assert_int_equal(r, 4);
  ortune_ab_shape(12, 3, 0.15, 1.0, 16, 3, 0, &s, &r); /* 12/8 - 1 = 0.5 s: 1 round; 12/7 - 1 = 0.71 s: 1; 12/6 - 1 = 1 s: 2 */
  assert_int_equal(s, 6);
  assert_int_equal(r, 2);
  ortune_ab_shape(4, 3, 0.15, 1.0, 16, 3, 0, &s, &r); /* 4/3 - 1 = 0.33 s: not even two rounds: three of two */
  assert_int_equal(s, 3);
  assert_int_equal(r, 2);
  ortune_ab_shape(1000, 3, 0.15, 1.0, 16, 3, 1, &s, &r); /* fixed: three sessions, ceil(16/3) = 6 rounds */
  assert_int_equal(s, 3);
  assert_int_equal(r, 6);
  ortune_ab_shape(1000, 3, 0.15, 1.0, 4, 3, 0, &s, &r); /* --ab-rounds 4: no more sessions, two rounds each */
  assert_int_equal(s, 3);
  assert_int_equal(r, 2);
  ortune_ab_shape(INFINITY, 3, 0.15, 1.0, 16, 3, 0, &s, &r);
  assert_int_equal(s, 8);
  assert_int_equal(r, 2);
}

/* An outcome of n configs over `sessions` x 2 rounds: config 0 at 2.0 ms x a per-session level (the defaults' level
 * moves between sessions, as on an H200), config c > 0 at 1.3 ms when fast[c], else at the defaults' level. */
static void make_outcome(ortune_ab_outcome *o, int n, int sessions, const double *level, int fast_c) {
  memset(o, 0, sizeof *o);
  o->n = n, o->sessions = o->cap = sessions, o->rounds = 2, o->cpus = 2;
  o->blocks = calloc((size_t)(sessions * 2 * n), sizeof(double));
  o->session_s = calloc((size_t)sessions, sizeof(double));
  o->sp50 = calloc((size_t)(sessions * n), sizeof(double));
  o->sp99 = calloc((size_t)(sessions * n), sizeof(double));
  for (int s = 0; s < sessions; s++) {
    o->session_s[s] = 4.0 + s;
    for (int c = 0; c < n; c++) {
      double ms = c == fast_c ? 1.3 : 2.0 * level[s];
      for (int r = 0; r < 2; r++) o->blocks[(s * 2 + r) * n + c] = ms * (1 + 0.01 * r);
      o->sp50[c * sessions + s] = ms, o->sp99[c * sessions + s] = 1.5 * ms;
    }
  }
}

/* The winner's confirmation: the first A/B's sessions of the defaults and config k, then more sessions of the two.
 * Three sessions whose defaults moved 1.0 / 1.6 / 0.9 cannot call a 1.5-2.5x speedup (t interval over three);
 * five more sessions can, and the merged outcome holds exactly those blocks. */
static void test_ab_merge(void **state) {
  (void)state;
  const double lv_a[3] = {1.0, 1.6, 0.9}, lv_b[5] = {1.2, 1.0, 1.4, 1.1, 1.3};
  ortune_ab_outcome a, b, m, bad;
  make_outcome(&a, 3, 3, lv_a, 2);
  make_outcome(&b, 2, 5, lv_b, 1);
  ortune_ab_data da = {a.blocks, a.sessions, a.rounds, a.n};
  ortune_ratio ra;
  ortune_ratio_estimate(&da, 2, 4000, 1, &ra);
  assert_int_equal(ortune_ab_verdict_of(&ra, 0.01), ORTUNE_AB_SAME); /* three sessions: not resolved */
  assert_int_equal(ortune_ab_merge(&a, 2, &b, 0.01, &m), 0);
  assert_int_equal(m.n, 2);
  assert_int_equal(m.sessions, 8);
  assert_int_equal(m.rounds, 2);
  for (int s = 0; s < 8; s++)
    for (int r = 0; r < 2; r++)
      for (int c = 0; c < 2; c++) {
        double want = s < 3 ? a.blocks[(s * 2 + r) * 3 + (c ? 2 : 0)] : b.blocks[((s - 3) * 2 + r) * 2 + c];
        assert_true(m.blocks[(s * 2 + r) * 2 + c] == want);
      }
  assert_true(m.session_s[2] == 6.0 && m.session_s[3] == 4.0);
  assert_true(fabs(m.p50[1] - 1.3) < 1e-12);                 /* the winner's p50: the median over all 8 sessions */
  assert_true(fabs(m.p50[0] - 2.0 * 1.15) < 1e-12);          /* the defaults': median of the 8 levels (1.1, 1.2) */
  assert_int_equal(m.verdict[1], ORTUNE_AB_FASTER);
  assert_true(m.ratio[1].ci_low > 1.4 && m.ratio[1].ci_high < 2.2);
  assert_true(ra.ci_high - ra.ci_low > 2 * (m.ratio[1].ci_high - m.ratio[1].ci_low));
  ortune_ab_outcome_free(&m);
  b.rounds = 3; /* other rounds: refused */
  assert_int_not_equal(ortune_ab_merge(&a, 2, &b, 0.01, &bad), 0);
  b.rounds = 2;
  assert_int_not_equal(ortune_ab_merge(&a, 0, &b, 0.01, &bad), 0); /* k must be a candidate */
  ortune_ab_outcome_free(&a);
  ortune_ab_outcome_free(&b);
}

/* The sessions' own modes: the defaults at 2.0 ms in five fresh sessions and 3.0 ms in three (the H200's rtmo_like
 * ran at 2.3 and 3.1-3.5 ms so, session 6) are two modes, said in a note; the winner's steady 1.3 ms is one. */
static void test_session_modes(void **state) {
  (void)state;
  const double lv_a[3] = {1.0, 1.5, 1.0}, lv_b[5] = {1.0, 1.5, 1.01, 1.5, 0.99}, flat[5] = {1.0, 1.02, 0.99, 1.01, 1.0};
  ortune_ab_outcome a, b, m;
  char note[400];
  make_outcome(&a, 3, 3, lv_a, 2);
  make_outcome(&b, 2, 5, lv_b, 1);
  assert_int_equal(ortune_ab_merge(&a, 2, &b, 0.01, &m), 0);
  assert_int_equal(m.smodes[0].count, 2);
  assert_true(fabs(m.smodes[0].median[0] - 2.0) < 1e-9 && fabs(m.smodes[0].median[1] - 3.0) < 1e-9);
  assert_true(fabs(m.smodes[0].share[0] - 5.0 / 8) < 1e-9);
  assert_int_equal(m.smodes[1].count, 1);
  ortune_ab_session_note(&m, 0, "ORT's defaults", note, sizeof note);
  assert_non_null(strstr(note, "ORT's defaults ran in two modes"));
  assert_non_null(strstr(note, "2.000 ms in 5 of 8, 3.000 ms in 3"));
  ortune_ab_session_note(&m, 1, "the winner", note, sizeof note);
  assert_string_equal(note, "");
  cJSON *j = ortune_ab_json(&m);
  cJSON *sm = cJSON_GetObjectItemCaseSensitive(j, "session_modes");
  assert_int_equal(cJSON_GetArraySize(sm), 2);
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sm, 0), "count")->valueint, 2);
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sm, 1), "count")->valueint, 1);
  cJSON_Delete(j);
  ortune_ab_outcome_free(&m);
  ortune_ab_outcome_free(&b);
  make_outcome(&b, 2, 5, flat, 1); /* one slow session in eight: no mode of its own (a mode needs two) */
  assert_int_equal(ortune_ab_merge(&a, 2, &b, 0.01, &m), 0);
  assert_int_equal(m.smodes[0].count, 1);
  ortune_ab_outcome_free(&m);
  const double one[3] = {1.0, 1.01, 0.99}; /* all eight within 2%: one mode, no note */
  ortune_ab_outcome_free(&a);
  make_outcome(&a, 3, 3, one, 2);
  assert_int_equal(ortune_ab_merge(&a, 2, &b, 0.01, &m), 0);
  ortune_ab_session_note(&m, 0, "ORT's defaults", note, sizeof note);
  assert_int_equal(m.smodes[0].count, 1);
  assert_string_equal(note, "");
  ortune_ab_outcome_free(&m);
  ortune_ab_outcome_free(&a);
  ortune_ab_outcome_free(&b);
}

/* The search's baselines of the defaults outside every A/B session's p50 (the H200's 2.511 / 3.114 ms against
 * seven sessions at 2.18-2.38 ms, session 6): said; inside, or a mode already said: nothing. */
static void test_unseen_note(void **state) {
  (void)state;
  const double lv[3] = {1.0, 1.01, 0.99}; /* the defaults at 2.00, 2.02, 1.98 ms */
  const double out_hi[2] = {2.01, 2.6}, inside[2] = {2.0, 2.05}, out_lo[1] = {1.80}, bad[2] = {NAN, 0};
  ortune_ab_outcome a;
  char note[400];
  make_outcome(&a, 3, 3, lv, 2);
  ortune_ab_unseen_note(&a, out_hi, 2, "ORT's defaults", note, sizeof note);
  assert_non_null(strstr(note, "ORT's defaults measured 2.01-2.6 ms in the search's own fresh processes, outside the "
                               "1.98-2.02 ms of all 3 sessions"));
  ortune_ab_unseen_note(&a, inside, 2, "ORT's defaults", note, sizeof note);
  assert_string_equal(note, ""); /* 2.05 is within 5% of 2.02 */
  ortune_ab_unseen_note(&a, out_lo, 1, "ORT's defaults", note, sizeof note);
  assert_non_null(strstr(note, "1.8-1.8 ms"));
  ortune_ab_unseen_note(&a, bad, 2, "ORT's defaults", note, sizeof note);
  assert_string_equal(note, ""); /* no usable baseline */
  ortune_ab_unseen_note(&a, out_hi, 0, "ORT's defaults", note, sizeof note);
  assert_string_equal(note, "");
  a.smodes[0].count = 2; /* two modes seen: the session note says it */
  ortune_ab_unseen_note(&a, out_hi, 2, "ORT's defaults", note, sizeof note);
  assert_string_equal(note, "");
  a.smodes[0].count = 1, a.busy = 1; /* a busy machine: the load note says it */
  ortune_ab_unseen_note(&a, out_hi, 2, "ORT's defaults", note, sizeof note);
  assert_string_equal(note, "");
  ortune_ab_outcome_free(&a);
}

/* The load note: nothing on a quiet machine; on a busy one, what took the CPUs. A confirmation on a busy machine
 * makes the merged outcome busy (the verdict is over both parts). */
static void test_load_note(void **state) {
  (void)state;
  const double lv[3] = {1.0, 1.0, 1.0};
  ortune_ab_outcome a, b, m;
  char note[400];
  make_outcome(&a, 3, 3, lv, 2);
  make_outcome(&b, 2, 3, lv, 1);
  ortune_ab_load_note(&a, note, sizeof note);
  assert_string_equal(note, "");
  b.busy = 1, b.others_pct = 57, b.steal_pct = 0.5, b.load_after = 2.89;
  assert_int_equal(ortune_ab_merge(&a, 2, &b, 0.01, &m), 0);
  assert_true(m.busy && m.others_pct == 57 && m.steal_pct == 0.5);
  ortune_ab_load_note(&m, note, sizeof note);
  assert_non_null(strstr(note, "the machine was busy while measuring (other processes took 57% of the 2 CPUs, 0.5% stolen"));
  assert_non_null(strstr(note, "load average 2.89"));
  ortune_ab_outcome_free(&m);
  ortune_ab_outcome_free(&a);
  ortune_ab_outcome_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ab_shape), cmocka_unit_test(test_identical_configs_same), cmocka_unit_test(test_faster_and_slower),
      cmocka_unit_test(test_sessions_widen_interval), cmocka_unit_test(test_aa_false_positives),
      cmocka_unit_test(test_seeded_and_robust),
      cmocka_unit_test(test_modes), cmocka_unit_test(test_parsimony), cmocka_unit_test(test_budget),
      cmocka_unit_test(test_ab_merge), cmocka_unit_test(test_session_modes), cmocka_unit_test(test_unseen_note),
      cmocka_unit_test(test_load_note),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
