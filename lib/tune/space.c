/* space.c - search spaces: the seed guide's 14 combinations, and the named spaces, read from the option table's spaces
 * column (options.c): a space searches the options whose row carries its bit, over the row's tune_values. */
#include "tune.h"
#include <stdlib.h>
#include <string.h>

int ortune_candidates_add(ortune_candidates *c, const char *name, const char *stage, const ortune_config *cfg) {
  if (c->n == c->cap) {
    int cap = c->cap ? c->cap * 2 : 32;
    ortune_candidate *v = realloc(c->v, sizeof *v * (size_t)cap);
    if (!v) return ortune_set_error(ORTUNE_ENOMEM, "out of memory");
    c->v = v;
    c->cap = cap;
  }
  ortune_candidate *x = &c->v[c->n];
  snprintf(x->name, sizeof x->name, "%s", name);
  snprintf(x->stage, sizeof x->stage, "%s", stage);
  int rc = ortune_config_clone(cfg, &x->cfg);
  if (!rc) c->n++;
  return rc;
}

void ortune_candidates_free(ortune_candidates *c) {
  for (int i = 0; i < c->n; i++) ortune_config_release(c->v[i].cfg);
  free(c->v);
  memset(c, 0, sizeof *c);
}

/* The seed's three base configurations (its "base_configs"). */
static const struct {
  const char *name, *algo, *copy_default, *max_ws, *tunable;
} seed_bases[] = {
  {"HEURISTIC_OPTIMIZED", "HEURISTIC", "0", "1", "1"},
  {"EXHAUSTIVE_BASELINE", "EXHAUSTIVE", "0", "1", "0"},
  {"DEFAULT_CONSERVATIVE", "DEFAULT", "1", "0", "0"},
};
static const int seed_mem_gb[] = {4, 8, 16, 21};
#define SEED_CARD_GB 24.0 /* the seed measured on a 24 GB RTX A5000 */

static int set_gb(ortune_config *c, double gb, uint64_t gpu_total) {
  char v[32];
  if (gpu_total) gb = gb / SEED_CARD_GB * ((double)gpu_total / 1073741824.0);
  snprintf(v, sizeof v, "%.6g", gb);
  return ortune_config_set(c, "gpu_mem_limit_gb", v);
}

int ortune_space_seed14(const ortune_config *base, uint64_t gpu_total, ortune_candidates *out) {
  ortune_config *c = NULL;
  int rc = ORTUNE_OK;
  char name[160];
  for (int b = 0; b < 3; b++)
    for (int m = 0; m < 4; m++) {
      if ((rc = ortune_config_clone(base, &c))) return rc;
      rc = ortune_config_set(c, "cudnn_conv_algo_search", seed_bases[b].algo);
      if (!rc) rc = ortune_config_set(c, "do_copy_in_default_stream", seed_bases[b].copy_default);
      if (!rc) rc = ortune_config_set(c, "cudnn_conv_use_max_workspace", seed_bases[b].max_ws);
      if (!rc) rc = ortune_config_set(c, "tunable_op_enable", seed_bases[b].tunable);
      if (!rc) rc = ortune_config_set(c, "execution_mode", "ORT_SEQUENTIAL");
      if (!rc) rc = set_gb(c, seed_mem_gb[m], gpu_total);
      snprintf(name, sizeof name, "%s_%dGB", seed_bases[b].name, seed_mem_gb[m]);
      if (!rc) rc = ortune_candidates_add(out, name, "seed14", c);
      ortune_config_release(c);
      if (rc) return rc;
    }
  /* experiment 13: parallel execution */
  if ((rc = ortune_config_clone(base, &c))) return rc;
  rc = ortune_config_set(c, "cudnn_conv_algo_search", "HEURISTIC");
  if (!rc) rc = ortune_config_set(c, "execution_mode", "ORT_PARALLEL");
  if (!rc) rc = set_gb(c, 21, gpu_total);
  if (!rc) rc = ortune_config_set(c, "enable_cpu_mem_arena", "0");
  if (!rc) rc = ortune_candidates_add(out, "EXPERIMENT_13_PARALLEL", "seed14", c);
  ortune_config_release(c);
  if (rc) return rc;
  /* experiment 14: memory saving */
  if ((rc = ortune_config_clone(base, &c))) return rc;
  rc = ortune_config_set(c, "cudnn_conv_algo_search", "HEURISTIC");
  if (!rc) rc = set_gb(c, 4, gpu_total);
  if (!rc) rc = ortune_config_set(c, "do_copy_in_default_stream", "1");
  if (!rc) rc = ortune_config_set(c, "cudnn_conv_use_max_workspace", "0");
  if (!rc) rc = ortune_candidates_add(out, "EXPERIMENT_14_MEMORY_SAVING", "seed14", c);
  ortune_config_release(c);
  return rc;
}

/* The named spaces and their bit in the option table's spaces column (seed14 is its own fixed list: no bit). */
static const struct {
  const char *name;
  unsigned bit;
} spaces[] = {
  {"seed14", 0}, {"cpu", ORTUNE_SPACE_CPU}, {"cuda", ORTUNE_SPACE_CUDA}, {"cuda-core", ORTUNE_SPACE_CUDA_CORE},
  {"full", ORTUNE_SPACE_FULL}, {"startup", ORTUNE_SPACE_STARTUP},
};

static int space_find(const char *name) {
  for (int i = 0; i < (int)(sizeof spaces / sizeof spaces[0]); i++)
    if (!strcmp(name, spaces[i].name)) return i;
  return -1;
}

int ortune_space_valid(const char *name) { return space_find(name) >= 0; }

int ortune_space_has(const char *space, int idx) {
  int s = space_find(space);
  const ortune_option *o = &ortune_options[idx];
  return s >= 0 && o->tune_values && (o->spaces & spaces[s].bit) != 0;
}

int ortune_space_values(int idx, char vals[][48], int max) {
  const ortune_option *o = &ortune_options[idx];
  int n = 0;
  if (!o->tune_values) return 0;
  if (!strcmp(o->tune_values, "bisect")) { /* threads: 0 (ORT's choice), 1 and all cores; tune bisects between */
    int cores = ortune_cpu_count();
    snprintf(vals[n++], 48, "0");
    snprintf(vals[n++], 48, "1");
    if (cores > 1 && n < max) snprintf(vals[n++], 48, "%d", cores);
    return n;
  }
  for (const char *p = o->tune_values; *p && n < max;) {
    size_t len = strcspn(p, "|");
    snprintf(vals[n++], 48, "%.*s", (int)len, p);
    p += len + (p[len] == '|');
  }
  return n;
}

int ortune_merge_user_options(const ortune_config *user, const char *space, int search_set, ortune_config *base, char *note,
                              size_t notelen) {
  size_t k = 0;
  note[0] = '\0';
  for (int i = 0; i < ortune_noptions; i++) {
    if (!user->value[i]) continue;
    if (ortune_space_has(space, i)) {
      if (search_set) continue; /* the user asked to search it: the search starts from ORT's default */
      if (k < notelen)
        k += (size_t)snprintf(note + k, notelen - k, "%s%s=%s", k ? ", " : "", ortune_options[i].name, user->value[i]);
    }
    int rc = ortune_config_set(base, ortune_options[i].name, user->value[i]);
    if (rc) return rc;
  }
  base->nfree = user->nfree;
  memcpy(base->freedim, user->freedim, sizeof base->freedim);
  return ORTUNE_OK;
}

int ortune_space_searches(const char *space, const ortune_config *base, int idx) {
  /* a CUDA EP option does nothing on the CPU (the startup space holds both kinds) */
  if (ortune_options[idx].scope == ORTUNE_SCOPE_CUDA && base && strcmp(ortune_config_get(base, "provider"), "cuda")) return 0;
  return ortune_space_has(space, idx) && !(base && base->value[idx]);
}

int ortune_apply_pinned(const ortune_config *base, ortune_config *c) {
  for (int i = 0; i < ortune_noptions; i++) {
    int rc = base->value[i] ? ortune_config_set(c, ortune_options[i].name, base->value[i]) : ORTUNE_OK;
    if (rc) return rc;
  }
  return ORTUNE_OK;
}
