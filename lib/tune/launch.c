/* launch.c - the parent side of a trial: write its spec, run the child, turn what came back into an ortune_trial.
 *
 * How it works: a candidate measured before (this run, or --resume's file with the same inputs) is reused. Else
 * the candidate becomes a spec file (the JSON edge to the child: model, config, inputs, bench settings, the racing
 * cutoff), `ortune _trial SPEC RESULT` runs under a time limit (worker.c), and the outcome is classified: killed
 * by the time limit, by a signal (the OOM killer when the kernel counted one), exited without a result, an ORT
 * error (by phase: invalid options vs a runtime error), or a result whose outputs are checked against the
 * reference (verify.c; a float16 model under the --accuracy rule, transform.c). The child's result is typed in one
 * place (ortune_trial_absorb_json). The trial's score updates the racing cutoff, and the results file is saved
 * after every trial, so an interrupted tune keeps what it measured. trial.c is the child side. */
#define _GNU_SOURCE
#include "launch.h"
#include "worker.h"
#include <ftw.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

int ortune_launch_spawn(void *ctx, const char *spec, const char *res, const char *log, double timeout) {
  const ortune_tuner *t = ctx;
  return ortune_worker_spawn(t->o->worker_exe, spec, res, log, timeout, ortune_tuner_stop_flag());
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb; (void)flag; (void)ftw;
  return remove(p);
}
void ortune_launch_rm_rf(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* The files of trial id in the work dir. */
typedef struct {
  char spec[600], res[600], log[600], out[600];
} trial_paths;

static void paths_of(const ortune_tuner *t, int id, int is_baseline, trial_paths *p) {
  snprintf(p->spec, sizeof p->spec, "%s/spec_%d.json", t->work, id);
  snprintf(p->res, sizeof p->res, "%s/result_%d.json", t->work, id);
  snprintf(p->log, sizeof p->log, "%s/log_%d.txt", t->work, id);
  if (is_baseline) snprintf(p->out, sizeof p->out, "%s/ref", t->work);
  else snprintf(p->out, sizeof p->out, "%s/out_%d", t->work, id);
}

/* ---- reuse ---------------------------------------------------------------------------------------- */

static ortune_trial *find_trial(ortune_tuner *t, const char *name) {
  for (int i = 0; i < t->res.trials.n; i++)
    if (!strcmp(t->res.trials.v[i]->name, name)) return t->res.trials.v[i];
  return NULL;
}

/* --resume: the earlier run's trial of that name, measured with the same inputs (shapes, free dims, sources). */
static const ortune_trial *find_previous(ortune_tuner *t, const char *name) {
  for (int i = 0; i < t->previous.n; i++) {
    const ortune_trial *tr = t->previous.v[i];
    if (strcmp(tr->name, name) || tr->status == ORTUNE_TRIAL_INTERRUPTED) continue;
    if (!strcmp(tr->inputs ? tr->inputs : "", t->inputs)) return tr;
    t->stale_previous++;
  }
  return NULL;
}

static ortune_trial *resume_trial(ortune_tuner *t, const ortune_trial *prev, const char *name) {
  ortune_trial *tr = NULL;
  if (ortune_trial_clone(prev, &tr)) return NULL;
  tr->id = t->res.trials.n;
  tr->resumed = 1;
  if (ortune_trials_add(&t->res.trials, tr)) return NULL;
  ortune_tuner_progress(t, name, "resumed");
  return tr;
}

/* ---- the spec: the JSON edge to the child -------------------------------------------------------------- */

static cJSON *bench_json(const ortune_tuner *t, const ortune_candidate *c, int is_baseline) {
  const ortune_tune_opts *o = t->o;
  cJSON *bench = cJSON_CreateObject();
  cJSON_AddNumberToObject(bench, "min_runs", o->bench.min_runs);
  cJSON_AddNumberToObject(bench, "max_runs", o->bench.max_runs);
  cJSON_AddNumberToObject(bench, "duration_s", o->bench.duration_s);
  cJSON_AddNumberToObject(bench, "warmup_max_s", o->bench.warmup_max_s);
  /* --budget covers everything: each trial (the baselines too) gets a share of it, at least 3 timed runs */
  if (o->budget_s > 0) cJSON_AddNumberToObject(bench, "max_s", fmax(1.0, o->budget_s * (is_baseline ? 0.08 : 0.05)));
  if (!is_baseline && !c->full && isfinite(t->best_score)) cJSON_AddNumberToObject(bench, "cutoff_ms", t->best_score);
  if (o->event_timing) cJSON_AddNumberToObject(bench, "event_timing", 1);
  return bench;
}

static int write_spec(const ortune_tuner *t, const ortune_candidate *c, int is_baseline, const trial_paths *p) {
  cJSON *spec = cJSON_CreateObject();
  cJSON_AddStringToObject(spec, "mode", "measure");
  if (!strcmp(t->o->objective, "startup")) cJSON_AddNumberToObject(spec, "startup", 1);
  cJSON_AddStringToObject(spec, "model", t->o->model);
  cJSON_AddStringToObject(spec, "name", c->name);
  cJSON_AddItemToObject(spec, "config", ortune_config_to_json(c->cfg));
  cJSON_AddItemToObject(spec, "inputs", ortune_spec_to_json(&t->o->spec));
  cJSON *xs = cJSON_AddArrayToObject(spec, "extra_shapes");
  for (int k = 0; k < t->o->nextra; k++) cJSON_AddItemToArray(xs, ortune_spec_to_json(&t->o->extra[k]));
  cJSON_AddItemToObject(spec, "bench", bench_json(t, c, is_baseline));
  char ref[600];
  snprintf(ref, sizeof ref, "%s/ref", t->work);
  cJSON_AddStringToObject(spec, "ref_dir", is_baseline ? "" : ref);
  cJSON_AddStringToObject(spec, "out_dir", p->out);
  char *txt = cJSON_PrintUnformatted(spec);
  cJSON_Delete(spec);
  if (!txt) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  int rc = ortune_write_atomic(p->spec, txt, strlen(txt));
  free(txt);
  return rc;
}

/* ---- the outcome --------------------------------------------------------------------------------------- */

static ortune_trial_status classify(int code, const char *phase) {
  if (code == ORTUNE_EOOM) return ORTUNE_TRIAL_OOM;
  if (!strcmp(phase, "options") || !strcmp(phase, "create") || !strcmp(phase, "bind") || code == ORTUNE_EVALUE ||
      code == ORTUNE_EKEY)
    return ORTUNE_TRIAL_INVALID;
  return ORTUNE_TRIAL_RUNTIME_ERROR;
}

/* Killed by signal sig: by the kernel's OOM killer when it counted a kill meanwhile (a SIGKILL ortune did not send). */
static void collect_killed(ortune_trial *tr, int sig, long long oom0, const trial_paths *p, char *reason, size_t len) {
  long long oom1 = sig == SIGKILL && oom0 >= 0 ? ortune_oom_kills() : -1;
  int oom = oom1 > oom0;
  tr->status = oom ? ORTUNE_TRIAL_OOM : ORTUNE_TRIAL_CRASH;
  char tail[256];
  ortune_worker_last_line(p->log, tail, sizeof tail);
  snprintf(reason, len, "killed by signal %d (%s)%s%s%s", sig, strsignal(sig),
           oom ? " from the kernel's OOM killer: out of host memory" : "", tail[0] ? ": " : "", tail);
}

/* The outputs of a run that succeeded: against the reference (or a float16 model under the user's rule). */
static int outputs_rejected(ortune_tuner *t, const ortune_candidate *c, const char *dir, ortune_trial *tr) {
  cJSON *found = cJSON_CreateObject(); /* what the check records: errors per output, max_abs_err, reason */
  int bad = ortune_config_is_set(c->cfg, "model_override") && t->o->accuracy
                ? ortune_accuracy_check(t->o->accuracy, t->verify->dir, dir, t->verify->nsets, found)
                : ortune_verify_check(t->verify, dir, found);
  ortune_trial_absorb_json(tr, found);
  cJSON_Delete(found);
  return bad;
}

/* The child exited: its result file, typed into tr, and the verdict on its outputs. */
static void collect_result(ortune_tuner *t, const ortune_candidate *c, int is_baseline, int status, const trial_paths *p,
                           ortune_trial *tr, char *reason, size_t len) {
  char *txt = NULL;
  cJSON *res = ortune_read_file(p->res, &txt, NULL) == ORTUNE_OK ? cJSON_Parse(txt) : NULL;
  free(txt);
  if (!res) {
    tr->status = ORTUNE_TRIAL_CRASH;
    ortune_worker_last_line(p->log, reason, len);
    if (!reason[0]) snprintf(reason, len, "exited %d without a result", WEXITSTATUS(status));
    return;
  }
  int code = (int)ortune_jnum(res, "code", 1);
  char phase[32];
  snprintf(phase, sizeof phase, "%s", ortune_jstr(res, "phase"));
  snprintf(reason, len, "%s", code ? ortune_jstr(res, "error") : "");
  cJSON_DeleteItemFromObjectCaseSensitive(res, "code");
  cJSON_DeleteItemFromObjectCaseSensitive(res, "error");
  cJSON_DeleteItemFromObjectCaseSensitive(res, "phase");
  ortune_trial_absorb_json(tr, res);
  cJSON_Delete(res);
  if (code) {
    tr->error_code = code;
    tr->status = classify(code, phase);
  } else
    tr->status = !is_baseline && outputs_rejected(t, c, p->out, tr) ? ORTUNE_TRIAL_MISMATCH : ORTUNE_TRIAL_OK;
}

/* A new record for candidate c: what it is and what it was measured with. */
static ortune_trial *new_record(ortune_tuner *t, const ortune_candidate *c, int id) {
  ortune_trial *tr = NULL;
  if (ortune_trial_new(&tr)) return NULL;
  tr->id = id;
  snprintf(tr->stage, sizeof tr->stage, "%s", c->stage);
  int rc = ortune_trial_set_text(&tr->name, c->name) || ortune_trial_set_text(&tr->inputs, t->inputs);
  for (int i = 0; i < ortune_noptions && !rc; i++) { /* the options that differ from the base */
    const char *a = ortune_config_value(t->o->base, i), *b = ortune_config_value(c->cfg, i);
    if (strcmp(a, b)) rc = ortune_config_set(tr->config, ortune_options[i].name, b);
  }
  if (rc) {
    ortune_trial_release(tr);
    return NULL;
  }
  return tr;
}

/* Score, racing cutoff, speedup; clean up the child's files; keep the record and save the results. */
static void finish(ortune_tuner *t, ortune_trial *tr, int is_baseline, const trial_paths *p) {
  double sc = ortune_tuner_score(t, tr);
  if (ortune_tuner_eligible(t, tr) && sc < t->best_score) t->best_score = sc;
  if (tr->status == ORTUNE_TRIAL_OK && isfinite(t->base_score) && isfinite(sc) && sc > 0) tr->speedup = t->base_score / sc;
  if (!is_baseline) ortune_launch_rm_rf(p->out);
  remove(p->spec);
  remove(p->res);
  if (!is_baseline) t->ntrials++; /* --max-trials counts the search, not the baseline */
  ortune_tuner_save(t);
  if (!t->o->quiet && !t->tty && tr->status != ORTUNE_TRIAL_OK)
    fprintf(stderr, "  %s: %s\n", ortune_trial_status_name(tr->status), tr->reason ? tr->reason : "");
}

ortune_trial *ortune_launch_trial(ortune_tuner *t, const ortune_candidate *c, int is_baseline) {
  ortune_trial *tr = find_trial(t, c->name);
  if (tr) return tr; /* the same configuration reached twice */
  const ortune_trial *prev = is_baseline ? NULL : find_previous(t, c->name);
  if (prev) return resume_trial(t, prev, c->name);
  if (ortune_tuner_stopped()) return NULL;
  int id = t->res.trials.n;
  trial_paths p;
  paths_of(t, id, is_baseline, &p);
  ortune_tuner_progress(t, c->name, "measuring");
  if ((t->last_rc = write_spec(t, c, is_baseline, &p))) return NULL;

  long long oom0 = ortune_oom_kills();
  int status = ortune_launch_spawn(t, p.spec, p.res, p.log, t->o->trial_timeout_s);
  if (!(tr = new_record(t, c, id))) {
    t->last_rc = ORTUNE_ENOMEM;
    return NULL;
  }
  char reason[512] = "";
  if (status == -2) {
    tr->status = ORTUNE_TRIAL_INTERRUPTED;
    ortune_trials_add(&t->res.trials, tr);
    return NULL;
  }
  if (status == -1) {
    tr->status = ORTUNE_TRIAL_TIMEOUT;
    snprintf(reason, sizeof reason, "no result within %.0f s: killed (--trial-timeout to allow more)", t->o->trial_timeout_s);
  } else if (WIFSIGNALED(status))
    collect_killed(tr, WTERMSIG(status), oom0, &p, reason, sizeof reason);
  else
    collect_result(t, c, is_baseline, status, &p, tr, reason, sizeof reason);
  if (reason[0] && !tr->reason && ortune_trial_set_text(&tr->reason, reason)) {
    ortune_trial_release(tr);
    t->last_rc = ORTUNE_ENOMEM;
    return NULL;
  }
  if ((t->last_rc = ortune_trials_add(&t->res.trials, tr))) return NULL;
  finish(t, tr, is_baseline, &p);
  return tr;
}
