/* fuzz_config.c - libFuzzer harness for config.yaml (lib/config.c, lib/options.c).
 *
 * Bytes -> file -> ortune_config_load. When it loads:
 *   1. ortune_config_to_yaml -> a fresh file -> load: must load and equal the first config;
 *   2. ortune_config_save over a copy of the input (the splice-writer: keeps the rest of the
 *      file, replaces the onnxruntime: section) -> load: must load and equal the first config;
 *   3. saving that reloaded config over the saved file again must not change a byte.
 * "Equal" compares every option (effective value and whether it is set; provider is always
 * written, so only its value counts), every free dimension and every provenance entry, in order.
 *   4. with profiles: each profile (up to 4), loaded by name, saved over a copy of the input, must read back
 *      equal (its match too) by name, and a second save must not change a byte; the other profiles must still
 *      list as before.
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

static int same_match(const ortune_profile_match *a, const ortune_profile_match *b) {
  return a->is_cpu == b->is_cpu && !strcmp(a->gpu, b->gpu) && !strcmp(a->cc, b->cc) && !strcmp(a->gpu_class, b->gpu_class) &&
         !strcmp(a->cpu, b->cpu) && a->cores == b->cores;
}

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

/* Load path (profile: NULL for the automatic choice, else by name), which must succeed, and compare with want. */
static void reload_equal_profile(const ortune_config *want, const char *path, const char *profile, const char *what) {
  ortune_config *got = NULL;
  if (ortune_config_load_profile(&got, path, profile) != ORTUNE_OK) {
    dump_file(what, path);
    FZ_FAIL("%s: written file does not load: %s", what, ortune_last_error());
  }
  config_equal(want, got, what);
  /* the public getters agree with the struct */
  for (int i = 0; i < ortune_noptions; i++)
    if (!same_str(ortune_config_get(got, ortune_options[i].name), ortune_config_value(got, i)))
      FZ_FAIL("%s: ortune_config_get(%s) disagrees", what, ortune_options[i].name);
  if (strcmp(what, "to_yaml") && /* to_yaml writes the profile alone, as a plain section */
      (strcmp(ortune_config_profile_name(want), ortune_config_profile_name(got)) || !same_match(&want->match, &got->match)))
    FZ_FAIL("%s: profile %s reads back as %s, or its match differs", what, ortune_config_profile_name(want),
            ortune_config_profile_name(got));
  ortune_config_release(got);
}

static void reload_equal(const ortune_config *want, const char *path, const char *what) {
  reload_equal_profile(want, path, NULL, what);
}

/* 4. Each profile of the input by name: save, read back equal, save again without a change; the list is kept. */
static void each_profile(const uint8_t *data, size_t size) {
  ortune_profile_entry *e = NULL, *e2 = NULL;
  int n = 0, def = 0, n2 = 0, def2 = 0;
  fz_write(p_in, data, size);
  if (ortune_config_list_profiles(p_in, &e, &n, &def) != ORTUNE_OK) FZ_FAIL("the file loads but its profiles do not list: %s",
                                                                            ortune_last_error());
  for (int i = 0; i < n && i < 4; i++) {
    ortune_config *c = NULL;
    fz_write(p_in, data, size);
    if (ortune_config_load_profile(&c, p_in, e[i].name) != ORTUNE_OK)
      FZ_FAIL("profile %s is listed but does not load: %s", e[i].name, ortune_last_error());
    if (ortune_config_save(c, p_in) == ORTUNE_OK) {
      reload_equal_profile(c, p_in, e[i].name, "save profile");
      if (ortune_config_list_profiles(p_in, &e2, &n2, &def2) != ORTUNE_OK || n2 != n || def2 != def)
        FZ_FAIL("after saving profile %s: %d profiles (default %d), was %d (%d)", e[i].name, n2, def2, n, def);
      for (int k = 0; k < n; k++)
        if (strcmp(e[k].name, e2[k].name) || !same_match(&e[k].match, &e2[k].match))
          FZ_FAIL("after saving profile %s: profile %d '%s' became '%s'", e[i].name, k, e[k].name, e2[k].name);
      free(e2);
      e2 = NULL;
      char *before = NULL, *after = NULL;
      size_t nb = 0, na = 0;
      if (ortune_read_file(p_in, &before, &nb)) FZ_FAIL("re-read: %s", ortune_last_error());
      if (ortune_config_save(c, p_in) != ORTUNE_OK) FZ_FAIL("second save of profile %s failed: %s", e[i].name, ortune_last_error());
      if (ortune_read_file(p_in, &after, &na)) FZ_FAIL("re-read: %s", ortune_last_error());
      if (nb != na || memcmp(before, after, nb)) FZ_FAIL("saving profile %s twice changed the file", e[i].name);
      free(before);
      free(after);
    } else if (!*ortune_last_error()) {
      FZ_FAIL("save of profile %s failed without a message", e[i].name);
    }
    ortune_config_release(c);
  }
  free(e);
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
  each_profile(data, size);
  return 0;
}
