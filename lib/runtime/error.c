/* error.c - the error enum's names and messages, and the thread's last one-line error. */
#include "internal.h"
#include <string.h>

static __thread char last_error[1024];

const char *ortune_strerror(int err) {
  switch (err) {
#define ORTUNE_XX(name, val, msg) case ORTUNE_##name: return msg;
    ORTUNE_ERRNO_MAP(ORTUNE_XX)
#undef ORTUNE_XX
  }
  return "unknown error";
}

const char *ortune_err_name(int err) {
  switch (err) {
#define ORTUNE_XX(name, val, msg) case ORTUNE_##name: return #name;
    ORTUNE_ERRNO_MAP(ORTUNE_XX)
#undef ORTUNE_XX
  }
  return "EUNKNOWN";
}

const char *ortune_last_error(void) { return last_error; }

void ortune_clear_error(void) { last_error[0] = '\0'; }

int ortune_set_error(int code, const char *fmt, ...) {
  /* format into a scratch buffer first: callers often pass ortune_last_error() as an argument */
  char buf[sizeof last_error];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  /* one line, safe for a terminal: newlines that ORT messages carry folded, control characters from model, input or
   * file names escaped */
  ortune_term_escape(buf, last_error, sizeof last_error);
  return code;
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
