/* fuzz_util.h - shared helpers for the libFuzzer harnesses: one private scratch directory per
 * process (on tmpfs when there is one), whole-file writes, and cleanup at exit. */
#ifndef ORTUNE_FUZZ_UTIL_H
#define ORTUNE_FUZZ_UTIL_H
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fz_dir[256];

static inline void fz_cleanup(void) {
  if (!fz_dir[0]) return;
  DIR *d = opendir(fz_dir);
  if (d) {
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
        snprintf(p, sizeof p, "%s/%s", fz_dir, e->d_name);
        unlink(p);
      }
    closedir(d);
  }
  rmdir(fz_dir);
  fz_dir[0] = 0;
}

/* Create the scratch directory once per process: $ORTUNE_FUZZ_TMP, else /dev/shm, else $TMPDIR or /tmp.
 * The library's writers need a real directory (temp file + rename beside the target). */
static inline void fz_init(const char *harness) {
  if (fz_dir[0]) return;
  const char *base = getenv("ORTUNE_FUZZ_TMP");
  struct stat st;
  if (!base || !*base) base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
  if (!base) base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  snprintf(fz_dir, sizeof fz_dir, "%s/ortune-%s-XXXXXX", base, harness);
  if (!mkdtemp(fz_dir)) {
    perror("fuzz: mkdtemp");
    abort();
  }
  atexit(fz_cleanup);
}

/* dir/name in one of a few rotating static buffers. */
static inline const char *fz_path(const char *name) {
  static char buf[8][512];
  static int slot;
  slot = (slot + 1) % 8;
  snprintf(buf[slot], sizeof buf[slot], "%s/%s", fz_dir, name);
  return buf[slot];
}

static inline void fz_write(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

/* Report a broken invariant and stop (libFuzzer saves the input as a crash). */
#define FZ_FAIL(...)                                   \
  do {                                                 \
    fprintf(stderr, "fuzz invariant broken: ");        \
    fprintf(stderr, __VA_ARGS__);                      \
    fprintf(stderr, "\n");                             \
    abort();                                           \
  } while (0)

#endif
