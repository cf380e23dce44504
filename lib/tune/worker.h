/* worker.h - child processes of the tuner: `ortune _trial SPEC RESULT` with a log, a timeout and a stop flag. */
#ifndef ORTUNE_WORKER_H
#define ORTUNE_WORKER_H
#include <signal.h>
#include <stddef.h>

/* Run exe `_trial spec result` in its own process group, stdout/stderr to log; the child dies with the parent.
 * Returns the wait status, -1 on timeout (killed), -2 when *stop became set (killed), -3 when fork failed. */
int ortune_worker_spawn(const char *exe, const char *spec, const char *result, const char *log, double timeout_s,
                        volatile sig_atomic_t *stop);
/* The last non-empty line of a file (a child's log), for "why" messages. */
void ortune_worker_last_line(const char *path, char *buf, size_t len);
#endif
