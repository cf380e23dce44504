/* cmd_explain.c - `ortune explain [OPTION]`: the parameter guide (English/Korean), with measurements from --results. */
#include "cli.h"
#include "guide.h"
#include <cjson/cJSON.h>
#include "results.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
  const char *lang, *results;
} explain_opts;

static const cli_opt explain_table[] = {
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

static int explain_run(void *vo, int argc, char **argv) {
  explain_opts *o = vo;
  int ko = o->lang ? !strcmp(o->lang, "ko") : ortune_guide_lang_is_korean();
  if (o->lang && strcmp(o->lang, "ko") && strcmp(o->lang, "en")) {
    ortune_set_error(ORTUNE_EUSAGE, "explain: --lang '%s': use en or ko", o->lang);
    return cli_fail(ORTUNE_EUSAGE);
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
