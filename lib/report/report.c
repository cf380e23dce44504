/* report.c - render a tune's results JSON as one self-contained HTML file (inline CSS + SVG, no JavaScript). */
#include "report.h"
#include "internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMES "\xc3\x97"        /* × */
#define NDASH "\xe2\x80\x93"    /* – */
#define ELLIPSIS "\xe2\x80\xa6" /* … */

#define PLOT_W 960.0
#define ROW_H 24.0
#define MAX_ROWS 40   /* rows in the per-candidate plots; the rest stay in the tables */
#define MAX_TICKS 32
#define LABEL_CHARS 34

/* ---- growable output buffer ------------------------------------------------ */

typedef struct {
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra) {
  if (b->oom || b->n + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 1 << 16;
  while (cap < b->n + extra + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) { b->oom = 1; return; }
  b->p = p;
  b->cap = cap;
}

static void sb_write(sbuf *b, const char *s, size_t len) {
  sb_reserve(b, len);
  if (b->oom) return;
  memcpy(b->p + b->n, s, len);
  b->n += len;
  b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_write(b, s, strlen(s)); }

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len < 0) return;
  sb_reserve(b, (size_t)len);
  if (b->oom) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)len;
}

static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* Append s HTML-escaped (& < > " '), control characters as spaces; at most
 * max characters (0: no limit), cut ones ending in an ellipsis. */
static void sb_esc_max(sbuf *b, const char *s, size_t max) {
  if (!s) return;
  size_t keep = max && utf8_chars(s) > max ? max - 1 : (size_t)-1, chars = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p & 0xC0) != 0x80 && chars++ == keep) { sb_puts(b, ELLIPSIS); return; }
    switch (*p) {
    case '&': sb_puts(b, "&amp;"); break;
    case '<': sb_puts(b, "&lt;"); break;
    case '>': sb_puts(b, "&gt;"); break;
    case '"': sb_puts(b, "&quot;"); break;
    case '\'': sb_puts(b, "&#39;"); break;
    default: sb_write(b, *p < 0x20 || *p == 0x7F ? " " : (const char *)p, 1);
    }
  }
}

static void sb_esc(sbuf *b, const char *s) { sb_esc_max(b, s, 0); }

/* ---- numbers: never "nan"/"inf" in the output ------------------------------ */

typedef struct { char s[40]; } numstr;

/* 3 significant digits (all digits from 1000 up); "–" when missing or not finite. */
static numstr fmt_num(double v) {
  numstr o;
  double a = fabs(v);
  if (!isfinite(v)) snprintf(o.s, sizeof o.s, NDASH);
  else if (a == 0) snprintf(o.s, sizeof o.s, "0");
  else if (a >= 1e9 || a < 1e-3) snprintf(o.s, sizeof o.s, "%.2e", v);
  else {
    int dec = 2 - (int)floor(log10(a));
    dec = dec < 0 ? 0 : dec;
    snprintf(o.s, sizeof o.s, "%.*f", dec, v);
    if (dec > 0 && fabs(strtod(o.s, NULL)) >= pow(10, 3 - dec)) snprintf(o.s, sizeof o.s, "%.*f", dec - 1, v); /* 9.996 -> 10.0 */
  }
  return o;
}

/* Axis tick labels: ticks are round numbers, so no padding zeros. */
static numstr fmt_tick(double v) {
  numstr o;
  double a = fabs(v);
  if (!isfinite(v)) snprintf(o.s, sizeof o.s, "?");
  else if (a >= 1000 && a < 1e7) snprintf(o.s, sizeof o.s, "%.0f", v);
  else snprintf(o.s, sizeof o.s, "%.3g", v);
  return o;
}

/* An SVG coordinate: finite, clamped, one decimal. */
static numstr px(double v) {
  numstr o;
  if (!isfinite(v)) v = 0;
  if (v > 1e6) v = 1e6;
  if (v < -1e6) v = -1e6;
  snprintf(o.s, sizeof o.s, "%.1f", v);
  return o;
}

/* ---- SVG axes: the one scale/tick/axis helper every plot uses -------------- */

typedef struct {
  double d0, d1;  /* data domain */
  double r0, r1;  /* pixel range */
  double step;    /* linear tick step */
  int log;        /* log10 scale */
} scale;

/* Fit a scale to [lo, hi] (missing: [0, 1]); log10 when allow_log and the
 * range spans more than 10x, else linear with round ends. */
static void scale_fit(scale *s, double lo, double hi, double r0, double r1, int allow_log) {
  if (!isfinite(lo) || !isfinite(hi)) { lo = 0; hi = 1; }
  if (lo > hi) { double t = lo; lo = hi; hi = t; }
  s->r0 = r0;
  s->r1 = r1;
  s->step = 0;
  s->log = allow_log && lo > 0 && hi / lo > 10.0;
  if (s->log) { s->d0 = lo / 1.15; s->d1 = hi * 1.15; return; }
  double span = hi - lo;
  if (span <= 1e-12 * fmax(1.0, fabs(hi))) span = lo != 0 ? fabs(lo) * 0.2 : 1.0;
  double pad = span * 0.04;
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  hi += pad;
  double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), nrm = raw / mag;
  s->step = (nrm < 1.5 ? 1 : nrm < 3 ? 2 : nrm < 7 ? 5 : 10) * mag;
  if (!isfinite(s->step) || s->step <= 0) { s->step = 0; s->d0 = lo; s->d1 = hi; return; }
  s->d0 = floor(lo / s->step) * s->step;
  s->d1 = ceil(hi / s->step) * s->step;
  if (s->d1 <= s->d0) s->d1 = s->d0 + s->step;
}

static double scale_map(const scale *s, double v) {
  double t;
  if (!isfinite(v)) return s->r0;
  if (s->log) t = v > 0 ? (log10(v) - log10(s->d0)) / (log10(s->d1) - log10(s->d0)) : 0;
  else t = (v - s->d0) / (s->d1 - s->d0);
  if (!isfinite(t)) t = 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return s->r0 + t * (s->r1 - s->r0);
}

static int scale_ticks(const scale *s, double *out, int max) {
  int n = 0;
  if (!s->log) {
    for (int i = 0; s->step > 0 && n < max; i++) {
      double v = s->d0 + i * s->step;
      if (v > s->d1 + s->step * 1e-6) break;
      out[n++] = fabs(v) < s->step * 1e-9 ? 0 : v;
    }
    return n;
  }
  static const double mult[] = {1, 2, 5};
  int e0 = (int)floor(log10(s->d0)), e1 = (int)ceil(log10(s->d1));
  int nm = e1 - e0 <= 3 ? 3 : 1, estep = e1 - e0 > 12 ? 3 : 1;
  for (int e = e0; e <= e1; e += estep)
    for (int m = 0; m < nm && n < max; m++) {
      double v = mult[m] * pow(10, e);
      if (v >= s->d0 && v <= s->d1) out[n++] = v;
    }
  return n;
}

/* A plot's frame: size, margins (left, right, top, bottom) and scales. */
typedef struct {
  double w, h, l, r, t, b;
  scale x, y;
} frame;

static double fx(const frame *f, double v) { return scale_map(&f->x, v); }
static double fy(const frame *f, double v) { return scale_map(&f->y, v); }

static void svg_begin(sbuf *b, const frame *f, const char *cls, const char *title) {
  sb_printf(b, "<svg class=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %s %s\" width=\"%s\" height=\"%s\" role=\"img\"><title>",
            cls, px(f->w).s, px(f->h).s, px(f->w).s, px(f->h).s);
  sb_esc(b, title);
  sb_puts(b, "</title>\n");
}

static void svg_end(sbuf *b) { sb_puts(b, "</svg>\n"); }

static void svg_line(sbuf *b, const char *cls, double x1, double y1, double x2, double y2) {
  sb_printf(b, "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>", cls, px(x1).s, px(y1).s, px(x2).s, px(y2).s);
}

/* <text> with escaped, possibly shortened content. */
static void svg_text(sbuf *b, const char *cls, const char *anchor, double x, double y, const char *s, size_t max) {
  sb_printf(b, "<text class=\"%s\" text-anchor=\"%s\" x=\"%s\" y=\"%s\">", cls, anchor, px(x).s, px(y).s);
  sb_esc_max(b, s, max);
  sb_puts(b, "</text>");
}

static void svg_message(sbuf *b, const frame *f, const char *msg) {
  svg_text(b, "msg", "middle", f->w / 2, f->h / 2, msg, 0);
}

/* Horizontal error bar (whisker with end caps) at height y. */
static void svg_whisker(sbuf *b, const char *cls, double x1, double x2, double y, double cap) {
  svg_line(b, cls, x1, y, x2, y);
  svg_line(b, cls, x1, y - cap, x1, y + cap);
  svg_line(b, cls, x2, y - cap, x2, y + cap);
}

/* Bottom x axis: vertical grid lines, tick labels, axis title. */
static void svg_xaxis(sbuf *b, const frame *f, const char *label, const char *unit) {
  double ticks[MAX_TICKS], y0 = f->t, y1 = f->h - f->b;
  int n = scale_ticks(&f->x, ticks, MAX_TICKS);
  for (int i = 0; i < n; i++) {
    double x = fx(f, ticks[i]);
    char s[64];
    snprintf(s, sizeof s, "%s%s", fmt_tick(ticks[i]).s, unit);
    svg_line(b, "grid", x, y0, x, y1);
    svg_text(b, "tick", "middle", x, y1 + 16, s, 0);
  }
  svg_line(b, "axis", f->l, y1, f->w - f->r, y1);
  char title[160];
  snprintf(title, sizeof title, "%s%s", label, f->x.log ? " \xe2\x80\x94 log scale" : "");
  svg_text(b, "axlabel", "middle", (f->l + f->w - f->r) / 2, y1 + 38, title, 0);
  sb_puts(b, "\n");
}

/* Left y axis: horizontal grid lines, tick labels, rotated axis title. */
static void svg_yaxis(sbuf *b, const frame *f, const char *label) {
  double ticks[MAX_TICKS];
  int n = scale_ticks(&f->y, ticks, MAX_TICKS);
  for (int i = 0; i < n; i++) {
    double y = fy(f, ticks[i]);
    svg_line(b, "grid", f->l, y, f->w - f->r, y);
    svg_text(b, "tick", "end", f->l - 6, y + 4, fmt_tick(ticks[i]).s, 0);
  }
  svg_line(b, "axis", f->l, f->t, f->l, f->h - f->b);
  double cy = (f->t + f->h - f->b) / 2;
  sb_printf(b, "<text class=\"axlabel\" text-anchor=\"middle\" transform=\"translate(%s %s) rotate(-90)\">", px(f->l - 56).s, px(cy).s);
  sb_esc(b, label);
  sb_puts(b, "</text>\n");
}

/* ---- the results, digested -------------------------------------------------- */

typedef struct {
  const cJSON *j;
  const cJSON *cand;  /* its entry in final.candidates, or NULL */
  const char *name, *status, *reason, *stage;
  int id, has_id;
  double p50, p90, p99, min, create, host_mb, gpu_mb, speedup, ci_low, ci_high;
  double mem;         /* the memory plotted in the Pareto chart (GPU or host) */
  int front;          /* on the Pareto front */
  double box[5];      /* whisker low, p25, median, p75, whisker high */
  int ok, is_base, is_winner;
} trial;

typedef struct {
  const cJSON *root;
  trial *t;
  int n, nok;
  trial **rank;       /* ok trials by p50, then the rest by id */
  trial **tmp;        /* scratch rows for the plots */
  trial *base, *winner;
  int use_gpu;        /* Pareto y: GPU memory (else host) */
} report;

static const cJSON *get(const cJSON *o, const char *k) {
  return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static double num(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *k, const char *def) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) && v->valuestring ? v->valuestring : def;
}

static int num_id(const cJSON *v, int *id) {
  if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e9) return 0;
  *id = (int)v->valuedouble;
  return 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double quantile(const double *v, int n, double q) {
  double pos = q * (n - 1);
  int i = (int)pos;
  return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[n - 1];
}

/* Box-plot numbers from latencies_ms, else from p50/p90/p99 (and min). */
static void trial_box(trial *t, const cJSON *lat) {
  int n = cJSON_IsArray(lat) ? cJSON_GetArraySize(lat) : 0, k = 0;
  double *v = n > 0 ? malloc((size_t)n * sizeof *v) : NULL;
  const cJSON *e;
  if (v)
    cJSON_ArrayForEach(e, lat) if (cJSON_IsNumber(e) && isfinite(e->valuedouble) && e->valuedouble >= 0 && k < n) v[k++] = e->valuedouble;
  if (k > 0) {
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    double q[5] = {v[0], quantile(v, k, .25), quantile(v, k, .5), quantile(v, k, .75), quantile(v, k, .99)};
    memcpy(t->box, q, sizeof q);
    if (!isfinite(t->p50)) t->p50 = q[2];
    if (!isfinite(t->p99)) t->p99 = q[4];
  } else {
    double p90 = isfinite(t->p90) ? t->p90 : t->p50, p99 = isfinite(t->p99) ? fmax(t->p99, p90) : p90;
    double lo = isfinite(t->min) ? fmin(t->min, t->p50) : t->p50;
    double q[5] = {lo, t->p50, t->p50, p90, p99};
    memcpy(t->box, q, sizeof q);
  }
  free(v);
}

static void trial_load(trial *t, const cJSON *j) {
  memset(t, 0, sizeof *t);
  t->j = j;
  t->has_id = num_id(get(j, "id"), &t->id);
  t->name = str(j, "name", "(unnamed)");
  t->status = str(j, "status", "unknown");
  t->reason = str(j, "reason", "");
  t->stage = str(j, "stage", "");
  t->ok = strcmp(t->status, "ok") == 0;
  t->p50 = num(j, "p50_ms");
  t->p90 = num(j, "p90_ms");
  t->p99 = num(j, "p99_ms");
  t->min = num(j, "min_ms");
  t->create = num(j, "create_ms");
  t->host_mb = num(j, "peak_host_mb");
  t->gpu_mb = num(j, "peak_gpu_mb");
  t->speedup = num(j, "speedup");
  t->ci_low = t->ci_high = NAN;
  trial_box(t, get(j, "latencies_ms"));
}

static trial *trial_by_id(report *r, const cJSON *idv) {
  int id;
  if (!num_id(idv, &id)) return NULL;
  for (int i = 0; i < r->n; i++)
    if (r->t[i].has_id && r->t[i].id == id) return &r->t[i];
  return NULL;
}

static int cmp_rank(const void *a, const void *b) {
  const trial *x = *(trial *const *)a, *y = *(trial *const *)b;
  int gx = x->ok ? (isfinite(x->p50) ? 0 : 1) : 2, gy = y->ok ? (isfinite(y->p50) ? 0 : 1) : 2;
  if (gx != gy) return gx - gy;
  if (gx == 0 && x->p50 != y->p50) return x->p50 < y->p50 ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Baseline, winner, candidates' intervals, speedups relative to the baseline. */
static void report_link(report *r) {
  const cJSON *fin = get(r->root, "final"), *c;
  r->base = trial_by_id(r, get(r->root, "baseline"));
  for (int i = 0; i < r->n && !r->base; i++)
    if (!strcmp(r->t[i].stage, "baseline") || !strcmp(r->t[i].name, "defaults")) r->base = &r->t[i];
  if (r->base) r->base->is_base = 1;
  r->winner = trial_by_id(r, get(fin, "winner"));
  if (r->winner) r->winner->is_winner = 1;
  const cJSON *cands = get(fin, "candidates");
  if (cJSON_IsArray(cands))
    cJSON_ArrayForEach(c, cands) {
      trial *t = trial_by_id(r, get(c, "id"));
      if (!t || t->cand) continue;
      t->cand = c;
      t->ci_low = num(c, "ci_low");
      t->ci_high = num(c, "ci_high");
      /* a finalist's speedup is the interleaved A/B one, the estimate its interval belongs to */
      if (isfinite(num(c, "speedup"))) t->speedup = num(c, "speedup");
    }
  double bp50 = r->base && r->base->ok ? r->base->p50 : NAN;
  for (int i = 0; i < r->n; i++) {
    trial *t = &r->t[i];
    if (!isfinite(t->speedup) && t->ok && isfinite(bp50) && t->p50 > 0) t->speedup = bp50 / t->p50;
    if (t->ok && isfinite(t->gpu_mb)) r->use_gpu = 1;
  }
  for (int i = 0; i < r->n; i++) r->t[i].mem = r->use_gpu ? r->t[i].gpu_mb : r->t[i].host_mb;
}

static int report_load(report *r, const cJSON *root) {
  memset(r, 0, sizeof *r);
  r->root = cJSON_IsObject(root) ? root : NULL;
  const cJSON *trials = get(r->root, "trials"), *j;
  int n = cJSON_IsArray(trials) ? cJSON_GetArraySize(trials) : 0;
  size_t cap = (size_t)(n > 0 ? n : 1);
  r->t = calloc(cap, sizeof *r->t);
  r->rank = calloc(cap, sizeof *r->rank);
  r->tmp = calloc(cap, sizeof *r->tmp);
  if (!r->t || !r->rank || !r->tmp) return -1;
  if (n > 0)
    cJSON_ArrayForEach(j, trials) if (r->n < n) trial_load(&r->t[r->n++], j);
  for (int i = 0; i < r->n; i++) {
    r->rank[i] = &r->t[i];
    r->nok += r->t[i].ok;
  }
  qsort(r->rank, (size_t)r->n, sizeof *r->rank, cmp_rank);
  report_link(r);
  return 0;
}

static void report_free(report *r) {
  free(r->t);
  free(r->rank);
  free(r->tmp);
}

/* Plot rows: trials passing keep, ordered by cmp, at most max; the baseline,
 * the winner and final candidates are always kept. */
static int select_rows(report *r, int (*keep)(const trial *), int (*cmp)(const void *, const void *), int max) {
  int n = 0, must = 0;
  for (int i = 0; i < r->n; i++)
    if (keep(&r->t[i])) {
      r->tmp[n++] = &r->t[i];
      must += r->t[i].is_base || r->t[i].is_winner || r->t[i].cand;
    }
  qsort(r->tmp, (size_t)n, sizeof *r->tmp, cmp);
  if (n <= max) return n;
  int k = 0, room = max - must;
  for (int i = 0; i < n; i++) {
    trial *t = r->tmp[i];
    if (t->is_base || t->is_winner || t->cand || room-- > 0) r->tmp[k++] = t;
  }
  return k;
}

/* ---- HTML pieces --------------------------------------------------------- */

static void sec_open(sbuf *b, const char *id, const char *title) {
  sb_printf(b, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void sec_close(sbuf *b) { sb_puts(b, "</section>\n"); }

static void muted(sbuf *b, const char *text) {
  sb_puts(b, "<p class=\"muted\">");
  sb_esc(b, text);
  sb_puts(b, "</p>\n");
}

/* A JSON scalar as text: strings as-is, integers without a fraction. */
static void json_text(sbuf *b, const cJSON *v) {
  if (cJSON_IsString(v)) sb_esc(b, v->valuestring);
  else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
    sb_printf(b, "%.0f", v->valuedouble);
  else if (cJSON_IsNumber(v)) sb_puts(b, fmt_num(v->valuedouble).s);
  else if (cJSON_IsBool(v)) sb_puts(b, cJSON_IsTrue(v) ? "true" : "false");
  else if (!v || cJSON_IsNull(v)) sb_puts(b, NDASH);
  else {
    char *s = cJSON_PrintUnformatted(v);
    sb_esc(b, s ? s : "?");
    cJSON_free(s);
  }
}

static void kv_row_start(sbuf *b, const char *key) { sb_printf(b, "<tr><th>%s</th><td>", key); }

static void kv_str(sbuf *b, const char *key, const char *v) {
  kv_row_start(b, key);
  sb_esc(b, v && *v ? v : NDASH);
  sb_puts(b, "</td></tr>\n");
}

/* A JSON value with a unit, e.g. "24000 MB"; "–" when missing. */
static void kv_json(sbuf *b, const char *key, const cJSON *v, const char *unit) {
  kv_row_start(b, key);
  json_text(b, v);
  sb_printf(b, "%s</td></tr>\n", v && !cJSON_IsNull(v) ? unit : "");
}

/* "k=v k=v" of a trial's config, in monospace. */
static void config_inline(sbuf *b, const cJSON *cfg) {
  const cJSON *c;
  if (!cJSON_IsObject(cfg) || !cfg->child) { sb_puts(b, "<span class=\"cfg\">ORT defaults</span>"); return; }
  sb_puts(b, "<span class=\"cfg\">");
  cJSON_ArrayForEach(c, cfg) {
    sb_puts(b, "<span>");
    sb_esc(b, c->string);
    sb_puts(b, "=");
    json_text(b, c);
    sb_puts(b, "</span> ");
  }
  sb_puts(b, "</span>");
}

static void status_badge(sbuf *b, const char *status) {
  const char *cls = !strcmp(status, "ok") ? "s-ok" : !strcmp(status, "skipped") ? "s-skip" : "s-bad";
  sb_printf(b, "<span class=\"badge %s\">", cls);
  sb_esc(b, status);
  sb_puts(b, "</span>");
}

static void td_num(sbuf *b, double v) { sb_printf(b, "<td class=\"n\">%s</td>", fmt_num(v).s); }

/* Colour swatches explaining a plot's marks. */
static void legend(sbuf *b, const char *const *cls, const char *const *text, int n) {
  sb_puts(b, "<p class=\"legend\">");
  for (int i = 0; i < n; i++) sb_printf(b, "<span><i class=\"sw %s\"></i>%s</span>", cls[i], text[i]);
  sb_puts(b, "</p>\n");
}

static void rows_note(sbuf *b, int shown, int total) {
  if (shown < total) sb_printf(b, "<p class=\"muted\">Showing %d of %d configurations; all are in the trials table.</p>\n", shown, total);
}

static const char *mark_class(const trial *t) { return t->is_base ? "base" : t->is_winner ? "win" : "cand"; }

/* ---- provenance ------------------------------------------------------------- */

static void inputs_cell(sbuf *b, const cJSON *inputs) {
  const cJSON *in, *d;
  if (!cJSON_IsArray(inputs) || !inputs->child) { sb_puts(b, NDASH); return; }
  cJSON_ArrayForEach(in, inputs) {
    sb_puts(b, "<code>");
    sb_esc(b, str(in, "name", "?"));
    sb_puts(b, "</code> ");
    sb_esc(b, str(in, "dtype", ""));
    const cJSON *shape = get(in, "shape");
    if (cJSON_IsArray(shape)) {
      sb_puts(b, " [");
      cJSON_ArrayForEach(d, shape) {
        json_text(b, d);
        sb_puts(b, d->next ? ", " : "");
      }
      sb_puts(b, "]");
    }
    sb_puts(b, in->next ? "<br>" : "");
  }
}

static void gpu_cell(sbuf *b, const cJSON *gpu) {
  kv_row_start(b, "GPU");
  if (!cJSON_IsObject(gpu)) {
    sb_puts(b, "none</td></tr>\n");
    return;
  }
  sb_esc(b, str(gpu, "name", "unknown GPU"));
  double mem = num(gpu, "memory_mb");
  if (isfinite(mem)) sb_printf(b, ", %s MB", fmt_num(mem).s);
  if (get(gpu, "cc")) { sb_puts(b, ", compute capability "); json_text(b, get(gpu, "cc")); }
  if (get(gpu, "driver")) { sb_puts(b, ", driver "); json_text(b, get(gpu, "driver")); }
  sb_puts(b, "</td></tr>\n");
}

static void sec_provenance(sbuf *b, const report *r) {
  const cJSON *model = get(r->root, "model"), *mach = get(r->root, "machine");
  sec_open(b, "provenance", "Provenance");
  sb_puts(b, "<table class=\"kv\">\n");
  kv_str(b, "Model", str(model, "path", NULL));
  kv_row_start(b, "SHA-256");
  sb_puts(b, "<code>");
  sb_esc(b, str(model, "sha256", NDASH));
  sb_puts(b, "</code></td></tr>\n");
  kv_row_start(b, "Inputs");
  const cJSON *ins = get(model, "inputs");
  const char *shapes = str(model, "shape_sets", str(model, "input_shapes", NULL)); /* what tune writes */
  if ((!cJSON_IsArray(ins) || !ins->child) && shapes && *shapes) {
    sb_puts(b, "<code>");
    sb_esc(b, shapes);
    sb_puts(b, "</code>");
  } else {
    inputs_cell(b, ins);
  }
  sb_puts(b, "</td></tr>\n");
  kv_str(b, "CPU", str(mach, "cpu", NULL));
  kv_json(b, "Cores", get(mach, "cores"), "");
  kv_json(b, "Memory", get(mach, "memory_mb"), " MB");
  gpu_cell(b, get(mach, "gpu"));
  kv_str(b, "ONNX Runtime", str(mach, "ort_version", NULL));
  kv_str(b, "ortune", str(r->root, "ortune_version", NULL));
  kv_str(b, "Date", str(r->root, "date", NULL));
  static const char *const keys[] = {"provider", "io", "space", "strategy", "objective"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char label[32];
    snprintf(label, sizeof label, "%c%s", keys[i][0] - 'a' + 'A', keys[i] + 1);
    kv_str(b, strcmp(keys[i], "io") ? label : "I/O", str(r->root, keys[i], NULL));
  }
  sb_puts(b, "</table>\n");
  sec_close(b);
}

/* ---- summary ------------------------------------------------------------------ */

static void kpi(sbuf *b, const char *value, const char *label) {
  sb_printf(b, "<div class=\"kpi\"><b>%s</b><span>", value);
  sb_esc(b, label);
  sb_puts(b, "</span></div>");
}

static void summary_kpis(sbuf *b, const report *r, const trial *w) {
  char v[96], l[160];
  sb_puts(b, "<div class=\"kpis\">");
  double sp = w ? w->speedup : NAN;
  snprintf(v, sizeof v, "%s%s", fmt_num(sp).s, isfinite(sp) ? TIMES : "");
  if (w && isfinite(w->ci_low) && isfinite(w->ci_high))
    snprintf(l, sizeof l, "speedup vs defaults (95%% CI %s" NDASH "%s)", fmt_num(w->ci_low).s, fmt_num(w->ci_high).s);
  else snprintf(l, sizeof l, "speedup vs defaults");
  kpi(b, v, l);
  /* the p50s of the same measurement as the headline: the final A/B (fresh sessions, interleaved), when there was one */
  const cJSON *fin = get(r->root, "final");
  double wp50 = w && w->cand && isfinite(num(w->cand, "p50_ms")) ? num(w->cand, "p50_ms") : w ? w->p50 : NAN;
  double bp50 = isfinite(num(fin, "baseline_p50_ms")) ? num(fin, "baseline_p50_ms") : r->base ? r->base->p50 : NAN;
  /* --objective startup: the final A/B measured starts (session creation + first run), so its p50s are starts */
  int startup = !strcmp(str(r->root, "objective", ""), "startup");
  snprintf(v, sizeof v, "%s ms", fmt_num(wp50).s);
  kpi(b, v, startup ? "median start of the winner (final A/B)" : "p50 of the winner (final A/B)");
  snprintf(v, sizeof v, "%s ms", fmt_num(bp50).s);
  kpi(b, v, startup ? "median start with defaults (final A/B)" : "p50 with defaults (final A/B)");
  snprintf(v, sizeof v, "%d / %d", r->nok, r->n);
  kpi(b, v, "trials ok");
  sb_puts(b, "</div>\n");
}

static void config_table(sbuf *b, const cJSON *cfg) {
  const cJSON *c;
  if (!cJSON_IsObject(cfg) || !cfg->child) { muted(b, "No options changed: ONNX Runtime's defaults."); return; }
  sb_puts(b, "<table class=\"kv cfgtable\">\n");
  cJSON_ArrayForEach(c, cfg) {
    sb_puts(b, "<tr><th><code>");
    sb_esc(b, c->string);
    sb_puts(b, "</code></th><td><code>");
    json_text(b, c);
    sb_puts(b, "</code></td></tr>\n");
  }
  sb_puts(b, "</table>\n");
}

static void candidates_table(sbuf *b, const cJSON *cands, int startup) {
  const cJSON *c;
  if (!cJSON_IsArray(cands) || !cands->child) return;
  sb_printf(b, "<h3>Final candidates</h3>\n<table><thead><tr><th>id</th><th>name</th><th class=\"n\">%s</th>",
            startup ? "start ms (median)" : "p50 ms");
  sb_puts(b, "<th class=\"n\">speedup</th><th class=\"n\">95% CI</th><th>significant</th></tr></thead><tbody>\n");
  cJSON_ArrayForEach(c, cands) {
    sb_puts(b, "<tr><td>");
    json_text(b, get(c, "id"));
    sb_puts(b, "</td><td>");
    sb_esc(b, str(c, "name", ""));
    sb_puts(b, "</td>");
    td_num(b, num(c, "p50_ms"));
    td_num(b, num(c, "speedup"));
    sb_printf(b, "<td class=\"n\">%s" NDASH "%s</td><td>", fmt_num(num(c, "ci_low")).s, fmt_num(num(c, "ci_high")).s);
    json_text(b, get(c, "significant"));
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody></table>\n");
}

static void sec_summary(sbuf *b, const report *r) {
  const cJSON *fin = get(r->root, "final");
  const char *verdict = str(fin, "verdict", NULL), *msg = str(fin, "message", NULL);
  const trial *w = r->winner;
  sec_open(b, "summary", "Summary");
  sb_puts(b, "<p class=\"verdict\">");
  if (verdict) {
    const char *cls = !strcmp(verdict, "faster") ? "v-good" : !strcmp(verdict, "slower") ? "v-bad" : "v-neutral";
    sb_printf(b, "<span class=\"badge %s\">", cls);
    sb_esc(b, verdict);
    sb_puts(b, "</span> ");
  }
  sb_esc(b, msg ? msg : r->n ? "No final verdict in the results (the tune may have been interrupted)." : "No trials were run.");
  sb_puts(b, "</p>\n");
  /* what the tune said beside its verdict: a busy machine, the defaults' sessions in two modes or outside the
   * search's own measurements of them (the verdict's interval is over the sessions it saw) */
  static const char *const notes[] = {"load_note", "session_note"};
  for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
    const char *n = str(fin, notes[i], NULL);
    if (!n || !*n) continue;
    sb_puts(b, "<p class=\"note\">note: ");
    sb_esc(b, n);
    sb_puts(b, "</p>\n");
  }
  if (!w && r->nok && isfinite(r->rank[0]->p50)) w = r->rank[0];
  summary_kpis(b, r, w);
  if (w) {
    sb_puts(b, r->winner ? "<h3>Winning configuration: " : "<h3>Fastest trial (no winner recorded): ");
    sb_esc(b, w->name);
    sb_puts(b, "</h3>\n");
    config_table(b, get(w->j, "config"));
  }
  candidates_table(b, get(fin, "candidates"), !strcmp(str(r->root, "objective", ""), "startup"));
  sec_close(b);
}

/* ---- latency box plots ------------------------------------------------------ */

static int has_p50(const trial *t) { return t->ok && isfinite(t->p50); }

static int cmp_p50(const void *a, const void *b) {
  const trial *x = *(const trial *const *)a, *y = *(const trial *const *)b;
  return (x->p50 > y->p50) - (x->p50 < y->p50);
}

static void draw_box(sbuf *b, const frame *f, const trial *t, double y) {
  double x[5];
  for (int k = 0; k < 5; k++) x[k] = fx(f, t->box[k]);
  sb_printf(b, "<g class=\"box %s\"><title>", mark_class(t));
  sb_esc(b, t->name);
  sb_printf(b, ": p50 %s ms, p99 %s ms</title>", fmt_num(t->p50).s, fmt_num(t->p99).s);
  svg_whisker(b, "wh", x[0], x[4], y, 4);
  sb_printf(b, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"14\" rx=\"2\"/>", px(x[1]).s, px(y - 7).s, px(fmax(x[3] - x[1], 1.5)).s);
  svg_line(b, "med", x[2], y - 8, x[2], y + 8);
  svg_text(b, t->is_base || t->is_winner ? "row strong" : "row", "end", f->l - 8, y + 4, t->name, LABEL_CHARS);
  char v[48];
  snprintf(v, sizeof v, "%s ms", fmt_num(t->p50).s);
  svg_text(b, "val", "start", f->w - f->r + 8, y + 4, v, 0);
  sb_puts(b, "</g>\n");
}

static void row_bands(sbuf *b, const frame *f, int n) {
  for (int i = 0; i < n; i += 2)
    sb_printf(b, "<rect class=\"band\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/>", px(f->l).s, px(f->t + i * ROW_H).s,
              px(f->w - f->r - f->l).s, px(ROW_H).s);
  sb_puts(b, "\n");
}

static void sec_latency(sbuf *b, report *r) {
  int n = select_rows(r, has_p50, cmp_p50, MAX_ROWS), total = 0;
  for (int i = 0; i < r->n; i++) total += has_p50(&r->t[i]);
  frame f = {.w = PLOT_W, .l = 250, .r = 80, .t = 10, .b = 52};
  f.h = f.t + f.b + (n ? n : 3) * ROW_H;
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++) {
    lo = fmin(lo, r->tmp[i]->box[0]);
    hi = fmax(hi, r->tmp[i]->box[4]);
  }
  scale_fit(&f.x, n ? lo : NAN, n ? hi : NAN, f.l, f.w - f.r, 1);
  sec_open(b, "latency", "Latency distribution");
  sb_puts(b, "<p class=\"muted\">Per run, sorted by median. Box: 25th" NDASH "75th percentile, line: median, whiskers: min to 99th percentile"
             " (median" NDASH "p90 box and p99 whisker where raw latencies are missing).</p>\n");
  svg_begin(b, &f, "plot", "Latency distribution per configuration, sorted by median (ms)");
  if (!n) svg_message(b, &f, "no successful trials to plot");
  else {
    row_bands(b, &f, n);
    svg_xaxis(b, &f, "latency per run (ms)", "");
    for (int i = 0; i < n; i++) draw_box(b, &f, r->tmp[i], f.t + (i + 0.5) * ROW_H);
  }
  svg_end(b);
  static const char *const cls[] = {"base", "win", "cand"}, *const txt[] = {"defaults", "winner", "other candidates"};
  legend(b, cls, txt, 3);
  rows_note(b, n, total);
  sec_close(b);
}

/* ---- speedup ------------------------------------------------------------------ */

static int has_speedup(const trial *t) { return t->ok && isfinite(t->speedup) && t->speedup > 0; }

static int cmp_speedup(const void *a, const void *b) {
  const trial *x = *(const trial *const *)a, *y = *(const trial *const *)b;
  return (x->speedup < y->speedup) - (x->speedup > y->speedup);
}

static void draw_speedup(sbuf *b, const frame *f, const trial *t, double y) {
  double x1 = fx(f, 1.0), xs = fx(f, t->speedup);
  int ci = isfinite(t->ci_low) && isfinite(t->ci_high);
  sb_printf(b, "<g class=\"sp %s\"><title>", mark_class(t));
  sb_esc(b, t->name);
  sb_printf(b, ": %s" TIMES, fmt_num(t->speedup).s);
  if (ci) sb_printf(b, " (95%% CI %s" NDASH "%s)", fmt_num(t->ci_low).s, fmt_num(t->ci_high).s);
  sb_puts(b, "</title>");
  svg_line(b, t->speedup >= 1 ? "stem up" : "stem down", x1, y, xs, y);
  if (ci) svg_whisker(b, "ci", fx(f, t->ci_low), fx(f, t->ci_high), y, 5);
  sb_printf(b, "<circle class=\"%s\" cx=\"%s\" cy=\"%s\" r=\"5\"/>", t->cand ? "dot final" : "dot", px(xs).s, px(y).s);
  svg_text(b, t->is_base || t->is_winner ? "row strong" : "row", "end", f->l - 8, y + 4, t->name, LABEL_CHARS);
  char v[160];
  if (ci) snprintf(v, sizeof v, "%s" TIMES " [%s" NDASH "%s]", fmt_num(t->speedup).s, fmt_num(t->ci_low).s, fmt_num(t->ci_high).s);
  else snprintf(v, sizeof v, "%s" TIMES, fmt_num(t->speedup).s);
  svg_text(b, "val", "start", f->w - f->r + 8, y + 4, v, 0);
  sb_puts(b, "</g>\n");
}

static void sec_speedup(sbuf *b, report *r) {
  int n = select_rows(r, has_speedup, cmp_speedup, MAX_ROWS), total = 0;
  for (int i = 0; i < r->n; i++) total += has_speedup(&r->t[i]);
  frame f = {.w = PLOT_W, .l = 250, .r = 130, .t = 26, .b = 52};
  f.h = f.t + f.b + (n ? n : 3) * ROW_H;
  double lo = 1.0, hi = 1.0;
  for (int i = 0; i < n; i++) {
    const trial *t = r->tmp[i];
    double v[3] = {t->speedup, t->ci_low, t->ci_high};
    for (int k = 0; k < 3; k++)
      if (isfinite(v[k]) && v[k] > 0) { lo = fmin(lo, v[k]); hi = fmax(hi, v[k]); }
  }
  scale_fit(&f.x, lo, hi, f.l, f.w - f.r, 1);
  sec_open(b, "speedup", "Speedup vs defaults");
  sb_puts(b, "<p class=\"muted\">Speedup = p50 with defaults / p50 of the configuration; above 1 is faster. "
             "Final candidates carry their 95% confidence interval.</p>\n");
  svg_begin(b, &f, "plot", "Speedup of each configuration vs defaults, with 95% intervals for final candidates");
  if (!n) svg_message(b, &f, "no speedups to plot (no successful trials, or no defaults baseline)");
  else {
    row_bands(b, &f, n);
    svg_xaxis(b, &f, "speedup vs defaults", TIMES);
    double x1 = fx(&f, 1.0);
    svg_line(b, "ref", x1, f.t - 4, x1, f.h - f.b);
    svg_text(b, "reflabel", "middle", x1, f.t - 10, "defaults (1" TIMES ")", 0);
    for (int i = 0; i < n; i++) draw_speedup(b, &f, r->tmp[i], f.t + (i + 0.5) * ROW_H);
  }
  svg_end(b);
  static const char *const cls[] = {"final", "plain", "up", "down"},
                           *const txt[] = {"final candidate (with 95% CI)", "other trial", "faster", "slower"};
  legend(b, cls, txt, 4);
  rows_note(b, n, total);
  sec_close(b);
}

/* ---- Pareto: p50 vs peak memory ---------------------------------------------- */

static int has_mem(const trial *t) { return t->ok && isfinite(t->p50) && isfinite(t->mem); }

static int cmp_p50_mem(const void *a, const void *b) {
  int c = cmp_p50(a, b);
  if (c) return c;
  const trial *x = *(const trial *const *)a, *y = *(const trial *const *)b;
  return (x->mem > y->mem) - (x->mem < y->mem);
}

/* Mark the front of rows sorted by p50 then memory: no other point is both
 * faster and leaner. Returns how many are on it. */
static int pareto_mark(trial **rows, int n) {
  double best = INFINITY;
  int k = 0;
  for (int i = 0; i < n; i++) {
    rows[i]->front = rows[i]->mem < best;
    if (rows[i]->front) { best = rows[i]->mem; k++; }
  }
  return k;
}

/* The front as a staircase: each step is what the next-faster point costs. */
static void draw_front(sbuf *b, const frame *f, trial *const *rows, int n) {
  double py = NAN;
  sb_puts(b, "<polyline class=\"front-line\" points=\"");
  for (int i = 0; i < n; i++) {
    if (!rows[i]->front) continue;
    double x = fx(f, rows[i]->p50), y = fy(f, rows[i]->mem);
    if (isfinite(py)) sb_printf(b, "%s,%s ", px(x).s, px(py).s);
    sb_printf(b, "%s,%s ", px(x).s, px(y).s);
    py = y;
  }
  sb_puts(b, "\"/>\n");
}

static void draw_point(sbuf *b, const frame *f, const trial *t, int label) {
  double x = fx(f, t->p50), y = fy(f, t->mem);
  sb_printf(b, "<g class=\"pt %s %s\"><title>", t->front ? "front" : "other", mark_class(t));
  sb_esc(b, t->name);
  sb_printf(b, ": p50 %s ms, %s MB</title><circle cx=\"%s\" cy=\"%s\" r=\"%s\"/>", fmt_num(t->p50).s, fmt_num(t->mem).s, px(x).s,
            px(y).s, t->front ? "6" : "5");
  if (label) {
    int left = x > f->w - f->r - 220;
    svg_text(b, "ptlabel", left ? "end" : "start", left ? x - 9 : x + 9, y - 7, t->name, 28);
  }
  sb_puts(b, "</g>\n");
}

static void sec_pareto(sbuf *b, report *r) {
  int n = select_rows(r, has_mem, cmp_p50_mem, r->n), nfront = pareto_mark(r->tmp, n);
  frame f = {.w = PLOT_W, .h = 440, .l = 86, .r = 30, .t = 20, .b = 52};
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (int i = 0; i < n; i++) {
    xlo = fmin(xlo, r->tmp[i]->p50);
    xhi = fmax(xhi, r->tmp[i]->p50);
    ylo = fmin(ylo, r->tmp[i]->mem);
    yhi = fmax(yhi, r->tmp[i]->mem);
  }
  scale_fit(&f.x, n ? xlo : NAN, n ? xhi : NAN, f.l, f.w - f.r, 1);
  scale_fit(&f.y, n ? ylo : NAN, n ? yhi : NAN, f.h - f.b, f.t, 0);
  const char *mem = r->use_gpu ? "peak GPU memory (MB)" : "peak host memory (MB)";
  sec_open(b, "pareto", "Latency vs memory");
  sb_printf(b, "<p class=\"muted\">Median latency against %s. The Pareto front joins the configurations that no other beats on both.</p>\n", mem);
  svg_begin(b, &f, "plot", "Median latency vs peak memory, Pareto front highlighted");
  if (!n) svg_message(b, &f, "no successful trials with memory measurements");
  else {
    svg_xaxis(b, &f, "p50 latency (ms)", "");
    svg_yaxis(b, &f, mem);
    draw_front(b, &f, r->tmp, n);
    for (int pass = 0; pass < 2; pass++)
      for (int i = 0; i < n; i++)
        if (r->tmp[i]->front == pass) draw_point(b, &f, r->tmp[i], pass && nfront <= 12);
  }
  svg_end(b);
  static const char *const cls[] = {"front", "other", "ring"}, *const txt[] = {"Pareto front", "dominated", "defaults (ring)"};
  legend(b, cls, txt, 3);
  sec_close(b);
}

/* ---- parameter impact --------------------------------------------------------- */

static void impact_glyph(sbuf *b, const scale *s, double sp, double lo, double hi) {
  frame f = {.w = 200, .h = 20};
  f.x = *s;
  char title[160];
  snprintf(title, sizeof title, "speedup %s" TIMES ", 95%% interval %s" NDASH "%s", fmt_num(sp).s, fmt_num(lo).s, fmt_num(hi).s);
  svg_begin(b, &f, "plot glyph", title);
  double x1 = fx(&f, 1.0), xs = fx(&f, sp);
  if (isfinite(sp) && sp > 0)
    sb_printf(b, "<rect class=\"bar %s\" x=\"%s\" y=\"5\" width=\"%s\" height=\"10\"/>", sp >= 1 ? "up" : "down", px(fmin(x1, xs)).s,
              px(fmax(fabs(xs - x1), 1)).s);
  if (isfinite(lo) && isfinite(hi) && lo > 0 && hi > 0) svg_whisker(b, "ci", fx(&f, lo), fx(&f, hi), 10, 4);
  svg_line(b, "ref", x1, 0, x1, 20);
  svg_end(b);
}

static void impact_scale(const cJSON *imp, scale *s) {
  static const char *const keys[] = {"speedup", "ci_low", "ci_high"};
  double lo = 1, hi = 1;
  const cJSON *e;
  cJSON_ArrayForEach(e, imp) for (int k = 0; k < 3; k++) {
    double v = num(e, keys[k]);
    if (isfinite(v) && v > 0) { lo = fmin(lo, v); hi = fmax(hi, v); }
  }
  scale_fit(s, lo, hi, 6, 194, 1);
}

static void sec_impact(sbuf *b, const report *r) {
  const cJSON *imp = get(r->root, "impact"), *e;
  sec_open(b, "impact", "Parameter impact");
  if (!cJSON_IsArray(imp) || !imp->child) {
    muted(b, "No parameter impact estimates in the results.");
    sec_close(b);
    return;
  }
  scale s;
  impact_scale(imp, &s);
  sb_printf(b, "<p class=\"muted\">Estimated speedup from setting each option to the value shown, over n trials. "
               "Bars start at 1" TIMES " (no effect), whiskers show the 95%% interval; glyph axis %s" NDASH "%s" TIMES "%s.</p>\n",
            fmt_num(s.d0).s, fmt_num(s.d1).s, s.log ? ", log scale" : "");
  sb_puts(b, "<table><thead><tr><th>option</th><th>value</th><th class=\"n\">speedup</th><th class=\"n\">95% CI</th>"
             "<th class=\"n\">n</th><th>effect</th></tr></thead><tbody>\n");
  cJSON_ArrayForEach(e, imp) {
    double sp = num(e, "speedup"), lo = num(e, "ci_low"), hi = num(e, "ci_high");
    sb_puts(b, "<tr><td><code>");
    sb_esc(b, str(e, "option", "?"));
    sb_puts(b, "</code></td><td><code>");
    json_text(b, get(e, "value"));
    sb_puts(b, "</code></td>");
    td_num(b, sp);
    sb_printf(b, "<td class=\"n\">%s" NDASH "%s</td>", fmt_num(lo).s, fmt_num(hi).s);
    sb_puts(b, "<td class=\"n\">");
    json_text(b, get(e, "n"));
    sb_puts(b, "</td>");
    sb_puts(b, "<td>");
    impact_glyph(b, &s, sp, lo, hi);
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody></table>\n");
  sec_close(b);
}

/* ---- tables of trials ------------------------------------------------------- */

static void trial_id_cell(sbuf *b, const trial *t) {
  if (t->has_id) sb_printf(b, "<td class=\"n\">%d</td>", t->id);
  else sb_puts(b, "<td class=\"n\">" NDASH "</td>");
}

static void trial_name_cell(sbuf *b, const trial *t) {
  sb_puts(b, "<td>");
  sb_esc(b, t->name);
  if (t->is_base) sb_puts(b, " <span class=\"badge s-skip\">defaults</span>");
  if (t->is_winner) sb_puts(b, " <span class=\"badge v-good\">winner</span>");
  config_inline(b, get(t->j, "config"));
  sb_puts(b, "</td>");
}

static void sec_failures(sbuf *b, const report *r) {
  sec_open(b, "failures", "Failed trials");
  if (r->nok == r->n) {
    muted(b, r->n ? "Every trial succeeded." : "No trials in the results.");
    sec_close(b);
    return;
  }
  sb_printf(b, "<p class=\"muted\">%d of %d trials did not produce a valid measurement.</p>\n", r->n - r->nok, r->n);
  sb_puts(b, "<table><thead><tr><th class=\"n\">id</th><th>name</th><th>stage</th><th>status</th><th>reason</th></tr></thead><tbody>\n");
  for (int i = 0; i < r->n; i++) {
    const trial *t = &r->t[i];
    if (t->ok) continue;
    sb_puts(b, "<tr>");
    trial_id_cell(b, t);
    trial_name_cell(b, t);
    sb_puts(b, "<td>");
    sb_esc(b, t->stage);
    sb_puts(b, "</td><td>");
    status_badge(b, t->status);
    sb_puts(b, "</td><td class=\"reason\">");
    sb_esc(b, *t->reason ? t->reason : NDASH);
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody></table>\n");
  sec_close(b);
}

/* ---- output check: the defaults' and each candidate's error against the exact reference ------------------------ */

/* Errors span many decades (0, 1e-7, 0.05): 3 significant digits in %g form. */
static void td_err(sbuf *b, double v) {
  if (isfinite(v)) sb_printf(b, "<td class=\"n\">%.3g</td>", v);
  else sb_puts(b, "<td class=\"n\">" NDASH "</td>");
}

static void err_cells(sbuf *b, const cJSON *e) {
  td_err(b, e ? num(e, "norm") : NAN);
  td_err(b, e ? num(e, "max_abs") : NAN);
}

static void check_intro(sbuf *b, const cJSON *ref) {
  const char *check = str(ref, "check", "");
  sb_puts(b, "<p class=\"muted\">");
  if (!strcmp(check, "exact"))
    sb_puts(b, "Every candidate's outputs are compared with an exact float32 reference (ORT's CPU EP, one thread) on the same "
               "inputs, and so are the defaults'. Error of scale = max|got &minus; ref| / max|ref|. A candidate passes when its "
               "error is at most max(2 &times; the defaults', the float32 rounding floor), and within --atol/--rtol when given.");
  else if (!strcmp(check, "shapes"))
    sb_puts(b, "The model has random operators: outputs are checked for shape, dtype and NaN/Inf only.");
  else
    sb_puts(b, "The exact reference could not be computed: outputs were compared with the defaults' outputs.");
  const char *note = str(ref, "note", NULL);
  if (note) { sb_puts(b, " "); sb_esc(b, note); }
  sb_puts(b, "</p>\n");
}

static void defaults_err_table(sbuf *b, const cJSON *ref) {
  const cJSON *o;
  sb_puts(b, "<h3>The defaults' error</h3>\n<table><thead><tr><th>output</th><th>inputs</th><th class=\"n\">scale</th>"
             "<th class=\"n\">error of scale</th><th class=\"n\">max abs</th><th>note</th></tr></thead><tbody>\n");
  cJSON_ArrayForEach(o, get(ref, "outputs")) {
    sb_puts(b, "<tr><td>");
    sb_esc(b, str(o, "name", "?"));
    sb_puts(b, "</td><td>");
    sb_esc(b, str(o, "set", ""));
    sb_puts(b, "</td>");
    td_num(b, num(o, "ref_max_abs"));
    err_cells(b, get(o, "default_err"));
    sb_puts(b, "<td>");
    const char *weak = str(o, "weak", NULL);
    if (weak) { sb_puts(b, "weak check: "); sb_esc(b, weak); }
    sb_puts(b, "</td></tr>\n");
  }
  sb_puts(b, "</tbody></table>\n");
}

static void cand_err_rows(sbuf *b, const trial *t) {
  const cJSON *o;
  cJSON_ArrayForEach(o, get(t->j, "outputs")) {
    const char *v = str(o, "verdict", "");
    int bad = strcmp(v, "ok") && strcmp(v, "more exact");
    sb_puts(b, "<tr>");
    trial_id_cell(b, t);
    sb_puts(b, "<td>");
    sb_esc(b, t->name);
    sb_puts(b, "</td><td>");
    sb_esc(b, str(o, "name", "?"));
    sb_puts(b, "</td><td>");
    sb_esc(b, str(o, "set", ""));
    sb_puts(b, "</td>");
    err_cells(b, get(o, "default_err"));
    err_cells(b, get(o, "cand_err"));
    td_err(b, num(o, "allowed"));
    sb_printf(b, "<td><span class=\"badge %s\">", bad ? "v-bad" : "v-good");
    sb_esc(b, v);
    sb_puts(b, "</span></td></tr>\n");
  }
}

static void sec_output_check(sbuf *b, const report *r) {
  const cJSON *ref = get(r->root, "reference");
  sec_open(b, "outputs", "Output check");
  if (!ref) {
    muted(b, "No output check in the results.");
    sec_close(b);
    return;
  }
  check_intro(b, ref);
  if (!strcmp(str(ref, "check", ""), "exact")) defaults_err_table(b, ref);
  sb_puts(b, "<h3>Finalists and rejected candidates</h3>\n<table><thead><tr><th class=\"n\">id</th><th>name</th><th>output</th>"
             "<th>inputs</th><th class=\"n\">defaults' err</th><th class=\"n\">max abs</th>"
             "<th class=\"n\">candidate err</th><th class=\"n\">max abs</th><th class=\"n\">allowed</th>"
             "<th>verdict</th></tr></thead><tbody>\n");
  int rows = 0;
  for (int i = 0; i < r->n; i++) {
    const trial *t = &r->t[i];
    if (!t->cand && strcmp(t->status, "mismatch")) continue;
    cand_err_rows(b, t);
    rows++;
  }
  sb_puts(b, "</tbody></table>\n");
  if (!rows) muted(b, "No finalist and no candidate rejected by the output check.");
  sec_close(b);
}

static void trial_row(sbuf *b, const trial *t, int rank) {
  sb_printf(b, "<tr class=\"%s\">", mark_class(t));
  if (rank > 0) sb_printf(b, "<td class=\"n\">%d</td>", rank);
  else sb_puts(b, "<td></td>");
  trial_id_cell(b, t);
  trial_name_cell(b, t);
  sb_puts(b, "<td>");
  sb_esc(b, t->stage);
  sb_puts(b, "</td><td>");
  status_badge(b, t->status);
  sb_puts(b, "</td>");
  td_num(b, t->ok ? t->p50 : NAN);
  td_num(b, t->ok ? t->p99 : NAN);
  td_num(b, t->ok ? t->speedup : NAN);
  td_num(b, t->create);
  td_num(b, t->gpu_mb);
  td_num(b, t->host_mb);
  sb_puts(b, "</tr>\n");
}

static void sec_trials(sbuf *b, const report *r) {
  sec_open(b, "trials", "All trials");
  if (!r->n) {
    muted(b, "No trials in the results.");
    sec_close(b);
    return;
  }
  sb_puts(b, "<p class=\"muted\">Ranked by median latency; failed trials last.</p>\n");
  sb_puts(b, "<table class=\"trials\"><thead><tr><th class=\"n\">#</th><th class=\"n\">id</th><th>name / options</th><th>stage</th>"
             "<th>status</th><th class=\"n\">p50 ms</th><th class=\"n\">p99 ms</th><th class=\"n\">speedup</th>"
             "<th class=\"n\">create ms</th><th class=\"n\">GPU MB</th><th class=\"n\">host MB</th></tr></thead><tbody>\n");
  for (int i = 0; i < r->n; i++) trial_row(b, r->rank[i], has_p50(r->rank[i]) ? i + 1 : 0);
  sb_puts(b, "</tbody></table>\n");
  sec_close(b);
}

/* ---- the page ------------------------------------------------------------------ */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#f4f5f7;color:#1d2330;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}"
    "header{background:#1d2330;color:#fff;padding:22px 0 14px}"
    ".wrap{max-width:1080px;margin:0 auto;padding:0 24px}"
    "header h1{margin:0;font-size:1.5rem;font-weight:650;word-break:break-all}"
    "header p{margin:4px 0 12px;color:#c5cad3}"
    "nav a{color:#9fd0f5;margin-right:16px;text-decoration:none;font-size:.9rem}"
    "section{background:#fff;border:1px solid #e1e4e8;border-radius:10px;padding:18px 22px;margin:18px 0}"
    "h2{margin:0 0 10px;font-size:1.2rem}h3{font-size:1rem;margin:18px 0 8px}"
    "table{border-collapse:collapse;width:100%;font-size:.88rem}"
    "th,td{padding:5px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}"
    "thead th{color:#57606a;font-weight:600;border-bottom:1px solid #d0d7de;white-space:nowrap}"
    ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "table.kv th{width:160px;color:#57606a;font-weight:600}"
    "code,.cfg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82em}"
    ".cfg{display:block;color:#6e7781}.cfg span{display:inline-block;margin-right:6px;overflow-wrap:anywhere}"
    ".reason{color:#57606a;word-break:break-word}"
    "p.note{color:#6b4f00;background:#fff8e1;border-left:3px solid #d4a72c;padding:6px 10px;font-size:.9rem}"
    ".muted{color:#57606a;font-size:.88rem}"
    ".badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:.76rem;font-weight:600;line-height:1.6;white-space:nowrap}"
    ".s-ok,.v-good{background:#d4efe4;color:#005c40}.s-bad,.v-bad{background:#fde2d2;color:#8f3300}"
    ".s-skip,.v-neutral{background:#eceff3;color:#454c56}"
    ".verdict{font-size:1.05rem}"
    ".kpis{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}"
    ".kpi{flex:1 1 180px;background:#f6f8fa;border-radius:8px;padding:10px 14px}"
    ".kpi b{display:block;font-size:1.5rem;font-weight:650}.kpi span{color:#57606a;font-size:.82rem}"
    "tr.base td{background:#fff7e6}tr.win td{background:#e6f5ee}"
    "svg.plot{display:block;width:100%;height:auto;margin:6px 0}"
    "svg.glyph{display:inline-block;width:200px;height:20px;margin:0;vertical-align:middle}"
    ".plot text{font-size:12px;fill:#1d2330}.plot .tick,.plot .val,.plot .reflabel{font-size:11px;fill:#57606a}"
    ".plot .val{font-variant-numeric:tabular-nums}.plot .axlabel{fill:#57606a}.plot .strong{font-weight:700}"
    ".plot .msg{font-size:14px;fill:#8b949e}.plot .ptlabel{font-size:11px;fill:#7a3500}"
    ".plot .grid{stroke:#e8ebef}.plot .axis{stroke:#8b949e}.plot .band{fill:#f7f8fa}"
    ".plot .ref{stroke:#1d2330;stroke-width:1.2;stroke-dasharray:4 3}"
    ".box .wh{stroke:#5b6573;stroke-width:1.2}.box rect{fill:#cfe4f4;stroke:#0072B2;stroke-width:1.2}"
    ".box .med{stroke:#0b3d66;stroke-width:2.4}"
    ".box.base rect{fill:#fbe3b3;stroke:#E69F00}.box.base .med{stroke:#8a5a00}"
    ".box.win rect{fill:#c7eadb;stroke:#009E73}.box.win .med{stroke:#00573f}"
    ".stem{stroke-width:3;stroke-linecap:round}.stem.up{stroke:#9ad3bf}.stem.down{stroke:#f2b99a}"
    ".plot .ci{stroke:#1d2330;stroke-width:1.4}"
    ".dot{fill:#fff;stroke:#5b6573;stroke-width:1.6}.dot.final{fill:#0072B2;stroke:#0072B2}"
    ".sp.base .dot{fill:#E69F00;stroke:#E69F00}.sp.win .dot{fill:#009E73;stroke:#009E73}"
    ".pt circle{fill:#56B4E9;fill-opacity:.55;stroke:#0072B2;stroke-width:1}"
    ".pt.front circle{fill:#D55E00;fill-opacity:.9;stroke:#7a3500}"
    ".pt.base circle{stroke:#E69F00;stroke-width:3}.pt.win circle{stroke:#009E73;stroke-width:3}"
    ".front-line{fill:none;stroke:#D55E00;stroke-width:1.8}"
    ".glyph .bar.up{fill:#009E73}.glyph .bar.down{fill:#D55E00}"
    ".legend{display:flex;flex-wrap:wrap;gap:16px;font-size:.82rem;color:#57606a;margin:4px 0}"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px;border:1px solid #5b6573}"
    ".sw.base{background:#fbe3b3;border-color:#E69F00}.sw.win{background:#c7eadb;border-color:#009E73}"
    ".sw.cand{background:#cfe4f4;border-color:#0072B2}.sw.final{background:#0072B2;border-color:#0072B2;border-radius:50%}"
    ".sw.plain{background:#fff;border-radius:50%}.sw.up{background:#9ad3bf;border:0}.sw.down{background:#f2b99a;border:0}"
    ".sw.front{background:#D55E00;border-color:#7a3500;border-radius:50%}.sw.other{background:#a9d8f3;border-color:#0072B2;border-radius:50%}"
    ".sw.ring{background:#fff;border:3px solid #E69F00;border-radius:50%}"
    "footer{color:#8b949e;font-size:.8rem;padding-bottom:28px}"
    "@media print{body{background:#fff}header{background:#fff;color:#000}section{break-inside:avoid}}";

static const char *base_name(const char *path) {
  const char *s = path ? strrchr(path, '/') : NULL;
  return s && s[1] ? s + 1 : path;
}

static void render_head(sbuf *b, const report *r) {
  const char *model = base_name(str(get(r->root, "model"), "path", NULL));
  sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>ortune report");
  if (model) { sb_puts(b, ": "); sb_esc(b, model); }
  sb_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><div class=\"wrap\">\n<h1>ortune report", css);
  if (model) { sb_puts(b, ": "); sb_esc(b, model); }
  sb_puts(b, "</h1>\n<p>");
  static const char *const keys[] = {"date", "provider", "objective", "strategy"};
  int first = 1;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = str(r->root, keys[i], NULL);
    if (!v) continue;
    sb_puts(b, first ? "" : " \xc2\xb7 ");
    if (i) sb_printf(b, "%s ", keys[i]);
    sb_esc(b, v);
    first = 0;
  }
  sb_puts(b, "</p>\n<nav><a href=\"#provenance\">Provenance</a><a href=\"#summary\">Summary</a><a href=\"#latency\">Latency</a>"
             "<a href=\"#speedup\">Speedup</a><a href=\"#pareto\">Latency vs memory</a><a href=\"#impact\">Impact</a>"
             "<a href=\"#failures\">Failures</a><a href=\"#outputs\">Output check</a><a href=\"#trials\">Trials</a></nav>\n</div></header>\n<main class=\"wrap\">\n");
}

static void render(sbuf *b, report *r) {
  render_head(b, r);
  sec_summary(b, r);
  sec_provenance(b, r);
  sec_latency(b, r);
  sec_speedup(b, r);
  sec_pareto(b, r);
  sec_impact(b, r);
  sec_failures(b, r);
  sec_output_check(b, r);
  sec_trials(b, r);
  sb_puts(b, "</main>\n<footer class=\"wrap\">Generated by ortune");
  const char *v = str(r->root, "ortune_version", NULL);
  if (v) { sb_puts(b, " "); sb_esc(b, v); }
  sb_puts(b, ". Self-contained: no scripts, no network.</footer>\n</body>\n</html>\n");
}

int ortune_report_html(const cJSON *results, const char *path) {
  if (!path || !*path) return ortune_set_error(ORTUNE_EIO, "write report: no output path given: pass a file name such as report.html");
  report r;
  sbuf b = {0};
  int loaded = report_load(&r, results) == 0;
  if (loaded) render(&b, &r);
  report_free(&r);
  if (!loaded || b.oom) {
    free(b.p);
    return ortune_set_error(ORTUNE_ENOMEM, "write report %s: out of memory while rendering it: free some memory and run again", path);
  }
  int rc = ortune_write_atomic(path, b.p, b.n);
  free(b.p);
  return rc;
}
