/* testutil.h - helpers shared by the cmocka unit tests (temp dir, files, a seeded generator, asserts). */
#ifndef ORTUNE_TESTUTIL_H
#define ORTUNE_TESTUTIL_H

/* Include after <cmocka.h>, with _GNU_SOURCE or _XOPEN_SOURCE 700 defined before any system header
 * (nftw, mkdtemp). Each test is its own executable, so everything here is static. */
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ortune.h"

/* ---- the per-test temp directory ----------------------------------------------------------------- */

/* The test's temp directory, made by tmpdir_create() (set up once per group). */
static char tmpdir[256] __attribute__((unused));

static inline int testutil_rm_entry(const char *p, const struct stat *s, int t, struct FTW *f) {
  (void)s, (void)f;
  if (t != FTW_SL) chmod(p, 0700); /* so that what a test made read-only still goes */
  return remove(p);
}

/* mkdtemp "/tmp/ortune-test-NAME-XXXXXX" into tmpdir: 0 or -1. */
static inline int tmpdir_create(const char *name) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ortune-test-%s-XXXXXX", name);
  return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove tmpdir and everything in it. */
static inline int tmpdir_remove(void) {
  chmod(tmpdir, 0700);
  return nftw(tmpdir, testutil_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Define the group's setup() and teardown(): a fresh tmpdir named for the test, removed after. */
#define TESTUTIL_TMPDIR(name)                                                                                  \
  static int setup(void **state) {                                                                             \
    (void)state;                                                                                               \
    return tmpdir_create(name);                                                                                \
  }                                                                                                            \
  static int teardown(void **state) {                                                                          \
    (void)state;                                                                                               \
    return tmpdir_remove();                                                                                    \
  }

/* A path inside tmpdir (one of 4 rotating static buffers). */
static inline const char *tmp_path(const char *name) {
  static char buf[4][512];
  static int slot;
  slot = (slot + 1) % 4;
  snprintf(buf[slot], sizeof buf[slot], "%s/%s", tmpdir, name);
  return buf[slot];
}

/* ---- files --------------------------------------------------------------------------------------- */

static inline void write_bytes(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  if (n) assert_int_equal(fwrite(data, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

static inline void write_text(const char *path, const char *text) { write_bytes(path, text, strlen(text)); }

/* The file's bytes, NUL-terminated (caller frees); their count in *n unless n is NULL. */
static inline unsigned char *slurp_bytes(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("read %s: %s", path, strerror(errno));
  size_t len = 0, cap = 4096;
  unsigned char *data = malloc(cap);
  assert_non_null(data);
  for (size_t got; (got = fread(data + len, 1, cap - len - 1, f)) > 0;) {
    len += got;
    if (cap - len - 1 == 0) {
      cap *= 2;
      data = realloc(data, cap);
      assert_non_null(data);
    }
  }
  if (ferror(f)) fail_msg("read %s: %s", path, strerror(errno));
  fclose(f);
  data[len] = '\0';
  if (n) *n = len;
  return data;
}

/* The file's text (NUL-terminated, caller frees). */
static inline char *slurp(const char *path) { return (char *)slurp_bytes(path, NULL); }

/* ---- data ---------------------------------------------------------------------------------------- */

/* Small deterministic generator so the garbage tests are reproducible. */
static inline uint32_t rnd(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(*s >> 33);
}

/* n bytes of rnd() output into buf. */
static inline void rnd_fill(void *buf, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) ((uint8_t *)buf)[i] = (uint8_t)rnd(s);
}

/* ---- asserts ------------------------------------------------------------------------------------- */

static inline void assert_contains(const char *hay, const char *needle) {
  if (!hay || !strstr(hay, needle)) fail_msg("'%s' does not contain '%s'", hay ? hay : "(null)", needle);
}

/* Set key to value and expect it to read back as want. */
static inline void assert_set_get(ortune_config *c, const char *key, const char *value, const char *want) {
  assert_int_equal(ortune_config_set(c, key, value), ORTUNE_OK);
  assert_string_equal(ortune_config_get(c, key), want);
}

#endif
