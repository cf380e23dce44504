#include "cli.h"
static const cli_opt none[] = {{0}};
static int nyi(void *o, int c, char **v) { (void)o; (void)c; (void)v; return 1; }
const cli_cmd cmd_tune = {"tune", "MODEL", "x", none, 8, nyi, 0};
const cli_cmd cmd_compare = {"compare", "MODEL", "x", none, 8, nyi, 0};
const cli_cmd cmd_explain = {"explain", "", "x", none, 8, nyi, 0};
const cli_cmd cmd_report = {"report", "", "x", none, 8, nyi, 0};
const cli_cmd cmd_trial = {"_trial", "", "x", none, 8, nyi, 1};
