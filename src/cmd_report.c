/* cmd_report.c - `ortune report RESULTS.json --output report.html`: the HTML report of a finished tune. */
#include "cli.h"
#include "report.h"
#include "results.h"
#include <stdlib.h>

typedef struct {
  cli_common common;
  const char *output;
  int force;
} report_opts;

static const cli_opt report_table[] = {
  CLI_FORCE_OPT(report_opts, force),
  OPT_STR("output", report_opts, output, "FILE.html", "where to write the report (default report.html)"),
  {0},
};

static int report_run(void *vo, int argc, char **argv) {
  report_opts *o = vo;
  if (argc != 1) {
    ortune_set_error(ORTUNE_EUSAGE, "report: give one RESULTS.json (from `ortune tune --results`)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  const char *out = o->output ? o->output : "report.html";
  ortune_paths p = {0};
  ortune_paths_in(&p, "results file", argv[0]);
  ortune_paths_out(&p, "--output", out, ORTUNE_OUT_REPORT);
  int rc = ortune_paths_check(&p, o->force);
  if (rc) return cli_fail(rc);
  cJSON *r = NULL;
  rc = ortune_results_load(argv[0], "report:", "give the file written by `ortune tune --results`", &r);
  if (rc) return cli_fail(rc);
  rc = ortune_report_html(r, out);
  cJSON_Delete(r);
  if (rc) return cli_fail(rc);
  printf("wrote %s\n", out);
  return 0;
}

const cli_cmd cmd_report = {"report", "RESULTS.json", "write the HTML report (plots, no network) of a tune's results",
                            report_table, sizeof(report_opts), report_run, 0};
