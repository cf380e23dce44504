/* fuzz_tensor.c - libFuzzer harness for tensor files (lib/tensorio.c): ONNX TensorProto (.pb) and
 * NumPy (.npy). The bytes are written to a file and read with ortune_tensor_read_pb and
 * ortune_tensor_read_npy. Whenever a read succeeds the tensor must be consistent (count = product
 * of dims, nbytes as the dtype says) and survive a round trip through both writers: write .pb ->
 * read back, write .npy -> read back, each equal to the original by ortune_tensor_compare with
 * rtol = atol = 0 (bit-for-bit; NaN equals NaN there), the .pb one with the same name. */
#include "fuzz_util.h"
#include "internal.h"

static const char *p_in, *p_pb, *p_npy;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fz_init("tensor");
  p_in = fz_path("in.bin");
  p_pb = fz_path("out.pb");
  p_npy = fz_path("out.npy");
  return 0;
}

static void check_consistent(const ortune_tensor *t, const char *what) {
  if (t->ndim < 0 || t->ndim > ORTUNE_MAX_DIMS) FZ_FAIL("%s: ndim %d", what, t->ndim);
  size_t count = 1;
  for (int i = 0; i < t->ndim; i++) {
    if (t->dims[i] < 0) FZ_FAIL("%s: dim %d is %lld", what, i, (long long)t->dims[i]);
    count *= (size_t)t->dims[i];
  }
  if (count != t->count) FZ_FAIL("%s: count %zu, dims say %zu", what, t->count, count);
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    if (t->nbytes) FZ_FAIL("%s: string tensor with nbytes %zu", what, t->nbytes);
  } else if (t->nbytes != ortune_dtype_nbytes(t->dtype, t->count)) {
    FZ_FAIL("%s: nbytes %zu for %zu %s", what, t->nbytes, t->count, ortune_dtype_name(t->dtype));
  }
  if (!t->data) FZ_FAIL("%s: no data", what);
  (void)ortune_tensor_max_abs(t);
}

static void roundtrip(const ortune_tensor *t, const char *path, int pb, const char *what) {
  ortune_tensor back;
  ortune_diff d;
  if ((pb ? ortune_tensor_write_pb(path, t) : ortune_tensor_write_npy(path, t)) != ORTUNE_OK)
    FZ_FAIL("%s: write %s failed: %s", what, pb ? ".pb" : ".npy", ortune_last_error());
  if ((pb ? ortune_tensor_read_pb(path, &back) : ortune_tensor_read_npy(path, &back)) != ORTUNE_OK)
    FZ_FAIL("%s: the %s ortune wrote does not read back: %s", what, pb ? ".pb" : ".npy", ortune_last_error());
  check_consistent(&back, what);
  if (ortune_tensor_compare(&back, t, 0, 0, &d) != ORTUNE_OK)
    FZ_FAIL("%s: %s round trip differs: %s", what, pb ? ".pb" : ".npy", d.what);
  if (back.dtype != t->dtype || back.ndim != t->ndim) FZ_FAIL("%s: dtype or rank changed", what);
  if (pb && !((!t->name && !back.name) || (t->name && back.name && !strcmp(t->name, back.name))))
    FZ_FAIL("%s: name '%s' read back as '%s'", what, t->name ? t->name : "(none)", back.name ? back.name : "(none)");
  ortune_tensor_release(&back);
}

static void one(int pb) {
  ortune_tensor t;
  const char *what = pb ? "read_pb" : "read_npy";
  int rc = pb ? ortune_tensor_read_pb(p_in, &t) : ortune_tensor_read_npy(p_in, &t);
  if (rc) {
    if (!*ortune_last_error()) FZ_FAIL("%s failed without a message", what);
    if (t.data || t.name) FZ_FAIL("%s failed but left data in the tensor", what);
    return;
  }
  check_consistent(&t, what);
  ortune_diff d;
  if (ortune_tensor_compare(&t, &t, 0, 0, &d) != ORTUNE_OK) FZ_FAIL("%s: tensor differs from itself: %s", what, d.what);
  roundtrip(&t, p_pb, 1, what);
  roundtrip(&t, p_npy, 0, what);
  ortune_tensor_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20) return 0;
  fz_write(p_in, data, size);
  one(1);
  one(0);
  return 0;
}
