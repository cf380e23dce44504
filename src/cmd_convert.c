/* cmd_convert.c - `ortune convert MODEL --fp16 -o OUT`: write a float16 copy of a float32 model (lib/transform). */
#include "cli.h"
#include "fp16.h"
#include <string.h>

typedef struct {
  cli_common common;
  const char *out;
  const char *keep;
  int fp16, keep_io, no_keep_io;
} convert_opts;

static const cli_opt convert_table[] = {
  OPT_FLAG("fp16", convert_opts, fp16, "convert float32 weights, values and types to float16"),
  OPT_STR("keep-fp32", convert_opts, keep, "OP,OP", "operators kept in float32, Casts around them (default: NonMaxSuppression, RoiAlign, Range, "
          "the random generators, EyeLike, QuantizeLinear, DequantizeLinear)"),
  OPT_FLAG("keep-io-fp32", convert_opts, keep_io, "keep the model's inputs and outputs float32, Casts at the boundary (default)"),
  OPT_FLAG("no-keep-io-fp32", convert_opts, no_keep_io, "make the model's float inputs and outputs float16 too"),
  OPT_STR("output", convert_opts, out, "FILE", "where to write the converted model (required, short -o; never the input)"),
  OPT_FLAG("quiet", convert_opts, common.quiet, "print nothing on success"),
  {0},
};

static int convert_run(void *vo, int argc, char **argv) {
  convert_opts *o = vo;
  for (int i = 0; i + 1 < argc; i++) /* -o FILE: the short form of --output (positionals keep single-dash words) */
    if (!strcmp(argv[i], "-o")) {
      o->out = argv[i + 1];
      memmove(argv + i, argv + i + 2, (size_t)(argc - i - 2) * sizeof *argv);
      argc -= 2;
      break;
    }
  if (argc != 1 || !o->out) {
    ortune_set_error(ORTUNE_EUSAGE, "convert: usage: ortune convert MODEL --fp16 -o OUT.onnx");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (!o->fp16) {
    ortune_set_error(ORTUNE_EUSAGE, "convert: say which transform: --fp16 (the only one so far)");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (o->keep_io && o->no_keep_io) {
    ortune_set_error(ORTUNE_EUSAGE, "convert: --keep-io-fp32 and --no-keep-io-fp32 contradict: give one");
    return cli_fail(ORTUNE_EUSAGE);
  }
  if (!strcmp(o->out, argv[0])) {
    ortune_set_error(ORTUNE_EUSAGE, "convert: the output %s is the input model: name another file with --output", o->out);
    return cli_fail(ORTUNE_EUSAGE);
  }
  ortune_fp16_opts fo;
  ortune_fp16_stats st;
  ortune_fp16_opts_default(&fo);
  fo.keep_io_fp32 = !o->no_keep_io;
  fo.keep_ops = o->keep;
  int rc = ortune_fp16_convert_file(argv[0], o->out, &fo, &st);
  if (rc) return cli_fail(rc);
  if (o->common.quiet) return 0;
  if (st.already)
    printf("%s: already converted to float16 by ortune: copied unchanged to %s\n", argv[0], o->out);
  else
    printf("%s -> %s: float16: %zu initializers, %zu constants, %zu subgraphs; %zu nodes kept float32, %zu Casts inserted"
           "%s%zu weights clamped to +-65504\n", argv[0], o->out, st.initializers, st.constants, st.subgraphs, st.kept,
           st.casts, st.clamped ? "; warning: " : "; ", st.clamped);
  return 0;
}

const cli_cmd cmd_convert = {"convert", "MODEL", "write a float16 copy of a float32 model (--fp16), float32 at its inputs and outputs",
                             convert_table, sizeof(convert_opts), convert_run, 0};
