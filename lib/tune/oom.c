/* oom.c - tell a trial the kernel's OOM killer ended from one that crashed.
 *
 * How it works: the OOM killer ends a process with SIGKILL, which looks like any other SIGKILL from the outside.
 * The kernel counts its kills: system-wide in /proc/vmstat (oom_kill), and per memory cgroup in memory.events
 * (cgroup v2) or memory.oom_control (cgroup v1), both "oom_kill N" lines. The tuner reads the sum of these counters
 * before a trial and again after a child died of SIGKILL that ortune did not send: an increase means the kill was
 * an OOM kill, and the trial is classified "oom" (not "crash"). ORTUNE_TEST_OOM_EVENTS names a file read instead
 * of the kernel's (tests). */
#include "tune.h"
#include <stdlib.h>
#include <string.h>

/* The value of the "oom_kill N" line of path, or -1. */
static long long oom_line(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  long long v = -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "oom_kill ", 9)) v = strtoll(line + 9, NULL, 10);
  fclose(f);
  return v;
}

/* This process's memory cgroup counters (v2 memory.events, v1 memory.oom_control); -1 if none. */
static long long cgroup_kills(void) {
  FILE *f = fopen("/proc/self/cgroup", "r");
  if (!f) return -1;
  char line[1024], path[1200];
  long long sum = -1;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    long long v = -1;
    if (!strncmp(line, "0::", 3)) {
      snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.events", line + 3);
      v = oom_line(path);
    } else {
      char *m = strstr(line, ":memory:");
      if (!m) continue;
      snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.oom_control", m + 8);
      v = oom_line(path);
    }
    if (v >= 0) sum = (sum < 0 ? 0 : sum) + v;
  }
  fclose(f);
  return sum;
}

long long ortune_oom_kills(void) {
  const char *test = ortune_test_hook(ORTUNE_TEST_HOOK_OOM_EVENTS);
  if (test) return oom_line(test);
  long long a = oom_line("/proc/vmstat"), b = cgroup_kills();
  if (a < 0 && b < 0) return -1;
  return (a < 0 ? 0 : a) + (b < 0 ? 0 : b);
}
