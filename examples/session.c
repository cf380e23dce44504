/* session.c - the "apply in production" step: load config.yaml's tuned options into an OrtSession and run once. */
#include <ortune.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call)                                                           \
  do {                                                                        \
    OrtStatus *st = (call);                                                   \
    if (st) {                                                                 \
      fprintf(stderr, "example: %s\n", api->GetErrorMessage(st));             \
      api->ReleaseStatus(st);                                                 \
      return 1;                                                               \
    }                                                                         \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL CONFIG.yaml\n", argv[0]);
    return 2;
  }
  OrtSession *session;
  if (ortune_session_create(argv[1], argv[2], NULL, &session) != 0) { /* the one call */
    fprintf(stderr, "example: %s\n", ortune_last_error());
    return 1;
  }
  const OrtApi *api = ortune_ort_api();
  OrtAllocator *alloc;
  CHECK(api->GetAllocatorWithDefaultOptions(&alloc));

  /* one float input, dynamic dims taken as 1 (a real program feeds its camera frame here) */
  char *in_name, *out_name;
  OrtTypeInfo *ti;
  const OrtTensorTypeAndShapeInfo *tsi;
  int64_t dims[8];
  size_t nd;
  CHECK(api->SessionGetInputName(session, 0, alloc, &in_name));
  CHECK(api->SessionGetOutputName(session, 0, alloc, &out_name));
  CHECK(api->SessionGetInputTypeInfo(session, 0, &ti));
  CHECK(api->CastTypeInfoToTensorInfo(ti, &tsi));
  CHECK(api->GetDimensionsCount(tsi, &nd));
  if (nd > 8) return 1;
  CHECK(api->GetDimensions(tsi, dims, nd));
  api->ReleaseTypeInfo(ti);
  size_t count = 1;
  for (size_t i = 0; i < nd; i++) {
    if (dims[i] < 1) dims[i] = 1;
    count *= (size_t)dims[i];
  }
  float *data = calloc(count, sizeof *data);
  OrtMemoryInfo *mi;
  OrtValue *input = NULL, *output = NULL;
  CHECK(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mi));
  CHECK(api->CreateTensorWithDataAsOrtValue(mi, data, count * sizeof *data, dims, nd, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &input));
  const char *in_names[] = {in_name}, *out_names[] = {out_name};
  CHECK(api->Run(session, NULL, in_names, (const OrtValue *const *)&input, 1, out_names, 1, &output));
  OrtTensorTypeAndShapeInfo *oi;
  size_t elems;
  CHECK(api->GetTensorTypeAndShape(output, &oi));
  CHECK(api->GetTensorShapeElementCount(oi, &elems));
  printf("ran %s: output '%s' has %zu elements\n", argv[1], out_name, elems);
  api->ReleaseTensorTypeAndShapeInfo(oi);
  api->ReleaseValue(output);
  api->ReleaseValue(input);
  api->ReleaseMemoryInfo(mi);
  CHECK(api->AllocatorFree(alloc, in_name));
  CHECK(api->AllocatorFree(alloc, out_name));
  free(data);
  api->ReleaseSession(session);
  return 0;
}
