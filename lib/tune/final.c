/* final.c - the final A/B of a tune: are the best candidates of the search really faster than ORT's defaults?
 *
 * How it works: the finalists are up to --finalists eligible trials that scored better than the defaults in the
 * search, best first. They run interleaved with the defaults (ab.c) in several fresh sessions, sized to what is
 * left of --budget; stats.c turns the blocks into a speedup with an interval and a verdict per candidate. Among the
 * candidates called faster the winner is the one with the fewest changed options within the noise of the fastest
 * (parsimony). With --budget and two or more finalists, the rest of the budget then goes to more sessions of the
 * defaults and the winner alone (confirm), and the winner's numbers and verdict are taken over all its sessions.
 * Everything is recorded in the results' "final" section; the typed outcome (ortune_final) is what the config and
 * its provenance are written from (winner.c). */
#include "final.h"
#include "ab.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_score(const void *a, const void *b) {
  double x = ((const double *)a)[0], y = ((const double *)b)[0];
  return (x > y) - (x < y);
}

static void ab_progress(void *ctx, int s, int n) {
  char what[96];
  snprintf(what, sizeof what, "baseline vs finalists, interleaved (session %d/%d)", s + 1, n);
  ortune_tuner_progress(ctx, what, "verifying");
}

/* Whether trial x changes every option trial f changes, to the same value (and maybe more): f's config again, or
 * f's plus more options. */
static int extends(const ortune_trial *x, const ortune_trial *f) {
  for (int i = 0; i < ortune_noptions; i++) {
    const char *a = x->config->value[i], *b = f->config->value[i];
    if (b && (!a || strcmp(a, b))) return 0;
  }
  return 1;
}

/* The finalists: up to o->finalists candidates faster than the defaults in the search, best first; cfgs[0] = base.
 * After the best, a candidate must be faster beyond the search's noise, and not the config of a finalist already
 * taken, alone or plus more options (it measured no faster than that finalist, and parsimony would pick the
 * finalist): each config costs every session of the A/B its opening and first run. On an H200, mnv3_b8's A/B of enable_cuda_graph
 * and two such extensions of it fitted three sessions in what was left of --budget 100, and with its defaults at
 * 2.0, 2.9 and 1.8 ms in the three the interval was [0.93, 2.85]: "keeping the defaults" though every block of
 * the graph config was faster (bench/RESULTS.md, session 5). */
static int pick_finalists(ortune_tuner *t, ortune_config **cfgs, int *ids) {
  double rank[512][2];
  int nr = 0, nf = 0;
  for (int i = 0; i < t->res.trials.n; i++) {
    const ortune_trial *tr = t->res.trials.v[i];
    /* not the baselines, nor the search's repeat of a config (stage noise): that config is ranked by its own trial */
    if (nr < 512 && ortune_tuner_eligible(t, tr) && strcmp(tr->stage, "baseline") && strcmp(tr->stage, "noise"))
      rank[nr][0] = ortune_tuner_score(t, tr), rank[nr++][1] = tr->id;
  }
  qsort(rank, (size_t)nr, sizeof rank[0], cmp_score);
  if (ortune_config_clone(t->o->base, &cfgs[0])) return -1;
  ids[0] = 0;
  for (int i = 0; i < nr && nf < t->o->finalists && nf < ORTUNE_AB_MAX - 1; i++) {
    if (rank[i][0] >= t->base_score) break; /* not faster even in the screen */
    int id = (int)rank[i][1], skip = 0;
    if (id < 0 || id >= t->res.trials.n) break;
    if (nf && !ortune_tuner_better(t, t->res.trials.v[id], t->base_score)) break;
    for (int k = 1; k <= nf && !skip; k++) skip = extends(t->res.trials.v[id], t->res.trials.v[ids[k]]);
    if (skip) continue;
    if (ortune_config_clone(t->o->base, &cfgs[nf + 1])) break;
    ortune_trial_apply_config(t->res.trials.v[id], cfgs[nf + 1]);
    ids[++nf] = id;
  }
  return nf;
}

/* The A/B plan: sessions x rounds within what is left of the budget, blocks of about 0.15 s. */
static void ab_plan(ortune_tuner *t, ortune_config **cfgs, int n, ortune_ab_plan *p) {
  const ortune_tune_opts *o = t->o;
  memset(p, 0, sizeof *p);
  p->model = o->model;
  p->cfgs = cfgs;
  p->n = n;
  p->spec = &o->spec;
  p->sessions = o->ab_sessions > 0 ? o->ab_sessions : 3;
  p->rounds = (o->ab_rounds + p->sessions - 1) / p->sessions;
  if (p->rounds < 2) p->rounds = 2;
  p->runs = o->ab_runs;
  p->block_s = 0.15;
  p->startup = !strcmp(o->objective, "startup");
  if (o->budget_s > 0) { /* the A/B is inside the budget: what is left, shared by the sessions */
    double left = o->budget_s - (ortune_now() - t->t_start);
    p->budget_s = left > 1 ? left : 1;
    /* a block: at least 3 runs (on a model of seconds per run, fewer rounds fit), or one start; a session also
     * opens every config (and with startup starts each once unmeasured) */
    double block, setup;
    ortune_tuner_ab_cost(t, n, &block, &setup);
    ortune_ab_shape(p->budget_s, n, block, setup, o->ab_rounds, p->sessions, o->ab_sessions > 0, &p->sessions, &p->rounds);
    /* sessions are what the interval is over: a 60 s tune of mnv3_b8 on an H200 planned 4 sessions, ran them in
     * 22 s and ended 13 s early (bench/RESULTS.md, session 5) */
    if (o->ab_sessions <= 0 && n == 2) p->sessions_max = p->sessions > 8 ? p->sessions : 8; /* else confirm() */
  }
  p->session_timeout_s = o->trial_timeout_s * 2;
  p->worker_exe = o->worker_exe;
  p->work = t->work;
  p->min_gain = o->min_gain;
  p->stop = ortune_tuner_stop_flag();
  p->progress = ab_progress;
  p->ctx = t;
}

/* f's numbers from outcome o: the defaults' p50/p99 (config 0) and the winner's (config k). */
static void take_numbers(ortune_final *f, const ortune_ab_outcome *o, int k) {
  f->baseline_p50_ms = o->p50[0];
  f->baseline_p99_ms = o->p99[0];
  f->p50_ms = o->p50[k];
  f->p99_ms = o->p99[k];
  f->speedup = o->ratio[k].speedup;
  f->ci_low = o->ratio[k].ci_low;
  f->ci_high = o->ratio[k].ci_high;
}

/* Record the A/B in final: each candidate's speedup, interval and verdict; the winner by parsimony among the
 * candidates called faster (fewest changed options within the noise of the fastest) into f. */
static int ab_record(ortune_tuner *t, const ortune_ab_outcome *ab, const int *ids, int nf, cJSON *final, ortune_final *f) {
  cJSON *cands = cJSON_GetObjectItemCaseSensitive(final, "candidates");
  int nchanged[ORTUNE_AB_MAX], which[ORTUNE_AB_MAX], nfast = 0;
  cJSON_AddNumberToObject(final, "baseline_p50_ms", ab->p50[0]);
  cJSON_AddNumberToObject(final, "baseline_p99_ms", ab->p99[0]);
  f->baseline_p50_ms = ab->p50[0];
  f->baseline_p99_ms = ab->p99[0];
  cJSON_AddItemToObject(final, "measurement", ortune_ab_json(ab));
  for (int i = 1; i <= nf; i++) {
    const ortune_trial *tr = t->res.trials.v[ids[i]];
    cJSON *x = cJSON_CreateObject();
    cJSON_AddNumberToObject(x, "id", ids[i]);
    cJSON_AddStringToObject(x, "name", tr->name);
    ortune_ab_candidate_json(ab, i, x);
    cJSON_AddBoolToObject(x, "significant", ab->verdict[i] == ORTUNE_AB_FASTER);
    cJSON_AddItemToArray(cands, x);
    if (ab->verdict[i] == ORTUNE_AB_FASTER) {
      nchanged[nfast] = ortune_trial_changed_options(tr);
      which[nfast++] = i;
    }
  }
  ortune_ab_data d = {ab->blocks, ab->sessions, ab->rounds, ab->n};
  int pick = ortune_parsimony_pick(&d, which, nchanged, nfast, t->o->min_gain);
  if (pick < 0) return 0;
  int k = which[pick];
  f->winner = t->res.trials.v[ids[k]];
  take_numbers(f, ab, k);
  return k;
}

/* The winner's numbers in final (its candidate entry, the defaults' p50/p99) and f from outcome o's config k. */
static void winner_numbers(const ortune_ab_outcome *o, int k, int id, cJSON *final, ortune_final *f) {
  static const char *const keys[] = {"p50_ms",         "p99_ms",  "speedup",     "ci_low",  "ci_high",
                                     "session_spread", "verdict", "significant", "sessions"};
  cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(final, "candidates")) {
    if ((int)ortune_jnum(c, "id", -1) != id) continue;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) cJSON_DeleteItemFromObjectCaseSensitive(c, keys[i]);
    ortune_ab_candidate_json(o, k, c);
    cJSON_AddBoolToObject(c, "significant", o->verdict[k] == ORTUNE_AB_FASTER);
    cJSON_AddNumberToObject(c, "sessions", o->sessions);
  }
  cJSON_ReplaceItemInObjectCaseSensitive(final, "baseline_p50_ms", cJSON_CreateNumber(o->p50[0]));
  cJSON_ReplaceItemInObjectCaseSensitive(final, "baseline_p99_ms", cJSON_CreateNumber(o->p99[0]));
  take_numbers(f, o, k);
}

/* What the sessions of the defaults say of their modes: two seen, or one seen and the search's baselines outside it. */
static void session_note(const ortune_tuner *t, const ortune_ab_outcome *o, char *buf, size_t len) {
  ortune_ab_session_note(o, 0, "ORT's defaults", buf, len);
  if (buf[0] || !strcmp(t->o->objective, "startup")) return; /* start-ups are not the baselines' run latencies */
  double b[2];
  int n = 0;
  for (int i = 0; i < t->res.trials.n && n < 2; i++) {
    const ortune_trial *tr = t->res.trials.v[i];
    if (!strcmp(tr->stage, "baseline") && tr->status == ORTUNE_TRIAL_OK) b[n++] = tr->p50_ms;
  }
  ortune_ab_unseen_note(o, b, n, "ORT's defaults", buf, len);
}

/* What a tune says beside its verdict: the machine's load, and the defaults' sessions (two modes, or unseen ones). */
typedef struct {
  char load[400], session[400];
} final_notes;

/* With --budget, the rest of it goes to more fresh sessions of the defaults and the winner alone (at most 16
 * sessions in all), and the winner's speedup, interval and verdict are taken over every session of the two. On an
 * H200 the spread of a speedup is between sessions (the defaults' p50 moved 2.2-4.0 ms from session to session of
 * rtmo_like; the graph config's did not), an A/B of four configs fitted 3-4 sessions in what --budget 100 left it,
 * and three tunes landed 8% apart (bench/RESULTS.md, session 5); a session of two configs costs less. A session
 * that fails here fails the tune: the winner crashed, ran out of memory or hung in a fresh start. A busy machine
 * during either part is said in notes->load, the merged sessions' modes in notes->session. */
static int confirm(ortune_tuner *t, const ortune_ab_plan *p0, const ortune_ab_outcome *ab, ortune_config **cfgs, const int *ids, int k,
                   cJSON *final, ortune_final *f, final_notes *notes) {
  const ortune_tune_opts *o = t->o;
  if (!(o->budget_s > 0) || o->ab_sessions > 0 || ortune_tuner_stopped() || !ab->session_s) return ORTUNE_OK;
  double left = o->budget_s - (ortune_now() - t->t_start), longest = 0;
  for (int s = 0; s < ab->sessions; s++) longest = fmax(longest, ab->session_s[s]);
  if (ab->sessions >= 16 || left < longest) return ORTUNE_OK; /* one of two configs costs less than one of all */
  ortune_config *two[2] = {cfgs[0], cfgs[k]};
  ortune_ab_plan p = *p0;
  p.cfgs = two;
  p.n = 2;
  p.sessions = 1;
  p.sessions_max = 16 - ab->sessions;
  p.rounds = ab->rounds;
  p.budget_s = left;
  p.keep_outputs = 0;
  ortune_ab_outcome more, m;
  int rc = ortune_ab_run(&p, &more);
  if (rc == ORTUNE_OK && (rc = ortune_ab_merge(ab, k, &more, o->min_gain, &m)) == ORTUNE_OK) {
    cJSON *j = ortune_ab_json(&m);
    cJSON_AddNumberToObject(j, "winner", ids[k]);
    cJSON_AddNumberToObject(j, "added_sessions", more.sessions);
    cJSON_AddItemToObject(final, "confirm", j);
    winner_numbers(&m, 1, ids[k], final, f);
    if (m.busy) ortune_ab_load_note(&m, notes->load, sizeof notes->load); /* the load over both parts: the verdict is over both */
    session_note(t, &m, notes->session, sizeof notes->session);
    if (m.verdict[1] != ORTUNE_AB_FASTER) f->winner = NULL; /* more sessions, and the difference is gone */
    ortune_ab_outcome_free(&m);
  } else {
    if (rc != ORTUNE_EINTR) cJSON_AddStringToObject(final, "ab_error", more.error[0] ? more.error : ortune_last_error());
    f->winner = NULL; /* interrupted or failed: nothing is written */
  }
  ortune_ab_outcome_free(&more);
  return rc;
}

/* Run the A/B of the finalists; an error of the A/B is recorded as final.ab_error. */
static int run_ab(ortune_tuner *t, ortune_config **cfgs, const int *ids, int nf, cJSON *final, ortune_final *f) {
  ortune_ab_plan p;
  ortune_ab_outcome ab;
  ab_plan(t, cfgs, nf + 1, &p);
  int rc = ortune_ab_run(&p, &ab);
  if (rc == ORTUNE_EINTR) {
  } else if (rc) {
    cJSON_AddStringToObject(final, "ab_error", ab.error);
  } else {
    int k = ab_record(t, &ab, ids, nf, final, f);
    final_notes notes;
    ortune_ab_load_note(&ab, notes.load, sizeof notes.load);
    session_note(t, &ab, notes.session, sizeof notes.session);
    if (k > 0 && nf >= 2) rc = confirm(t, &p, &ab, cfgs, ids, k, final, f, &notes);
    static const char *const keys[] = {"load_note", "session_note"};
    const char *const said[] = {notes.load, notes.session};
    for (int i = 0; i < 2; i++) {
      if (said[i][0] && !t->o->quiet) fprintf(stderr, "ortune: note: %s\n", said[i]);
      if (said[i][0]) cJSON_AddStringToObject(final, keys[i], said[i]);
    }
  }
  ortune_ab_outcome_free(&ab);
  return rc;
}

/* Whether the search measured any candidate (besides the defaults' baselines). */
static int tried_any(const ortune_tuner *t) {
  for (int i = 0; i < t->res.trials.n; i++)
    if (strcmp(t->res.trials.v[i]->stage, "baseline")) return 1;
  return 0;
}

/* The verdict: winner, verdict word and message in final and f. */
static void verdict(const ortune_tuner *t, const ortune_final *f, int rc, int nf, cJSON *final, char *msg, size_t len) {
  if (f->winner) {
    cJSON_AddNumberToObject(final, "winner", f->winner->id);
    cJSON_AddStringToObject(final, "verdict", "faster");
    snprintf(msg, len, "%s is %.3gx faster %sthan ORT defaults (95%% CI %.3g-%.3g over fresh sessions, interleaved A/B)",
             f->winner->name, f->speedup, strcmp(t->o->objective, "startup") ? "" : "to start ", f->ci_low, f->ci_high);
  } else if (rc == ORTUNE_ETIMEOUT && nf == 0) {
    cJSON_AddNumberToObject(final, "winner", 0);
    cJSON_AddStringToObject(final, "verdict", "untried");
    snprintf(msg, len, "--budget %g s ended before any candidate was tried (the defaults and the reference took %.0f s): no verdict, "
             "config not written; give a larger --budget", t->o->budget_s, ortune_now() - t->t_start);
  } else if (rc && rc != ORTUNE_EINTR) {
    cJSON_AddNumberToObject(final, "winner", 0);
    cJSON_AddStringToObject(final, "verdict", "failed");
    snprintf(msg, len, "the final A/B failed (%s): no verdict, config not written", ortune_jstr(final, "ab_error"));
  } else {
    cJSON_AddNumberToObject(final, "winner", 0);
    cJSON_AddStringToObject(final, "verdict", "defaults");
    snprintf(msg, len, "%s", nf > 0 ? "no candidate beat ORT's defaults beyond the noise in the interleaved A/B: keeping the defaults"
                                    : "no candidate was faster than ORT's defaults: keeping the defaults");
  }
  cJSON_AddStringToObject(final, "message", msg);
}

int ortune_final_run(ortune_tuner *t, ortune_final *f) {
  ortune_config *cfgs[ORTUNE_AB_MAX] = {0};
  int ids[ORTUNE_AB_MAX];
  memset(f, 0, sizeof *f);
  f->baseline_p50_ms = f->baseline_p99_ms = NAN;
  cJSON *final = ortune_tuner_section(t, "final", 0);
  if (!final) return ortune_set_error(ORTUNE_ENOMEM, "tune: out of memory");
  cJSON_AddArrayToObject(final, "candidates");
  int nf = pick_finalists(t, cfgs, ids), rc = ORTUNE_OK;
  if (nf > 0 && !ortune_tuner_stopped()) rc = run_ab(t, cfgs, ids, nf, final, f);
  else if (nf == 0 && !ortune_tuner_stopped() && !tried_any(t) && t->o->budget_s > 0 && !ortune_tuner_budget_left(t))
    rc = ORTUNE_ETIMEOUT; /* the budget ran out before the search began: "keeping the defaults" would be a guess */
  for (int i = 0; i <= (nf > 0 ? nf : 0); i++) ortune_config_release(cfgs[i]);
  verdict(t, f, rc, nf, final, f->message, sizeof f->message);
  if (rc && rc != ORTUNE_EINTR) ortune_set_error(rc, "%s", f->message);
  return rc;
}
