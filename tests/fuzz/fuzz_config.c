/* fuzz_config.c - libFuzzer harness for config.yaml (lib/config.c, lib/options.c).
 *
 * Bytes -> file -> ortune_config_load. When it loads:
 *   1. ortune_config_to_yaml -> a fresh file -> load: must load and equal the first config;
 *   2. ortune_config_save over a copy of the input (the splice-writer: keeps the rest of the
 *      file, replaces the onnxruntime: section) -> load: must load and equal the first config;
 *   3. saving that reloaded config over the saved file again must not change a byte.
 * "Equal" compares every option (effective value and whether it is set; provider is always
 * written, so only its value counts), every free dimension and every provenance entry, in order.
 * A save may refuse a file it cannot rewrite (section not in column 1, anchors used elsewhere,
 * ...): that is an error return, not a finding. Any broken invariant abort()s. */
#include "fuzz_util.h"
#include "internal.h"

static const char *p_in, *p_fresh;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fz_init("config");
  p_in = fz_path("in.yaml");
  p_fresh = fz_path("fresh.yaml");
  return 0;
}

static int same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

static void dump_file(const char *label, const char *path) {
  char *t = NULL;
  size_t n = 0;
  if (ortune_read_file(path, &t, &n) == ORTUNE_OK) fprintf(stderr, "---- %s (%zu bytes) ----\n%s\n---- end ----\n", label, n, t);
  free(t);
}

static void config_equal(const ortune_config *a, const ortune_config *b, const char *what) {
  int prov = ortune_option_index("provider");
  for (int i = 0; i < ortune_noptions; i++) {
    const char *va = ortune_config_value(a, i), *vb = ortune_config_value(b, i);
    if (!same_str(va, vb))
      FZ_FAIL("%s: option %s was '%s', reads back as '%s'", what, ortune_options[i].name, va ? va : "(null)", vb ? vb : "(null)");
    if (i != prov && !a->value[i] != !b->value[i])
      FZ_FAIL("%s: option %s was %s, reads back %s", what, ortune_options[i].name, a->value[i] ? "set" : "unset",
              b->value[i] ? "set" : "unset");
  }
  if (a->nfree != b->nfree) FZ_FAIL("%s: %d free dimensions, reads back %d", what, a->nfree, b->nfree);
  for (int i = 0; i < a->nfree; i++)
    if (strcmp(a->freedim[i].name, b->freedim[i].name) || a->freedim[i].value != b->freedim[i].value)
      FZ_FAIL("%s: free dimension %d '%s'=%lld reads back as '%s'=%lld", what, i, a->freedim[i].name,
              (long long)a->freedim[i].value, b->freedim[i].name, (long long)b->freedim[i].value);
  if (a->nprov != b->nprov) FZ_FAIL("%s: %d provenance keys, reads back %d", what, a->nprov, b->nprov);
  for (int i = 0; i < a->nprov; i++)
    if (strcmp(a->prov[i].key, b->prov[i].key) || !same_str(a->prov[i].value, b->prov[i].value))
      FZ_FAIL("%s: provenance %d '%s: %s' reads back as '%s: %s'", what, i, a->prov[i].key,
              a->prov[i].value ? a->prov[i].value : "(null)", b->prov[i].key, b->prov[i].value ? b->prov[i].value : "(null)");
}

/* Load path, which must succeed, and compare with want. */
static void reload_equal(const ortune_config *want, const char *path, const char *what) {
  ortune_config *got = NULL;
  if (ortune_config_load(&got, path) != ORTUNE_OK) {
    dump_file(what, path);
    FZ_FAIL("%s: written file does not load: %s", what, ortune_last_error());
  }
  config_equal(want, got, what);
  /* the public getters agree with the struct */
  for (int i = 0; i < ortune_noptions; i++)
    if (!same_str(ortune_config_get(got, ortune_options[i].name), ortune_config_value(got, i)))
      FZ_FAIL("%s: ortune_config_get(%s) disagrees", what, ortune_options[i].name);
  ortune_config_release(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  fz_write(p_in, data, size);
  ortune_config *cfg = NULL;
  if (ortune_config_load(&cfg, p_in) != ORTUNE_OK) {
    if (cfg) FZ_FAIL("load failed but returned a config");
    if (!*ortune_last_error()) FZ_FAIL("load failed without a message");
    return 0;
  }

  /* 1. the section alone */
  char *yaml = ortune_config_to_yaml(cfg);
  if (!yaml) FZ_FAIL("ortune_config_to_yaml returned NULL");
  fz_write(p_fresh, yaml, strlen(yaml));
  free(yaml);
  reload_equal(cfg, p_fresh, "to_yaml");

  /* a clone is equal, and frees cleanly */
  ortune_config *copy = NULL;
  if (ortune_config_clone(cfg, &copy) != ORTUNE_OK) FZ_FAIL("clone failed: %s", ortune_last_error());
  config_equal(cfg, copy, "clone");
  ortune_config_release(copy);

  /* 2. spliced into the user's file (in.yaml holds the input bytes) */
  if (ortune_config_save(cfg, p_in) == ORTUNE_OK) {
    reload_equal(cfg, p_in, "save");
    /* 3. idempotent: saving what was read back changes nothing */
    char *before = NULL, *after = NULL;
    size_t nb = 0, na = 0;
    ortune_config *again = NULL;
    if (ortune_read_file(p_in, &before, &nb) || ortune_config_load(&again, p_in)) FZ_FAIL("re-read: %s", ortune_last_error());
    if (ortune_config_save(again, p_in) != ORTUNE_OK) {
      dump_file("saved once", p_in);
      FZ_FAIL("second save of a file ortune wrote failed: %s", ortune_last_error());
    }
    if (ortune_read_file(p_in, &after, &na)) FZ_FAIL("re-read: %s", ortune_last_error());
    if (nb != na || memcmp(before, after, nb)) {
      fprintf(stderr, "---- first save ----\n%s\n---- second save ----\n%s\n", before, after);
      FZ_FAIL("saving the same config twice changed the file");
    }
    free(before);
    free(after);
    ortune_config_release(again);
  } else if (!*ortune_last_error()) {
    FZ_FAIL("save failed without a message");
  }
  ortune_config_release(cfg);
  return 0;
}
