/* runner.c - run one inference repeatedly: host inputs each run, or IO binding with buffers resident on the GPU. */
#include "gpu.h"
#include "harness.h"
#include <stdlib.h>
#include <string.h>

struct ortune_runner {
  OrtSession *s;
  int device;                 /* io: device */
  int host_copy;              /* io: host with CUDA graphs: bound device buffers, copied in and out every run */
  const ortune_tensor *host_in;
  void *host_out[ORTUNE_MAX_IO];
  size_t out_bytes[ORTUNE_MAX_IO];
  int nin, nout;
  const char *in_names[ORTUNE_MAX_IO], *out_names[ORTUNE_MAX_IO];
  char *namebuf[2 * ORTUNE_MAX_IO]; /* owned copies of the names (any length) */
  OrtValue *in_vals[ORTUNE_MAX_IO], *out_vals[ORTUNE_MAX_IO];
  OrtIoBinding *bind;
  OrtMemoryInfo *cuda_mi;
  OrtAllocator *cuda_alloc;
};


int ortune_tensor_from_ort(const OrtValue *v, const char *name, ortune_tensor *out) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK, is_tensor = 0;
  OrtTensorTypeAndShapeInfo *info = NULL;
  memset(out, 0, sizeof *out);
  ORTUNE_ORT_TRY(api->IsTensor(v, &is_tensor), "output");
  if (!is_tensor) return ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s' is a sequence or map: ortune checks tensors only", name);
  ORTUNE_ORT_TRY(api->GetTensorTypeAndShape(v, &info), "output shape");
  ONNXTensorElementDataType et;
  size_t nd;
  int64_t dims[ORTUNE_MAX_DIMS];
  ORTUNE_ORT_TRY(api->GetTensorElementType(info, &et), "output type");
  ORTUNE_ORT_TRY(api->GetDimensionsCount(info, &nd), "output rank");
  if (nd > ORTUNE_MAX_DIMS) { rc = ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s': rank %zu too large", name, nd); goto fail; }
  ORTUNE_ORT_TRY(api->GetDimensions(info, dims, nd), "output dims");
  api->ReleaseTensorTypeAndShapeInfo(info);
  info = NULL;
  rc = ortune_tensor_alloc(out, name, (int)et, (int)nd, dims);
  if (rc) return rc;
  if (et == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    char **strs = out->data;
    for (size_t i = 0; i < out->count; i++) {
      size_t len;
      ORTUNE_ORT_TRY(api->GetStringTensorElementLength(v, i, &len), "string output");
      strs[i] = calloc(1, len + 1);
      if (!strs[i]) { rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory"); goto fail; }
      ORTUNE_ORT_TRY(api->GetStringTensorElement(v, len, i, strs[i]), "string output");
    }
    return ORTUNE_OK;
  }
  if (!out->nbytes) return ORTUNE_OK;
  void *src;
  ORTUNE_ORT_TRY(api->GetTensorMutableData((OrtValue *)v, &src), "output data");
  const OrtMemoryInfo *mi;
  OrtMemoryInfoDeviceType dt = OrtMemoryInfoDeviceType_CPU;
  ORTUNE_ORT_TRY(api->GetTensorMemoryInfo(v, &mi), "output memory");
  api->MemoryInfoGetDeviceType(mi, &dt);
  if (dt == OrtMemoryInfoDeviceType_GPU) {
    rc = ortune_cuda_memcpy(out->data, src, out->nbytes, 0);
    if (rc) goto fail;
  } else {
    memcpy(out->data, src, out->nbytes);
  }
  return ORTUNE_OK;
fail:
  if (info) api->ReleaseTensorTypeAndShapeInfo(info);
  ortune_tensor_release(out);
  return rc;
}

static const ortune_tensor *find_tensor(const ortune_tensor *t, int n, const char *name) {
  for (int i = 0; t && i < n; i++)
    if (t[i].name && !strcmp(t[i].name, name)) return &t[i];
  return NULL;
}

/* A device tensor of t's shape; copies t's data in when copy is set. */
static int device_tensor(ortune_runner *r, const ortune_tensor *t, int copy, OrtValue **out) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  if (t->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "'%s' is a string tensor: use io=host for this model", t->name);
  ORTUNE_ORT_TRY(api->CreateTensorAsOrtValue(r->cuda_alloc, t->dims, (size_t)t->ndim, (ONNXTensorElementDataType)t->dtype, out),
            "device tensor");
  if (copy && t->nbytes) {
    void *dst;
    ORTUNE_ORT_TRY(api->GetTensorMutableData(*out, &dst), "device tensor");
    rc = ortune_cuda_memcpy(dst, t->data, t->nbytes, 1);
  }
fail:
  return rc;
}

static int bind_device(ortune_runner *r, const ortune_config *cfg, const ortune_tensor *inputs, const ortune_tensor *out_shapes,
                       int nout_shapes) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  ORTUNE_ORT_TRY(api->CreateMemoryInfo("Cuda", OrtArenaAllocator, atoi(ortune_config_get(cfg, "device_id")), OrtMemTypeDefault,
                                  &r->cuda_mi), "cuda memory info");
  ORTUNE_ORT_TRY(api->CreateAllocator(r->s, r->cuda_mi, &r->cuda_alloc), "cuda allocator (io=device needs provider=cuda)");
  ORTUNE_ORT_TRY(api->CreateIoBinding(r->s, &r->bind), "io binding");
  for (int i = 0; i < r->nin; i++) {
    if ((rc = device_tensor(r, &inputs[i], 1, &r->in_vals[i]))) goto fail;
    ORTUNE_ORT_TRY(api->BindInput(r->bind, r->in_names[i], r->in_vals[i]), "bind input");
  }
  for (int i = 0; i < r->nout; i++) {
    const ortune_tensor *shape = find_tensor(out_shapes, nout_shapes, r->out_names[i]);
    if (shape && shape->dtype != ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
      if ((rc = device_tensor(r, shape, 0, &r->out_vals[i]))) goto fail;
      ORTUNE_ORT_TRY(api->BindOutput(r->bind, r->out_names[i], r->out_vals[i]), "bind output");
    } else {
      ORTUNE_ORT_TRY(api->BindOutputToDevice(r->bind, r->out_names[i], r->cuda_mi), "bind output");
    }
  }
fail:
  return rc;
}

int ortune_runner_init(ortune_runner **out, OrtSession *s, const ortune_config *cfg, const ortune_tensor *inputs, int nin,
                       const ortune_tensor *out_shapes, int nout_shapes) {
  const OrtApi *api = ortune_ort_api();
  ortune_runner *r = calloc(1, sizeof *r);
  int rc = ORTUNE_OK;
  ortune_io_desc *od = NULL;
  int nod = 0;
  if (!r) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  r->s = s;
  r->nin = nin;
  r->device = !strcmp(ortune_config_get(cfg, "io"), "device");
  for (int i = 0; i < nin; i++) {
    r->in_names[i] = r->namebuf[i] = ortune_strdup(inputs[i].name ? inputs[i].name : "");
    if (!r->namebuf[i]) { rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory"); goto fail; }
  }
  if ((rc = ortune_session_io(s, 1, &od, &nod))) goto fail;
  r->nout = nod;
  for (int i = 0; i < nod; i++) {
    r->out_names[i] = r->namebuf[ORTUNE_MAX_IO + i] = ortune_strdup(od[i].name);
    if (!r->namebuf[ORTUNE_MAX_IO + i]) { rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory"); goto fail; }
  }
  ortune_io_free(od, nod);
  od = NULL;
  int cuda = !strcmp(ortune_config_get(cfg, "provider"), "cuda");
  /* CUDA graphs replay fixed device addresses: with host inputs, the harness binds device buffers and
   * copies the inputs in and the outputs out around every run (the end-to-end cost a camera pipeline pays) */
  r->host_copy = !r->device && cuda && !strcmp(ortune_config_get(cfg, "enable_cuda_graph"), "1");
  if (r->device && !cuda) {
    rc = ortune_set_error(ORTUNE_EVALUE, "io=device needs provider=cuda: use io=host on the CPU");
    goto fail;
  }
  if (r->device || r->host_copy) {
    if ((rc = bind_device(r, cfg, inputs, out_shapes, nout_shapes))) goto fail;
    r->host_in = inputs;
    for (int i = 0; r->host_copy && i < r->nout; i++) {
      const ortune_tensor *sh = find_tensor(out_shapes, nout_shapes, r->out_names[i]);
      if (!sh || !r->out_vals[i]) {
        rc = ortune_set_error(ORTUNE_EUNSUPPORTED, "enable_cuda_graph with io=host needs the output shapes of a previous run");
        goto fail;
      }
      r->out_bytes[i] = sh->nbytes;
      if (!(r->host_out[i] = malloc(sh->nbytes ? sh->nbytes : 1))) { rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory"); goto fail; }
    }
  } else {
    for (int i = 0; i < nin; i++)
      if ((rc = ortune_tensor_to_ort(&inputs[i], &r->in_vals[i]))) goto fail;
  }
  *out = r;
  return ORTUNE_OK;
fail:
  ortune_io_free(od, nod);
  ortune_runner_release(r);
  (void)api;
  return rc;
}

int ortune_runner_run(ortune_runner *r) {
  const OrtApi *api = ortune_ort_api();
  OrtStatus *st;
  if (r->host_copy) {
    for (int i = 0; i < r->nin; i++) {
      void *dst;
      if ((st = api->GetTensorMutableData(r->in_vals[i], &dst))) return ortune_ort_error(st, "input");
      int rc = ortune_cuda_memcpy(dst, r->host_in[i].data, r->host_in[i].nbytes, 1);
      if (rc) return rc;
    }
    /* a pageable H2D copy may still be in flight when cudaMemcpy returns; ORT's stream does not wait for it */
    if (ortune_cuda_sync()) return ortune_set_error(ORTUNE_EORT, "cudaDeviceSynchronize failed");
    if ((st = api->RunWithBinding(r->s, NULL, r->bind))) return ortune_ort_error(st, "run");
    for (int i = 0; i < r->nout; i++) {
      void *src;
      if ((st = api->GetTensorMutableData(r->out_vals[i], &src))) return ortune_ort_error(st, "output");
      int rc = ortune_cuda_memcpy(r->host_out[i], src, r->out_bytes[i], 0);
      if (rc) return rc;
    }
    return ORTUNE_OK;
  }
  if (r->device) {
    st = api->RunWithBinding(r->s, NULL, r->bind);
  } else {
    for (int i = 0; i < r->nout; i++) {
      if (r->out_vals[i]) api->ReleaseValue(r->out_vals[i]);
      r->out_vals[i] = NULL;
    }
    st = api->Run(r->s, NULL, r->in_names, (const OrtValue *const *)r->in_vals, (size_t)r->nin, r->out_names, (size_t)r->nout,
                  r->out_vals);
  }
  return st ? ortune_ort_error(st, "run") : ORTUNE_OK;
}

int ortune_runner_refresh(ortune_runner *r) {
  const OrtApi *api = ortune_ort_api();
  if (!r->device) return ORTUNE_OK; /* host values wrap the tensors; host_copy copies every run */
  for (int i = 0; i < r->nin; i++) {
    void *dst;
    OrtStatus *st = api->GetTensorMutableData(r->in_vals[i], &dst);
    if (st) return ortune_ort_error(st, "input");
    int rc = ortune_cuda_memcpy(dst, r->host_in[i].data, r->host_in[i].nbytes, 1);
    if (rc) return rc;
  }
  return ortune_cuda_sync() ? ortune_set_error(ORTUNE_EORT, "cudaDeviceSynchronize failed") : ORTUNE_OK;
}

int ortune_runner_outputs(ortune_runner *r, ortune_tensor **outs, int *n) {
  const OrtApi *api = ortune_ort_api();
  ortune_tensor *t = calloc(r->nout ? (size_t)r->nout : 1, sizeof *t);
  OrtValue **vals = r->out_vals;
  OrtAllocator *alloc = NULL;
  size_t cnt = (size_t)r->nout;
  int rc = ORTUNE_OK;
  if (!t) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  if (r->device || r->host_copy) {
    ORTUNE_ORT_TRY(api->GetAllocatorWithDefaultOptions(&alloc), "allocator");
    ORTUNE_ORT_TRY(api->GetBoundOutputValues(r->bind, alloc, &vals, &cnt), "bound outputs");
  }
  for (size_t i = 0; i < cnt && (int)i < r->nout; i++)
    if ((rc = ortune_tensor_from_ort(vals[i], r->out_names[i], &t[i]))) break;
  if (r->device || r->host_copy) {
    for (size_t i = 0; i < cnt; i++) api->ReleaseValue(vals[i]);
    alloc->Free(alloc, vals);
  }
  if (rc) goto fail;
  *outs = t;
  *n = r->nout;
  return ORTUNE_OK;
fail:
  ortune_tensors_free(t, r->nout);
  return rc;
}

void ortune_runner_release(ortune_runner *r) {
  if (!r) return;
  const OrtApi *api = ortune_ort_api();
  for (int i = 0; i < ORTUNE_MAX_IO; i++) {
    free(r->host_out[i]);
    free(r->namebuf[i]);
    free(r->namebuf[ORTUNE_MAX_IO + i]);
    if (r->in_vals[i]) api->ReleaseValue(r->in_vals[i]);
    if (r->out_vals[i]) api->ReleaseValue(r->out_vals[i]);
  }
  if (r->bind) api->ReleaseIoBinding(r->bind);
  if (r->cuda_alloc) api->ReleaseAllocator(r->cuda_alloc);
  if (r->cuda_mi) api->ReleaseMemoryInfo(r->cuda_mi);
  free(r);
}
