/* error.c - the error enum's names and messages, and the thread's last one-line error, escaped for a terminal.
 * A leaf of lib/runtime: it calls nothing of ortune's (ORT statuses become errors in ort.c), so every other module
 * can report through it without a circle. */
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

char *ortune_term_escape(const char *in, char *out, size_t len) {
  size_t n = 0;
  if (!len) return out;
  for (const unsigned char *p = (const unsigned char *)(in ? in : ""); *p; p++) {
    char esc[8];
    size_t w;
    if (*p == '\n' || *p == '\r' || *p == '\t') esc[0] = ' ', w = 1;
    else if (*p < 0x20 || *p == 0x7f) w = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
    else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) w = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *++p);
    else esc[0] = (char)*p, w = 1;
    if (n + w >= len) break;
    memcpy(out + n, esc, w);
    n += w;
  }
  /* cut short: no character left without all its bytes */
  size_t lead = n;
  while (lead > 0 && ((unsigned char)out[lead - 1] & 0xc0) == 0x80) lead--;
  if (lead > 0 && ((unsigned char)out[lead - 1] & 0xc0) == 0xc0) {
    unsigned char c = (unsigned char)out[lead - 1];
    size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (n - (lead - 1) < want) n = lead - 1;
  }
  out[n] = '\0';
  return out;
}
