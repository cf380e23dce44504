/* outpath.c - the output-path guard every writer of the CLI goes through, before anything is measured or written.
 *
 * How it works: a command lists the files it reads (model, config, --input files, reference dirs) and the files
 * it will write (config, --results, --csv, --report, report --output, run --save-outputs files) in an
 * ortune_paths. ortune_paths_check() then refuses, with one line and ORTUNE_EUSAGE: an output that is the same
 * file as any other listed path (same st_dev/st_ino, so hard links and symlinks count; for files that do not
 * exist yet, the same resolved directory and name); and an output that exists but is not ortune's own earlier
 * output of that kind (a results JSON has an "ortune_version" key in its first 4 KiB, a report has ortune's
 * <title>, a CSV ortune's header, a .pb tensor ortune's doc_string marker, a .npy the .pb beside it), unless force. An output that exists but
 * is not a regular file (a directory, FIFO, device: a rename would replace /dev/null) is refused with
 * ORTUNE_EIO. A config is always spliced, never replaced, and tune --resume reads (and validates) its --results
 * before rewriting it, so any regular file is acceptable for those two. Once
 * the paths pass, the temp files that killed earlier writers left beside each output are swept.
 * ortune_out_probe() proves a path can be written (its directory exists and takes a new file, an existing file
 * is writable) so that `tune` fails before its first trial. */
#define _GNU_SOURCE
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ortune_paths_in(ortune_paths *p, const char *what, const char *path) {
  if (!path || !*path || p->n == ORTUNE_MAX_PATHS) return;
  p->e[p->n].path = path;
  p->e[p->n].what = what;
  p->e[p->n].output = 0;
  p->e[p->n++].kind = ORTUNE_OUT_CONFIG;
}

void ortune_paths_out(ortune_paths *p, const char *what, const char *path, ortune_out_kind kind) {
  if (!path || !*path || p->n == ORTUNE_MAX_PATHS) return;
  p->e[p->n].path = path;
  p->e[p->n].what = what;
  p->e[p->n].output = 1;
  p->e[p->n++].kind = kind;
}

/* What a file is: (dev, ino) when it exists, else its resolved directory + name. */
typedef struct {
  int exists;
  struct stat st;
  char canon[PATH_MAX + NAME_MAX + 2];
} ident;

static void identify(const char *path, ident *id) {
  memset(id, 0, sizeof *id);
  if (stat(path, &id->st) == 0) {
    id->exists = 1;
    return;
  }
  char dir[PATH_MAX], res[PATH_MAX];
  const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
  if (slash == path) snprintf(dir, sizeof dir, "/");
  else if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  else snprintf(dir, sizeof dir, ".");
  if (!realpath(dir, res)) snprintf(res, sizeof res, "%s", dir);
  snprintf(id->canon, sizeof id->canon, "%s/%s", res, name);
}

static int same_file(const ident *a, const ident *b) {
  if (a->exists != b->exists) return 0;
  if (a->exists) return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
  return !strcmp(a->canon, b->canon);
}

static const char *kind_name(ortune_out_kind k) {
  switch (k) {
    case ORTUNE_OUT_RESULTS: return "an ortune results file";
    case ORTUNE_OUT_REPORT: return "an ortune report";
    case ORTUNE_OUT_CSV: return "an ortune CSV";
    case ORTUNE_OUT_TENSOR: return "an ortune output tensor";
    default: return "a config";
  }
}

static const char *file_type(mode_t m) {
  return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Large tensors: the doc_string marker sits after the data. */
static int tensor_tail_ours(const char *path) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  char tail[256];
  off_t end = lseek(fd, 0, SEEK_END);
  ssize_t n = end > (off_t)sizeof tail ? pread(fd, tail, sizeof tail, end - (off_t)sizeof tail) : pread(fd, tail, sizeof tail, 0);
  close(fd);
  return n > 0 && memmem(tail, (size_t)n, ORTUNE_TENSOR_MARKER, strlen(ORTUNE_TENSOR_MARKER)) != NULL;
}

int ortune_out_is_ours(const char *path, ortune_out_kind kind) {
  if (kind == ORTUNE_OUT_CONFIG || kind == ORTUNE_OUT_INPLACE) return 1; /* spliced, or read and validated first */
  size_t len = strlen(path);
  if (kind == ORTUNE_OUT_TENSOR && len > 4 && !strcmp(path + len - 4, ".npy")) {
    /* a .npy header has no room for a marker (numpy refuses unknown keys): ortune's own when the .pb that
     * ortune wrote beside it, output_N.pb for output_N.npy, carries the marker */
    char pb[PATH_MAX];
    if (len - 4 + 4 >= sizeof pb) return 0;
    snprintf(pb, sizeof pb, "%.*s.pb", (int)(len - 4), path);
    return ortune_out_is_ours(pb, kind);
  }
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  char head[4097];
  ssize_t n = read(fd, head, sizeof head - 1);
  close(fd);
  if (n <= 0) return 0; /* an empty file is nobody's output: refuse it too, the user may have made it */
  head[n] = '\0';
  switch (kind) {
    case ORTUNE_OUT_RESULTS: { /* a JSON object with ortune's "ortune_version" key among its first keys */
      const char *p = head;
      while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
      return *p == '{' && strstr(p, "\"ortune_version\"") != NULL;
    }
    case ORTUNE_OUT_REPORT: return strstr(head, "<title>ortune report") != NULL && !strncmp(head, "<!DOCTYPE html>", 15);
    case ORTUNE_OUT_CSV: return !strncmp(head, ORTUNE_CSV_HEADER_START, strlen(ORTUNE_CSV_HEADER_START));
    case ORTUNE_OUT_TENSOR: return memmem(head, (size_t)n, ORTUNE_TENSOR_MARKER, strlen(ORTUNE_TENSOR_MARKER)) != NULL ||
                                   tensor_tail_ours(path);
    default: return 0;
  }
}

static int check_output(const ortune_paths *p, int i, const ident *ids, int force) {
  const char *what = p->e[i].what, *path = p->e[i].path;
  for (int k = 0; k < p->n; k++) {
    if (k == i || !same_file(&ids[i], &ids[k])) continue;
    if (k > i && p->e[k].output) continue; /* two outputs: reported once, by the later one */
    return ortune_set_error(ORTUNE_EUSAGE, "%s %s is the same file as the %s (%s): give another %s; nothing was written", what,
                            path, p->e[k].what, p->e[k].path, what);
  }
  if (!ids[i].exists) return ORTUNE_OK;
  if (!S_ISREG(ids[i].st.st_mode))
    return ortune_set_error(ORTUNE_EIO, "%s %s is %s, not a regular file: give a file path; nothing was written", what, path,
                            file_type(ids[i].st.st_mode));
  if (force || ortune_out_is_ours(path, p->e[i].kind)) return ORTUNE_OK;
  return ortune_set_error(ORTUNE_EUSAGE, "%s %s exists and is not %s: give another path, or --force to replace it; nothing was written",
                          what, path, kind_name(p->e[i].kind));
}

int ortune_paths_check(const ortune_paths *p, int force) {
  ident *ids = calloc((size_t)(p->n ? p->n : 1), sizeof *ids);
  if (!ids) return ortune_set_error(ORTUNE_ENOMEM, "check output paths: out of memory");
  for (int i = 0; i < p->n; i++) identify(p->e[i].path, &ids[i]);
  int rc = ORTUNE_OK;
  for (int i = 0; i < p->n && !rc; i++)
    if (p->e[i].output) rc = check_output(p, i, ids, force);
  for (int i = 0; i < p->n && !rc; i++)
    if (p->e[i].output) ortune_sweep_stale_temps(p->e[i].path); /* what a killed earlier run left */
  free(ids);
  return rc;
}

int ortune_out_probe(const char *path, const char *what) {
  struct stat st;
  errno = 0;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!(st.st_mode & 0222) || access(path, W_OK) != 0))
    return ortune_set_error(ORTUNE_EIO, "%s %s is %s: make it writable or give another %s; nothing was written", what, path,
                            errno == EROFS ? "on a read-only file system" : "read-only", what);
  char probe[PATH_MAX], target[PATH_MAX];
  const char *where = ortune_write_target(path, target, sizeof target) == 0 ? target : path; /* a symlink: its target */
  const char *slash = strrchr(where, '/');
  int w = slash ? snprintf(probe, sizeof probe, "%.*s/.ortune-probe.XXXXXX", (int)(slash - where), where)
                : snprintf(probe, sizeof probe, ".ortune-probe.XXXXXX");
  if (w < 0 || w >= (int)sizeof probe) return ortune_set_error(ORTUNE_EIO, "%s %s: path too long", what, path);
  int fd = mkstemp(probe);
  if (fd < 0)
    return ortune_set_error(ORTUNE_EIO, "cannot write %s %s: %s: create its directory or give another %s; nothing was written",
                            what, path, strerror(errno), what);
  close(fd);
  unlink(probe);
  return ORTUNE_OK;
}
