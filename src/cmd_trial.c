/* cmd_trial.c - `ortune _trial SPEC RESULT`: the child process of one trial (internal). */
#include "cli.h"
#include "tune.h"

static const cli_opt trial_table[] = {{0}};

static int trial_run(void *o, int argc, char **argv) {
  (void)o;
  if (argc != 2) return ORTUNE_EUSAGE;
  return ortune_trial_main(argv[0], argv[1]);
}

const cli_cmd cmd_trial = {"_trial", "SPEC RESULT", "run one trial (internal)", trial_table, 1, trial_run, 1};
