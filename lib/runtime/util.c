/* util.c - small helpers: clocks, hashing, atomic file writes, machine facts. */
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double ortune_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *ortune_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

int ortune_sha256_file(const char *path, char hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return ortune_set_error(ORTUNE_EIO, "hash %s: %s", path, strerror(errno));
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) EVP_DigestUpdate(ctx, buf, n);
  int bad = ferror(f);
  fclose(f);
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_DigestFinal_ex(ctx, md, &mdlen);
  EVP_MD_CTX_free(ctx);
  if (bad) return ortune_set_error(ORTUNE_EIO, "hash %s: read error", path);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return ORTUNE_OK;
}

int ortune_read_file(const char *path, char **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return ortune_set_error(ORTUNE_EIO, "read %s: %s", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) { fclose(f); return ortune_set_error(ORTUNE_ENOMEM, "read %s: out of memory", path); }
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    cap *= 2;
    char *nb = realloc(buf, cap);
    if (!nb) free(buf);
    buf = nb;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(buf); return ortune_set_error(ORTUNE_EIO, "read %s: i/o error", path); }
  buf[n] = '\0';
  *data = buf;
  if (len) *len = n;
  return ORTUNE_OK;
}

/* Test-only: ORTUNE_TEST_ENOSPC=1 makes writes fail as on a full disk. */
static int simulated_enospc(void) {
  const char *e = getenv("ORTUNE_TEST_ENOSPC");
  return e && *e == '1';
}

int ortune_write_atomic(const char *path, const void *data, size_t len) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp)
    return ortune_set_error(ORTUNE_EIO, "write %s: path too long", path);
  /* a rename would replace a read-only file (even for root): respect the file's mode instead */
  struct stat cur;
  errno = 0;
  if (stat(path, &cur) == 0 && S_ISREG(cur.st_mode) && (!(cur.st_mode & 0222) || access(path, W_OK) != 0))
    return ortune_set_error(ORTUNE_EIO, "write %s: the file is %s, so it was left unchanged: make it writable or write to another file",
                            path, errno == EROFS ? "on a read-only file system" : "read-only");
  int fd = mkstemp(tmp);
  if (fd < 0)
    return ortune_set_error(ORTUNE_EIO, "write %s: cannot create a temp file beside it (%s): check the directory exists and is writable",
                            path, strerror(errno));
  const char *p = data;
  size_t left = len;
  int err = 0;
  if (simulated_enospc()) { err = ENOSPC; left = 0; }
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0) { if (errno == EINTR) continue; err = errno; break; }
    p += w; left -= (size_t)w;
  }
  if (!err && fsync(fd) != 0) err = errno;
  /* keep the permissions of the file being replaced */
  struct stat st;
  if (!err && stat(path, &st) == 0) fchmod(fd, st.st_mode & 07777);
  else if (!err) fchmod(fd, 0644);
  if (close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp, path) != 0) err = errno;
  if (err) {
    unlink(tmp);
    return ortune_set_error(err == ENOSPC ? ORTUNE_ENOSPC : ORTUNE_EIO,
                            "write %s: %s; the old file is unchanged%s", path, strerror(err),
                            err == ENOSPC ? ": free some disk space and run again" : "");
  }
  return ORTUNE_OK;
}

int ortune_mkdir_p(const char *path) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
    return ortune_set_error(ORTUNE_EIO, "mkdir %s: path too long", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return ortune_set_error(ORTUNE_EIO, "mkdir %s: %s", buf, strerror(errno));
    *p = '/';
  }
  if (mkdir(buf, 0755) != 0 && errno != EEXIST)
    return ortune_set_error(ORTUNE_EIO, "mkdir %s: %s", buf, strerror(errno));
  return ORTUNE_OK;
}

int ortune_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return 99;
  int d[64][64];
  for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++)
    for (size_t j = 1; j <= lb; j++) {
      int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      int x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
      d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
    }
  return d[la][lb];
}

int ortune_cpu_count(void) {
  const char *fake = getenv("ORTUNE_TEST_CPUS"); /* test-only: pretend to have this many cores */
  if (fake && atoi(fake) > 0) return atoi(fake);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

void ortune_cpu_name(char *buf, size_t len) {
  const char *fake = getenv("ORTUNE_TEST_CPU"); /* test-only: pretend to be this CPU model (profile selection) */
  if (fake && *fake) {
    snprintf(buf, len, "%s", fake);
    return;
  }
  snprintf(buf, len, "unknown cpu");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) == 0) {
      char *c = strchr(line, ':');
      if (c) {
        c++;
        while (*c == ' ' || *c == '\t') c++;
        c[strcspn(c, "\n")] = '\0';
        snprintf(buf, len, "%s", c);
      }
      break;
    }
  }
  fclose(f);
}

uint64_t ortune_host_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  return pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : 0;
}
