/* main.c - the ortune process: standard fds and signals made safe before anything runs, the command line handed to
 * cli_main (cli.c: the subcommand tables), and stdout checked at exit. Kept apart so that the unit tests
 * (tests/test_cli.c) link every other CLI source without a second main. */
#include "cli.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- process-wide safety: standard fds, signals, stdout errors ---------------------------------------- */

/* SIGINT/SIGTERM/SIGHUP outside a tune (whose own handlers stop its trials and keep its results): remove the
 * temp file of a write in progress, then die of the signal as before (the shell sees 128 + signal). */
static void on_fatal_signal(int sig) {
  ortune_write_atomic_abort();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* A closed fd 0/1/2 would be handed to the next open(): the model or a temp file would then receive printf's
 * output. Each closed one is opened on /dev/null; a closed stdout is an error (ortune's output would be lost).
 * Returns 0, or the exit code after printing one line. */
static int setup_process(void) {
  int closed[3];
  for (int fd = 0; fd < 3; fd++) {
    closed[fd] = fcntl(fd, F_GETFD) < 0 && errno == EBADF;
    if (closed[fd]) {
      int n = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
      if (n >= 0 && n != fd) { dup2(n, fd); close(n); }
    }
  }
  signal(SIGPIPE, SIG_IGN); /* a closed pipe is an EPIPE write error, reported at exit (cli_finish) */
  struct sigaction sa = {0};
  sa.sa_handler = on_fatal_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  if (closed[1]) {
    fprintf(stderr, "ortune: stdout is closed: give ortune somewhere to write (>/dev/null to discard its output)\n");
    return ORTUNE_EIO;
  }
  return 0;
}

/* Flush stdout: a reader that went away (EPIPE: `ortune tune ... | head -2`) or a full disk is one line and
 * ORTUNE_EIO, never a silent 0 nor death by SIGPIPE (141). An earlier error's code wins. */
static int cli_finish(int rc) {
  /* fflush, not fclose: ORT's threads may still exist while the process exits */
  errno = 0;
  int bad = fflush(stdout) != 0 || ferror(stdout);
  int err = errno ? errno : EIO;
  if (!bad) return rc;
  if (err == EPIPE) fprintf(stderr, "ortune: stdout: the reader went away (broken pipe): output cut short\n");
  else fprintf(stderr, "ortune: stdout: %s: output lost\n", strerror(err));
  return rc ? rc : ORTUNE_EIO;
}

int main(int argc, char **argv) {
  int rc = setup_process();
  if (rc) return rc;
  return cli_finish(cli_main(argc, argv));
}
