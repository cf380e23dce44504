/* winner.h - what a tune leaves behind: the winner's config with its provenance, and the machine's facts
 * (internal; see winner.c). */
#ifndef ORTUNE_WINNER_H
#define ORTUNE_WINNER_H
#include "final.h"

/* The machine a tune runs on (cfg: its provider and device_id choose the GPU). */
void ortune_machine_detect(const ortune_config *cfg, ortune_machine *m);
/* The base with the winner's options (or the defaults kept) and its provenance, spliced into o->config_path. */
int ortune_winner_write(const ortune_tuner *t, const ortune_final *f);
#endif
