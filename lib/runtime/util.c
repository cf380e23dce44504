/* util.c - small helpers: clocks, hashing, atomic file writes, machine facts. */
#include "internal.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

double ortune_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int ortune_parse_double(const char *s, double *out) {
  if (!s || !*s || isspace((unsigned char)*s)) return -1;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (*end || errno == ERANGE || !isfinite(x)) return -1;
  *out = x;
  return 0;
}

int ortune_parse_ll(const char *s, long long min, long long max, long long *out) {
  if (!s || !*s || isspace((unsigned char)*s)) return -1;
  char *end;
  errno = 0;
  long long x = strtoll(s, &end, 10);
  if (*end || errno || x < min || x > max) return -1;
  *out = x;
  return 0;
}

char *ortune_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static const char *file_type_name(mode_t m) {
  return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int ortune_open_regular(const char *path, const char *what, int *fd_out) {
  *fd_out = -1;
  /* O_NONBLOCK: opening a FIFO for reading would wait for a writer forever */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    ortune_set_error(ORTUNE_EIO, "read %s %s: %s: check the path", what, path, strerror(err));
    errno = err;
    return ORTUNE_EIO;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    ortune_set_error(ORTUNE_EIO, "read %s %s: %s", what, path, strerror(err));
    errno = err;
    return ORTUNE_EIO;
  }
  /* /dev/null reads as an empty file (an empty config: `--config /dev/null`); other devices may never end */
  int devnull = S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
  if (!S_ISREG(st.st_mode) && !devnull) {
    close(fd);
    errno = 0; /* callers tell this apart from a missing file */
    return ortune_set_error(ORTUNE_EIO, "read %s %s: it is %s, not a regular file: give the path of the file itself", what,
                            path, file_type_name(st.st_mode));
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *fd_out = fd;
  return ORTUNE_OK;
}

int ortune_sha256_file(const char *path, char hex[65]) {
  int fd;
  if (ortune_open_regular(path, "file", &fd)) {
    if (errno) return ortune_set_error(ORTUNE_EIO, "hash %s: %s", path, strerror(errno));
    return ORTUNE_EIO; /* not a regular file: the message names it */
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    return ortune_set_error(ORTUNE_EIO, "hash %s: %s", path, strerror(errno));
  }
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
  int fd;
  int rc = ortune_open_regular(path, "file", &fd);
  if (rc) {
    int err = errno;
    if (err) ortune_set_error(ORTUNE_EIO, "read %s: %s", path, strerror(err)); /* as before: missing, unreadable */
    errno = err; /* 0: not a regular file, and the message says so */
    return rc;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    int err = errno;
    close(fd);
    errno = err;
    return ortune_set_error(ORTUNE_EIO, "read %s: %s", path, strerror(err));
  }
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
  const char *e = ortune_test_hook(ORTUNE_TEST_HOOK_ENOSPC);
  return e && *e == '1';
}

/* The temp file of the write in progress, for ortune_write_atomic_abort() in a signal handler. */
static char tmp_active[PATH_MAX];
static volatile sig_atomic_t tmp_set;

void ortune_write_atomic_abort(void) {
  if (tmp_set) unlink(tmp_active); /* async-signal-safe */
  tmp_set = 0;
}

/* The process umask without changing it (other threads may be creating files): /proc, else set-and-restore. */
static mode_t current_umask(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[128];
  unsigned m;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Umask: %o", &m) == 1) {
      fclose(f);
      return (mode_t)m;
    }
  if (f) fclose(f);
  mode_t old = umask(022);
  umask(old);
  return old;
}

/* Where a write to path lands: a symlink's target (followed, also when dangling), else path itself. */
int ortune_write_target(const char *path, char *out, size_t len) {
  struct stat ls;
  char cur[PATH_MAX];
  snprintf(cur, sizeof cur, "%s", path);
  for (int hops = 0; hops < 40; hops++) {
    if (lstat(cur, &ls) != 0 || !S_ISLNK(ls.st_mode)) {
      if (snprintf(out, len, "%s", cur) >= (int)len) return -1;
      return 0;
    }
    char link[PATH_MAX];
    ssize_t n = readlink(cur, link, sizeof link - 1);
    if (n < 0) return -1;
    link[n] = '\0';
    const char *slash = strrchr(cur, '/');
    char next[PATH_MAX];
    if (link[0] == '/' || !slash) snprintf(next, sizeof next, "%s", link);
    else if (snprintf(next, sizeof next, "%.*s/%s", (int)(slash - cur), cur, link) >= (int)sizeof next) return -1;
    memcpy(cur, next, sizeof cur);
  }
  errno = ELOOP;
  return -1;
}

/* Give the temp file the mode (and as root the owner and group) of the file it replaces; a new file gets
 * 0666 & ~umask, as open(2) would have made it. */
static void copy_attrs(int fd, const char *target) {
  struct stat st;
  if (stat(target, &st) == 0) {
    if (geteuid() == 0) {
      if (fchown(fd, st.st_uid, st.st_gid) != 0) { /* keep going: the mode still applies */ }
    } else if (st.st_gid != getegid() && fchown(fd, (uid_t)-1, st.st_gid) != 0) { /* not in that group */
    }
    fchmod(fd, st.st_mode & 07777); /* after fchown, which may clear set-id bits */
  } else {
    fchmod(fd, 0666 & ~current_umask());
  }
}

static int write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  if (simulated_enospc()) return ENOSPC;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int ortune_pid_dead(long pid) { return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH; }

void ortune_sweep_stale_temps(const char *path) {
  char target[PATH_MAX], dir[PATH_MAX], prefix[NAME_MAX + 8];
  if (ortune_write_target(path, target, sizeof target) != 0) return;
  const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
  if (slash == target) snprintf(dir, sizeof dir, "/");
  else if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - target), target);
  else snprintf(dir, sizeof dir, ".");
  if (snprintf(prefix, sizeof prefix, "%s.tmp.", base) >= (int)sizeof prefix) return;
  DIR *d = opendir(dir);
  if (!d) return;
  size_t pl = strlen(prefix);
  for (struct dirent *e; (e = readdir(d));) {
    if (strncmp(e->d_name, prefix, pl)) continue;
    char *end;
    long pid = strtol(e->d_name + pl, &end, 10);
    if (end == e->d_name + pl || *end != '.' || strlen(end + 1) != 6 || !ortune_pid_dead(pid)) continue;
    char full[PATH_MAX];
    struct stat st;
    if (snprintf(full, sizeof full, "%s/%s", dir, e->d_name) < (int)sizeof full && lstat(full, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_uid == geteuid())
      unlink(full);
  }
  closedir(d);
}

int ortune_write_atomic(const char *path, const void *data, size_t len) {
  char target[PATH_MAX], tmp[PATH_MAX];
  if (ortune_write_target(path, target, sizeof target) != 0)
    return ortune_set_error(ORTUNE_EIO, "write %s: cannot follow the symlink (%s): fix the link or write to another file", path,
                            strerror(errno));
  /* the writer's pid in the name: a temp file left by a killed writer is swept by the next (ortune_sweep_stale_temps) */
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld.XXXXXX", target, (long)getpid()) >= (int)sizeof tmp)
    return ortune_set_error(ORTUNE_EIO, "write %s: path too long", path);
  /* a rename would replace a read-only file (even for root): respect the file's mode instead */
  struct stat cur;
  errno = 0;
  if (stat(target, &cur) == 0 && S_ISREG(cur.st_mode) && (!(cur.st_mode & 0222) || access(target, W_OK) != 0))
    return ortune_set_error(ORTUNE_EIO, "write %s: the file is %s, so it was left unchanged: make it writable or write to another file",
                            path, errno == EROFS ? "on a read-only file system" : "read-only");
  int fd = mkstemp(tmp);
  if (fd < 0)
    return ortune_set_error(ORTUNE_EIO, "write %s: cannot create a temp file beside it (%s): check the directory exists and is writable",
                            path, strerror(errno));
  memcpy(tmp_active, tmp, sizeof tmp_active);
  tmp_set = 1;
  int err = write_all(fd, data, len);
  const char *sig = ortune_test_hook(ORTUNE_TEST_HOOK_WRITE_SIGNAL); /* test-only: a signal while the temp file exists */
  if (sig && atoi(sig) > 0) raise(atoi(sig));
  if (!err && fsync(fd) != 0) err = errno;
  if (!err) copy_attrs(fd, target);
  if (close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp, target) != 0) err = errno;
  tmp_set = 0;
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
  const char *fake = ortune_test_hook(ORTUNE_TEST_HOOK_CPUS); /* test-only: pretend to have this many cores */
  if (fake && atoi(fake) > 0) return atoi(fake);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

void ortune_cpu_name(char *buf, size_t len) {
  const char *fake = ortune_test_hook(ORTUNE_TEST_HOOK_CPU); /* test-only: pretend to be this CPU model (profile selection) */
  if (fake) {
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
