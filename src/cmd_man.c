/* cmd_man.c - `ortune _man`: the roff man page ortune(1), generated from cli_commands[] and ortune_options[] (internal). */
#include "cli.h"
#include <string.h>

/* Roff text: backslash as \e, hyphens as \- (so they stay ASCII hyphens and
 * can be searched for), a leading '.' or '\'' guarded by \&, and text between
 * backticks set in bold. Each call starts at the beginning of a line when bol. */
static void roff(FILE *f, const char *s, int bol) {
  int bold = 0, ticks = 0;
  for (const char *c = s; *c; c++) ticks += *c == '`';
  for (const char *c = s; *c; c++) {
    if (bol && (*c == '.' || *c == '\'')) fputs("\\&", f);
    bol = 0;
    switch (*c) {
      case '\\': fputs("\\e", f); break;
      case '-': fputs("\\-", f); break;
      case '`':
        if (ticks % 2) fputs("\\(ga", f);
        else fputs((bold = !bold) ? "\\fB" : "\\fR", f);
        break;
      case '\n': fputc('\n', f); bol = 1; break;
      default: fputc(*c, f);
    }
  }
  if (bold) fputs("\\fR", f);
}

/* A line of roff text (ends with a newline). */
static void line(FILE *f, const char *s) {
  roff(f, s, 1);
  fputc('\n', f);
}

/* s as a sentence: first letter capitalised (when the first word is a plain word), then end (e.g. ".\n"). */
static void sentence(FILE *f, const char *s, const char *end) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", s);
  size_t w = strcspn(buf, " ,:;()/");
  int word = w > 0;
  for (size_t i = 0; i < w; i++) word &= buf[i] >= 'a' && buf[i] <= 'z'; /* not "seed14", "config.yaml" */
  if (word) buf[0] = (char)(buf[0] - 'a' + 'A');
  roff(f, buf, 1);
  fputs(end, f);
}

/* The tag of one option: \fB\-\-name\fR \fIMETAVAR\fR */
static void opt_tag(FILE *f, const cli_opt *o) {
  fputs("\\fB\\-\\-", f);
  roff(f, o->name, 0);
  fputs("\\fR", f);
  if (o->metavar) {
    fputs(" \\fI", f);
    roff(f, o->metavar, 0);
    fputs("\\fR", f);
  }
  fputc('\n', f);
}

static void synopsis(FILE *f, const cli_cmd *c) {
  fputs("\\fBortune ", f);
  roff(f, c->name, 0);
  fputs("\\fR", f);
  if (c->args && *c->args) {
    fputs(" \\fI", f);
    roff(f, c->args, 0);
    fputs("\\fR", f);
  }
  fputs(" [\\fIoptions\\fR]\n", f);
}

static void upper(char *dst, size_t len, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < len; i++) dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
  dst[i] = '\0';
}

static void command_section(FILE *f, const cli_cmd *c) {
  char name[64];
  upper(name, sizeof name, c->name);
  fprintf(f, ".SH \"ORTUNE ");
  roff(f, name, 0);
  fprintf(f, "\"\n");
  synopsis(f, c);
  fputs(".PP\n", f);
  sentence(f, c->summary, ".\n");
  fputs(".SS Options\n", f);
  for (const cli_opt *o = c->opts; o->name; o++) {
    fputs(".TP\n", f);
    opt_tag(f, o);
    sentence(f, o->help, ".\n");
  }
  fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow this command's options and exit.\n", f);
}

/* "0|1" -> "0 | 1" in bold words */
static void values(FILE *f, const char *v) {
  for (const char *p = v; *p;) {
    size_t n = strcspn(p, "|");
    fputs("\\fB", f);
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)n, p);
    roff(f, word, 0);
    fputs("\\fR", f);
    p += n;
    if (*p == '|') {
      fputs(", ", f);
      p++;
    }
  }
}

static const char *scope_text(ortune_scope s) {
  switch (s) {
    case ORTUNE_SCOPE_SESSION: return "session option";
    case ORTUNE_SCOPE_CUDA: return "CUDA execution provider option";
    case ORTUNE_SCOPE_CPU: return "CPU execution provider option";
    case ORTUNE_SCOPE_HARNESS: return "ortune's own key";
  }
  return "?";
}

static void configuration(FILE *f) {
  fputs(".SH CONFIGURATION\n", f);
  line(f, "The tuned options live in the `onnxruntime:` section of a YAML file (config.yaml); every other key "
          "and comment of the file is kept byte for byte when `ortune tune` rewrites the section. "
          "Option names are ONNX Runtime's own. A key left out keeps ONNX Runtime's default; an unknown key "
          "or a value outside the allowed ones is an error naming the file and line.");
  for (int i = 0; i < ortune_noptions; i++) {
    const ortune_option *o = &ortune_options[i];
    fputs(".TP\n\\fB", f);
    roff(f, o->name, 0);
    fputs("\\fR\n", f);
    fputs("(", f);
    roff(f, scope_text(o->scope), 0);
    fputs("; ", f);
    switch (o->kind) {
      case ORTUNE_KIND_ENUM: values(f, o->values); break;
      case ORTUNE_KIND_BOOL: fputs("\\fB0\\fR or \\fB1\\fR (also true/false, yes/no, on/off)", f); break;
      case ORTUNE_KIND_INT: fprintf(f, "a whole number from %lld to %lld", o->min, o->max); break;
      case ORTUNE_KIND_BYTES: fputs("bytes, a size such as \\fB8GiB\\fR or \\fB512MiB\\fR, or \\fBmax\\fR", f); break;
      case ORTUNE_KIND_PATH: fputs("a file name", f); break;
    }
    fputs("; default \\fB", f);
    roff(f, *o->def ? o->def : "none", 0);
    fputs("\\fR)\n.br\n", f);
    sentence(f, o->help, ".\n");
  }
  static const char *const extra[][2] = {
    {"gpu_mem_limit_gb", "Alias of `gpu_mem_limit` in GiB (a positive number, e.g. 12); stored as bytes."},
    {"free_dimension_overrides",
     "A mapping of symbolic dimension name to a whole number >= 1 (e.g. batch: 1), applied with "
     "AddFreeDimensionOverrideByName; the same as --free-dim SYM=N."},
    {"provenance",
     "A mapping written by `ortune tune`: tool, date, model, model_sha256, inputs, ort_version, cpu, host, gpu, "
     "gpu_detail, gpu_class, search, verdict, baseline_p50_ms, baseline_p99_ms, p50_ms, p99_ms, speedup. A config whose "
     "model_sha256, ort_version, cpu or gpu differ from the present ones is stale: loading it prints one warning."},
    {"profiles",
     "A mapping of profile name to a profile tuned on one kind of machine: match: (gpu, compute_capability, class; or "
     "cpu, cores), its options and its provenance. Loading picks the one that fits this machine: the exact GPU name, "
     "else the same compute capability and class, else the section's top-level keys (the default); without a CUDA EP "
     "a cpu profile. `ortune info --config FILE` says which and why; `ortune tune` adds or replaces this machine's; "
     "`ortune merge` combines files tuned elsewhere (docs/config.md, Profiles)."},
  };
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
    fputs(".TP\n\\fB", f);
    roff(f, extra[i][0], 0);
    fputs("\\fR\n", f);
    line(f, extra[i][1]);
  }
  fputs(".PP\n", f);
  line(f, "`ortune explain NAME` says what an option does, what it trades and how it measured. "
          "The full reference with an example file is docs/config.md; docs/python.md shows the same file driving "
          "ONNX Runtime's Python API.");
}

static void exit_status(FILE *f) {
  fputs(".SH \"EXIT STATUS\"\n", f);
#define ORTUNE_XX(name, val, msg)                                                         \
  if (val != ORTUNE_EINTR) {                                                              \
    fprintf(f, ".TP\n.B %d\n", val);                                                      \
    sentence(f, msg, " (\\fBORTUNE_" #name "\\fR).\n");                                    \
  }
  ORTUNE_ERRNO_MAP(ORTUNE_XX)
#undef ORTUNE_XX
  fprintf(f, ".TP\n.B %d\nInterrupted by SIGINT (\\fBORTUNE_EINTR\\fR): 128 + the signal number. "
             "\\fBortune tune\\fR keeps the finished trials in its \\fB\\-\\-results\\fR file and does not write the config.\n",
          ORTUNE_EINTR);
  fputs(".TP\n.B 143\nTerminated by SIGTERM (128 + 15), with the same clean-up as SIGINT.\n", f);
  fputs(".PP\n", f);
  line(f, "The same numbers are the return values of the library's functions (ortune.h); "
          "ortune_strerror() and ortune_err_name() name them.");
}

static const char *const tail =
  ".SH ENVIRONMENT\n"
  ".TP\n.B TMPDIR\nWhere \\fBortune tune\\fR keeps each trial's scratch directory (default /tmp).\n"
  ".TP\n.BR LC_ALL \", \" LC_MESSAGES \", \" LANG\n"
  "The first one set decides the language of \\fBortune explain\\fR: values starting with ko give Korean.\n"
  ".TP\n.B TERM\nProgress output is drawn only on a terminal whose TERM is not dumb.\n"
  ".SH FILES\n"
  ".TP\n.I config.yaml\nThe tuned options, in the \\fBonnxruntime:\\fR section (see CONFIGURATION).\n"
  ".TP\n.I results.json\nEvery trial of a tune (\\fB\\-\\-results\\fR), read back by \\fB\\-\\-resume\\fR, "
  "\\fBortune report\\fR and \\fBortune explain \\-\\-results\\fR.\n"
  ".TP\n.I report.html\nThe self-contained HTML report (\\fB\\-\\-report\\fR, \\fBortune report\\fR).\n"
  ".TP\n\\fIPREFIX\\fR/include/ortune.h\nThe C API; it includes onnxruntime_c_api.h, installed under "
  "\\fIPREFIX\\fR/include/ortune/onnxruntime.\n"
  ".TP\n\\fIPREFIX\\fR/lib/libortune.so, \\fIPREFIX\\fR/lib/libortune.a\nThe library, shared and static.\n"
  ".TP\n\\fIPREFIX\\fR/lib/pkgconfig/ortune.pc, \\fIPREFIX\\fR/lib/cmake/ortune/\n"
  "For \\fBpkg\\-config ortune\\fR and CMake's \\fBfind_package(ortune)\\fR (target \\fBortune::ortune\\fR).\n"
  ".SH EXAMPLES\n"
  "Tune a model on this machine and write the winner into config.yaml:\n"
  ".PP\n.RS\n.nf\n"
  "ortune tune model.onnx \\-\\-config config.yaml \\-\\-results results.json\n"
  ".fi\n.RE\n"
  ".PP\nCheck the tuned config against ONNX Runtime's defaults again (interleaved A/B with a confidence interval):\n"
  ".PP\n.RS\n.nf\n"
  "ortune compare model.onnx \\-\\-config config.yaml\n"
  ".fi\n.RE\n"
  ".PP\nOne config for several kinds of machine: tune on each (writing a.yaml, b.yaml), then merge them into one "
  "file with a profile per machine; every machine loading it picks its own:\n"
  ".PP\n.RS\n.nf\n"
  "ortune merge a.yaml b.yaml \\-o config.yaml\n"
  "ortune info \\-\\-config config.yaml\n"
  ".fi\n.RE\n"
  ".PP\nApply the config in production, in C:\n"
  ".PP\n.RS\n.nf\n"
  "#include <ortune.h>\n"
  "\n"
  "ortune_runner *r;\n"
  "if (ortune_runner_open(\"model.onnx\", \"config.yaml\", &r) != 0) {\n"
  "  fprintf(stderr, \"%s\\en\", ortune_last_error());\n"
  "  return 1;\n"
  "}\n"
  "ortune_value in = {.name = \"x\", .ndim = 4, .dims = {1, 3, 640, 640},\n"
  "                   .data = frame, .nbytes = frame_bytes};\n"
  "ortune_value out = {0};\n"
  "ortune_runner_run(r, &in, 1, &out, 1);\n"
  "ortune_runner_release(r);\n"
  ".fi\n.RE\n"
  ".PP\nand build it with\n"
  ".PP\n.RS\n.nf\n"
  "cc app.c $(pkg\\-config \\-\\-cflags \\-\\-libs ortune)\n"
  ".fi\n.RE\n"
  ".SH \"SEE ALSO\"\n"
  ".BR pkg\\-config (1),\n"
  "\\fBortune explain\\fR,\n"
  "docs/config.md and docs/python.md in the ortune sources,\n"
  ".UR https://onnxruntime.ai/docs/\n"
  "ONNX Runtime documentation\n"
  ".UE\n";

static int man_run(void *o, int argc, char **argv) {
  (void)o;
  (void)argv;
  if (argc != 0) {
    ortune_set_error(ORTUNE_EUSAGE, "_man: takes no arguments (ortune _man > ortune.1)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  FILE *f = stdout;
  fprintf(f, ".\\\" ortune.1 - generated by `ortune _man` from ortune's option tables; do not edit.\n");
  fprintf(f, ".TH ORTUNE 1 \"\" \"ortune %s\" \"User Commands\"\n", ortune_version());
  fputs(".SH NAME\nortune \\- tune ONNX Runtime for one model on this machine and write config.yaml\n", f);
  fputs(".SH SYNOPSIS\n", f);
  for (int i = 0; cli_commands[i]; i++)
    if (!cli_commands[i]->hidden) {
      synopsis(f, cli_commands[i]);
      fputs(".br\n", f);
    }
  fputs("\\fBortune \\-\\-help\\fR | \\fBhelp\\fR [\\fICOMMAND\\fR]\n.br\n\\fBortune \\-\\-version\\fR\n", f);
  fputs(".SH DESCRIPTION\n", f);
  line(f, "ortune tunes ONNX Runtime for one model on one machine: it measures ONNX Runtime's defaults and candidate "
          "settings (session options, CUDA execution provider options), each trial in its own process, checks that "
          "the outputs still match, verifies the best candidates against the defaults with interleaved A/B runs, and "
          "writes the winner into the `onnxruntime:` section of config.yaml.");
  fputs(".PP\n", f);
  line(f, "In production the same file is run with ortune_runner_open() from libortune (see EXAMPLES), or "
          "read into ONNX Runtime's own API in any language.");
  fputs(".PP\nCommands:\n", f);
  for (int i = 0; cli_commands[i]; i++) {
    const cli_cmd *c = cli_commands[i];
    if (c->hidden) continue;
    fputs(".TP\n\\fB", f);
    roff(f, c->name, 0);
    fputs("\\fR\n", f);
    sentence(f, c->summary, ".\n");
  }
  fputs(".PP\nOptions take their value as the next word or after '=' (\\fB\\-\\-rounds 30\\fR, \\fB\\-\\-rounds=30\\fR); "
        "\\fB\\-\\-\\fR ends the options.\n", f);
  for (int i = 0; cli_commands[i]; i++)
    if (!cli_commands[i]->hidden) command_section(f, cli_commands[i]);
  configuration(f);
  exit_status(f);
  fputs(tail, f);
  return fflush(f) ? ortune_set_error(ORTUNE_EIO, "_man: cannot write the man page") : 0;
}

static const cli_opt man_table[] = {{0}};

const cli_cmd cmd_man = {"_man", "", "print the man page ortune(1) as roff (internal)", man_table, 1, man_run, 1};
