/* search.c - the search strategies: a table of {name, function}, each proposing candidates and reading their scores.
 *
 * How it works: a strategy turns the tune's base config into candidates (make_candidate: one option changed, the
 * options that would do nothing dropped, named by what differs from the base) and measures each through
 * ortune_launch_trial, which returns its typed record; it reads the records' scores to decide what to try next,
 * and stops when the budget is spent (ortune_tuner_budget_left). staged: the seed guide's advice for this GPU's
 * class, then screen every value alone (against the defaults' noise), bisect thread counts, measure the best single
 * change once more (the noise around it), combine the winners greedily (largest effect first) and refine around
 * the result, both judged by that noise. grid: every combination of the space's values. seed14: the seed guide's 14
 * combinations (the seed14 space). The --accuracy pass (ortune_search_fp16) runs after any of them. To add a
 * strategy: a function here and a row in `strategies`. */
#include "search.h"
#include "launch.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidates ------------------------------------------------------------------------------------ */

/* Options that do nothing on their own: a candidate never carries one without what it needs, so a winner never
 * writes an option with no effect (tuning TunableOp kernels that are not enabled; inter-op threads without the
 * parallel executor). The user's own settings (the base) are left as they are. */
static const struct { const char *opt, *needs, *value; } inert_rules[] = {
  {"tunable_op_tuning_enable", "tunable_op_enable", "1"},
  {"tunable_op_max_tuning_duration_ms", "tunable_op_tuning_enable", "1"},
  {"inter_op_num_threads", "execution_mode", "ORT_PARALLEL"},
};

void ortune_drop_inert(const ortune_config *base, ortune_config *c) {
  for (int pass = 0; pass < 2; pass++) /* twice: a dropped option can make another inert */
    for (size_t i = 0; i < sizeof inert_rules / sizeof inert_rules[0]; i++) {
      int o = ortune_option_index(inert_rules[i].opt), nd = ortune_option_index(inert_rules[i].needs);
      if (o < 0 || nd < 0 || !strcmp(ortune_config_value(c, o), ortune_config_value(base, o))) continue;
      if (strcmp(ortune_config_value(c, nd), inert_rules[i].value)) ortune_config_set(c, inert_rules[i].opt, ortune_config_value(base, o));
    }
}

/* A candidate: from with option idx set to v (idx < 0: from as it is), named by its changes from the base. */
static int make_candidate(ortune_tuner *t, const ortune_config *from, int idx, const char *v, const char *stage, ortune_candidate *c) {
  int rc = ortune_config_clone(from, &c->cfg);
  if (!rc && idx >= 0) rc = ortune_config_set(c->cfg, ortune_options[idx].name, v);
  if (rc) return rc;
  c->full = 0;
  ortune_drop_inert(t->o->base, c->cfg);
  snprintf(c->stage, sizeof c->stage, "%s", stage);
  char sum[sizeof c->name];
  sum[0] = '\0';
  size_t n = 0;
  for (int i = 0; i < ortune_noptions; i++) {
    const char *a = ortune_config_value(t->o->base, i), *b = ortune_config_value(c->cfg, i);
    if (strcmp(a, b)) n += (size_t)snprintf(sum + n, n < sizeof sum ? sizeof sum - n : 0, "%s%s=%s", n ? " " : "", ortune_options[i].name, b);
    if (n >= sizeof sum) break;
  }
  snprintf(c->name, sizeof c->name, "%s", n ? sum : "defaults");
  return ORTUNE_OK;
}

static const ortune_trial *try_change(ortune_tuner *t, const ortune_config *from, int idx, const char *v, const char *stage) {
  ortune_candidate c;
  if (make_candidate(t, from, idx, v, stage, &c)) return NULL;
  const ortune_trial *tr = ortune_launch_trial(t, &c, 0);
  ortune_config_release(c.cfg);
  return tr;
}

/* The options searched: those of the space the user did not pin (ortune_merge_user_options). */
static int space_indices(const ortune_tuner *t, int *idx) {
  int n = 0;
  for (int i = 0; i < ortune_noptions; i++)
    if (ortune_space_searches(t->o->space, t->o->base, i)) idx[n++] = i;
  return n;
}

/* ---- staged ------------------------------------------------------------------------------------------ */

typedef struct { int idx; char val[48]; double score; } change;

/* What the stages of a staged search share. */
typedef struct {
  int idx[64], n;          /* the options searched */
  double effect[64];       /* each option's best score in the screen (INFINITY: not screened) */
  change ch[256];          /* single changes that beat the defaults */
  int nch;
  double t0;               /* when the search began (ortune_now), */
  int trials0;             /* and the trials recorded before it */
  double noise;            /* the yardstick of combine and refine: the noise of the configs they compare */
} staged_state;

/* Time to stop trying single changes and combine the winners: two or more options beat the defaults alone and
 * what is left of the search would not pay for one trial each at the pace so far. On an H200 a 45 s tune of
 * resnet50_640 screened to the end and never combined: enable_cuda_graph (1.14x) and prefer_nhwc (1.16x) each won
 * the final A/B alone, on different runs, and the two together were never tried (bench/RESULTS.md, session 5). */
static int time_to_combine(const ortune_tuner *t, const staged_state *s) {
  int options = 0, tried = t->res.trials.n - s->trials0;
  for (int k = 0; k < s->nch; k++) {
    int seen = 0;
    for (int j = 0; j < k && !seen; j++) seen = s->ch[j].idx == s->ch[k].idx;
    options += !seen;
  }
  if (options < 2 || tried < 1) return 0;
  double pace = (ortune_now() - s->t0) / tried;
  return ortune_tuner_search_left_s(t) < options * pace;
}

static int cmp_change(const void *a, const void *b) {
  double x = ((const change *)a)->score, y = ((const change *)b)->score;
  return (x > y) - (x < y);
}

static void keep_change(ortune_tuner *t, staged_state *s, int idx, const char *val, const ortune_trial *tr) {
  if (!ortune_tuner_better(t, tr, t->base_score) || s->nch >= 256) return;
  s->ch[s->nch].idx = idx;
  snprintf(s->ch[s->nch].val, sizeof s->ch[s->nch].val, "%.47s", val);
  s->ch[s->nch++].score = ortune_tuner_score(t, tr);
}

/* The seed guide's advice for this GPU's class, measured as one more starting point (with its entry-class mistake
 * corrected: HEURISTIC, not DEFAULT). */
static void staged_seed_advice(ortune_tuner *t) {
  static const struct { const char *cls, *gb, *copy, *ws, *tun; } adv[] = {
    {"high", "16", "0", "1", "1"}, {"mid", "8", "0", "1", "1"}, {"entry", "4", "1", "0", "0"}};
  const char *cls = t->res.has_machine && t->res.machine.has_gpu ? t->res.machine.gpu.cls : NULL;
  if (!cls || !strcmp(t->o->space, "cpu") || !ortune_tuner_budget_left(t)) return;
  for (size_t i = 0; i < sizeof adv / sizeof adv[0]; i++) {
    if (strcmp(cls, adv[i].cls)) continue;
    ortune_candidate c = {.full = 0};
    if (ortune_config_clone(t->o->base, &c.cfg)) break;
    ortune_config_set(c.cfg, "cudnn_conv_algo_search", "HEURISTIC");
    ortune_config_set(c.cfg, "gpu_mem_limit_gb", adv[i].gb);
    ortune_config_set(c.cfg, "do_copy_in_default_stream", adv[i].copy);
    ortune_config_set(c.cfg, "cudnn_conv_use_max_workspace", adv[i].ws);
    ortune_config_set(c.cfg, "tunable_op_enable", adv[i].tun);
    ortune_apply_pinned(t->o->base, c.cfg); /* the user's settings stay */
    snprintf(c.name, sizeof c.name, "seed advice for a %s-class GPU", cls);
    snprintf(c.stage, sizeof c.stage, "class");
    ortune_launch_trial(t, &c, 0);
    ortune_config_release(c.cfg);
  }
}

/* The screen's order: the options whose effects were measured largest come first, so a short budget spends itself
 * where the effects were (bench/RESULTS.md: on an H100 and an H200, enable_cuda_graph was the one GPU option
 * that won on every bench model, 1.08-2.6x; cudnn_conv_algo_search the next; on CPU, denormals where they occur).
 * With enable_cuda_graph tenth in table order, a 45 s tune of mnv3_b8 once ended before reaching it and kept the
 * defaults while the two other tunes found 1.8x (bench/RESULTS.md, session 4). The rest keep the table's order. */
static const char *const screen_first[] = {"enable_cuda_graph", "cudnn_conv_algo_search", "session.set_denormal_as_zero",
                                           "prefer_nhwc", "use_tf32", "execution_mode"};

static int screen_rank(int idx) {
  int n = (int)(sizeof screen_first / sizeof screen_first[0]);
  for (int i = 0; i < n; i++)
    if (!strcmp(ortune_options[idx].name, screen_first[i])) return i;
  return n + idx;
}

static void screen_order(staged_state *s) {
  for (int a = 1; a < s->n; a++) /* insertion sort: a few dozen options */
    for (int b = a; b > 0 && screen_rank(s->idx[b]) < screen_rank(s->idx[b - 1]); b--) {
      int i = s->idx[b]; s->idx[b] = s->idx[b - 1]; s->idx[b - 1] = i;
    }
}

/* Stage 1: every value of every option alone on the base, in screen_first's order. */
static void staged_screen(ortune_tuner *t, staged_state *s) {
  char vals[16][48];
  screen_order(s);
  for (int k = 0; k < s->n; k++) s->effect[k] = INFINITY; /* options the budget leaves unscreened sort last */
  for (int k = 0; k < s->n && ortune_tuner_budget_left(t) && !time_to_combine(t, s); k++) {
    int nv = ortune_space_values(s->idx[k], vals, 16);
    const char *cur = ortune_config_value(t->o->base, s->idx[k]);
    for (int v = 0; v < nv && ortune_tuner_budget_left(t) && !time_to_combine(t, s); v++) {
      if (!strcmp(vals[v], cur)) continue;
      const ortune_trial *tr = try_change(t, t->o->base, s->idx[k], vals[v], "screen");
      if (tr && tr->status == ORTUNE_TRIAL_OK && ortune_tuner_score(t, tr) < s->effect[k]) s->effect[k] = ortune_tuner_score(t, tr);
      keep_change(t, s, s->idx[k], vals[v], tr);
    }
  }
}

/* Bisection for thread counts: between the better of 1 and all cores and the other end, halving the interval
 * toward the faster side (latency against threads is taken as unimodal). */
static void staged_bisect(ortune_tuner *t, staged_state *s) {
  for (int k = 0; k < s->n && ortune_tuner_budget_left(t) && !time_to_combine(t, s); k++) {
    int o = s->idx[k];
    if (!ortune_options[o].tune_values || strcmp(ortune_options[o].tune_values, "bisect")) continue;
    int lo = 1, hi = ortune_cpu_count();
    char v[16];
    snprintf(v, sizeof v, "%d", lo);
    const ortune_trial *flo = try_change(t, t->o->base, o, v, "bisect");
    snprintf(v, sizeof v, "%d", hi);
    const ortune_trial *fhi = try_change(t, t->o->base, o, v, "bisect");
    while (hi - lo > 1 && flo && fhi && ortune_tuner_budget_left(t)) {
      int mid = (lo + hi) / 2;
      snprintf(v, sizeof v, "%d", mid);
      const ortune_trial *fm = try_change(t, t->o->base, o, v, "bisect");
      if (!fm) break;
      if (ortune_tuner_score(t, flo) < ortune_tuner_score(t, fhi)) { hi = mid; fhi = fm; }
      else { lo = mid; flo = fm; }
    }
    const ortune_trial *best = flo && fhi && ortune_tuner_score(t, fhi) < ortune_tuner_score(t, flo) ? fhi : flo;
    if (best) keep_change(t, s, o, best->config->value[o] ? best->config->value[o] : "", best);
  }
}

/* The noise of the configs combine and refine compare: the best single change measured again in a fresh process,
 * as the defaults were (the same rule: 1.5 x the difference, 2% to 25%), and its score the mean of the two. The
 * defaults' noise is not theirs: on an H200 the defaults' p50 moved 2.2-3.4 ms from session to session of rtmo_like
 * while the CUDA-graph config's moved 2%, and with the yardstick at 25% from the defaults a tune kept prefer_nhwc's
 * 11% on top of the graph out, and with it the best config (graph + nhwc + fuse_conv_bias, 1.23 against 1.36 ms;
 * bench/RESULTS.md, session 6). What the search accepts here is only what it explores; the final A/B decides. */
static void local_noise(ortune_tuner *t, staged_state *s, const ortune_config *cur, double *cur_score) {
  if (!ortune_tuner_budget_left(t)) return; /* s->noise stays the defaults' */
  ortune_candidate c;
  if (make_candidate(t, cur, -1, NULL, "noise", &c)) return;
  size_t n = strlen(c.name);
  snprintf(c.name + n, sizeof c.name - n, " (repeat)"); /* its own name: --resume must not take the first for it */
  c.full = 1;
  const ortune_trial *tr = ortune_launch_trial(t, &c, 0);
  ortune_config_release(c.cfg);
  if (!tr || !ortune_tuner_eligible(t, tr) || !(*cur_score > 0) || !isfinite(*cur_score)) return;
  double again = ortune_tuner_score(t, tr);
  t->res.search_noise = s->noise = ortune_noise_of(*cur_score, again);
  *cur_score = (*cur_score + again) / 2;
}

/* Stage 2: combine, most effective first (the order is learned from the screen), into cur. The best single change
 * is where it starts: it was measured in the screen, and is measured once more for the noise around it. */
static void staged_combine(ortune_tuner *t, staged_state *s, ortune_config *cur, double *cur_score) {
  qsort(s->ch, (size_t)s->nch, sizeof *s->ch, cmp_change);
  s->noise = t->noise;
  if (s->nch) {
    ortune_config_set(cur, ortune_options[s->ch[0].idx].name, s->ch[0].val);
    ortune_drop_inert(t->o->base, cur);
    *cur_score = s->ch[0].score;
    local_noise(t, s, cur, cur_score);
  }
  for (int k = 1; k < s->nch && ortune_tuner_budget_left(t); k++) {
    const change *c = &s->ch[k];
    if (strcmp(ortune_config_value(cur, c->idx), ortune_options[c->idx].def) && ortune_config_is_set(cur, ortune_options[c->idx].name))
      continue; /* this option already changed by a better value */
    const ortune_trial *tr = try_change(t, cur, c->idx, c->val, "combine");
    if (ortune_tuner_better_by(t, tr, *cur_score, s->noise)) {
      ortune_config_set(cur, ortune_options[c->idx].name, c->val);
      *cur_score = ortune_tuner_score(t, tr);
    }
  }
}

/* Stage 3: refine - one more pass of single changes around the current best (interactions), options in the order
 * of their effect in the screen. */
static void staged_refine(ortune_tuner *t, staged_state *s, ortune_config *cur, double *cur_score) {
  char vals[16][48];
  for (int a = 1; a < s->n; a++)
    for (int b = a; b > 0 && s->effect[b] < s->effect[b - 1]; b--) {
      double e = s->effect[b]; s->effect[b] = s->effect[b - 1]; s->effect[b - 1] = e;
      int i = s->idx[b]; s->idx[b] = s->idx[b - 1]; s->idx[b - 1] = i;
    }
  for (int k = 0; k < s->n && ortune_tuner_budget_left(t) && s->nch; k++) {
    int nv = ortune_space_values(s->idx[k], vals, 16);
    for (int v = 0; v < nv && ortune_tuner_budget_left(t); v++) {
      if (!strcmp(vals[v], ortune_config_value(cur, s->idx[k]))) continue;
      const ortune_trial *tr = try_change(t, cur, s->idx[k], vals[v], "refine");
      if (ortune_tuner_better_by(t, tr, *cur_score, s->noise)) {
        ortune_config_set(cur, ortune_options[s->idx[k]].name, vals[v]);
        *cur_score = ortune_tuner_score(t, tr);
      }
    }
  }
}

/* Staged: screen each value alone, combine the winners greedily (largest effect first), refine around the result. */
static int search_staged(ortune_tuner *t) {
  staged_state *s = calloc(1, sizeof *s);
  if (!s) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  s->n = space_indices(t, s->idx);
  char vals[16][48];
  t->total_hint = 2;
  for (int k = 0; k < s->n; k++) t->total_hint += ortune_space_values(s->idx[k], vals, 16) - 1;
  t->total_hint += t->total_hint / 2;
  s->t0 = ortune_now();
  s->trials0 = t->res.trials.n;
  staged_seed_advice(t);
  staged_screen(t, s);
  staged_bisect(t, s);
  ortune_config *cur = NULL;
  if (ortune_config_clone(t->o->base, &cur)) {
    free(s);
    return ORTUNE_ENOMEM;
  }
  double cur_score = t->base_score;
  staged_combine(t, s, cur, &cur_score);
  staged_refine(t, s, cur, &cur_score);
  ortune_config_release(cur);
  free(s);
  return ortune_tuner_stopped() ? ORTUNE_EINTR : ORTUNE_OK;
}

/* ---- grid and seed14 ------------------------------------------------------------------------------------- */

/* Grid: every combination of the space's values. */
static int search_grid(ortune_tuner *t) {
  int idx[64], n = space_indices(t, idx), nv[64], pos[64] = {0};
  char vals[64][16][48];
  long total = 1;
  for (int k = 0; k < n; k++) {
    nv[k] = ortune_space_values(idx[k], vals[k], 16);
    total *= nv[k];
  }
  if (total > 5000 && !t->o->max_trials)
    return ortune_set_error(ORTUNE_EUSAGE, "grid over space %s has %ld candidates: use --strategy staged or --max-trials", t->o->space,
                            total);
  t->total_hint = (int)total + 1;
  ortune_config *c = NULL;
  for (long g = 0; g < total && ortune_tuner_budget_left(t); g++) {
    if (ortune_config_clone(t->o->base, &c)) return ORTUNE_ENOMEM;
    for (int k = 0; k < n; k++) ortune_config_set(c, ortune_options[idx[k]].name, vals[k][pos[k]]);
    ortune_candidate cand;
    if (!make_candidate(t, c, -1, NULL, "grid", &cand)) {
      ortune_launch_trial(t, &cand, 0);
      ortune_config_release(cand.cfg);
    }
    ortune_config_release(c);
    for (int k = 0; k < n && ++pos[k] == nv[k]; k++) pos[k] = 0;
  }
  return ortune_tuner_stopped() ? ORTUNE_EINTR : ORTUNE_OK;
}

/* seed14: the seed guide's 14 combinations on the base (--scale-memory: memory limits scaled to this GPU). */
static int search_seed14(ortune_tuner *t) {
  ortune_gpu g[8];
  int ng = ortune_gpu_list(g, 8), dev = atoi(ortune_config_get(t->o->base, "device_id"));
  uint64_t gpu_total = dev < ng ? g[dev].memory_total : 0;
  ortune_candidates cs = {0};
  int rc = ortune_space_seed14(t->o->base, t->o->scale_memory ? gpu_total : 0, &cs);
  for (int i = 0; !rc && i < cs.n; i++) rc = ortune_apply_pinned(t->o->base, cs.v[i].cfg); /* the user's settings stay */
  t->total_hint = cs.n + 2;
  for (int i = 0; !rc && i < cs.n && ortune_tuner_budget_left(t); i++) ortune_launch_trial(t, &cs.v[i], 0);
  ortune_candidates_free(&cs);
  return rc ? rc : ortune_tuner_stopped() ? ORTUNE_EINTR : ORTUNE_OK;
}

static const ortune_strategy strategies[] = {
  {"staged", search_staged, 1},
  {"grid", search_grid, 1},
  {"seed14", search_seed14, 0},
};

const ortune_strategy *ortune_strategy_find(const char *name) {
  for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++)
    if (!strcmp(strategies[i].name, name)) return &strategies[i];
  return NULL;
}

/* ---- --accuracy: the float16 model ------------------------------------------------------------------- */

int ortune_search_fp16(ortune_tuner *t) {
  char path[700];
  if (ortune_tune_fp16_prepare(t->o->model, t->work, t->o->fp16_keep, path, sizeof path, t->res.sections)) {
    if (!t->o->quiet) fprintf(stderr, "ortune: warning: float16 model not tried: %s\n", ortune_last_error());
    return ORTUNE_OK;
  }
  for (int i = t->previous.n - 1; i >= 0; i--) /* --resume: they measured a model of another work dir */
    if (!strcmp(t->previous.v[i]->stage, "fp16")) ortune_trials_remove(&t->previous, i);
  const ortune_trial *best = NULL;
  for (int i = 0; i < t->res.trials.n; i++) {
    const ortune_trial *tr = t->res.trials.v[i];
    if (ortune_tuner_eligible(t, tr) && strcmp(tr->stage, "baseline") && (!best || ortune_tuner_score(t, tr) < ortune_tuner_score(t, best)))
      best = tr;
  }
  for (int k = 0; k < 2 && !ortune_tuner_stopped(); k++) { /* asked for: past --max-trials and --budget too */
    if (k == 1 && !best) break;
    ortune_candidate c = {.stage = "fp16"};
    int rc = ortune_config_clone(t->o->base, &c.cfg);
    if (!rc && k == 1) ortune_trial_apply_config(best, c.cfg);
    if (!rc) rc = ortune_config_set(c.cfg, "model_override", path);
    snprintf(c.name, sizeof c.name, "fp16 + %.140s", k ? best->name : "defaults");
    if (!rc && !ortune_launch_trial(t, &c, 0) && !ortune_tuner_stopped()) rc = t->last_rc;
    ortune_config_release(c.cfg);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}
