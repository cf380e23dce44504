/* cmd_merge.c - `ortune merge A.yaml B.yaml ... --output config.yaml`: one config with the profiles tuned on several machines.
 *
 * How it works: each input gives entries. A file with `profiles:` gives each profile (and its default, if it has
 * top-level keys); a single-profile file written by `ortune tune` becomes one profile named after the machine its
 * provenance names (gpu, gpu_detail, cpu, host), and a hand-written section without provenance is a default. Then
 * the checks, before anything is written: every entry must come from the same model (provenance model_sha256), no
 * two files may hold the same machine (unless --prefer-newer: the later provenance date wins), at most one file may
 * bring a default. The output starts as the first input's text (its profiles kept byte for byte; a single-profile
 * first input loses its section, which comes back as a profile) and every other entry is spliced in with the same
 * writer `ortune tune` uses, each step re-read before the next; the file is written once, atomically. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  cli_common common;
  const char *output;
  int prefer_newer;
} merge_opts;

static const cli_opt merge_table[] = {
  OPT_STR("output", merge_opts, output, "FILE", "the merged config to write (also -o FILE); may be one of the inputs"),
  OPT_FLAG("prefer-newer", merge_opts, prefer_newer, "when two files hold the same machine, keep the later-tuned one"),
  {0},
};

typedef struct {
  const char *file;
  int in_text;             /* already in the output's starting text (the first input's profiles and default) */
  int is_default;          /* the section's top-level keys */
  int dropped;             /* --prefer-newer kept another one */
  ortune_config *cfg;      /* profile and match set for profiles */
} entry;

typedef struct {
  entry *v;
  int n, cap;
  int drop_first_section;  /* the first input is a single-profile file turned into a profile */
} entries;

static int add(entries *es, const char *file, int in_text, ortune_config *cfg, int is_default) {
  if (es->n == es->cap) {
    int cap = es->cap ? es->cap * 2 : 16;
    entry *v = realloc(es->v, (size_t)cap * sizeof *v);
    if (!v) {
      ortune_config_release(cfg);
      return ortune_set_error(ORTUNE_ENOMEM, "merge: out of memory");
    }
    es->v = v, es->cap = cap;
  }
  es->v[es->n++] = (entry){file, in_text, is_default, 0, cfg};
  return ORTUNE_OK;
}

static const char *label(const entry *e, char *buf, size_t len) {
  snprintf(buf, len, "%s (%s)", e->file, e->is_default ? "default" : e->cfg->profile);
  return buf;
}

/* The entries of one input file. */
static int read_input(entries *es, const char *path, int first) {
  ortune_profile_entry *pe = NULL;
  int n = 0, def = 0, rc = ortune_config_list_profiles(path, &pe, &n, &def);
  if (rc) return rc;
  ortune_config *c = NULL;
  for (int i = 0; !rc && i < n; i++)
    if (!(rc = ortune_config_load_profile(&c, path, pe[i].name))) rc = add(es, path, first, c, 0);
  free(pe);
  if (rc) return rc;
  if (!n && !def) return ortune_set_error(ORTUNE_ECONFIG, "merge: %s has no onnxruntime: section: nothing to merge from it", path);
  if (!def) return ORTUNE_OK;
  if ((rc = ortune_config_load_profile(&c, path, "default"))) return rc;
  if (!n && ortune_match_from_provenance(c, &c->match)) { /* a tuned single-profile file: its machine's profile */
    ortune_profile_auto_name(&c->match, c->profile, sizeof c->profile);
    if (first) es->drop_first_section = 1;
    return add(es, path, 0, c, 0);
  }
  return add(es, path, first, c, 1);
}

/* Same model everywhere; one default at most; each machine once (or the newer with --prefer-newer). */
static int check(entries *es, int prefer_newer) {
  const entry *sha = NULL, *def = NULL;
  char a[600], b[600];
  for (int i = 0; i < es->n; i++) {
    entry *e = &es->v[i];
    const char *s = ortune_config_provenance(e->cfg, "model_sha256");
    if (s && *s && sha && strcmp(s, ortune_config_provenance(sha->cfg, "model_sha256")))
      return ortune_set_error(ORTUNE_ECONFIG, "merge: %s was tuned for model sha256 %.12s... but %s for %.12s...: merge configs "
                              "of one model only", label(sha, a, sizeof a), ortune_config_provenance(sha->cfg, "model_sha256"),
                              label(e, b, sizeof b), s);
    if (s && *s && !sha) sha = e;
    if (e->is_default && def && strcmp(def->file, e->file))
      return ortune_set_error(ORTUNE_ECONFIG, "merge: %s and %s both have a default (top-level keys): keep it in one file",
                              def->file, e->file);
    if (e->is_default) def = e;
  }
  for (int i = 0; i < es->n; i++)
    for (int j = i + 1; j < es->n; j++) {
      entry *x = &es->v[i], *y = &es->v[j];
      if (x->dropped || y->dropped || x->is_default || y->is_default || !strcmp(x->file, y->file) ||
          !ortune_match_same_machine(&x->cfg->match, &y->cfg->match))
        continue;
      char m[400];
      ortune_match_describe(&x->cfg->match, m, sizeof m);
      if (!prefer_newer)
        return ortune_set_error(ORTUNE_ECONFIG, "merge: %s and %s were both tuned on %s: keep one of them, or pass "
                                "--prefer-newer to keep the later-tuned", label(x, a, sizeof a), label(y, b, sizeof b), m);
      const char *dx = ortune_config_provenance(x->cfg, "date"), *dy = ortune_config_provenance(y->cfg, "date");
      int keep_y = strcmp(dy ? dy : "", dx ? dx : "") >= 0;
      entry *keep = keep_y ? y : x, *drop = keep_y ? x : y;
      fprintf(stderr, "ortune: merge: %s (%s) replaces %s (%s), both tuned on %s\n", label(keep, a, sizeof a),
              ortune_config_provenance(keep->cfg, "date") ? ortune_config_provenance(keep->cfg, "date") : "no date",
              label(drop, b, sizeof b),
              ortune_config_provenance(drop->cfg, "date") ? ortune_config_provenance(drop->cfg, "date") : "no date", m);
      drop->dropped = 1;
      if (drop->in_text) /* it is in the output's text: the newer one takes its place (and name) */
        snprintf(keep->cfg->profile, sizeof keep->cfg->profile, "%s", drop->cfg->profile);
    }
  return ORTUNE_OK;
}

/* Rename e (to be spliced in) when a profile already in the output, or spliced before it, has its name. */
static void unique_name(entries *es, entry *e) {
  char base[ORTUNE_PROFILE_NAME];
  snprintf(base, sizeof base, "%s", e->cfg->profile);
  for (int k = 2, i = 0; i < es->n; i++) {
    entry *o = &es->v[i];
    if (o == e || o->dropped || o->is_default || (!o->in_text && o > e) || strcmp(o->cfg->profile, e->cfg->profile)) continue;
    snprintf(e->cfg->profile, sizeof e->cfg->profile, "%.50s-%d", base, k++);
    i = -1;
  }
}

/* The merged text: the first input's, then every other kept entry spliced in. */
static int build(entries *es, const char *first_path, const char *out, char **text) {
  size_t len;
  int rc = ortune_read_file(first_path, text, &len);
  if (rc) return rc;
  if (es->drop_first_section) {
    char *next = NULL;
    rc = ortune_config_drop_section_text(first_path, *text, len, &next);
    free(*text);
    *text = next;
    if (rc) return rc;
  }
  for (int i = 0; i < es->n; i++) {
    entry *e = &es->v[i];
    if (e->dropped || e->in_text) continue;
    if (!e->is_default) unique_name(es, e);
    char *next = NULL;
    rc = ortune_config_splice_text(e->cfg, out, *text, strlen(*text), &next);
    free(*text);
    *text = next;
    if (rc) return rc;
  }
  return ORTUNE_OK;
}

static int merge_run(void *vo, int argc, char **argv) {
  merge_opts *o = vo;
  int n = 0;
  for (int i = 0; i < argc; i++) { /* -o FILE, as well as --output */
    if (!strcmp(argv[i], "-o") && i + 1 < argc) o->output = argv[++i];
    else argv[n++] = argv[i];
  }
  if (n < 1 || !o->output) {
    ortune_set_error(ORTUNE_EUSAGE, "merge: give the configs to merge and where to write them: ortune merge A.yaml B.yaml -o "
                     "config.yaml");
    return cli_fail(ORTUNE_EUSAGE);
  }
  entries es = {0};
  char *text = NULL;
  int rc = ORTUNE_OK;
  for (int i = 0; !rc && i < n; i++) rc = read_input(&es, argv[i], i == 0);
  if (!rc) rc = check(&es, o->prefer_newer);
  if (!rc) rc = build(&es, argv[0], o->output, &text);
  if (!rc) rc = ortune_write_atomic(o->output, text, strlen(text));
  if (!rc) {
    int k = 0;
    for (int i = 0; i < es.n; i++) k += !es.v[i].dropped && !es.v[i].is_default;
    printf("wrote %s: %d profiles", o->output, k);
    for (int i = 0, s = 0; i < es.n; i++)
      if (!es.v[i].dropped && !es.v[i].is_default) printf("%s %s (%s)", s++ ? "," : ":", es.v[i].cfg->profile, es.v[i].file);
    printf("\n");
  }
  for (int i = 0; i < es.n; i++) ortune_config_release(es.v[i].cfg);
  free(es.v);
  free(text);
  return rc ? cli_fail(rc) : 0;
}

const cli_cmd cmd_merge = {"merge", "CONFIG.yaml...", "combine configs tuned on different machines into one config with a profile each",
                           merge_table, sizeof(merge_opts), merge_run, 0};
