/* runner_graph.c - CUDA graphs and device buffers for the runner.
 *
 * How it works: a CUDA graph replays kernels on the device addresses it was captured with, so every input
 * and output must stay at one address. For each distinct set of input shapes the runner keeps a slot:
 * device tensors allocated from the session's CUDA allocator and bound once through an IoBinding, pinned
 * host staging buffers, and run options carrying the slot's gpu_graph_id (ORT captures one graph per id).
 * The first run of a slot is a regular run (gpu_graph_id -1: not captured) with outputs left to ORT, which
 * tells their shapes; fixed output buffers are then bound and every later run of that shape goes through the
 * graph. A host run copies each input into its pinned buffer, queues the host->device copies, ORT's run
 * (without ORT's own stream sync) and the device->host copies on the runner's stream, and waits once.
 * A device run (run_device) does the same with device->device copies. Without CUDA graphs, a device run binds
 * the caller's pointers directly and lets ORT place the outputs on the GPU.
 */
#include "gpu.h"
#include "runner_impl.h"
#include <stdlib.h>
#include <string.h>

enum { H2D = 1, D2H = 2, D2D = 3 };

static void slot_free(runner_slot *sl) {
  const OrtApi *api = ortune_ort_api();
  if (!sl) return;
  for (int i = 0; i < ORTUNE_MAX_IO; i++) {
    if (sl->din[i]) api->ReleaseValue(sl->din[i]);
    if (sl->dout[i]) api->ReleaseValue(sl->dout[i]);
    ortune_cuda_host_free(sl->pin_in[i]);
    ortune_cuda_host_free(sl->pin_out[i]);
  }
  if (sl->bind) api->ReleaseIoBinding(sl->bind);
  if (sl->ro) api->ReleaseRunOptions(sl->ro);
  if (sl->ro_skip) api->ReleaseRunOptions(sl->ro_skip);
  free(sl);
}

void ortune_runner_graph_release(ortune_runner *r) {
  const OrtApi *api = ortune_ort_api();
  for (int i = 0; i < r->nslots; i++) slot_free(r->slots[i]);
  r->nslots = 0;
  for (size_t i = 0; r->dvals && i < r->ndvals; i++) api->ReleaseValue(r->dvals[i]);
  if (r->dvals) {
    OrtAllocator *a;
    if (!api->GetAllocatorWithDefaultOptions(&a)) a->Free(a, r->dvals);
  }
  r->dvals = NULL;
  if (r->dbind) api->ReleaseIoBinding(r->dbind);
  r->dbind = NULL;
}

static int same_shapes(const runner_slot *sl, const ortune_value **ord, int nin) {
  for (int i = 0; i < nin; i++)
    if (sl->ndim[i] != ord[i]->ndim || memcmp(sl->dims[i], ord[i]->dims, sizeof(int64_t) * (size_t)ord[i]->ndim)) return 0;
  return 1;
}

static void shapes_text(const ortune_runner *r, const ortune_value **ord, char *buf, size_t len) {
  size_t u = 0;
  buf[0] = '\0';
  for (int i = 0; i < r->nin && u < len; i++) {
    u += (size_t)snprintf(buf + u, len - u, "%s%s=", i ? " " : "", r->in[i].name);
    for (int d = 0; d < ord[i]->ndim && u < len; d++) u += (size_t)snprintf(buf + u, len - u, "%s%lld", d ? "x" : "", (long long)ord[i]->dims[d]);
  }
}

static int run_options(int graph_id, int nosync, OrtRunOptions **out) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  char id[16];
  snprintf(id, sizeof id, "%d", graph_id);
  ORTUNE_ORT_TRY(api->CreateRunOptions(out), "run options");
  ORTUNE_ORT_TRY(api->AddRunConfigEntry(*out, "gpu_graph_id", id), "run options");
  /* the runner waits on its stream itself, after its device->host copies */
  if (nosync) ORTUNE_ORT_TRY(api->AddRunConfigEntry(*out, "disable_synchronize_execution_providers", "1"), "run options");
fail:
  return rc;
}

static int device_tensor(ortune_runner *r, int dtype, int ndim, const int64_t *dims, OrtValue **v, void **ptr) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  ORTUNE_ORT_TRY(api->CreateTensorAsOrtValue(r->cuda_alloc, dims, (size_t)ndim, (ONNXTensorElementDataType)dtype, v), "device buffer");
  ORTUNE_ORT_TRY(api->GetTensorMutableData(*v, ptr), "device buffer");
fail:
  return rc;
}

/* A new slot for these input shapes: device inputs bound at fixed addresses, pinned staging. */
static int slot_open(ortune_runner *r, const ortune_value **ord, runner_slot **out) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  runner_slot *sl = calloc(1, sizeof *sl);
  if (!sl) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  if ((rc = run_options(r->nslots, 1, &sl->ro)) || (rc = run_options(-1, 0, &sl->ro_skip))) goto fail;
  ORTUNE_ORT_TRY(api->CreateIoBinding(r->s, &sl->bind), "io binding");
  for (int i = 0; i < r->nin; i++) {
    const ortune_value *v = ord[i];
    sl->ndim[i] = v->ndim;
    memcpy(sl->dims[i], v->dims, sizeof(int64_t) * (size_t)v->ndim);
    sl->in_bytes[i] = v->nbytes;
    if ((rc = device_tensor(r, r->in[i].dtype, v->ndim, v->dims, &sl->din[i], &sl->din_ptr[i]))) goto fail;
    if ((rc = ortune_cuda_host_alloc(&sl->pin_in[i], v->nbytes))) goto fail;
    ORTUNE_ORT_TRY(api->BindInput(sl->bind, r->in_names[i], sl->din[i]), "bind input");
  }
  for (int k = 0; k < r->nout; k++) ORTUNE_ORT_TRY(api->BindOutputToDevice(sl->bind, r->out_names[k], r->cuda_mi), "bind output");
  *out = sl;
  return ORTUNE_OK;
fail:
  slot_free(sl);
  return rc;
}

/* After the slot's first (regular) run: fixed output buffers of the shapes it produced, bound for the graph. */
static int slot_bind_outputs(ortune_runner *r, runner_slot *sl) {
  const OrtApi *api = ortune_ort_api();
  OrtAllocator *alloc;
  OrtValue **vals = NULL;
  size_t cnt = 0;
  int rc = ORTUNE_OK;
  ORTUNE_ORT_TRY(api->GetAllocatorWithDefaultOptions(&alloc), "allocator");
  ORTUNE_ORT_TRY(api->GetBoundOutputValues(sl->bind, alloc, &vals, &cnt), "bound outputs");
  for (int k = 0; k < r->nout && (size_t)k < cnt && !rc; k++) rc = ortune_runner_note_output(r, k, vals[k]);
  for (size_t i = 0; i < cnt; i++) api->ReleaseValue(vals[i]);
  if (vals) alloc->Free(alloc, vals);
  if (rc) return rc;
  api->ClearBoundOutputs(sl->bind);
  for (int k = 0; k < r->nout; k++) {
    runner_last *o = &sl->out[k];
    *o = r->last[k];
    if (o->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
      return ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s' is a string tensor: CUDA graphs need numeric outputs", r->out[k].name);
    if ((rc = device_tensor(r, o->dtype, o->ndim, o->dims, &sl->dout[k], &sl->dout_ptr[k]))) return rc;
    if ((rc = ortune_cuda_host_alloc(&sl->pin_out[k], o->nbytes))) return rc;
    ORTUNE_ORT_TRY(api->BindOutput(sl->bind, r->out_names[k], sl->dout[k]), "bind output");
  }
  sl->outputs_bound = 1;
fail:
  return rc;
}

static int find_slot(ortune_runner *r, const ortune_value **ord, runner_slot **out) {
  for (int i = 0; i < r->nslots; i++)
    if (same_shapes(r->slots[i], ord, r->nin)) return *out = r->slots[i], ORTUNE_OK;
  if (r->nslots == ORTUNE_RUNNER_MAX_SHAPES) {
    char shapes[512];
    shapes_text(r, ord, shapes, sizeof shapes);
    return ortune_set_error(ORTUNE_ESHAPE, "input shapes %s: this runner already holds CUDA graphs for %d other shapes, the most it keeps: "
                            "open another runner for more shapes, or set enable_cuda_graph: 0 for fully dynamic inputs", shapes,
                            ORTUNE_RUNNER_MAX_SHAPES);
  }
  int rc = slot_open(r, ord, out);
  if (!rc) r->slots[r->nslots++] = *out;
  return rc;
}

/* Host input -> its fixed device buffer: pinned memory (ortune_host_alloc) goes by DMA straight away; pageable
 * memory through the CUDA driver's own staging (cudaMemcpyAsync returns once the frame is staged, so the caller may
 * reuse it). Measured on an H200 (bench/RESULTS.md): the driver's pipelined staging was 7-13% faster end to end
 * than a memcpy into the slot's pinned buffer followed by one DMA, which ORTUNE_HOST_STAGING=pinned (a bench knob)
 * still selects. */
static int copy_host_input(ortune_runner *r, runner_slot *sl, int i, const void *src, size_t n) {
  const void *from = src;
  if (src != sl->pin_in[i]) {
    if (src != sl->seen[i]) { /* a pointer query per new buffer, not per run */
      sl->seen[i] = src;
      sl->seen_pinned[i] = ortune_cuda_is_pinned(src);
    }
    if (!sl->seen_pinned[i] && r->pinned_staging) {
      memcpy(sl->pin_in[i], src, n);
      from = sl->pin_in[i];
    }
  }
  return ortune_cuda_memcpy_async(sl->din_ptr[i], from, n, H2D, r->stream);
}

static int copy_inputs(ortune_runner *r, runner_slot *sl, const ortune_value **ord, int device) {
  for (int i = 0; i < r->nin; i++) {
    size_t n = sl->in_bytes[i];
    int rc;
    if (!n) continue;
    if (device) rc = ortune_cuda_memcpy_async(sl->din_ptr[i], ord[i]->data, n, D2D, r->stream);
    else rc = copy_host_input(r, sl, i, ord[i]->data, n);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

int ortune_runner_graph_run(ortune_runner *r, const ortune_value **ord, int device) {
  const OrtApi *api = ortune_ort_api();
  runner_slot *sl;
  int rc = find_slot(r, ord, &sl);
  if (rc || (rc = copy_inputs(r, sl, ord, device))) return rc;
  if (!sl->outputs_bound) { /* regular run, not captured: it tells the output shapes */
    ORTUNE_ORT_TRY(api->RunWithBinding(r->s, sl->ro_skip, sl->bind), "run");
    if ((rc = slot_bind_outputs(r, sl))) return rc;
  }
  ORTUNE_ORT_TRY(api->RunWithBinding(r->s, sl->ro, sl->bind), "run");
  for (int k = 0; k < r->nout; k++) {
    r->last[k] = sl->out[k];
    if (device) {
      r->last[k].data = sl->dout_ptr[k];
      r->last[k].on_device = 1;
    } else {
      r->last[k].data = sl->pin_out[k];
      r->last[k].on_device = 0;
      if (sl->out[k].nbytes && (rc = ortune_cuda_memcpy_async(sl->pin_out[k], sl->dout_ptr[k], sl->out[k].nbytes, D2H, r->stream)))
        return rc;
    }
  }
  return ortune_cuda_stream_sync(r->stream);
fail:
  return rc;
}

/* Without CUDA graphs: bind the caller's device pointers, outputs where ORT puts them on the GPU. */
int ortune_runner_device_run(ortune_runner *r, const ortune_value **ord) {
  const OrtApi *api = ortune_ort_api();
  OrtAllocator *alloc;
  int rc = ORTUNE_OK;
  ORTUNE_ORT_TRY(api->GetAllocatorWithDefaultOptions(&alloc), "allocator");
  if (!r->dbind) {
    ORTUNE_ORT_TRY(api->CreateIoBinding(r->s, &r->dbind), "io binding");
    for (int k = 0; k < r->nout; k++) ORTUNE_ORT_TRY(api->BindOutputToDevice(r->dbind, r->out_names[k], r->cuda_mi), "bind output");
  }
  api->ClearBoundInputs(r->dbind);
  for (int i = 0; i < r->nin; i++) {
    OrtValue *v = NULL;
    static char empty[8];
    ORTUNE_ORT_TRY(api->CreateTensorWithDataAsOrtValue(r->cuda_mi, ord[i]->nbytes ? ord[i]->data : empty, ord[i]->nbytes, ord[i]->dims,
                                                       (size_t)ord[i]->ndim, (ONNXTensorElementDataType)r->in[i].dtype, &v), "device input");
    OrtStatus *st = api->BindInput(r->dbind, r->in_names[i], v);
    api->ReleaseValue(v);
    if (st) return ortune_ort_error(st, "bind input");
  }
  for (size_t i = 0; r->dvals && i < r->ndvals; i++) api->ReleaseValue(r->dvals[i]);
  if (r->dvals) alloc->Free(alloc, r->dvals);
  r->dvals = NULL;
  r->ndvals = 0;
  ORTUNE_ORT_TRY(api->RunWithBinding(r->s, NULL, r->dbind), "run");
  ORTUNE_ORT_TRY(api->GetBoundOutputValues(r->dbind, alloc, &r->dvals, &r->ndvals), "bound outputs");
  for (int k = 0; k < r->nout && (size_t)k < r->ndvals && !rc; k++) rc = ortune_runner_note_output(r, k, r->dvals[k]);
fail:
  return rc;
}
