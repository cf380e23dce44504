/* impact.h - what each option value did, read from the trials of a tune (internal; see impact.c). */
#ifndef ORTUNE_IMPACT_H
#define ORTUNE_IMPACT_H
#include "tuner.h"

/* The results' "impact" section: per option value, the speedup of the trials that differ from another trial only
 * in that option, with an interval. */
void ortune_impact(ortune_tuner *t);
#endif
