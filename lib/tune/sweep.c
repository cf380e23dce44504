/* sweep.c - remove the work dirs of tunes that were killed before they could clean up.
 *
 * How it works: a tune makes its work dir (trial specs, results, outputs) as TMPDIR/ortune.PID.XXXXXX and removes
 * it when it ends, also on SIGINT/SIGTERM/SIGHUP. SIGKILL (or the OOM killer) leaves it behind; so each tune, before
 * it makes its own, removes every ortune.PID.XXXXXX of this user whose PID no longer runs. A dir of a live tune
 * (or of a reused PID) is left alone; names without a PID are never touched. */
#define _GNU_SOURCE
#include "tune.h"
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}

/* The PID in "ortune.PID.XXXXXX", or 0 when name is not such a work dir. */
static long workdir_pid(const char *name) {
  size_t pl = strlen(ORTUNE_WORKDIR_PREFIX);
  if (strncmp(name, ORTUNE_WORKDIR_PREFIX, pl)) return 0;
  char *end;
  errno = 0;
  long pid = strtol(name + pl, &end, 10);
  if (end == name + pl || errno || *end != '.' || strlen(end + 1) != 6) return 0;
  return pid;
}

void ortune_sweep_workdirs(const char *tmpdir) {
  DIR *d = opendir(tmpdir);
  if (!d) return;
  for (struct dirent *e; (e = readdir(d));) {
    long pid = workdir_pid(e->d_name);
    if (!pid || !ortune_pid_dead(pid)) continue;
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name) >= (int)sizeof path) continue;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) continue;
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  }
  closedir(d);
}
