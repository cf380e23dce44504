/* launch.h - the parent side of a trial: one candidate measured in a child process (internal; see launch.c). */
#ifndef ORTUNE_LAUNCH_H
#define ORTUNE_LAUNCH_H
#include "tuner.h"

/* Measure candidate c in a child (`ortune _trial`), check its outputs, and append its record to t's trials; a
 * candidate measured before (this run, or --resume's file) is not run again. Returns the trial, NULL when
 * interrupted or when it could not be started (t->last_rc says why). is_baseline: ORT's defaults, whose outputs
 * become the defaults' reference. */
ortune_trial *ortune_launch_trial(ortune_tuner *t, const ortune_candidate *c, int is_baseline);
/* Run `worker _trial spec res` for another module (the reference run of verify.c): the wait status, -1 on
 * timeout, -2 on interrupt. ctx is the ortune_tuner. */
int ortune_launch_spawn(void *ctx, const char *spec, const char *res, const char *log, double timeout);
/* Remove a directory tree (a trial's outputs, the work dir). */
void ortune_launch_rm_rf(const char *dir);
#endif
