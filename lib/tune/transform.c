/* transform.c - transformed-model candidates for tune (--accuracy): the float16 model and its accuracy gate.
 *
 * How it works: with --accuracy, tune converts the model to float16 once (lib/transform/fp16.c) into its work dir
 * and measures it as ordinary candidates whose config carries model_override = that file (the trial harness and
 * the runtime open the override transparently). Such a candidate is not held to the float32 output check but to
 * the user's accuracy rule, checked here output by output against the float32 reference outputs of every input set
 * (max abs / max rel error, or argmax agreement along the last axis), and the numbers are recorded per output in
 * the trial. When it wins the final A/B, ortune_tune_transform_finish() writes the file next to the model
 * (model.ortune-fp16.onnx), points model_override at it (relative to the model's directory) and records its
 * sha256. The gate takes two directories of output_N.pb files, so it can be re-pointed at another reference. */
#include "fp16.h"
#include "tune.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_num(const char *v, double *out, const char *text) {
  char *end;
  errno = 0;
  double x = strtod(v, &end);
  if (end == v || *end || errno || !(x >= 0))
    return ortune_set_error(ORTUNE_EUSAGE, "--accuracy '%s': '%s' is not a number >= 0", text, v);
  *out = x;
  return 0;
}

int ortune_accuracy_parse(const char *text, ortune_accuracy *acc) {
  if (acc->n == ORTUNE_MAX_ACC_RULES) return ortune_set_error(ORTUNE_EUSAGE, "--accuracy: at most %d rules", ORTUNE_MAX_ACC_RULES);
  ortune_acc_rule *r = &acc->r[acc->n];
  memset(r, 0, sizeof *r);
  r->atol = r->rtol = -1;
  const char *body = text, *colon = strchr(text, ':');
  if (colon && (!strchr(text, '=') || colon < strchr(text, '='))) {
    if (colon == text || (size_t)(colon - text) >= sizeof r->output)
      return ortune_set_error(ORTUNE_EUSAGE, "--accuracy '%s': name the output before ':' (at most 63 characters)", text);
    snprintf(r->output, sizeof r->output, "%.*s", (int)(colon - text), text);
    body = colon + 1;
  }
  char buf[256];
  snprintf(buf, sizeof buf, "%s", body);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int rc = 0;
    if (!strcmp(tok, "argmax")) r->argmax = 1;
    else if (!strncmp(tok, "atol=", 5)) rc = parse_num(tok + 5, &r->atol, text);
    else if (!strncmp(tok, "rtol=", 5)) rc = parse_num(tok + 5, &r->rtol, text);
    else rc = ortune_set_error(ORTUNE_EUSAGE, "--accuracy '%s': '%s' is not atol=X, rtol=X or argmax", text, tok);
    if (rc) return rc;
  }
  if (!r->argmax && r->atol < 0 && r->rtol < 0)
    return ortune_set_error(ORTUNE_EUSAGE, "--accuracy '%s': give atol=X, rtol=X or argmax, e.g. \"atol=1e-2,rtol=0\"", text);
  if (r->atol < 0) r->atol = 0;
  if (r->rtol < 0) r->rtol = 0;
  acc->n++;
  return 0;
}

/* The rule for output name: the one naming it, else the one for every output; NULL: none. */
static const ortune_acc_rule *rule_for(const ortune_accuracy *acc, const char *name) {
  const ortune_acc_rule *any = NULL;
  for (int i = 0; i < acc->n; i++) {
    if (!acc->r[i].output[0]) any = &acc->r[i];
    else if (name && !strcmp(acc->r[i].output, name)) return &acc->r[i];
  }
  return any;
}

/* Rows (over the last axis) whose argmax differs. */
static size_t argmax_disagree(const ortune_tensor *a, const ortune_tensor *b) {
  if (a->dtype != 1 || b->dtype != 1 || a->count != b->count || !a->count) return a->count == b->count ? 0 : 1;
  size_t last = a->ndim ? (size_t)a->dims[a->ndim - 1] : 1, bad = 0;
  if (!last) return 0;
  const float *x = a->data, *y = b->data;
  for (size_t r = 0; r < a->count / last; r++) {
    size_t ia = 0, ib = 0;
    for (size_t k = 1; k < last; k++) {
      if (x[r * last + k] > x[r * last + ia]) ia = k;
      if (y[r * last + k] > y[r * last + ib]) ib = k;
    }
    bad += ia != ib;
  }
  return bad;
}

/* Largest |value| of a float32 tensor; -1 for other types. */
static double max_abs_of(const ortune_tensor *t) {
  if (t->dtype != 1) return -1;
  const float *v = t->data;
  double m = 0;
  for (size_t i = 0; i < t->count; i++) m = fmax(m, fabs((double)v[i]));
  return m;
}

/* One output against its reference under its rule; appends the record to arr (may be NULL); 0 when within the rule.
 * Whatever the rule, an output that lost its scale (max |out| under 1% of max |reference|, e.g. float16 flushing
 * values below 6e-8 to zero) fails: an absolute tolerance would otherwise pass an all-zero output. */
static int check_one(const ortune_accuracy *acc, const ortune_tensor *got, const ortune_tensor *want, const char *set, cJSON *arr,
                     char *why, size_t whylen) {
  cJSON *tmp = arr ? NULL : (arr = cJSON_CreateArray());
  const ortune_acc_rule *r = rule_for(acc, want->name);
  ortune_diff d;
  double rtol, atol;
  if (r && !r->argmax) rtol = r->rtol, atol = r->atol;
  else ortune_config_tol(want, -1, -1, &rtol, &atol); /* no rule for this output: the float32 check */
  int bad = ortune_tensor_compare(got, want, rtol, atol, &d) != ORTUNE_OK;
  cJSON *x = cJSON_CreateObject();
  cJSON_AddStringToObject(x, "output", want->name ? want->name : "");
  cJSON_AddStringToObject(x, "set", set);
  cJSON_AddNumberToObject(x, "max_abs", d.max_abs);
  cJSON_AddNumberToObject(x, "max_rel", d.max_rel);
  if (r && r->argmax) {
    size_t dis = argmax_disagree(got, want);
    bad = dis != 0;
    cJSON_AddStringToObject(x, "rule", "argmax");
    cJSON_AddNumberToObject(x, "argmax_disagree", (double)dis);
    if (bad) snprintf(why, whylen, "%s: argmax differs in %zu rows", want->name ? want->name : "output", dis);
  } else {
    char rule[96];
    snprintf(rule, sizeof rule, "%satol=%g,rtol=%g", r ? "" : "no rule, float32 check: ", atol, rtol);
    cJSON_AddStringToObject(x, "rule", rule);
    if (bad) snprintf(why, whylen, "%s: %s (rule %s)", want->name ? want->name : "output", d.what, rule);
  }
  double mg = max_abs_of(got), mw = max_abs_of(want);
  if (mg >= 0 && mw > 0 && mg < 0.01 * mw) {
    cJSON_AddNumberToObject(x, "max_abs_out", mg);
    cJSON_AddNumberToObject(x, "max_abs_ref", mw);
    if (!bad)
      snprintf(why, whylen, "%s: the output lost its scale (max |out| %.3g, reference %.3g): values underflow in float16; "
               "keep float32 (no --accuracy) or check the model's output range", want->name ? want->name : "output", mg, mw);
    bad = 1;
  }
  cJSON_AddBoolToObject(x, "pass", !bad);
  cJSON_AddItemToArray(arr, x);
  cJSON_Delete(tmp);
  return bad;
}

int ortune_accuracy_tensor(const ortune_accuracy *acc, const ortune_tensor *got, const ortune_tensor *want, char *why, size_t len) {
  if (why && len) why[0] = '\0';
  return check_one(acc, got, want, "", NULL, why, len);
}

void ortune_accuracy_text(const ortune_accuracy *acc, char *buf, size_t len) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < acc->n && n < len; i++) {
    const ortune_acc_rule *r = &acc->r[i];
    int w = r->argmax ? snprintf(buf + n, len - n, "%s%s%sargmax", i ? " " : "", r->output, r->output[0] ? ":" : "")
                      : snprintf(buf + n, len - n, "%s%s%satol=%g,rtol=%g", i ? " " : "", r->output, r->output[0] ? ":" : "",
                                 r->atol, r->rtol);
    if (w < 0) break;
    n += (size_t)w;
  }
}

int ortune_accuracy_of_config(const ortune_config *cfg, ortune_accuracy *acc) {
  const char *ov = ortune_config_get(cfg, "model_override"), *rules = ortune_config_provenance(cfg, "accuracy");
  memset(acc, 0, sizeof *acc);
  if (!ov || !*ov || !rules || !*rules) return 0;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", rules);
  for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
    if (ortune_accuracy_parse(tok, acc)) {
      ortune_clear_error();
      memset(acc, 0, sizeof *acc);
      return 0;
    }
  return acc->n > 0;
}

int ortune_accuracy_check(const ortune_accuracy *acc, const char *ref_dir, const char *out_dir, int nsets, cJSON *tr) {
  cJSON *arr = cJSON_AddArrayToObject(tr, "accuracy");
  double max_abs = 0, max_rel = 0;
  int bad = 0;
  char why[300] = "";
  for (int sub = 0; sub < nsets; sub++) {
    char sd[32] = "";
    if (sub == 1) snprintf(sd, sizeof sd, "/set2");
    else if (sub > 1) snprintf(sd, sizeof sd, "/shape%d", sub - 1);
    for (int i = 0; i < ORTUNE_MAX_IO; i++) {
      char rp[1200], op[1200];
      snprintf(rp, sizeof rp, "%s%s/output_%d.pb", ref_dir, sd, i);
      snprintf(op, sizeof op, "%s%s/output_%d.pb", out_dir, sd, i);
      if (access(rp, R_OK) != 0) break;
      ortune_tensor a, b;
      if (ortune_tensor_read_pb(op, &a)) {
        snprintf(why, sizeof why, "outputs missing");
        bad++;
        break;
      }
      if (ortune_tensor_read_pb(rp, &b)) { ortune_tensor_release(&a); bad++; break; }
      char w[300] = "";
      if (check_one(acc, &a, &b, sd[0] ? sd + 1 : "main", arr, w, sizeof w) && !bad++) snprintf(why, sizeof why, "%s", w);
      cJSON *last = cJSON_GetArrayItem(arr, cJSON_GetArraySize(arr) - 1);
      if (ortune_jnum(last, "max_abs", 0) > max_abs) max_abs = ortune_jnum(last, "max_abs", 0);
      if (ortune_jnum(last, "max_rel", 0) > max_rel) max_rel = ortune_jnum(last, "max_rel", 0);
      ortune_tensor_release(&a);
      ortune_tensor_release(&b);
    }
  }
  cJSON_AddNumberToObject(tr, "max_abs_err", max_abs);
  cJSON_AddNumberToObject(tr, "max_rel_err", max_rel);
  if (bad) cJSON_AddStringToObject(tr, "reason", why[0] ? why : "accuracy rule not met");
  return bad != 0;
}

int ortune_tune_fp16_prepare(const char *model, const char *work, const char *keep_ops, char *path, size_t len, cJSON *results) {
  ortune_fp16_opts fo;
  ortune_fp16_stats st;
  ortune_fp16_opts_default(&fo);
  fo.keep_ops = keep_ops;
  snprintf(path, len, "%s/model.ortune-fp16.onnx", work);
  int rc = ortune_fp16_convert_file(model, path, &fo, &st);
  cJSON *x = cJSON_AddObjectToObject(results, "transform_fp16");
  if (rc) {
    cJSON_AddStringToObject(x, "error", ortune_last_error());
    return rc;
  }
  cJSON_AddNumberToObject(x, "initializers", (double)st.initializers);
  cJSON_AddNumberToObject(x, "constants", (double)st.constants);
  cJSON_AddNumberToObject(x, "casts", (double)st.casts);
  cJSON_AddNumberToObject(x, "kept_float32", (double)st.kept);
  cJSON_AddNumberToObject(x, "subgraphs", (double)st.subgraphs);
  cJSON_AddNumberToObject(x, "clamped", (double)st.clamped);
  cJSON_AddStringToObject(x, "keep_fp32", keep_ops ? keep_ops : ORTUNE_FP16_KEEP_DEFAULT);
  return 0;
}

/* model.onnx -> model.ortune-fp16.onnx (next to it). */
static void fp16_name(const char *model, char *out, size_t len) {
  size_t n = strlen(model);
  if (n > 5 && !strcmp(model + n - 5, ".onnx")) n -= 5;
  snprintf(out, len, "%.*s.ortune-fp16.onnx", (int)n, model);
}

/* Is path absent, or a model this converter wrote (safe to replace)? */
static int replaceable(const char *path) {
  char *data = NULL;
  size_t len = 0;
  if (access(path, F_OK) != 0) return 1;
  if (ortune_read_file(path, &data, &len)) return 0;
  void *out = NULL;
  size_t outlen = 0;
  ortune_fp16_stats st;
  int ours = ortune_fp16_convert_buf(data, len, NULL, &out, &outlen, &st) == 0 && st.already;
  free(data);
  free(out);
  ortune_clear_error();
  return ours;
}

int ortune_tune_transform_unused(const ortune_config *c, const char *model, char *path, size_t len) {
  const char *ov = ortune_config_get(c, "model_override");
  if (ov && *ov) return 0;
  fp16_name(model, path, len);
  return access(path, F_OK) == 0 && replaceable(path);
}

int ortune_tune_transform_finish(ortune_config *c, const char *model, const ortune_accuracy *acc) {
  const char *ov = ortune_config_get(c, "model_override");
  if (!ov || !*ov) return 0;
  char dst[PATH_MAX], hex[65], *data = NULL;
  size_t len = 0;
  fp16_name(model, dst, sizeof dst);
  if (!replaceable(dst))
    return ortune_set_error(ORTUNE_EIO, "tune: %s exists and was not written by ortune: move it away and tune again; "
                            "config not written", dst);
  int rc = ortune_read_file(ov, &data, &len);
  if (!rc) rc = ortune_write_atomic(dst, data, len);
  free(data);
  if (!rc) rc = ortune_sha256_file(dst, hex);
  if (rc) return rc;
  const char *base = strrchr(dst, '/');
  rc = ortune_config_set(c, "model_override", base ? base + 1 : dst);
  if (!rc) rc = ortune_config_set_provenance(c, "model_override_sha256", hex);
  if (!rc) rc = ortune_config_set_provenance(c, "transform", "fp16 (float32 inputs and outputs, Casts at the boundary)");
  if (!rc && acc) {
    char rules[1024];
    ortune_accuracy_text(acc, rules, sizeof rules);
    rc = ortune_config_set_provenance(c, "accuracy", rules);
  }
  return rc;
}
