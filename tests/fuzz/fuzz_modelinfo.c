/* fuzz_modelinfo.c - libFuzzer harness for ortune_model_info_read (lib/modelinfo.c), the ModelProto
 * header reader that runs before ONNX Runtime sees a model. Bytes -> file -> read. Checks: no memory
 * error or UB; an error return sets a message and leaves the info zeroed; a success gives
 * NUL-terminated strings without control bytes, 0..16 opsets, and reads the same the second time. */
#include "fuzz_util.h"
#include "internal.h"

static const char *p_in;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fz_init("modelinfo");
  p_in = fz_path("model.onnx");
  return 0;
}

static void check_str(const char *s, size_t cap, const char *what) {
  const char *nul = memchr(s, 0, cap);
  if (!nul) FZ_FAIL("%s is not NUL-terminated", what);
  for (const char *c = s; c < nul; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f) FZ_FAIL("%s holds control byte 0x%02x", what, (unsigned char)*c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20) return 0;
  fz_write(p_in, data, size);
  ortune_model_info mi, again;
  static const ortune_model_info zero;
  int rc = ortune_model_info_read(p_in, &mi);
  if (rc) {
    if (rc != ORTUNE_EMODEL && rc != ORTUNE_EIO) FZ_FAIL("read returned %d, want EMODEL or EIO", rc);
    if (!*ortune_last_error()) FZ_FAIL("read failed without a message");
    if (memcmp(&mi, &zero, sizeof mi)) FZ_FAIL("read failed but left fields set");
    return 0;
  }
  check_str(mi.producer, sizeof mi.producer, "producer");
  check_str(mi.producer_version, sizeof mi.producer_version, "producer_version");
  check_str(mi.domain, sizeof mi.domain, "domain");
  check_str(mi.graph_name, sizeof mi.graph_name, "graph_name");
  if (mi.nopsets < 0 || mi.nopsets > 16) FZ_FAIL("nopsets %d", mi.nopsets);
  for (int i = 0; i < mi.nopsets; i++) check_str(mi.opsets[i].domain, sizeof mi.opsets[i].domain, "opset domain");
  if (ortune_model_info_read(p_in, &again) != ORTUNE_OK || memcmp(&mi, &again, sizeof mi))
    FZ_FAIL("a second read of the same file differs");
  return 0;
}
