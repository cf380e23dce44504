/* worker.c - child processes of the tuner.
 *
 * How it works: every trial, the exact reference and each session of an A/B run in `ortune _trial SPEC RESULT`,
 * a child of this process in its own process group (so a timeout kills whatever it started), with its output in
 * a log file. The child asks the kernel to kill it when the parent dies (PR_SET_PDEATHSIG), so a killed tune
 * leaves no measurements running. The parent polls: result, timeout, or a stop request (a signal).
 */
#define _GNU_SOURCE
#include "worker.h"
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int ortune_worker_spawn(const char *exe, const char *spec, const char *result, const char *log, double timeout_s,
                        volatile sig_atomic_t *stop) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return ortune_set_error(ORTUNE_EFAIL, "fork: %s", strerror(errno)), -3;
  if (pid == 0) {
    /* die with the tuner (also on its SIGKILL); it may have died between fork and prctl */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL); /* the CLI ignores it; an ignored signal would stay ignored across exec */
    setpgid(0, 0);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execl(exe, "ortune", "_trial", spec, result, (char *)NULL);
    _exit(127);
  }
  setpgid(pid, pid);
  double t0 = ortune_now();
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) return status;
    if ((stop && *stop) || ortune_now() - t0 > timeout_s) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      return stop && *stop ? -2 : -1;
    }
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

void ortune_worker_last_line(const char *path, char *buf, size_t len) {
  char *txt = NULL;
  buf[0] = '\0';
  if (ortune_read_file(path, &txt, NULL) != ORTUNE_OK) return;
  char *end = txt + strlen(txt);
  while (end > txt && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) *--end = '\0';
  char *start = strrchr(txt, '\n');
  snprintf(buf, len, "%s", start ? start + 1 : txt);
  free(txt);
}
