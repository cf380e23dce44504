/* fuzz_shape.c - libFuzzer harness for the command-line parsers of lib/inputs.c:
 * ortune_shape_parse (--shape), ortune_freedim_parse (--free-dim), ortune_input_arg_parse (--input).
 * The input, NUL-terminated, goes to each parser. Checks: no memory error or UB; an error return
 * sets a message; a success gives fields within their bounds (NUL-terminated names, <= 16 dims,
 * dims in 0..2^40, free-dim values in 1..2^40) and prints back to text that parses to the same result. */
#include "fuzz_util.h"
#include "harness.h"

static ortune_input_spec *spec;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  spec = calloc(1, sizeof *spec);
  if (!spec) abort();
  return 0;
}

static void check_error(int rc, const char *what, const char *arg) {
  if (rc != ORTUNE_EUSAGE) FZ_FAIL("%s('%s') returned %d, want EUSAGE", what, arg, rc);
  if (!*ortune_last_error()) FZ_FAIL("%s('%s') failed without a message", what, arg);
}

static int shape_equal(const ortune_shape_arg *a, const ortune_shape_arg *b) {
  if (strcmp(a->name, b->name) || a->ndim != b->ndim) return 0;
  for (int i = 0; i < a->ndim; i++)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}

static void fuzz_shape(const char *arg) {
  ortune_shape_arg sh, again;
  int rc = ortune_shape_parse(arg, &sh);
  if (rc) { check_error(rc, "ortune_shape_parse", arg); return; }
  if (memchr(sh.name, 0, sizeof sh.name) == NULL) FZ_FAIL("shape name not NUL-terminated");
  if (sh.ndim < 0 || sh.ndim > ORTUNE_MAX_DIMS) FZ_FAIL("shape '%s': ndim %d", arg, sh.ndim);
  for (int i = 0; i < sh.ndim; i++)
    if (sh.dims[i] < 0 || sh.dims[i] > (1LL << 40)) FZ_FAIL("shape '%s': dim %d = %lld", arg, i, (long long)sh.dims[i]);
  /* print back: [name=]1x2x3 or scalar */
  char text[sizeof sh.name + ORTUNE_MAX_DIMS * 24 + 16];
  size_t n = 0;
  if (sh.name[0]) n += (size_t)snprintf(text + n, sizeof text - n, "%s=", sh.name);
  if (!sh.ndim) snprintf(text + n, sizeof text - n, "scalar");
  for (int i = 0; i < sh.ndim; i++) n += (size_t)snprintf(text + n, sizeof text - n, "%s%lld", i ? "x" : "", (long long)sh.dims[i]);
  if ((rc = ortune_shape_parse(text, &again)) != ORTUNE_OK)
    FZ_FAIL("shape '%s' parsed, but its printed form '%s' does not: %s", arg, text, ortune_last_error());
  if (!shape_equal(&sh, &again)) FZ_FAIL("shape '%s' -> '%s' parses differently", arg, text);
}

static void fuzz_freedim(const char *arg, size_t namelen) {
  char name[80];
  int64_t v = 0;
  memset(name, 0x5a, sizeof name);
  int rc = ortune_freedim_parse(arg, name, namelen, &v);
  if (rc) { check_error(rc, "ortune_freedim_parse", arg); return; }
  size_t len = strnlen(name, sizeof name);
  if (len >= namelen) FZ_FAIL("free-dim '%s': name of %zu bytes in a buffer of %zu", arg, len, namelen);
  for (size_t i = len + 1; i < sizeof name; i++)
    if (name[i] != 0x5a && i >= namelen) FZ_FAIL("free-dim '%s': wrote past namelen %zu", arg, namelen);
  if (v < 1 || v > (1LL << 40)) FZ_FAIL("free-dim '%s': value %lld", arg, (long long)v);
  char text[128], name2[80];
  int64_t v2;
  snprintf(text, sizeof text, "%s=%lld", name, (long long)v);
  if (ortune_freedim_parse(text, name2, sizeof name2, &v2) != ORTUNE_OK || strcmp(name, name2) || v != v2)
    FZ_FAIL("free-dim '%s' -> '%s' parses differently", arg, text);
}

static void fuzz_input(const char *arg, int start) {
  spec->nfiles = start;
  int rc = ortune_input_arg_parse(spec, arg);
  if (rc) {
    check_error(rc, "ortune_input_arg_parse", arg);
    if (spec->nfiles != start) FZ_FAIL("--input '%s' failed but counted a file", arg);
    return;
  }
  if (start >= ORTUNE_MAX_IO) FZ_FAIL("--input accepted a file past the limit");
  if (spec->nfiles != start + 1) FZ_FAIL("--input '%s': nfiles %d -> %d", arg, start, spec->nfiles);
  const typeof(spec->files[0]) *f = &spec->files[start];
  if (!memchr(f->name, 0, sizeof f->name) || !memchr(f->path, 0, sizeof f->path)) FZ_FAIL("--input '%s': unterminated", arg);
  if (!f->path[0]) FZ_FAIL("--input '%s': empty path accepted", arg);
  /* name=path splits at the first '=' (unless the whole argument is an existing file) */
  size_t nl = strlen(f->name);
  if (nl && (strncmp(arg, f->name, nl) || arg[nl] != '=' || strcmp(arg + nl + 1, f->path)))
    FZ_FAIL("--input '%s' split into '%s' and '%s'", arg, f->name, f->path);
  if (!nl && strcmp(arg, f->path) && !(arg[0] == '=' && !strcmp(arg + 1, f->path)))
    FZ_FAIL("--input '%s' gave path '%s'", arg, f->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *arg = malloc(size + 1);
  if (!arg) return 0;
  memcpy(arg, data, size);
  arg[size] = 0;
  fuzz_shape(arg);
  fuzz_freedim(arg, 64);
  fuzz_freedim(arg, size ? 1 + data[0] % 16 : 1); /* small name buffers */
  fuzz_input(arg, 0);
  fuzz_input(arg, ORTUNE_MAX_IO - 1);
  fuzz_input(arg, ORTUNE_MAX_IO);
  free(arg);
  return 0;
}
