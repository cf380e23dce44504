/* cmd_explain.c - `ortune explain [OPTION]`: the parameter guide (English/Korean), with measurements from --results;
 * `--class`: what each profile of a config measured, next to the guide's advice for its GPU class. */
#include "cli.h"
#include "guide.h"
#include <cjson/cJSON.h>
#include "results.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
  const char *lang, *results;
  int by_class;
} explain_opts;

static const cli_opt explain_table[] = {
  OPT_FLAG("class", explain_opts, by_class, "per profile of --config: the options that won and their measured effect, next to "
           "the guide's advice for its GPU class"),
  OPT_STR("config", explain_opts, common.config, "FILE", "with --class: the config to read (default config.yaml)"),
  OPT_FLAG("json", explain_opts, common.json, "machine-readable output"),
  OPT_STR("lang", explain_opts, lang, "en|ko", "language (default: from LANG; ko_* gives Korean)"),
  OPT_STR("results", explain_opts, results, "FILE.json", "add what a tune measured for this model (its --results file)"),
  {0},
};

/* What the results file r (validated by ortune_results_load: every impact row complete) measured for option. */
static void measured(const cJSON *r, const char *path, const char *option, int ko, int json, cJSON *out) {
  const cJSON *x, *imp = cJSON_GetObjectItemCaseSensitive(r, "impact");
  cJSON *rows = json ? cJSON_AddArrayToObject(out, "measured") : NULL;
  int shown = 0;
  cJSON_ArrayForEach(x, imp) {
    if (strcmp(cJSON_GetObjectItemCaseSensitive(x, "option")->valuestring, option)) continue;
    if (json) {
      cJSON_AddItemToArray(rows, cJSON_Duplicate(x, 1));
      continue;
    }
    if (!shown++) printf("\n%s (%s):\n", ko ? "이 모델에서 측정한 값" : "Measured for this model", path);
    printf("  %-20s %.3fx  [%.3f, %.3f]  n=%d\n", cJSON_GetObjectItemCaseSensitive(x, "value")->valuestring,
           cJSON_GetObjectItemCaseSensitive(x, "speedup")->valuedouble, cJSON_GetObjectItemCaseSensitive(x, "ci_low")->valuedouble,
           cJSON_GetObjectItemCaseSensitive(x, "ci_high")->valuedouble, (int)cJSON_GetObjectItemCaseSensitive(x, "n")->valuedouble);
  }
  if (!shown && !json) printf("\n%s\n", ko ? "결과 파일에 이 옵션의 측정값이 없습니다." : "The results file has no measurement of this option.");
}

/* ---- --class: each stored profile's winners and measured effect, next to the guide's advice for its class ---- */

static const char *profile_class(const ortune_profile_match *m) { return m->is_cpu ? "cpu" : m->gpu_class[0] ? m->gpu_class : "?"; }

static void class_text(const char *name, const ortune_config *c, const ortune_profile_match *m, int has_match, int ko) {
  char buf[1024];
  const char *cls = has_match ? profile_class(m) : "?";
  if (has_match) ortune_match_describe(m, buf, sizeof buf);
  else snprintf(buf, sizeof buf, "%s", ko ? "다른 모든 머신" : "any other machine");
  printf("%s %s: %s\n", ko ? "프로파일" : "profile", name, buf);
  ortune_config_summary(c, buf, sizeof buf);
  printf("  %-10s provider %s, io %s; %s\n", ko ? "채택:" : "won:", ortune_config_get(c, "provider"), ortune_config_get(c, "io"), buf);
  const char *sp = ortune_config_provenance(c, "speedup"), *p50 = ortune_config_provenance(c, "p50_ms"),
             *b50 = ortune_config_provenance(c, "baseline_p50_ms");
  if (sp) {
    printf("  %-10s speedup %s", ko ? "측정:" : "measured:", sp);
    if (p50) printf("; p50 %s ms", p50);
    if (b50) printf(" (%s %s ms)", ko ? "ORT 기본값" : "ORT defaults", b50);
    printf("\n");
  }
  if (!sp) printf("  %-10s %s\n", ko ? "측정:" : "measured:", ko ? "기록 없음 (ortune tune이 쓴 provenance가 없음)"
                                                                    : "nothing recorded (no provenance from ortune tune)");
  const ortune_guide_pick *pk = ortune_guide_class_picks(cls);
  if (pk->option) printf("  %s %s:\n", ko ? "가이드 권장, 등급" : "guide for class", cls);
  for (; pk->option; pk++) {
    const char *v = ortune_config_get(c, pk->option);
    int set = ortune_config_is_set(c, pk->option);
    printf("    %-30s %-11s %s %s%s\n", pk->option, pk->value, ko ? "이 프로파일:" : "this profile:", v ? v : "?",
           !set ? (ko ? " (ORT 기본값)" : " (ORT default)") : v && !strcmp(v, pk->value) ? (ko ? " (일치)" : " (agrees)")
                                                                                          : (ko ? " (다름)" : " (differs)"));
  }
  if (has_match) printf("  %s\n", ortune_guide_class_note(cls, ko));
  printf("\n");
}

static cJSON *class_json(const char *name, const ortune_config *c, const ortune_profile_match *m, int has_match, int ko) {
  cJSON *x = cJSON_CreateObject();
  char buf[1024];
  const char *cls = has_match ? profile_class(m) : "?";
  cJSON_AddStringToObject(x, "profile", name);
  cJSON_AddStringToObject(x, "class", cls);
  ortune_config_summary(c, buf, sizeof buf);
  cJSON_AddStringToObject(x, "won", buf);
  cJSON *o = cJSON_AddObjectToObject(x, "options");
  for (int i = 0; i < ortune_noptions; i++)
    if (c->value[i]) cJSON_AddStringToObject(o, ortune_options[i].name, c->value[i]);
  static const char *const keys[] = {"speedup", "p50_ms", "baseline_p50_ms", "p99_ms", "baseline_p99_ms", "verdict", "gpu", "cpu"};
  cJSON *mj = cJSON_AddObjectToObject(x, "measured");
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (ortune_config_provenance(c, keys[i])) cJSON_AddStringToObject(mj, keys[i], ortune_config_provenance(c, keys[i]));
  cJSON *g = cJSON_AddArrayToObject(x, "guide");
  for (const ortune_guide_pick *pk = ortune_guide_class_picks(cls); pk->option; pk++) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "option", pk->option);
    cJSON_AddStringToObject(e, "suggested", pk->value);
    cJSON_AddStringToObject(e, "this_profile", ortune_config_get(c, pk->option));
    cJSON_AddBoolToObject(e, "set", ortune_config_is_set(c, pk->option));
    cJSON_AddItemToArray(g, e);
  }
  cJSON_AddStringToObject(x, "note", ortune_guide_class_note(cls, ko));
  return x;
}

/* One entry (profile NAME, or "default") of path: printed, or added to arr. */
static int class_entry(const char *path, const char *name, const ortune_profile_match *pm, int ko, cJSON *arr) {
  ortune_config *c = NULL;
  int rc = ortune_config_load_profile(&c, path, name);
  if (rc) return rc;
  ortune_profile_match m;
  int has = pm != NULL;
  if (pm) m = *pm;
  else has = ortune_match_from_provenance(c, &m); /* a single-profile file: the machine its provenance names */
  if (arr) cJSON_AddItemToArray(arr, class_json(name, c, &m, has, ko));
  else class_text(name, c, &m, has, ko);
  ortune_config_release(c);
  return ORTUNE_OK;
}

static int explain_class(const char *path, int ko, int json) {
  ortune_profile_entry *pe = NULL;
  int n = 0, def = 0, rc = ortune_config_list_profiles(path, &pe, &n, &def);
  if (rc) return cli_fail(rc);
  cJSON *arr = json ? cJSON_CreateArray() : NULL;
  if (!json) printf("%s %s\n\n", ko ? "프로파일별로 측정된 결과와 GPU 등급별 가이드:" : "What was measured per profile, next to the guide's "
                                                                                        "advice for its GPU class:", path);
  for (int i = 0; !rc && i < n; i++) rc = class_entry(path, pe[i].name, &pe[i].match, ko, arr);
  if (!rc && def) rc = class_entry(path, "default", NULL, ko, arr);
  if (!rc && !n && !def && !json) printf("%s\n", ko ? "이 파일에는 onnxruntime: 섹션이 없습니다." : "The file has no onnxruntime: section.");
  free(pe);
  if (json) {
    char *txt = cJSON_Print(arr);
    if (!rc) puts(txt);
    free(txt);
    cJSON_Delete(arr);
  }
  return rc ? cli_fail(rc) : 0;
}

static int explain_run(void *vo, int argc, char **argv) {
  explain_opts *o = vo;
  int ko = o->lang ? !strcmp(o->lang, "ko") : ortune_guide_lang_is_korean();
  if (o->lang && strcmp(o->lang, "ko") && strcmp(o->lang, "en")) {
    ortune_set_error(ORTUNE_EUSAGE, "explain: --lang '%s': use en or ko", o->lang);
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (o->by_class) {
    if (argc) {
      ortune_set_error(ORTUNE_EUSAGE, "explain: --class takes no OPTION (it reads the profiles of --config FILE)");
      return cli_fail(ORTUNE_EUSAGE);
    }
    return explain_class(o->common.config ? o->common.config : "config.yaml", ko, o->common.json);
  }
  if (argc == 0) {
    printf("%s\n\n", ortune_guide_intro(ko));
    for (int i = 0; i < ortune_guide_count; i++)
      printf("  %-36s %s\n", ortune_guide[i].option, ko ? ortune_guide[i].ko_summary : ortune_guide[i].en_summary);
    printf("\n%s\n", ko ? "`ortune explain 옵션이름`으로 자세한 설명을 봅니다." : "`ortune explain NAME` for the details of one option.");
    return 0;
  }
  const ortune_guide_entry *e = ortune_guide_find(argv[0]);
  if (!e) {
    ortune_set_error(ORTUNE_EUSAGE, "explain: no option '%s': did you mean '%s'?", argv[0], ortune_option_closest(argv[0]));
    return cli_fail(ORTUNE_EUSAGE);
  }
  const ortune_option *opt = ortune_option_find(e->option);
  cJSON *res = NULL; /* read (and checked) before anything is printed */
  int rc = o->results ? ortune_results_load(o->results, "explain --results", "give the file written by `ortune tune --results`", &res) : 0;
  if (rc) return cli_fail(rc);
  if (o->common.json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "option", e->option);
    cJSON_AddStringToObject(j, "summary", ko ? e->ko_summary : e->en_summary);
    cJSON_AddStringToObject(j, "text", ko ? e->ko_body : e->en_body);
    if (opt) {
      cJSON_AddStringToObject(j, "scope", ortune_scope_name(opt->scope));
      cJSON_AddStringToObject(j, "default", opt->def);
      if (opt->values) cJSON_AddStringToObject(j, "values", opt->values);
    }
    if (res) measured(res, o->results, e->option, ko, 1, j);
    char *txt = cJSON_Print(j);
    puts(txt);
    free(txt);
    cJSON_Delete(j);
    cJSON_Delete(res);
    return 0;
  }
  printf("%s - %s\n\n%s\n", e->option, ko ? e->ko_summary : e->en_summary, ko ? e->ko_body : e->en_body);
  if (res) measured(res, o->results, e->option, ko, 0, NULL);
  cJSON_Delete(res);
  return 0;
}

const cli_cmd cmd_explain = {"explain", "[OPTION]", "explain ONNX Runtime's options: what each does, trades and how it measured",
                             explain_table, sizeof(explain_opts), explain_run, 0};
