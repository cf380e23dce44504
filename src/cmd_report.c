/* cmd_report.c - `ortune report RESULTS.json --output report.html`: the HTML report of a finished tune. */
#include "cli.h"
#include "report.h"
#include "results.h"
#include <stdlib.h>

typedef struct {
  cli_common common;
  const char *output;
} report_opts;

static const cli_opt report_table[] = {
  OPT_STR("output", report_opts, output, "FILE.html", "where to write the report (default report.html)"),
  {0},
};

static int report_run(void *vo, int argc, char **argv) {
  report_opts *o = vo;
  if (argc != 1) {
    ortune_set_error(ORTUNE_EUSAGE, "report: give one RESULTS.json (from `ortune tune --results`)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  cJSON *r = NULL;
  int rc = ortune_results_load(argv[0], "report:", "give the file written by `ortune tune --results`", &r);
  if (rc) return cli_fail(rc);
  rc = ortune_report_html(r, o->output ? o->output : "report.html");
  cJSON_Delete(r);
  if (rc) return cli_fail(rc);
  printf("wrote %s\n", o->output ? o->output : "report.html");
  return 0;
}

const cli_cmd cmd_report = {"report", "RESULTS.json", "write the HTML report (plots, no network) of a tune's results",
                            report_table, sizeof(report_opts), report_run, 0};
