/* cli.h - declarative option tables for the subcommands: parsing, --help and the man page come from them. */
#ifndef ORTUNE_CLI_H
#define ORTUNE_CLI_H
#include "harness.h"
#include <stddef.h>

typedef enum { ARG_FLAG, ARG_STR, ARG_INT, ARG_DOUBLE, ARG_CALL } cli_kind;

typedef struct cli_opt {
  const char *name;      /* long name without "--" */
  cli_kind kind;
  const char *metavar;   /* NULL for flags */
  const char *help;
  size_t offset;         /* into the command's options struct */
  int (*call)(void *opts, const char *value); /* ARG_CALL: repeated options */
} cli_opt;

typedef struct cli_cmd {
  const char *name;
  const char *args;      /* positional synopsis, e.g. "MODEL" */
  const char *summary;
  const cli_opt *opts;   /* terminated by {0} */
  size_t opts_size;      /* sizeof the options struct */
  int (*run)(void *opts, int argc, char **argv); /* positionals */
  int hidden;
} cli_cmd;

#define OPT_FLAG(n, s, f, h) {n, ARG_FLAG, NULL, h, offsetof(s, f), NULL}
#define OPT_STR(n, s, f, m, h) {n, ARG_STR, m, h, offsetof(s, f), NULL}
#define OPT_INT(n, s, f, m, h) {n, ARG_INT, m, h, offsetof(s, f), NULL}
#define OPT_DBL(n, s, f, m, h) {n, ARG_DOUBLE, m, h, 0 * sizeof(((s *)0)->f) + offsetof(s, f), NULL}
#define OPT_CALL(n, m, fn, h) {n, ARG_CALL, m, h, 0, fn}

/* Options most commands share: which model inputs, which config, output style. */
typedef struct {
  const char *config;
  ortune_input_spec spec;
  int nfree;
  struct { char name[64]; int64_t value; } freedim[16];
  const char *provider, *io, *device;
  int json, quiet;
  double rtol, atol;     /* output-check tolerances; < 0 (unset): defaults */
  const char *model;     /* set by commands taking a MODEL: cli_config warns when the config is stale for it */
} cli_common;

int cli_add_shape(void *opts, const char *v);    /* opts starts with cli_common */
int cli_add_freedim(void *opts, const char *v);
int cli_add_input(void *opts, const char *v);
int cli_set_rtol(void *opts, const char *v);      /* opts starts with cli_common */
int cli_set_atol(void *opts, const char *v);
#define CLI_TOL_OPTS                                                                                                     \
  OPT_CALL("atol", "X", cli_set_atol, "absolute tolerance for output checks (default per dtype)"),                   \
  OPT_CALL("rtol", "X", cli_set_rtol, "relative tolerance for output checks (default per dtype)")
#define CLI_COMMON_INPUT_OPTS(S)                                                                                         \
  OPT_CALL("shape", "NAME=DIMS", cli_add_shape, "fix an input's shape, e.g. x=1x3x640x640 (repeatable)"),               \
  OPT_CALL("free-dim", "SYM=N", cli_add_freedim, "fix a symbolic dimension by name, e.g. batch=1 (repeatable)"),       \
  OPT_CALL("input", "[NAME=]FILE", cli_add_input, "feed an input from a .npy or .pb file, or NAME=value:V or NAME=range:LO:HI (repeatable)"),                \
  OPT_STR("provider", S, common.provider, "cpu|cuda", "execution provider (overrides the config)"),                         \
  OPT_STR("io", S, common.io, "host|device", "inputs from host memory, or bound on the GPU (overrides the config)"),       \
  OPT_STR("device", S, common.device, "N", "GPU index (overrides device_id)")

/* Interleaved A/B sizes (compare --rounds/--runs, tune --ab-rounds/--ab-runs): at most these. */
#define CLI_MAX_ROUNDS 100000
#define CLI_MAX_RUNS 256
/* ORTUNE_EUSAGE naming the flag when rounds or runs is outside 0 (default) or 2..CLI_MAX_ROUNDS / 1..CLI_MAX_RUNS. */
int cli_check_ab(const char *rounds_flag, int rounds, const char *runs_flag, int runs);
/* Add the files a command reads to p: model, --config (unless it is also an output), --input files, and the
 * input_N.pb/output_N.pb of a --check dir. */
void cli_paths_inputs(ortune_paths *p, const cli_common *c, const char *model, int config_is_output);
#define CLI_FORCE_OPT(S, f) OPT_FLAG("force", S, f, "replace an existing output file that ortune did not write")

/* Load the config named by common (or defaults) and apply --provider/--io/--device/--free-dim. */
int cli_config(const cli_common *c, ortune_config **out);

extern const cli_cmd cmd_convert, cmd_info, cmd_run, cmd_tune, cmd_compare, cmd_explain, cmd_report, cmd_trial, cmd_merge;
extern const cli_cmd *const cli_commands[];

void cli_usage(FILE *f);
void cli_help(FILE *f, const cli_cmd *c);
/* Parse argv (argc words after the subcommand) for c into opts, from c's option table: "--name value",
 * "--name=value", flags, repeated ARG_CALL options, "--" ending the options. Positionals are compacted to the front
 * of argv; returns their count, or -err after ortune_set_error (unknown option with a "did you mean", missing value,
 * a value on a flag, a bad number). */
int cli_parse(const cli_cmd *c, void *opts, int argc, char **argv);
/* The command line after the process setup (main.c): usage, --help, --version, or one subcommand. Returns the exit
 * code. */
int cli_main(int argc, char **argv);
/* Print err as "ortune: <message>" and return the exit code. */
int cli_fail(int err);
/* Is stdout/stderr a terminal (colour, progress bars)? */
int cli_tty(int fd);
#endif
