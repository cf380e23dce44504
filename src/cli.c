/* cli.c - the option-table parser, generated --help, the subcommand dispatch, and helpers shared by the subcommands. */
#include "cli.h"
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_tty(int fd) { return isatty(fd) && getenv("TERM") && strcmp(getenv("TERM"), "dumb"); }

int cli_fail(int err) {
  const char *m = ortune_last_error();
  fprintf(stderr, "ortune: %s\n", *m ? m : ortune_strerror(err));
  return err;
}

int cli_add_shape(void *opts, const char *v) {
  cli_common *c = opts;
  if (c->spec.nshapes == 16) return ortune_set_error(ORTUNE_EUSAGE, "--shape: at most 16");
  return ortune_shape_parse(v, &c->spec.shapes[c->spec.nshapes++]);
}

int cli_add_freedim(void *opts, const char *v) {
  cli_common *c = opts;
  if (c->nfree == 16) return ortune_set_error(ORTUNE_EUSAGE, "--free-dim: at most 16");
  int rc = ortune_freedim_parse(v, c->freedim[c->nfree].name, sizeof c->freedim[0].name, &c->freedim[c->nfree].value);
  if (!rc) c->nfree++;
  return rc;
}

static int set_tol(double *dst, const char *name, const char *v) {
  double x;
  if (ortune_parse_double(v, &x) || !(x >= 0))
    return ortune_set_error(ORTUNE_EUSAGE, "--%s: '%s' is not a number >= 0", name, v);
  *dst = x;
  return 0;
}
int cli_set_rtol(void *opts, const char *v) { return set_tol(&((cli_common *)opts)->rtol, "rtol", v); }
int cli_set_atol(void *opts, const char *v) { return set_tol(&((cli_common *)opts)->atol, "atol", v); }

int cli_check_ab(const char *rounds_flag, int rounds, const char *runs_flag, int runs) {
  if (rounds == 1 || rounds > CLI_MAX_ROUNDS)
    return ortune_set_error(ORTUNE_EUSAGE, "--%s %d: give 2 to %d rounds (a confidence interval needs 2)", rounds_flag, rounds,
                            CLI_MAX_ROUNDS);
  if (runs > CLI_MAX_RUNS)
    return ortune_set_error(ORTUNE_EUSAGE, "--%s %d: give 1 to %d runs per round", runs_flag, runs, CLI_MAX_RUNS);
  return ORTUNE_OK;
}

int cli_add_input(void *opts, const char *v) { return ortune_input_arg_parse(&((cli_common *)opts)->spec, v); }

void cli_paths_inputs(ortune_paths *p, const cli_common *c, const char *model, int config_is_output) {
  ortune_paths_in(p, "model", model);
  if (!config_is_output) ortune_paths_in(p, "config", c->config);
  for (int i = 0; i < c->spec.nfiles; i++) ortune_paths_in(p, "--input file", c->spec.files[i].path);
  if (!c->spec.dir[0]) return;
  static char names[2 * ORTUNE_MAX_IO][1100]; /* the paths must outlive p; commands run once per process */
  for (int i = 0, k = 0; i < ORTUNE_MAX_IO; i++)
    for (int io = 0; io < 2; io++, k++) {
      snprintf(names[k], sizeof names[k], "%s/%s_%d.pb", c->spec.dir, io ? "output" : "input", i);
      if (access(names[k], F_OK) == 0) ortune_paths_in(p, io ? "reference output" : "reference input", names[k]);
    }
}

int cli_config(const cli_common *c, ortune_config **out) {
  int rc = c->config ? ortune_config_load(out, c->config) : ortune_config_new(out);
  if (rc) return rc;
  if (c->config && c->model) {
    char why[512];
    if (ortune_config_check_stale(*out, c->model, why, sizeof why) > 0)
      fprintf(stderr, "ortune: warning: %s is stale: %s: run `ortune tune` again\n", c->config, why);
  }
  char num[32];
  if (c->provider && (rc = ortune_config_set(*out, "provider", c->provider))) goto fail;
  if (c->io && (rc = ortune_config_set(*out, "io", c->io))) goto fail;
  if (c->device && (rc = ortune_config_set(*out, "device_id", c->device))) goto fail;
  for (int i = 0; i < c->nfree; i++) {
    char key[96];
    snprintf(key, sizeof key, "free_dimension_overrides.%s", c->freedim[i].name);
    snprintf(num, sizeof num, "%lld", (long long)c->freedim[i].value);
    if ((rc = ortune_config_set(*out, key, num))) goto fail;
  }
  if (c->model) { /* a typo in a free dim name would be ignored by ORT */
    ortune_model_info mi;
    if ((rc = ortune_model_info_read(c->model, &mi)) || (rc = ortune_model_check_freedims(&mi, *out))) goto fail;
  }
  return ORTUNE_OK;
fail:
  ortune_config_release(*out);
  *out = NULL;
  return ortune_set_error(rc, "%s", ortune_last_error());
}

void cli_usage(FILE *f) {
  fprintf(f, "usage: ortune COMMAND [options]\n\n"
             "Tune ONNX Runtime for one model on this machine, prove the result, and write config.yaml.\n\ncommands:\n");
  for (int i = 0; cli_commands[i]; i++)
    if (!cli_commands[i]->hidden) fprintf(f, "  %-9s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
  fprintf(f, "\n`ortune COMMAND --help` for a command's options; `ortune explain` for the ONNX Runtime options.\n");
}

void cli_help(FILE *f, const cli_cmd *c) {
  fprintf(f, "usage: ortune %s %s [options]\n\n%s\n\noptions:\n", c->name, c->args, c->summary);
  for (const cli_opt *o = c->opts; o->name; o++) {
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "", o->metavar ? o->metavar : "");
    fprintf(f, "  %-28s %s\n", left, o->help);
  }
  fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

static const cli_opt *find_opt(const cli_cmd *c, const char *name, size_t len) {
  for (const cli_opt *o = c->opts; o->name; o++)
    if (strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
  return NULL;
}

static int set_opt(const cli_opt *o, void *opts, const char *v) {
  char *p = (char *)opts + o->offset;
  switch (o->kind) {
    case ARG_FLAG: *(int *)p = 1; return 0;
    case ARG_STR: *(const char **)p = v; return 0;
    case ARG_INT: { /* every count flag: a whole number 0..INT_MAX, nothing after it */
      long long x;
      if (ortune_parse_ll(v, 0, INT_MAX, &x))
        return ortune_set_error(ORTUNE_EUSAGE, "--%s: '%s' is not a whole number from 0 to %d", o->name, v, INT_MAX);
      *(int *)p = (int)x;
      return 0;
    }
    case ARG_DOUBLE: { /* every number flag (seconds, MB, fractions): finite and >= 0 */
      double x;
      if (ortune_parse_double(v, &x) || x < 0)
        return ortune_set_error(ORTUNE_EUSAGE, "--%s: '%s' is not a finite number >= 0", o->name, v);
      *(double *)p = x;
      return 0;
    }
    case ARG_CALL: return o->call(opts, v);
  }
  return 0;
}

int cli_parse(const cli_cmd *c, void *opts, int argc, char **argv) {
  int npos = 0;
  for (int i = 0; i < argc; i++) {
    char *a = argv[i];
    if (!strcmp(a, "--")) {
      while (++i < argc) argv[npos++] = argv[i];
      break;
    }
    if (strncmp(a, "--", 2) || !a[2]) {
      argv[npos++] = a;
      continue;
    }
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_opt *o = find_opt(c, name, len);
    if (!o) {
      const char *best = NULL;
      int bd = 99;
      for (const cli_opt *q = c->opts; q->name; q++) {
        int d = ortune_edit_distance(name, q->name);
        if (d < bd) { bd = d; best = q->name; }
      }
      if (best && (size_t)bd * 3 > strlen(best)) bd = 99; /* too far to be a typo of it */
      return -ortune_set_error(ORTUNE_EUSAGE, "%s: unknown option '%.*s'%s%s%s: see `ortune %s --help`", c->name, (int)len + 2, a,
                               best && bd <= 3 ? " (did you mean --" : "", best && bd <= 3 ? best : "", best && bd <= 3 ? "?)" : "",
                               c->name);
    }
    const char *v = NULL;
    if (o->kind != ARG_FLAG) {
      if (eq) v = eq + 1;
      else if (i + 1 < argc) v = argv[++i];
      else return -ortune_set_error(ORTUNE_EUSAGE, "%s: --%s needs a value (%s)", c->name, o->name, o->metavar);
    } else if (eq) {
      return -ortune_set_error(ORTUNE_EUSAGE, "%s: --%s takes no value", c->name, o->name);
    }
    int rc = set_opt(o, opts, v);
    if (rc) return -rc;
  }
  return npos;
}

int cli_main(int argc, char **argv) {
  if (argc < 2) {
    cli_usage(stderr);
    return ORTUNE_EUSAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    if (argc > 2)
      for (int i = 0; cli_commands[i]; i++)
        if (!strcmp(argv[2], cli_commands[i]->name)) { cli_help(stdout, cli_commands[i]); return 0; }
    cli_usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
    printf("ortune %s (ONNX Runtime %s)\n", ortune_version(), OrtGetApiBase()->GetVersionString());
    return 0;
  }
  for (int i = 0; cli_commands[i]; i++) {
    const cli_cmd *c = cli_commands[i];
    if (strcmp(argv[1], c->name)) continue;
    for (int k = 2; k < argc; k++)
      if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) { cli_help(stdout, c); return 0; }
    void *opts = calloc(1, c->opts_size > sizeof(cli_common) ? c->opts_size : sizeof(cli_common));
    if (!opts) return ORTUNE_ENOMEM;
    ((cli_common *)opts)->rtol = ((cli_common *)opts)->atol = -1; /* every options struct starts with cli_common */
    int npos = cli_parse(c, opts, argc - 2, argv + 2);
    int rc = npos < 0 ? cli_fail(-npos) : c->run(opts, npos, argv + 2);
    free(opts);
    return rc;
  }
  fprintf(stderr, "ortune: unknown command '%s': see `ortune --help`\n", argv[1]);
  return ORTUNE_EUSAGE;
}
