/* runner.c - the production runtime: model + config -> inferences, exactly as `ortune tune` measures them.
 *
 * How it works: ortune_runner_open builds the session from the config (session.c). With the CUDA EP the
 * session runs on a CUDA stream the runner owns (ORT's user_compute_stream), so the runner's copies and ORT's
 * kernels are ordered on one stream. A run takes one of three paths:
 *  - plain (CPU EP, or CUDA without graphs): host tensors are wrapped as CPU OrtValues (no copy) and go
 *    through ORT's Run; the outputs are ORT's CPU values, kept until the next run.
 *  - graph (enable_cuda_graph: 1, runner_graph.c): per input-shape set a slot with device buffers at fixed
 *    addresses bound through an IoBinding, pinned host staging buffers and its own gpu_graph_id.
 *  - device (run_device): graph slots take device->device copies; without graphs the caller's device
 *    pointers are bound directly (runner_graph.c).
 * Every trial of the tuner, the final A/B and `ortune compare` call these same functions. A mutex serializes
 * the runs of one runner.
 */
#include "gpu.h"
#include "runner_impl.h"
#include <stdlib.h>
#include <string.h>

/* ---- model inputs/outputs -------------------------------------------------------------------------- */

static void io_free(runner_io *io, int n) {
  for (int i = 0; io && i < n; i++) {
    free(io[i].name);
    for (int d = 0; d < io[i].ndim; d++) free(io[i].dim_names[d]);
  }
  free(io);
}

static int io_load(OrtSession *s, int outputs, runner_io **out, int *n) {
  ortune_io_desc *d = NULL;
  int nd = 0, rc = ortune_session_io(s, outputs, &d, &nd);
  if (rc) return rc;
  runner_io *io = calloc(nd ? (size_t)nd : 1, sizeof *io);
  if (!io) { ortune_io_free(d, nd); return ortune_set_error(ORTUNE_ENOMEM, "out of memory"); }
  for (int i = 0; i < nd; i++) {
    io[i].name = ortune_strdup(d[i].name);
    io[i].dtype = d[i].dtype;
    io[i].is_tensor = d[i].is_tensor;
    io[i].ndim = d[i].ndim;
    for (int k = 0; k < d[i].ndim; k++) {
      io[i].dims[k] = d[i].dims[k];
      io[i].dim_names[k] = ortune_strdup(d[i].symbolic[k]);
      if (!io[i].dim_names[k]) rc = ORTUNE_ENOMEM;
    }
    if (!io[i].name) rc = ORTUNE_ENOMEM;
  }
  ortune_io_free(d, nd);
  if (rc) { io_free(io, nd); return ortune_set_error(ORTUNE_ENOMEM, "out of memory"); }
  *out = io;
  *n = nd;
  return ORTUNE_OK;
}

static void fill_info(const runner_io *io, ortune_io_info *info) {
  info->name = io->name;
  info->dtype = io->dtype;
  info->ndim = io->ndim;
  info->dims = io->dims;
  info->dim_names = (const char *const *)io->dim_names;
}

int ortune_runner_ninputs(const ortune_runner *r) { return r ? r->nin : 0; }
int ortune_runner_noutputs(const ortune_runner *r) { return r ? r->nout : 0; }

int ortune_runner_input_info(const ortune_runner *r, int i, ortune_io_info *info) {
  if (!r || !info || i < 0 || i >= r->nin) return ortune_set_error(ORTUNE_EVALUE, "input index %d out of range: the model has %d inputs", i, r ? r->nin : 0);
  fill_info(&r->in[i], info);
  return ORTUNE_OK;
}

int ortune_runner_output_info(const ortune_runner *r, int i, ortune_io_info *info) {
  if (!r || !info || i < 0 || i >= r->nout) return ortune_set_error(ORTUNE_EVALUE, "output index %d out of range: the model has %d outputs", i, r ? r->nout : 0);
  fill_info(&r->out[i], info);
  return ORTUNE_OK;
}

/* ---- open / release ------------------------------------------------------------------------------- */

static int open_session(ortune_runner *r, const char *model_arg, const char **phase, double *create_ms) {
  const OrtApi *api = ortune_ort_api();
  OrtSessionOptions *so = NULL;
  OrtEnv *env;
  ortune_model_info info;
  char model[4096]; /* the config's model_override (a transformed model tune chose), or model_arg */
  int rc;
  *phase = "options";
  if ((rc = ortune_config_model_path(r->cfg, model_arg, model, sizeof model))) return rc;
  if ((rc = ortune_model_info_read(model, &info))) return rc; /* a clear message before ORT's long one */
  if ((rc = ortune_env_get(&env))) return rc;                 /* first: the CUDA EP logs through the env */
  if (r->cuda) {
    char why[512];
    if ((rc = ortune_cuda_probe(why, sizeof why))) return ortune_set_error(rc, "cuda execution provider: %s", why);
    if ((rc = ortune_cuda_stream_create(&r->stream))) return rc;
  }
  if ((rc = ortune_session_options_build_stream(r->cfg, r->stream, &so))) return rc;
  *phase = "create";
  double t0 = ortune_now();
  rc = ortune_session_create_cached(env, model, r->cfg, r->stream, so, &r->s, &r->optcache);
  if (create_ms) *create_ms = (ortune_now() - t0) * 1e3;
  api->ReleaseSessionOptions(so);
  if (rc) {
    if (rc == ORTUNE_EORT && strstr(ortune_last_error(), "NOT_IMPLEMENTED")) rc = ORTUNE_EUNSUPPORTED;
    return ortune_set_error(rc, "%s: %s", model, ortune_last_error());
  }
  return ORTUNE_OK;
}

int ortune_runner_open_ex(const char *model, const ortune_config *cfg, ortune_runner **out, const char **phase, double *create_ms) {
  const OrtApi *api = ortune_ort_api();
  const char *ph = "options";
  int rc = ORTUNE_OK;
  ortune_runner *r = calloc(1, sizeof *r);
  *out = NULL;
  if (!r) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  pthread_mutex_init(&r->lock, NULL);
  if (cfg) rc = ortune_config_clone(cfg, &r->cfg);
  else rc = ortune_config_new(&r->cfg);
  if (rc) goto fail;
  r->cuda = !strcmp(ortune_config_get(r->cfg, "provider"), "cuda");
  r->graph = r->cuda && !strcmp(ortune_config_get(r->cfg, "enable_cuda_graph"), "1");
  r->io_device = !strcmp(ortune_config_get(r->cfg, "io"), "device");
  const char *staging = getenv("ORTUNE_HOST_STAGING");
  r->pinned_staging = staging && !strcmp(staging, "pinned");
  if (r->io_device && !r->cuda) {
    rc = ortune_set_error(ORTUNE_EVALUE, "io=device needs provider=cuda: use io=host on the CPU");
    goto fail;
  }
  if ((rc = open_session(r, model, &ph, create_ms))) goto fail;
  ph = "inputs";
  if ((rc = io_load(r->s, 0, &r->in, &r->nin)) || (rc = io_load(r->s, 1, &r->out, &r->nout))) goto fail;
  for (int i = 0; i < r->nin; i++) r->in_names[i] = r->in[i].name;
  for (int i = 0; i < r->nout; i++) r->out_names[i] = r->out[i].name;
  ORTUNE_ORT_TRY(api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &r->cpu_mi), "memory info");
  if (r->cuda) {
    ORTUNE_ORT_TRY(api->CreateMemoryInfo("Cuda", OrtArenaAllocator, atoi(ortune_config_get(r->cfg, "device_id")), OrtMemTypeDefault,
                                         &r->cuda_mi), "cuda memory info");
    ORTUNE_ORT_TRY(api->CreateAllocator(r->s, r->cuda_mi, &r->cuda_alloc), "cuda allocator");
  }
  *out = r;
  if (phase) *phase = "run";
  return ORTUNE_OK;
fail:
  if (phase) *phase = ph;
  ortune_runner_release(r);
  return rc;
}

int ortune_runner_open_cfg(const char *model_path, const ortune_config *cfg, ortune_runner **out) {
  if (!model_path || !out) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_open: model path and out are required");
  return ortune_runner_open_ex(model_path, cfg, out, NULL, NULL);
}

int ortune_runner_open(const char *model_path, const char *config_path, ortune_runner **out) {
  ortune_config *cfg = NULL;
  if (!model_path || !out) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_open: model path and out are required");
  int rc = config_path ? ortune_config_load(&cfg, config_path) : ortune_config_new(&cfg);
  if (rc) return rc;
  rc = ortune_runner_open_ex(model_path, cfg, out, NULL, NULL);
  if (!rc && config_path) {
    char why[512];
    if (ortune_config_check_stale(cfg, model_path, why, sizeof why) > 0) (*out)->stale = ortune_strdup(why);
  }
  ortune_config_release(cfg);
  return rc;
}

const char *ortune_runner_stale(const ortune_runner *r) { return r ? r->stale : NULL; }
int ortune_runner_optcache(const ortune_runner *r) { return r ? r->optcache : 0; }
OrtSession *ortune_runner_session(ortune_runner *r) { return r ? r->s : NULL; }
void *ortune_runner_stream(ortune_runner *r) { return r ? r->stream : NULL; }

static void release_values(OrtValue **v, int n) {
  const OrtApi *api = ortune_ort_api();
  for (int i = 0; i < n; i++) {
    if (v[i]) api->ReleaseValue(v[i]);
    v[i] = NULL;
  }
}

static void free_strings(ortune_runner *r) {
  for (int i = 0; i < ORTUNE_MAX_IO; i++) {
    for (size_t k = 0; r->str_out[i] && k < r->str_count[i]; k++) free(r->str_out[i][k]);
    free(r->str_out[i]);
    r->str_out[i] = NULL;
    r->str_count[i] = 0;
  }
}

void ortune_runner_release(ortune_runner *r) {
  if (!r) return;
  const OrtApi *api = ortune_ort_api();
  ortune_runner_graph_release(r);
  release_values(r->out_vals, ORTUNE_MAX_IO);
  release_values(r->bdev, ORTUNE_MAX_IO);
  free_strings(r);
  free(r->bvals);
  if (r->cuda_alloc) api->ReleaseAllocator(r->cuda_alloc);
  if (r->cuda_mi) api->ReleaseMemoryInfo(r->cuda_mi);
  if (r->cpu_mi) api->ReleaseMemoryInfo(r->cpu_mi);
  if (r->s) api->ReleaseSession(r->s);
  ortune_cuda_stream_destroy(r->stream);
  io_free(r->in, r->nin);
  io_free(r->out, r->nout);
  ortune_config_release(r->cfg);
  free(r->stale);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

/* ---- argument checks -------------------------------------------------------------------------------- */

static int find_io(const runner_io *io, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (!strcmp(io[i].name, name)) return i;
  return -1;
}

static void names_list(const runner_io *io, int n, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && used < len; i++) used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", io[i].name);
}

size_t ortune_value_count(const ortune_value *v) {
  size_t c = 1;
  for (int i = 0; i < v->ndim; i++) c *= v->dims[i] > 0 ? (size_t)v->dims[i] : 0;
  return c;
}

static int check_input(const ortune_runner *r, int k, const ortune_value *v, int device) {
  const runner_io *io = &r->in[k];
  if (v->dtype && v->dtype != io->dtype)
    return ortune_set_error(ORTUNE_EVALUE, "input '%s' is %s, the model wants %s: convert it first", io->name, ortune_dtype_name(v->dtype),
                            ortune_dtype_name(io->dtype));
  if (v->ndim < 0 || v->ndim > ORTUNE_VALUE_MAX_DIMS || (io->ndim >= 0 && v->ndim != io->ndim))
    return ortune_set_error(ORTUNE_ESHAPE, "input '%s' has rank %d, the model wants %d", io->name, v->ndim, io->ndim);
  for (int d = 0; d < v->ndim; d++)
    if (v->dims[d] < 0 || (io->ndim >= 0 && io->dims[d] > 0 && v->dims[d] != io->dims[d]))
      return ortune_set_error(ORTUNE_ESHAPE, "input '%s' dim %d is %lld, the model wants %lld", io->name, d, (long long)v->dims[d],
                              (long long)io->dims[d]);
  if (io->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    if (device) return ortune_set_error(ORTUNE_EUNSUPPORTED, "input '%s' is a string tensor: strings run on the host (ortune_runner_run)", io->name);
    return ORTUNE_OK;
  }
  size_t want = ortune_dtype_nbytes(io->dtype, ortune_value_count(v));
  if (v->nbytes != want)
    return ortune_set_error(ORTUNE_ESHAPE, "input '%s': %zu bytes given, its shape and type need %zu", io->name, v->nbytes, want);
  if (want && !v->data) return ortune_set_error(ORTUNE_EVALUE, "input '%s': data is NULL", io->name);
  return ORTUNE_OK;
}

/* Order the caller's inputs as the model declares them (by name, or by position when names are NULL). */
int ortune_runner_order_inputs(const ortune_runner *r, const ortune_value *in, int nin, const ortune_value **ord, int device) {
  char names[512];
  if (nin != r->nin || (nin && !in)) {
    names_list(r->in, r->nin, names, sizeof names);
    return ortune_set_error(ORTUNE_EVALUE, "%d inputs given, the model has %d (%s): pass every input", nin, r->nin, names);
  }
  for (int i = 0; i < nin; i++) ord[i] = NULL;
  for (int i = 0; i < nin; i++) {
    int k = in[i].name ? find_io(r->in, r->nin, in[i].name) : i;
    if (k < 0) {
      names_list(r->in, r->nin, names, sizeof names);
      return ortune_set_error(ORTUNE_EVALUE, "no input named '%s': the model's inputs are %s", in[i].name, names);
    }
    if (ord[k]) return ortune_set_error(ORTUNE_EVALUE, "input '%s' given twice", r->in[k].name);
    ord[k] = &in[i];
  }
  for (int k = 0; k < nin; k++) {
    int rc = check_input(r, k, ord[k], device);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

/* Which model output out[i] asks for. */
static int output_index(const ortune_runner *r, const ortune_value *o, int i) {
  if (!o->name) {
    if (i >= r->nout) return ortune_set_error(ORTUNE_EVALUE, "output %d asked for, the model has %d", i, r->nout), -1;
    return i;
  }
  int k = find_io(r->out, r->nout, o->name);
  if (k < 0) {
    char names[512];
    names_list(r->out, r->nout, names, sizeof names);
    ortune_set_error(ORTUNE_EVALUE, "no output named '%s': the model's outputs are %s", o->name, names);
  }
  return k;
}

/* Hand output k (last run) to the caller's o: the runner's buffer, or a copy into o->data. */
int ortune_runner_deliver(ortune_runner *r, int k, ortune_value *o) {
  const runner_last *l = &r->last[k];
  int caller = o->data != NULL;
  size_t cap = o->nbytes;
  o->dtype = l->dtype;
  o->ndim = l->ndim;
  memcpy(o->dims, l->dims, sizeof o->dims);
  o->nbytes = l->nbytes;
  if (!caller) {
    o->data = l->data;
    return ORTUNE_OK;
  }
  if (l->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
    return ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s' is a string tensor: leave data NULL to get the runner's strings", r->out[k].name);
  if (cap < l->nbytes)
    return ortune_set_error(ORTUNE_ESHAPE, "output '%s' needs %zu bytes, the buffer given has %zu", r->out[k].name, l->nbytes, cap);
  if (!l->nbytes) return ORTUNE_OK;
  if (!l->on_device) memcpy(o->data, l->data, l->nbytes);
  else return ortune_cuda_memcpy_async(o->data, l->data, l->nbytes, 3, r->stream) ?: ortune_cuda_stream_sync(r->stream);
  return ORTUNE_OK;
}

int ortune_runner_deliver_all(ortune_runner *r, ortune_value *out, int nout) {
  for (int i = 0; i < nout; i++) {
    int k = output_index(r, &out[i], i);
    if (k < 0) return ORTUNE_EVALUE;
    int rc = ortune_runner_deliver(r, k, &out[i]);
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

/* ---- plain path: ORT's Run with CPU values ------------------------------------------------------------ */

static int wrap_input(ortune_runner *r, const runner_io *io, const ortune_value *v, OrtValue **out) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  static char empty[8];
  if (io->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    OrtAllocator *alloc;
    size_t n = ortune_value_count(v);
    ORTUNE_ORT_TRY(api->GetAllocatorWithDefaultOptions(&alloc), "allocator");
    ORTUNE_ORT_TRY(api->CreateTensorAsOrtValue(alloc, v->dims, (size_t)v->ndim, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, out), "string tensor");
    if (n) ORTUNE_ORT_TRY(api->FillStringTensor(*out, (const char *const *)v->data, n), "string tensor");
    return ORTUNE_OK;
  }
  ORTUNE_ORT_TRY(api->CreateTensorWithDataAsOrtValue(r->cpu_mi, v->nbytes ? v->data : empty, v->nbytes, v->dims, (size_t)v->ndim,
                                                     (ONNXTensorElementDataType)io->dtype, out), "input tensor");
  return ORTUNE_OK;
fail:
  if (*out) api->ReleaseValue(*out);
  *out = NULL;
  return rc;
}

static int strings_out(ortune_runner *r, int k, const OrtValue *v, size_t count) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  r->str_out[k] = calloc(count ? count : 1, sizeof(char *));
  if (!r->str_out[k]) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  r->str_count[k] = count;
  for (size_t i = 0; i < count; i++) {
    size_t len;
    ORTUNE_ORT_TRY(api->GetStringTensorElementLength(v, i, &len), "string output");
    if (!(r->str_out[k][i] = calloc(1, len + 1))) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
    ORTUNE_ORT_TRY(api->GetStringTensorElement(v, len, i, r->str_out[k][i]), "string output");
  }
fail:
  return rc;
}

/* Record output k of the last run from an OrtValue (CPU or CUDA memory). */
int ortune_runner_note_output(ortune_runner *r, int k, OrtValue *v) {
  const OrtApi *api = ortune_ort_api();
  OrtTensorTypeAndShapeInfo *ti = NULL;
  runner_last *l = &r->last[k];
  int rc = ORTUNE_OK, is_tensor = 0;
  size_t nd, count;
  ONNXTensorElementDataType et;
  ORTUNE_ORT_TRY(api->IsTensor(v, &is_tensor), "output");
  if (!is_tensor) return ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s' is a sequence or map: ortune runs tensor outputs only", r->out[k].name);
  ORTUNE_ORT_TRY(api->GetTensorTypeAndShape(v, &ti), "output shape");
  ORTUNE_ORT_TRY(api->GetTensorElementType(ti, &et), "output type");
  ORTUNE_ORT_TRY(api->GetDimensionsCount(ti, &nd), "output rank");
  ORTUNE_ORT_TRY(api->GetTensorShapeElementCount(ti, &count), "output size");
  if (nd > ORTUNE_VALUE_MAX_DIMS) { rc = ortune_set_error(ORTUNE_EUNSUPPORTED, "output '%s': rank %zu too large", r->out[k].name, nd); goto fail; }
  memset(l, 0, sizeof *l);
  l->dtype = (int)et;
  l->ndim = (int)nd;
  ORTUNE_ORT_TRY(api->GetDimensions(ti, l->dims, nd), "output dims");
  if (et == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    if ((rc = strings_out(r, k, v, count))) goto fail;
    l->data = r->str_out[k];
  } else {
    const OrtMemoryInfo *mi;
    OrtMemoryInfoDeviceType dt = OrtMemoryInfoDeviceType_CPU;
    l->nbytes = ortune_dtype_nbytes((int)et, count);
    ORTUNE_ORT_TRY(api->GetTensorMutableData(v, &l->data), "output data");
    ORTUNE_ORT_TRY(api->GetTensorMemoryInfo(v, &mi), "output memory");
    api->MemoryInfoGetDeviceType(mi, &dt);
    l->on_device = dt == OrtMemoryInfoDeviceType_GPU;
  }
fail:
  if (ti) api->ReleaseTensorTypeAndShapeInfo(ti);
  return rc;
}

static int run_plain(ortune_runner *r, const ortune_value **ord) {
  const OrtApi *api = ortune_ort_api();
  OrtValue *vals[ORTUNE_MAX_IO] = {0};
  int rc = ORTUNE_OK;
  for (int i = 0; i < r->nin; i++)
    if ((rc = wrap_input(r, &r->in[i], ord[i], &vals[i]))) goto fail;
  release_values(r->out_vals, r->nout);
  free_strings(r);
  ORTUNE_ORT_TRY(api->Run(r->s, NULL, r->in_names, (const OrtValue *const *)vals, (size_t)r->nin, r->out_names, (size_t)r->nout,
                          r->out_vals), "run");
  for (int k = 0; k < r->nout && !rc; k++) rc = ortune_runner_note_output(r, k, r->out_vals[k]);
fail:
  release_values(vals, r->nin);
  return rc;
}

/* ---- public runs -------------------------------------------------------------------------------------- */

int ortune_runner_run(ortune_runner *r, const ortune_value *in, int nin, ortune_value *out, int nout) {
  const ortune_value *ord[ORTUNE_MAX_IO];
  if (!r) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_run: runner is NULL");
  if (nout < 0 || (nout && !out)) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_run: %d outputs asked with no array", nout);
  pthread_mutex_lock(&r->lock);
  int rc = ortune_runner_order_inputs(r, in, nin, ord, 0);
  if (!rc) rc = r->graph ? ortune_runner_graph_run(r, ord, 0) : run_plain(r, ord);
  r->have_last = !rc;
  if (!rc) rc = ortune_runner_deliver_all(r, out, nout);
  pthread_mutex_unlock(&r->lock);
  return rc;
}

int ortune_runner_run_device(ortune_runner *r, const ortune_value *in, int nin, ortune_value *out, int nout) {
  const ortune_value *ord[ORTUNE_MAX_IO];
  if (!r) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_run_device: runner is NULL");
  if (!r->cuda) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_run_device needs a config with provider: cuda: use ortune_runner_run on the CPU");
  if (nout < 0 || (nout && !out)) return ortune_set_error(ORTUNE_EVALUE, "ortune_runner_run_device: %d outputs asked with no array", nout);
  pthread_mutex_lock(&r->lock);
  int rc = ortune_runner_order_inputs(r, in, nin, ord, 1);
  if (!rc) rc = r->graph ? ortune_runner_graph_run(r, ord, 1) : ortune_runner_device_run(r, ord);
  r->have_last = !rc;
  if (!rc) rc = ortune_runner_deliver_all(r, out, nout);
  pthread_mutex_unlock(&r->lock);
  return rc;
}

int ortune_runner_output(ortune_runner *r, int i, ortune_value *out) {
  if (!r || !out || i < 0 || i >= r->nout) return ortune_set_error(ORTUNE_EVALUE, "output index %d out of range", i);
  if (!r->have_last) return ortune_set_error(ORTUNE_EVALUE, "no run yet: call ortune_runner_run first");
  memset(out, 0, sizeof *out);
  out->name = r->out[i].name;
  pthread_mutex_lock(&r->lock);
  int rc = ortune_runner_deliver(r, i, out);
  pthread_mutex_unlock(&r->lock);
  return rc;
}

/* ---- the tuner's view: host tensors bound once, run again and again ------------------------------------ */

int ortune_runner_bind_tensors(ortune_runner *r, const ortune_tensor *in, int nin) {
  free(r->bvals);
  release_values(r->bdev, ORTUNE_MAX_IO);
  r->bound = in;
  r->nbound = nin;
  r->bvals = calloc(nin ? (size_t)nin : 1, sizeof *r->bvals);
  if (!r->bvals) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  for (int i = 0; i < nin; i++) {
    ortune_value *v = &r->bvals[i];
    v->name = in[i].name;
    v->dtype = in[i].dtype;
    v->ndim = in[i].ndim;
    memcpy(v->dims, in[i].dims, sizeof(int64_t) * (size_t)in[i].ndim);
    v->data = in[i].data;
    v->nbytes = in[i].nbytes;
  }
  return r->io_device ? ortune_runner_refresh(r) : ORTUNE_OK;
}

/* io=device: the inputs live on the GPU (uploaded once, here); else the host tensors are read every run. */
int ortune_runner_refresh(ortune_runner *r) {
  const OrtApi *api = ortune_ort_api();
  int rc = ORTUNE_OK;
  if (!r->io_device) return ORTUNE_OK;
  for (int i = 0; i < r->nbound; i++) {
    const ortune_tensor *t = &r->bound[i];
    if (!r->bdev[i])
      ORTUNE_ORT_TRY(api->CreateTensorAsOrtValue(r->cuda_alloc, t->dims, (size_t)t->ndim, (ONNXTensorElementDataType)t->dtype, &r->bdev[i]),
                     "device input");
    void *dst;
    ORTUNE_ORT_TRY(api->GetTensorMutableData(r->bdev[i], &dst), "device input");
    if (t->nbytes && (rc = ortune_cuda_memcpy(dst, t->data, t->nbytes, 1))) goto fail;
  }
fail:
  return rc;
}

int ortune_runner_run_bound(ortune_runner *r) {
  if (!r->io_device) return ortune_runner_run(r, r->bvals, r->nbound, NULL, 0);
  ortune_value dv[ORTUNE_MAX_IO];
  for (int i = 0; i < r->nbound; i++) {
    dv[i] = r->bvals[i];
    OrtStatus *st = ortune_ort_api()->GetTensorMutableData(r->bdev[i], &dv[i].data);
    if (st) return ortune_ort_error(st, "device input");
  }
  return ortune_runner_run_device(r, dv, r->nbound, NULL, 0);
}

int ortune_runner_outputs(ortune_runner *r, ortune_tensor **outs, int *n) {
  if (!r->have_last) return ortune_set_error(ORTUNE_EVALUE, "no run yet");
  ortune_tensor *t = calloc(r->nout ? (size_t)r->nout : 1, sizeof *t);
  int rc = ORTUNE_OK;
  if (!t) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
  for (int k = 0; k < r->nout && !rc; k++) {
    const runner_last *l = &r->last[k];
    if ((rc = ortune_tensor_alloc(&t[k], r->out[k].name, l->dtype, l->ndim, l->dims))) break;
    if (l->dtype == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
      char **dst = t[k].data, **src = l->data;
      for (size_t i = 0; i < t[k].count && !rc; i++)
        if (!(dst[i] = ortune_strdup(src[i]))) rc = ortune_set_error(ORTUNE_ENOMEM, "out of memory");
    } else if (l->nbytes) {
      rc = l->on_device ? ortune_cuda_memcpy(t[k].data, l->data, l->nbytes, 0) : (memcpy(t[k].data, l->data, l->nbytes), ORTUNE_OK);
    }
  }
  if (rc) {
    ortune_tensors_free(t, r->nout);
    return rc;
  }
  *outs = t;
  *n = r->nout;
  return ORTUNE_OK;
}
