/* cmd_compare.c - `ortune compare MODEL --config A.yaml [--against B.yaml|defaults]`: interleaved before/after check. */
#include "cli.h"
#include "tune.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
  const char *against;
  const char *also[6];
  int nalso;
  int rounds, runs;
  double min_gain;
} compare_opts;

static int add_also(void *v, const char *f) {
  compare_opts *o = v;
  if (o->nalso == 6) return ortune_set_error(ORTUNE_EUSAGE, "--also: at most 6 extra configs");
  o->also[o->nalso++] = f;
  return 0;
}

static const cli_opt compare_table[] = {
  OPT_CALL("also", "FILE", add_also, "another config measured in the same interleaved rounds (repeatable)"),
  OPT_STR("against", compare_opts, against, "FILE|defaults", "the other side (default: ORT defaults)"),
  OPT_STR("config", compare_opts, common.config, "FILE", "the tuned config.yaml"),
  CLI_COMMON_INPUT_OPTS(compare_opts),
  OPT_FLAG("json", compare_opts, common.json, "machine-readable output"),
  OPT_DBL("min-gain", compare_opts, min_gain, "FRACTION", "smallest speedup called faster (default 0.01)"),
  OPT_INT("rounds", compare_opts, rounds, "N", "interleaved rounds (default 20)"),
  OPT_INT("runs", compare_opts, runs, "N", "runs per side per round (default 20)"),
  {0},
};

/* The against side: a file, or ORT's defaults with the harness keys of a. */
static int against_config(const compare_opts *o, const ortune_config *a, ortune_config **out) {
  if (o->against && strcmp(o->against, "defaults")) {
    cli_common c = o->common;
    c.config = o->against;
    return cli_config(&c, out);
  }
  int rc = ortune_config_new(out);
  static const char *const keep[] = {"provider", "io", "device_id"};
  for (size_t i = 0; !rc && i < 3; i++) rc = ortune_config_set(*out, keep[i], ortune_config_get(a, keep[i]));
  if (!rc) {
    (*out)->nfree = a->nfree;
    memcpy((*out)->freedim, a->freedim, sizeof a->freedim);
  }
  return rc;
}

static int compare_run(void *vo, int argc, char **argv) {
  compare_opts *o = vo;
  if (argc != 1 || !o->common.config) {
    ortune_set_error(ORTUNE_EUSAGE, "compare: usage: ortune compare MODEL --config A.yaml [--against B.yaml|defaults] [--also C.yaml]");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (cli_check_ab("rounds", o->rounds, "runs", o->runs)) return cli_fail(ORTUNE_EUSAGE);
  int rounds = o->rounds > 1 ? o->rounds : 20, runs = o->runs > 0 ? o->runs : 20, n = 2 + o->nalso;
  ortune_config *cfg[8] = {0};
  const char *names[8] = {o->against ? o->against : "defaults", o->common.config};
  ortune_tensor *outs[8] = {0};
  int nouts[8] = {0};
  double *blocks = NULL, p50[8], p99[8];
  o->common.model = argv[0];
  int rc = cli_config(&o->common, &cfg[1]);
  if (rc) return cli_fail(rc);
  if ((rc = against_config(o, cfg[1], &cfg[0]))) goto done;
  for (int i = 0; i < o->nalso; i++) {
    cli_common c = o->common;
    c.config = names[2 + i] = o->also[i];
    if ((rc = cli_config(&c, &cfg[2 + i]))) goto done;
  }
  if (!o->common.quiet)
    fprintf(stderr, "comparing %d configs against %s: %d interleaved rounds x %d runs\n", n - 1,
            ortune_term_escape(names[0], (char[1024]){0}, 1024), rounds, runs);
  if ((rc = ortune_ab_measure(argv[0], cfg, n, &o->common.spec, rounds, runs, &blocks, p50, p99, outs, nouts))) goto done;
  int any_mismatch = 0;
  char safe[1024];
  cJSON *root = o->common.json ? cJSON_CreateObject() : NULL, *list = NULL; /* JSON built by cJSON: any path is escaped */
  if (root) {
    cJSON_AddStringToObject(root, "against", names[0]);
    cJSON_AddNumberToObject(root, "against_p50_ms", p50[0]);
    cJSON_AddNumberToObject(root, "against_p99_ms", p99[0]);
    list = cJSON_AddArrayToObject(root, "configs");
  } else {
    printf("%-40s p50 %8.3f ms  p99 %8.3f ms\n", ortune_term_escape(names[0], safe, sizeof safe), p50[0], p99[0]);
  }
  for (int k = 1; k < n; k++) {
    ortune_ab_stat st;
    ortune_ab_analyse(blocks, rounds, n, k, o->min_gain > 0 ? o->min_gain : 0.01, &st);
    const char *verdict = st.significant ? "faster" : st.ci_high < 1.0 ? "slower" : "no significant difference";
    int mismatch = nouts[0] != nouts[k];
    char what[200] = "";
    for (int i = 0; i < nouts[0] && !mismatch; i++) {
      ortune_diff d;
      double rtol, atol;
      ortune_config_tol(&outs[0][i], -1, -1, &rtol, &atol);
      if (ortune_tensor_compare(&outs[k][i], &outs[0][i], rtol, atol, &d) != ORTUNE_OK) {
        mismatch = 1;
        snprintf(what, sizeof what, "%s", d.what);
      }
    }
    if (mismatch && !any_mismatch++) ortune_set_error(ORTUNE_EMISMATCH, "outputs of %s differ from %s: %s", names[k], names[0], what);
    if (root) {
      cJSON *x = cJSON_CreateObject();
      cJSON_AddStringToObject(x, "config", names[k]);
      cJSON_AddNumberToObject(x, "p50_ms", p50[k]);
      cJSON_AddNumberToObject(x, "p99_ms", p99[k]);
      cJSON_AddNumberToObject(x, "speedup", st.speedup);
      cJSON_AddNumberToObject(x, "ci_low", st.ci_low);
      cJSON_AddNumberToObject(x, "ci_high", st.ci_high);
      cJSON_AddStringToObject(x, "verdict", verdict);
      cJSON_AddBoolToObject(x, "outputs_match", !mismatch);
      cJSON_AddItemToArray(list, x);
    } else {
      char safe_what[400];
      printf("%-40s p50 %8.3f ms  p99 %8.3f ms  speedup %.3fx (95%% CI %.3f-%.3f): %s; outputs %s%s\n",
             ortune_term_escape(names[k], safe, sizeof safe), p50[k], p99[k], st.speedup, st.ci_low, st.ci_high, verdict,
             mismatch ? "DIFFER: " : "match", ortune_term_escape(what, safe_what, sizeof safe_what));
    }
  }
  if (root) {
    char *txt = cJSON_PrintUnformatted(root);
    if (txt) puts(txt);
    free(txt);
    cJSON_Delete(root);
  }
  if (any_mismatch) rc = ORTUNE_EMISMATCH;
done:
  free(blocks);
  for (int i = 0; i < n; i++) {
    ortune_tensors_free(outs[i], nouts[i]);
    ortune_config_release(cfg[i]);
  }
  return rc ? cli_fail(rc) : 0;
}

const cli_cmd cmd_compare = {"compare", "MODEL", "before/after check: interleaved A/B with a confidence interval and output check",
                             compare_table, sizeof(compare_opts), compare_run, 0};
