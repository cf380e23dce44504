/* ab.c - the before/after measurement of tune and compare.
 *
 * How it works: the configs are measured in S fresh sessions, one child process (`ortune _trial`, mode "ab")
 * after another, because what a production restart sees is a new session: cuDNN's EXHAUSTIVE search, memory
 * placement and thread pools are chosen per session. Inside a session the configs run interleaved, R rounds,
 * one block of runs each per round, in a seeded random order that differs per session; a block is sized by
 * time. The blocks of all sessions go to stats.c: the speedup and its hierarchical bootstrap interval (sessions,
 * then rounds), one verdict rule. The machine's load average and hypervisor steal time are recorded around the
 * measurement, so a busy box is said, not hidden. A failed session is a failure of the whole A/B (its status is
 * the reason), never "no difference". The budget bounds the whole: sessions that would not fit are skipped.
 * Each config's per-session p50s are searched for two modes (some sessions slow, others not), said in a note.
 */
#include "ab.h"
#include "worker.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static double loadavg(void) {
  double l = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &l) != 1) l = -1;
    fclose(f);
  }
  return l;
}

/* Total, busy (not idle/iowait) and steal jiffies of /proc/stat's cpu line. */
static void cpu_times(unsigned long long *total, unsigned long long *busy, unsigned long long *steal) {
  unsigned long long v[8] = {0};
  *total = *busy = *steal = 0;
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return;
  if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
    for (int i = 0; i < 8; i++) *total += v[i];
    *busy = *total - v[3] - v[4];
    *steal = v[7];
  }
  fclose(f);
}

/* CPU time of this process and its waited-for children (the A/B sessions), in clock ticks. */
static double own_ticks(void) {
  struct rusage a, b;
  getrusage(RUSAGE_SELF, &a);
  getrusage(RUSAGE_CHILDREN, &b);
  double s = (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
             (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) / 1e6;
  return s * (double)sysconf(_SC_CLK_TCK);
}

static cJSON *session_spec(const ortune_ab_plan *p, int s, const char *out_dir) {
  cJSON *spec = cJSON_CreateObject(), *cl = cJSON_AddArrayToObject(spec, "configs");
  cJSON_AddStringToObject(spec, "mode", "ab");
  cJSON_AddStringToObject(spec, "model", p->model);
  cJSON_AddItemToObject(spec, "inputs", ortune_spec_to_json(p->spec));
  cJSON_AddNumberToObject(spec, "rounds", p->rounds);
  cJSON_AddNumberToObject(spec, "runs", p->runs);
  cJSON_AddNumberToObject(spec, "block_s", p->block_s);
  cJSON_AddNumberToObject(spec, "order_seed", 1000 + s);
  if (p->startup) cJSON_AddNumberToObject(spec, "startup", 1);
  cJSON_AddStringToObject(spec, "out_dir", out_dir ? out_dir : "");
  for (int i = 0; i < p->n; i++) cJSON_AddItemToArray(cl, ortune_config_to_json(p->cfgs[i]));
  return spec;
}

static int status_error(int status, const char *log, double timeout, char *why, size_t len) {
  char tail[300];
  ortune_worker_last_line(log, tail, sizeof tail);
  if (status == -2) return snprintf(why, len, "interrupted"), ORTUNE_EINTR;
  if (status == -1) return snprintf(why, len, "a session gave no result within %.0f s", timeout), ORTUNE_ETIMEOUT;
  if (status == -3) return snprintf(why, len, "%s", ortune_last_error()), ORTUNE_EFAIL;
  if (WIFSIGNALED(status))
    return snprintf(why, len, "a session was killed by signal %d (%s)%s%s", WTERMSIG(status), strsignal(WTERMSIG(status)),
                    tail[0] ? ": " : "", tail),
           WTERMSIG(status) == SIGKILL ? ORTUNE_ENOMEM : ORTUNE_ECRASH;
  return snprintf(why, len, "a session exited %d without a result%s%s", WEXITSTATUS(status), tail[0] ? ": " : "", tail), ORTUNE_ECRASH;
}

/* Sessions the outcome has room for: the planned ones, or more when the budget may let more run. */
static int cap_of(const ortune_ab_plan *p) {
  return p->sessions_max > p->sessions && p->budget_s > 0 ? p->sessions_max : p->sessions;
}

/* Parse one session's result into out (blocks of session s, p50/p99/modes collected for later). */
static int take_session(const ortune_ab_plan *p, const cJSON *res, int s, ortune_ab_outcome *out) {
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(res, "blocks");
  if (cJSON_GetArraySize(b) != p->rounds * p->n) {
    snprintf(out->error, sizeof out->error, "a session returned %d blocks, %d expected", cJSON_GetArraySize(b), p->rounds * p->n);
    return ORTUNE_EFAIL;
  }
  for (int i = 0; i < p->rounds * p->n; i++) out->blocks[(size_t)s * (size_t)(p->rounds * p->n) + (size_t)i] = cJSON_GetArrayItem(b, i)->valuedouble;
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(res, "modes");
  for (int c = 0; c < p->n; c++) {
    out->sp50[c * out->cap + s] = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "p50_ms"), c)->valuedouble;
    out->sp99[c * out->cap + s] = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "p99_ms"), c)->valuedouble;
    const cJSON *x = cJSON_GetArrayItem(m, c);
    if ((int)ortune_jnum(x, "count", 1) == 2 && out->modes[c].count < 2) {
      out->modes[c].count = 2;
      for (int k = 0; k < 2; k++) {
        out->modes[c].median[k] = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "median_ms"), k)->valuedouble;
        out->modes[c].share[k] = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(x, "share"), k)->valuedouble;
      }
    }
  }
  return ORTUNE_OK;
}

/* One session in a child; 0 or an ortune error (out->error says why). */
static int run_session(const ortune_ab_plan *p, int s, ortune_ab_outcome *out) {
  char sp[800], rp[800], lp[800];
  snprintf(sp, sizeof sp, "%s/ab_spec_%d.json", p->work, s);
  snprintf(rp, sizeof rp, "%s/ab_result_%d.json", p->work, s);
  snprintf(lp, sizeof lp, "%s/ab_log_%d.txt", p->work, s);
  cJSON *spec = session_spec(p, s, p->keep_outputs && s == 0 ? out->out_dir : NULL);
  char *txt = cJSON_PrintUnformatted(spec);
  cJSON_Delete(spec);
  int rc = txt ? ortune_write_atomic(sp, txt, strlen(txt)) : ORTUNE_ENOMEM;
  free(txt);
  if (rc) return snprintf(out->error, sizeof out->error, "%s", ortune_last_error()), rc;
  int status = ortune_worker_spawn(p->worker_exe, sp, rp, lp, p->session_timeout_s, p->stop);
  if (status != 0) return status_error(status, lp, p->session_timeout_s, out->error, sizeof out->error);
  txt = NULL;
  cJSON *res = ortune_read_file(rp, &txt, NULL) == ORTUNE_OK ? cJSON_Parse(txt) : NULL;
  free(txt);
  if (!res) return snprintf(out->error, sizeof out->error, "a session wrote no result"), ORTUNE_ECRASH;
  rc = (int)ortune_jnum(res, "code", 1);
  if (rc) snprintf(out->error, sizeof out->error, "%s", ortune_jstr(res, "error"));
  else rc = take_session(p, res, s, out);
  cJSON_Delete(res);
  remove(sp);
  remove(rp);
  return rc;
}


/* The median of config c's per-session values v[c * cap ..] over the sessions done (on a copy: the order is kept). */
static double session_median(const ortune_ab_outcome *o, const double *v, int c) {
  double tmp[64], *w = o->sessions <= 64 ? tmp : malloc(sizeof(double) * (size_t)o->sessions);
  if (!w) return NAN;
  memcpy(w, v + (size_t)c * (size_t)o->cap, sizeof(double) * (size_t)o->sessions);
  double m = ortune_median(w, o->sessions);
  if (w != tmp) free(w);
  return m;
}

static void analyse(ortune_ab_outcome *out, double min_gain) {
  ortune_ab_data d = {out->blocks, out->sessions, out->rounds, out->n};
  for (int c = 0; c < out->n; c++) {
    out->p50[c] = session_median(out, out->sp50, c);
    out->p99[c] = session_median(out, out->sp99, c);
    if (!out->modes[c].count) out->modes[c].count = 1;
    /* the sessions' own modes: on an H200 the defaults of rtmo_like ran at 2.3 ms in some fresh sessions and at
     * 3.1-3.5 ms in others (6 and 6 of 12), alike under HEURISTIC, while the CUDA-graph config did not move
     * (bench/RESULTS.md, session 6); a restart gets one of them (with 4 sessions or more, each mode 2 or more) */
    out->smodes[c] = (ortune_modes){.count = 1};
    if (out->sessions >= 4) ortune_modes_find(out->sp50 + (size_t)c * (size_t)out->cap, out->sessions, &out->smodes[c]);
    if (!c) continue;
    ortune_ratio_estimate(&d, c, 4000, 0x5EED + (uint64_t)c, &out->ratio[c]);
    out->verdict[c] = ortune_ab_verdict_of(&out->ratio[c], min_gain);
  }
}

int ortune_ab_run(const ortune_ab_plan *p, ortune_ab_outcome *out) {
  memset(out, 0, sizeof *out);
  out->n = p->n;
  out->rounds = p->rounds;
  out->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (p->n < 2 || p->n > ORTUNE_AB_MAX || p->sessions < 1 || p->rounds < 1) {
    snprintf(out->error, sizeof out->error, "a/b: %d configs, %d sessions, %d rounds", p->n, p->sessions, p->rounds);
    return out->status = ortune_set_error(ORTUNE_EUSAGE, "%s", out->error);
  }
  snprintf(out->out_dir, sizeof out->out_dir, "%s/ab_out", p->work);
  int cap = out->cap = cap_of(p);
  out->blocks = calloc((size_t)cap * (size_t)p->rounds * (size_t)p->n, sizeof(double));
  out->session_s = calloc((size_t)cap, sizeof(double));
  out->sp50 = calloc((size_t)cap * (size_t)p->n, sizeof(double));
  out->sp99 = calloc((size_t)cap * (size_t)p->n, sizeof(double));
  if (!out->blocks || !out->session_s || !out->sp50 || !out->sp99) {
    ortune_ab_outcome_free(out);
    return out->status = ortune_set_error(ORTUNE_ENOMEM, "a/b: out of memory");
  }
  unsigned long long tot0, busy0, st0, tot1, busy1, st1;
  out->load_before = loadavg();
  cpu_times(&tot0, &busy0, &st0);
  double own0 = own_ticks();
  double t0 = ortune_now(), per = 0;
  int rc = ORTUNE_OK;
  for (int s = 0; s < cap; s++) {
    /* the next session would not fit; but three always run when planned: fewer cannot estimate how much a
     * restart changes the answer (the t interval of 2 sessions is 4.5x that of 3) */
    if (s >= (p->sessions < 3 ? p->sessions : 3) && p->budget_s > 0 && ortune_now() - t0 + per > p->budget_s) {
      out->budget_cut = s < p->sessions;
      break;
    }
    if (p->progress) p->progress(p->ctx, s, s < p->sessions ? p->sessions : cap);
    double ts = ortune_now();
    if ((rc = run_session(p, s, out))) break;
    out->session_s[out->sessions++] = ortune_now() - ts;
    per = fmax(per, ortune_now() - ts);
  }
  out->load_after = loadavg();
  cpu_times(&tot1, &busy1, &st1);
  out->steal_pct = tot1 > tot0 ? 100.0 * (double)(st1 - st0) / (double)(tot1 - tot0) : 0;
  /* the CPU time other processes took while the A/B ran (ortune's own sessions subtracted): the load average
   * would count ortune itself */
  double other = (double)(busy1 - busy0) - (own_ticks() - own0);
  out->others_pct = tot1 > tot0 && other > 0 ? 100.0 * other / (double)(tot1 - tot0) : 0;
  out->busy = out->others_pct > 20 || out->steal_pct > 5;
  if (rc) {
    out->status = rc;
    ortune_set_error(rc, "the final A/B failed: %s", out->error);
  } else {
    analyse(out, p->min_gain);
  }
  return out->status;
}

void ortune_ab_outcome_free(ortune_ab_outcome *o) {
  free(o->blocks);
  free(o->session_s);
  free(o->sp50);
  free(o->sp99);
  o->blocks = o->session_s = o->sp50 = o->sp99 = NULL;
}

int ortune_ab_merge(const ortune_ab_outcome *a, int k, const ortune_ab_outcome *b, double min_gain, ortune_ab_outcome *m) {
  memset(m, 0, sizeof *m);
  if (k < 1 || k >= a->n || b->n != 2 || b->rounds != a->rounds || !a->sessions)
    return ortune_set_error(ORTUNE_EUSAGE, "a/b merge: config %d of %d, %d configs of %d rounds after %d rounds", k, a->n, b->n, b->rounds, a->rounds);
  int S = a->sessions + b->sessions, R = a->rounds, from[2] = {0, k};
  m->n = 2;
  m->rounds = R;
  m->cap = S;
  m->cpus = a->cpus;
  m->blocks = calloc((size_t)S * (size_t)R * 2, sizeof(double));
  m->session_s = calloc((size_t)S, sizeof(double));
  m->sp50 = calloc((size_t)S * 2, sizeof(double));
  m->sp99 = calloc((size_t)S * 2, sizeof(double));
  if (!m->blocks || !m->session_s || !m->sp50 || !m->sp99) {
    ortune_ab_outcome_free(m);
    return ortune_set_error(ORTUNE_ENOMEM, "a/b: out of memory");
  }
  for (int s = 0; s < S; s++) {
    const ortune_ab_outcome *o = s < a->sessions ? a : b;
    int os = s < a->sessions ? s : s - a->sessions;
    for (int c = 0; c < 2; c++) {
      int oc = o == a ? from[c] : c;
      for (int r = 0; r < R; r++) m->blocks[((size_t)s * (size_t)R + (size_t)r) * 2 + (size_t)c] = o->blocks[((size_t)os * (size_t)R + (size_t)r) * (size_t)o->n + (size_t)oc];
      m->sp50[c * S + s] = o->sp50[oc * o->cap + os];
      m->sp99[c * S + s] = o->sp99[oc * o->cap + os];
    }
    m->session_s[s] = o->session_s ? o->session_s[os] : 0;
  }
  for (int c = 0; c < 2; c++) m->modes[c] = a->modes[from[c]].count == 2 ? a->modes[from[c]] : b->modes[c];
  m->sessions = S;
  m->load_before = a->load_before;
  m->load_after = b->load_after;
  m->steal_pct = fmax(a->steal_pct, b->steal_pct);
  m->others_pct = fmax(a->others_pct, b->others_pct);
  m->busy = a->busy || b->busy;
  m->budget_cut = b->budget_cut;
  analyse(m, min_gain);
  return ORTUNE_OK;
}

void ortune_ab_session_note(const ortune_ab_outcome *o, int c, const char *name, char *buf, size_t len) {
  buf[0] = '\0';
  if (c < 0 || c >= o->n || o->smodes[c].count != 2) return;
  const ortune_modes *m = &o->smodes[c];
  int lo = (int)lround(m->share[0] * o->sessions);
  snprintf(buf, len, "%s ran in two modes across fresh sessions: p50 %.3f ms in %d of %d, %.3f ms in %d; a restart gets one or the "
           "other, and the speedup and its interval are over both, as they came (a repeat may see another mix)",
           name, m->median[0], lo, o->sessions, m->median[1], o->sessions - lo);
}

/* On an H200 the defaults' two baselines of rtmo_like read 2.511 and 3.114 ms, then the A/B's seven sessions all
 * ran at 2.18-2.38 ms, and its interval [1.53, 1.67] held neither of two other tunes' 1.80 and 1.83 (the slow
 * sessions come in stretches of minutes; bench/RESULTS.md, session 6). */
void ortune_ab_unseen_note(const ortune_ab_outcome *o, const double *other, int n, const char *name, char *buf, size_t len) {
  buf[0] = '\0';
  if (o->n < 1 || o->sessions < 1 || !o->sp50 || o->smodes[0].count == 2 || o->busy) return; /* busy: the load note */
  double lo = INFINITY, hi = -INFINITY, olo = INFINITY, ohi = -INFINITY;
  for (int s = 0; s < o->sessions; s++) lo = fmin(lo, o->sp50[s]), hi = fmax(hi, o->sp50[s]);
  for (int i = 0; i < n; i++)
    if (isfinite(other[i]) && other[i] > 0) olo = fmin(olo, other[i]), ohi = fmax(ohi, other[i]);
  if (!isfinite(lo) || !isfinite(olo) || !(ohi > hi * 1.05 || olo < lo / 1.05)) return;
  snprintf(buf, len, "%s measured %.4g-%.4g ms in the search's own fresh processes, outside the %.4g-%.4g ms of all %d sessions "
           "here: those may not have met every mode a restart can get, and a later run can land outside this interval "
           "(ortune compare, later, checks it)", name, olo, ohi, lo, hi, o->sessions);
}

void ortune_ab_load_note(const ortune_ab_outcome *o, char *buf, size_t len) {
  buf[0] = '\0';
  if (o->busy)
    snprintf(buf, len, "the machine was busy while measuring (other processes took %.0f%% of the %d CPUs, %.1f%% stolen by the "
             "hypervisor; load average %.2f): intervals are wider and a repeat may differ; measure on a quiet machine to be sure",
             o->others_pct, o->cpus, o->steal_pct, o->load_after);
}

void ortune_ab_candidate_json(const ortune_ab_outcome *o, int k, cJSON *x) {
  cJSON_AddNumberToObject(x, "p50_ms", o->p50[k]);
  cJSON_AddNumberToObject(x, "p99_ms", o->p99[k]);
  cJSON_AddNumberToObject(x, "speedup", o->ratio[k].speedup);
  cJSON_AddNumberToObject(x, "ci_low", o->ratio[k].ci_low);
  cJSON_AddNumberToObject(x, "ci_high", o->ratio[k].ci_high);
  cJSON_AddNumberToObject(x, "session_spread", o->ratio[k].session_spread);
  cJSON_AddStringToObject(x, "verdict", ortune_ab_verdict_word(o->verdict[k]));
}

cJSON *ortune_ab_json(const ortune_ab_outcome *o) {
  cJSON *j = cJSON_CreateObject(), *load = cJSON_AddObjectToObject(j, "load"), *m = cJSON_AddArrayToObject(j, "modes");
  cJSON_AddNumberToObject(j, "sessions", o->sessions);
  cJSON_AddNumberToObject(j, "rounds_per_session", o->rounds);
  if (o->budget_cut) cJSON_AddBoolToObject(j, "budget_cut", 1);
  cJSON_AddNumberToObject(load, "loadavg_before", o->load_before);
  cJSON_AddNumberToObject(load, "loadavg_after", o->load_after);
  cJSON_AddNumberToObject(load, "steal_pct", o->steal_pct);
  cJSON_AddNumberToObject(load, "others_pct", o->others_pct);
  cJSON_AddNumberToObject(load, "cpus", o->cpus);
  cJSON_AddBoolToObject(load, "busy", o->busy);
  /* every block, [session][round][config] in ms (a start's time with --startup): what the interval was made from,
   * so that a reader can see whether sessions or rounds differ */
  cJSON *bl = cJSON_AddArrayToObject(j, "blocks_ms");
  for (int s = 0; o->blocks && s < o->sessions; s++) {
    cJSON *ss = cJSON_CreateArray();
    for (int r = 0; r < o->rounds; r++)
      cJSON_AddItemToArray(ss, cJSON_CreateDoubleArray(o->blocks + ((size_t)s * (size_t)o->rounds + (size_t)r) * (size_t)o->n, o->n));
    cJSON_AddItemToArray(bl, ss);
  }
  if (o->session_s) cJSON_AddItemToObject(j, "session_s", cJSON_CreateDoubleArray(o->session_s, o->sessions));
  cJSON *sm = cJSON_AddArrayToObject(j, "session_modes"); /* of each config's per-session p50s */
  for (int c = 0; c < o->n; c++)
    for (int w = 0; w < 2; w++) {
      const ortune_modes *md = w ? &o->smodes[c] : &o->modes[c];
      cJSON *x = cJSON_CreateObject();
      cJSON_AddNumberToObject(x, "count", md->count ? md->count : 1);
      if (md->count == 2) {
        cJSON_AddItemToObject(x, "median_ms", cJSON_CreateDoubleArray(md->median, 2));
        cJSON_AddItemToObject(x, "share", cJSON_CreateDoubleArray(md->share, 2));
      }
      cJSON_AddItemToArray(w ? sm : m, x);
    }
  return j;
}
