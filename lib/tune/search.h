/* search.h - the search strategies: which candidates a tune measures, in which order (internal; see search.c). */
#ifndef ORTUNE_SEARCH_H
#define ORTUNE_SEARCH_H
#include "tuner.h"

typedef struct {
  const char *name;
  int (*run)(ortune_tuner *t); /* measures candidates through ortune_launch_trial; ORTUNE_EINTR when interrupted */
  int user;                    /* chosen with --strategy (else by the space: seed14) */
} ortune_strategy;

/* The strategy of that name (staged, grid, seed14), NULL when none. */
const ortune_strategy *ortune_strategy_find(const char *name);
/* --accuracy: the float16 model with the defaults' options and with the best float32 candidate's. */
int ortune_search_fp16(ortune_tuner *t);
#endif
