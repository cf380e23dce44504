/* runner.c - the "apply in production" step in C: open the model with the tuned config.yaml and run one frame,
 * exactly as `ortune tune` measured it (CUDA graphs, pinned staging and all).
 * usage: example_runner MODEL CONFIG.yaml */
#include <ortune.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL CONFIG.yaml\n", argv[0]);
    return 2;
  }
  ortune_runner *r;
  if (ortune_runner_open(argv[1], argv[2], &r) != ORTUNE_OK) { /* the one call */
    fprintf(stderr, "example: %s\n", ortune_last_error());
    return 1;
  }
  if (ortune_runner_stale(r)) fprintf(stderr, "ortune: warning: %s is stale: %s: run `ortune tune` again\n", argv[2], ortune_runner_stale(r));

  /* one float input; dynamic dims taken as 1 (a real program puts its camera frame here) */
  ortune_io_info info;
  ortune_runner_input_info(r, 0, &info);
  ortune_value in = {.name = info.name, .dtype = info.dtype, .ndim = info.ndim};
  size_t count = 1;
  for (int d = 0; d < info.ndim; d++) {
    in.dims[d] = info.dims[d] > 0 ? info.dims[d] : 1;
    count *= (size_t)in.dims[d];
  }
  float *frame = calloc(count, sizeof *frame);
  in.data = frame;
  in.nbytes = count * sizeof *frame;

  ortune_value out = {0}; /* data NULL: the runner's buffer, valid until the next run */
  if (info.dtype != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT || ortune_runner_run(r, &in, 1, &out, 1) != ORTUNE_OK) {
    fprintf(stderr, "example: %s\n", info.dtype != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT ? "this example feeds one float input" : ortune_last_error());
    ortune_runner_release(r);
    free(frame);
    return 1;
  }
  ortune_io_info oi;
  ortune_runner_output_info(r, 0, &oi);
  size_t elems = 1;
  for (int d = 0; d < out.ndim; d++) elems *= (size_t)out.dims[d];
  printf("ran %s: output '%s' has %zu elements\n", argv[1], oi.name, elems);
  ortune_runner_release(r);
  free(frame);
  return 0;
}
