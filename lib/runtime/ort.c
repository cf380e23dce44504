/* ort.c - the seam to ONNX Runtime: the OrtApi of the loaded library (once), the process's shared OrtEnv, and an
 * OrtStatus turned into an ortune error code and one-line message (out of memory, unsupported operator, bad model,
 * or plain ORT error). Depends on error.c only; session.c, the runner and the tensors call ORT through here. */
#include "internal.h"
#include <pthread.h>
#include <string.h>

static const OrtApi *ort_api;
static pthread_once_t ort_api_once = PTHREAD_ONCE_INIT;
static void ort_api_load(void) { ort_api = OrtGetApiBase()->GetApi(ORT_API_VERSION); }

const OrtApi *ortune_ort_api(void) {
  pthread_once(&ort_api_once, ort_api_load);
  return ort_api;
}

static OrtEnv *shared_env;
static pthread_mutex_t env_lock = PTHREAD_MUTEX_INITIALIZER;

int ortune_env_get(OrtEnv **out) {
  int rc = ORTUNE_OK;
  pthread_mutex_lock(&env_lock);
  if (!shared_env) {
    const OrtApi *api = ortune_ort_api();
    if (!api) {
      rc = ortune_set_error(ORTUNE_EORT, "onnx runtime: the loaded library does not offer API version %d: use ORT 1.29 or newer",
                            ORT_API_VERSION);
    } else {
      /* FATAL only: ORT's ERROR log lines repeat (in colour, on stderr) what the returned status says, and
       * ortune reports that itself in one line */
      OrtStatus *st = api->CreateEnv(ORT_LOGGING_LEVEL_FATAL, "ortune", &shared_env);
      if (st) rc = ortune_ort_error(st, "create onnx runtime environment");
    }
  }
  *out = shared_env;
  pthread_mutex_unlock(&env_lock);
  return rc;
}

/* ORT messages that mean the device or host ran out of memory. */
static int looks_like_oom(const char *msg) {
  static const char *const pats[] = {"out of memory", "Failed to allocate memory", "CUDNN_STATUS_ALLOC_FAILED",
                                     "cudaErrorMemoryAllocation", "bad_alloc", "Available memory of"};
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
    if (strstr(msg, pats[i])) return 1;
  return 0;
}

/* ORT messages that mean the model uses an operator (or an operator/type pair) this build has no kernel for. */
static int looks_unsupported(const char *msg) {
  static const char *const pats[] = {"is not a registered function/op", "No Op registered for",
                                     "Could not find an implementation for", "not supported", "not implemented"};
  for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
    if (strstr(msg, pats[i])) return 1;
  return 0;
}

int ortune_ort_error(OrtStatus *st, const char *what) {
  const OrtApi *api = ortune_ort_api();
  const char *msg = api->GetErrorMessage(st);
  OrtErrorCode code = api->GetErrorCode(st);
  int err = ORTUNE_EORT;
  if (looks_like_oom(msg)) err = ORTUNE_EOOM;
  else if (looks_unsupported(msg)) err = ORTUNE_EUNSUPPORTED;
  else if (code == ORT_INVALID_PROTOBUF || code == ORT_NO_SUCHFILE || code == ORT_INVALID_GRAPH) err = ORTUNE_EMODEL;
  else if (code == ORT_NOT_IMPLEMENTED) err = ORTUNE_EUNSUPPORTED;
  ortune_set_error(err, "%s: %s", what, msg);
  api->ReleaseStatus(st);
  return err;
}
