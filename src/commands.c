/* commands.c - the table of subcommands (git style: one file per command). */
#include "cli.h"

extern const cli_cmd cmd_completion, cmd_man;

const cli_cmd *const cli_commands[] = {&cmd_compare, &cmd_convert, &cmd_explain, &cmd_info, &cmd_merge, &cmd_report, &cmd_run, &cmd_tune,
                                       &cmd_completion, &cmd_man, &cmd_trial, NULL};
