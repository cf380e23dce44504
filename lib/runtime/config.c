/* config.c - the `onnxruntime:` section of config.yaml: load with libyaml, validate, splice-write atomically. */
#include "internal.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#define SECTION "onnxruntime"

int ortune_config_new(ortune_config **out) {
  *out = calloc(1, sizeof **out);
  return *out ? ORTUNE_OK : ortune_set_error(ORTUNE_ENOMEM, "config: out of memory");
}

void ortune_config_release(ortune_config *cfg) {
  if (!cfg) return;
  for (int i = 0; i < 64; i++) free(cfg->value[i]);
  for (int i = 0; i < cfg->nprov; i++) free(cfg->prov[i].value);
  free(cfg);
}

int ortune_config_clone(const ortune_config *cfg, ortune_config **out) {
  int rc = ortune_config_new(out);
  if (rc) return rc;
  **out = *cfg;
  for (int i = 0; i < 64; i++) (*out)->value[i] = ortune_strdup(cfg->value[i]);
  for (int i = 0; i < cfg->nprov; i++) (*out)->prov[i].value = ortune_strdup(cfg->prov[i].value);
  return ORTUNE_OK;
}

const char *ortune_config_value(const ortune_config *cfg, int idx) {
  if (idx < 0 || idx >= ortune_noptions) return NULL;
  return cfg && cfg->value[idx] ? cfg->value[idx] : ortune_options[idx].def;
}

const char *ortune_config_get(const ortune_config *cfg, const char *key) {
  return ortune_config_value(cfg, ortune_option_index(key));
}

int ortune_config_is_set(const ortune_config *cfg, const char *key) {
  int i = ortune_option_index(key);
  return i >= 0 && cfg->value[i] != NULL;
}

static int set_freedim(ortune_config *cfg, const char *name, const char *value) {
  char *end;
  errno = 0;
  long long v = strtoll(value, &end, 10);
  if (end == value || *end || errno || v < 1)
    return ortune_set_error(ORTUNE_EVALUE, "free_dimension_overrides.%s: '%s' is not a positive whole number", name, value);
  int i;
  for (i = 0; i < cfg->nfree; i++)
    if (!strcmp(cfg->freedim[i].name, name)) break;
  if (i == cfg->nfree) {
    if (cfg->nfree == ORTUNE_MAX_FREEDIMS || strlen(name) >= sizeof cfg->freedim[0].name)
      return ortune_set_error(ORTUNE_EVALUE, "free_dimension_overrides: too many or too long names (at most %d)",
                              ORTUNE_MAX_FREEDIMS);
    snprintf(cfg->freedim[cfg->nfree++].name, sizeof cfg->freedim[0].name, "%s", name);
  }
  cfg->freedim[i].value = v;
  return ORTUNE_OK;
}

int ortune_config_set(ortune_config *cfg, const char *key, const char *value) {
  char norm[1024]; /* model_override: a path */
  if (!strncmp(key, "free_dimension_overrides.", 25)) return set_freedim(cfg, key + 25, value);
  if (!strcmp(key, "gpu_mem_limit_gb")) { /* the seed's spelling: GiB */
    char *end;
    errno = 0;
    double gb = strtod(value, &end);
    if (end == value || *end || errno || !(gb > 0) || gb > 1e6) /* !(gb > 0): also refuses "nan" */
      return ortune_set_error(ORTUNE_EVALUE, "gpu_mem_limit_gb: '%s' is not a positive number of GiB", value);
    snprintf(norm, sizeof norm, "%.0f", gb * 1073741824.0);
    return ortune_config_set(cfg, "gpu_mem_limit", norm);
  }
  int idx = ortune_option_index(key);
  if (idx < 0)
    return ortune_set_error(ORTUNE_EKEY, "unknown option '%s': did you mean '%s'? (`ortune explain` lists them all)", key,
                            ortune_option_closest(key));
  int rc = ortune_option_check(&ortune_options[idx], value, norm, sizeof norm);
  if (rc) return rc;
  free(cfg->value[idx]);
  cfg->value[idx] = ortune_strdup(norm);
  return cfg->value[idx] ? ORTUNE_OK : ortune_set_error(ORTUNE_ENOMEM, "config: out of memory");
}

const char *ortune_config_provenance(const ortune_config *cfg, const char *key) {
  for (int i = 0; i < cfg->nprov; i++)
    if (!strcmp(cfg->prov[i].key, key)) return cfg->prov[i].value;
  return NULL;
}

int ortune_config_set_provenance(ortune_config *cfg, const char *key, const char *value) {
  int i;
  for (i = 0; i < cfg->nprov; i++)
    if (!strcmp(cfg->prov[i].key, key)) break;
  if (i == cfg->nprov) {
    if (cfg->nprov == ORTUNE_MAX_PROV || strlen(key) >= sizeof cfg->prov[0].key)
      return ortune_set_error(ORTUNE_EVALUE, "provenance: too many keys or key '%s' too long", key);
    snprintf(cfg->prov[cfg->nprov++].key, sizeof cfg->prov[0].key, "%s", key);
  }
  free(cfg->prov[i].value);
  cfg->prov[i].value = ortune_strdup(value ? value : "");
  return ORTUNE_OK;
}

/* ---- loading ---------------------------------------------------------------- */

typedef struct {
  yaml_document_t doc;
  int loaded;
} ydoc;

/* Refuse nesting deeper than ORTUNE_YAML_MAX_DEPTH before libyaml builds the document: its scanner keeps one
 * possible simple key per flow level and rescans them all for every token, so a million '[' took minutes.
 * Events are pulled one at a time and the pass stops at the first level too deep (or at a syntax error, which
 * yaml_parser_load then reports with its position). */
#define ORTUNE_YAML_MAX_DEPTH 64
static int check_depth(const char *path, const char *text, size_t len) {
  yaml_parser_t p;
  yaml_event_t ev;
  if (!yaml_parser_initialize(&p)) return ortune_set_error(ORTUNE_ENOMEM, "yaml: out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int depth = 0, rc = ORTUNE_OK;
  while (yaml_parser_parse(&p, &ev)) {
    yaml_event_type_t t = ev.type;
    size_t line = ev.start_mark.line + 1;
    yaml_event_delete(&ev);
    if (t == YAML_STREAM_END_EVENT) break;
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) depth++;
    if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) depth--;
    if (depth > ORTUNE_YAML_MAX_DEPTH) {
      rc = ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: yaml nested deeper than %d levels: flatten the file (ortune reads at most %d)",
                            path, line, ORTUNE_YAML_MAX_DEPTH, ORTUNE_YAML_MAX_DEPTH);
      break;
    }
  }
  yaml_parser_delete(&p);
  return rc;
}

static int yaml_load(const char *path, const char *text, size_t len, ydoc *d) {
  yaml_parser_t p;
  memset(d, 0, sizeof *d);
  int drc = check_depth(path, text, len);
  if (drc) return drc;
  if (!yaml_parser_initialize(&p)) return ortune_set_error(ORTUNE_ENOMEM, "yaml: out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  if (!yaml_parser_load(&p, &d->doc)) {
    int rc = ortune_set_error(ORTUNE_ECONFIG, "%s:%zu:%zu: malformed yaml: %s%s%s: fix the file or move it away", path,
                              p.problem_mark.line + 1, p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
                              p.context ? " " : "", p.context ? p.context : "");
    yaml_parser_delete(&p);
    return rc;
  }
  d->loaded = 1;
  /* a second document is refused: ortune would not know which one to keep */
  yaml_document_t extra;
  if (yaml_parser_load(&p, &extra)) {
    int more = yaml_document_get_root_node(&extra) != NULL;
    yaml_document_delete(&extra);
    if (more) {
      yaml_parser_delete(&p);
      yaml_document_delete(&d->doc);
      d->loaded = 0;
      return ortune_set_error(ORTUNE_ECONFIG, "%s: holds several yaml documents (---): keep one", path);
    }
  } else {
    /* text after the first document that does not parse (e.g. keys after a "..." end marker) */
    int rc = ortune_set_error(ORTUNE_ECONFIG, "%s:%zu:%zu: malformed yaml: %s%s%s: fix the file or move it away", path,
                              p.problem_mark.line + 1, p.problem_mark.column + 1, p.problem ? p.problem : "syntax error",
                              p.context ? " " : "", p.context ? p.context : "");
    yaml_parser_delete(&p);
    yaml_document_delete(&d->doc);
    d->loaded = 0;
    return rc;
  }
  yaml_parser_delete(&p);
  return ORTUNE_OK;
}

static void ydoc_free(ydoc *d) {
  if (d->loaded) yaml_document_delete(&d->doc);
  d->loaded = 0;
}

static const char *scalar(yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL; }

/* The value node of key in mapping m (NULL if absent); *keynode gets the key. */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *m, const char *key, yaml_node_t **keynode) {
  if (!m || m->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(doc, pr->key);
    const char *ks = scalar(k);
    if (ks && !strcmp(ks, key)) {
      if (keynode) *keynode = k;
      return yaml_document_get_node(doc, pr->value);
    }
  }
  return NULL;
}

static int load_nested(ortune_config *cfg, yaml_document_t *doc, yaml_node_t *m, const char *path, const char *what) {
  if (m->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: %s must be a mapping of name: value", path, m->start_mark.line + 1, what);
  for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
    const char *k = scalar(yaml_document_get_node(doc, pr->key));
    yaml_node_t *vn = yaml_document_get_node(doc, pr->value);
    const char *v = scalar(vn);
    if (!k || !v)
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: %s entries must be plain name: value pairs", path,
                              vn ? vn->start_mark.line + 1 : 0, what);
    int rc = !strcmp(what, "provenance") ? ortune_config_set_provenance(cfg, k, v) : set_freedim(cfg, k, v);
    if (rc) return ortune_set_error(rc, "%s:%zu: %s", path, vn->start_mark.line + 1, ortune_last_error());
  }
  return ORTUNE_OK;
}

/* Two equal keys in mapping m: refused, naming both lines (ortune would read the first, Python's yaml the last). */
static int check_dup_keys(yaml_document_t *doc, yaml_node_t *m, const char *path, const char *where) {
  if (!m || m->type != YAML_MAPPING_NODE) return ORTUNE_OK;
  for (yaml_node_pair_t *a = m->data.mapping.pairs.start; a < m->data.mapping.pairs.top; a++) {
    yaml_node_t *ka = yaml_document_get_node(doc, a->key);
    const char *sa = scalar(ka);
    if (!sa) continue;
    for (yaml_node_pair_t *b = a + 1; b < m->data.mapping.pairs.top; b++) {
      yaml_node_t *kb = yaml_document_get_node(doc, b->key);
      const char *sb = scalar(kb);
      if (sb && !strcmp(sa, sb))
        return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: '%s:' appears twice%s, on lines %zu and %zu: keep one", path,
                                kb->start_mark.line + 1, sb, where, ka->start_mark.line + 1, kb->start_mark.line + 1);
    }
  }
  return ORTUNE_OK;
}

/* Only the root's onnxruntime: key and the keys inside it are checked: the rest of the file is the user's. */
static int check_section_keys(yaml_document_t *doc, const char *path) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  if (!root || root->type != YAML_MAPPING_NODE) return ORTUNE_OK;
  int n = 0;
  yaml_node_t *first = NULL;
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
    yaml_node_t *k = yaml_document_get_node(doc, pr->key);
    const char *ks = scalar(k);
    if (!ks || strcmp(ks, SECTION)) continue;
    if (n++)
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: two top-level '" SECTION ":' keys, on lines %zu and %zu: merge them into one",
                              path, k->start_mark.line + 1, first->start_mark.line + 1, k->start_mark.line + 1);
    first = k;
  }
  return check_dup_keys(doc, map_get(doc, root, SECTION, NULL), path, " in '" SECTION ":'");
}

/* The options of mapping m (the section, or one profile of it) into cfg. */
static int load_options(ortune_config *cfg, yaml_document_t *doc, yaml_node_t *m, const char *path, int in_profile) {
  for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *vn = yaml_document_get_node(doc, pr->value);
    const char *k = scalar(kn);
    if (!k) return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: option names must be plain words", path, kn->start_mark.line + 1);
    int rc;
    if (!strcmp(k, "profiles") || !strcmp(k, "match")) {
      if (!strcmp(k, "profiles") == !in_profile) continue; /* read by load_section / parse_profile */
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: %s", path, kn->start_mark.line + 1,
                              in_profile ? "profiles: cannot nest: a profile holds match:, options and provenance:"
                                         : "match: belongs to a profile: put it under profiles: NAME:");
    }
    if (!strcmp(k, "provenance") || !strcmp(k, "free_dimension_overrides")) {
      rc = load_nested(cfg, doc, vn, path, k);
      if (rc) return rc;
      continue;
    }
    static const char *const nested[] = {"profiles", "match", "provenance", "free_dimension_overrides"};
    for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++) /* "profile:" is more likely these than an option */
      if (ortune_option_index(k) < 0 && ortune_edit_distance(k, nested[i]) <= 2 && ortune_edit_distance(k, nested[i]) < (int)strlen(k) / 2)
        return ortune_set_error(ORTUNE_EKEY, "%s:%zu: unknown key '%s': did you mean '%s'?", path, kn->start_mark.line + 1, k,
                                nested[i]);
    const char *v = scalar(vn);
    if (!v)
      return ortune_set_error(ORTUNE_EVALUE, "%s:%zu: %s must be a single value, not a %s", path, vn->start_mark.line + 1, k,
                              vn->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
    rc = ortune_config_set(cfg, k, v);
    if (rc) return ortune_set_error(rc, "%s:%zu: %s", path, kn->start_mark.line + 1, ortune_last_error());
  }
  return ORTUNE_OK;
}

/* The section's node: *sec NULL when the file has none (or "onnxruntime:" with nothing under it). */
static int find_section(yaml_document_t *doc, const char *path, yaml_node_t **sec) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  *sec = NULL;
  if (!root) return ORTUNE_OK; /* empty file: defaults */
  if (root->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s: the top level must be a mapping with an '" SECTION ":' key, not a %s", path,
                            root->type == YAML_SEQUENCE_NODE ? "list" : "plain value");
  int rc = check_section_keys(doc, path);
  if (rc) return rc;
  yaml_node_t *s = map_get(doc, root, SECTION, NULL);
  if (!s || (s->type == YAML_SCALAR_NODE && !*scalar(s))) return ORTUNE_OK;
  if (s->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: '" SECTION ":' must hold a mapping of option: value", path,
                            s->start_mark.line + 1);
  *sec = s;
  return ORTUNE_OK;
}

/* ---- profiles (the selection rule is in profiles.c) ------------------------------------------------ */

static const char *const match_keys[] = {"gpu", "compute_capability", "class", "cpu", "cores"};

static int set_match(ortune_profile_match *m, const char *k, const char *v, int *gpu_keys, int *cpu_keys) {
  int a, b;
  char extra;
  if (!strcmp(k, "gpu")) {
    snprintf(m->gpu, sizeof m->gpu, "%s", v), (*gpu_keys)++;
  } else if (!strcmp(k, "compute_capability")) {
    if (sscanf(v, "%d.%d%c", &a, &b, &extra) != 2 || a < 0 || b < 0)
      return ortune_set_error(ORTUNE_EVALUE, "compute_capability '%s' is not MAJOR.MINOR (e.g. \"9.0\"; quote it)", v);
    snprintf(m->cc, sizeof m->cc, "%d.%d", a, b), (*gpu_keys)++;
  } else if (!strcmp(k, "class")) {
    if (strcmp(v, "high") && strcmp(v, "mid") && strcmp(v, "entry"))
      return ortune_set_error(ORTUNE_EVALUE, "class '%s': use high, mid or entry (`ortune info` shows this GPU's)", v);
    snprintf(m->gpu_class, sizeof m->gpu_class, "%s", v), (*gpu_keys)++;
  } else if (!strcmp(k, "cpu")) {
    snprintf(m->cpu, sizeof m->cpu, "%s", strcmp(v, "any") ? v : ""), (*cpu_keys)++;
  } else if (!strcmp(k, "cores")) {
    if (sscanf(v, "%d%c", &a, &extra) != 1 || a < 1)
      return ortune_set_error(ORTUNE_EVALUE, "cores '%s' is not a positive whole number", v);
    m->cores = a, (*cpu_keys)++;
  } else {
    const char *best = match_keys[0];
    for (size_t i = 1; i < sizeof match_keys / sizeof match_keys[0]; i++)
      if (ortune_edit_distance(k, match_keys[i]) < ortune_edit_distance(k, best)) best = match_keys[i];
    return ortune_set_error(ORTUNE_EKEY, "unknown match key '%s': did you mean '%s'? (gpu, compute_capability, class; or "
                            "cpu, cores)", k, best);
  }
  return ORTUNE_OK;
}

static int parse_match(yaml_document_t *doc, yaml_node_t *mn, const char *path, const char *name, ortune_profile_match *m) {
  int gk = 0, ck = 0, rc;
  memset(m, 0, sizeof *m);
  if (!mn)
    return ortune_set_error(ORTUNE_ECONFIG, "%s: profile '%s' has no match: (gpu: NAME and compute_capability:, or cpu: "
                            "MODEL): say which machines it is for", path, name);
  if (mn->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile '%s': match: must be a mapping (gpu:, compute_capability:, "
                            "class:, or cpu:, cores:)", path, mn->start_mark.line + 1, name);
  for (yaml_node_pair_t *pr = mn->data.mapping.pairs.start; pr < mn->data.mapping.pairs.top; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *vn = yaml_document_get_node(doc, pr->value);
    const char *k = scalar(kn), *v = scalar(vn);
    if (!k || !v)
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile '%s': match: entries must be plain name: value pairs", path,
                              kn->start_mark.line + 1, name);
    if ((rc = set_match(m, k, v, &gk, &ck)))
      return ortune_set_error(rc, "%s:%zu: profile '%s': %s", path, kn->start_mark.line + 1, name, ortune_last_error());
  }
  if ((gk && ck) || (!gk && !ck))
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile '%s': match: names %s: use gpu:/compute_capability:/class: "
                            "for a GPU, or cpu:/cores: for a CPU-only machine", path, mn->start_mark.line + 1, name,
                            gk ? "both a GPU and a CPU" : "no hardware");
  m->is_cpu = ck > 0;
  return ORTUNE_OK;
}

int ortune_profile_name_valid(const char *s) {
  size_t n = strlen(s);
  if (!n || n >= ORTUNE_PROFILE_NAME || !strcmp(s, "default") || !strcmp(s, "auto")) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') return 0;
  return 1;
}

typedef struct {
  ortune_profile_entry *e;
  yaml_node_t **node;        /* each profile's mapping */
  yaml_node_t **key;         /* and its name */
  int n, has_default;
} profile_set;

static void profile_set_free(profile_set *ps) {
  free(ps->e);
  free(ps->node);
  free(ps->key);
  memset(ps, 0, sizeof *ps);
}

/* One entry NAME: {match:, options} of profiles:, validated (its options load). */
static int parse_profile(yaml_document_t *doc, yaml_node_pair_t *pr, const char *path, profile_set *ps) {
  yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *vn = yaml_document_get_node(doc, pr->value);
  const char *name = scalar(kn);
  if (!name || !ortune_profile_name_valid(name))
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile name '%s': use 1-%d letters, digits, '-', '_' or '.' (not "
                            "'default' or 'auto')", path, kn->start_mark.line + 1, name ? name : "?", ORTUNE_PROFILE_NAME - 1);
  for (int i = 0; i < ps->n; i++)
    if (!strcmp(ps->e[i].name, name))
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile '%s' appears twice: remove or rename one", path,
                              kn->start_mark.line + 1, name);
  if (vn->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profile '%s' must be a mapping (match:, options, provenance:)", path,
                            vn->start_mark.line + 1, name);
  ortune_profile_entry *e = &ps->e[ps->n];
  snprintf(e->name, sizeof e->name, "%s", name);
  char where[ORTUNE_PROFILE_NAME + 32];
  snprintf(where, sizeof where, " in profile '%s'", name);
  int rc = check_dup_keys(doc, vn, path, where);
  if (!rc) rc = check_dup_keys(doc, map_get(doc, vn, "match", NULL), path, where);
  if (rc) return rc;
  ortune_config *tmp;
  if ((rc = ortune_config_new(&tmp))) return rc;
  rc = load_options(tmp, doc, vn, path, 1); /* first: a misspelt "match:" is named as such */
  ortune_config_release(tmp);
  if (rc) return rc;
  rc = parse_match(doc, map_get(doc, vn, "match", NULL), path, name, &e->match);
  if (rc) return rc;
  ps->key[ps->n] = kn;
  ps->node[ps->n++] = vn;
  return ORTUNE_OK;
}

/* Every profile of section sec (ps zeroed when it has none); *pkey gets the profiles: key node. */
static int parse_profiles(yaml_document_t *doc, yaml_node_t *sec, const char *path, profile_set *ps, yaml_node_t **pkey) {
  memset(ps, 0, sizeof *ps);
  yaml_node_t *key = NULL, *pn = sec ? map_get(doc, sec, "profiles", &key) : NULL;
  if (pkey) *pkey = key;
  if (!pn) return ORTUNE_OK;
  for (yaml_node_pair_t *pr = sec->data.mapping.pairs.start; pr < sec->data.mapping.pairs.top; pr++) {
    const char *k = scalar(yaml_document_get_node(doc, pr->key));
    if (!k || strcmp(k, "profiles")) ps->has_default = 1;
    else if (yaml_document_get_node(doc, pr->key) != key)
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profiles: appears twice in '" SECTION ":': merge them into one", path,
                              yaml_document_get_node(doc, pr->key)->start_mark.line + 1);
  }
  if (pn->type != YAML_MAPPING_NODE || pn->data.mapping.pairs.top == pn->data.mapping.pairs.start)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: profiles: must be a mapping of NAME: {match: ..., options} with at least "
                            "one profile: see docs/config.md", path, key->start_mark.line + 1);
  size_t n = (size_t)(pn->data.mapping.pairs.top - pn->data.mapping.pairs.start);
  ps->e = calloc(n, sizeof *ps->e);
  ps->node = calloc(n, sizeof *ps->node);
  ps->key = calloc(n, sizeof *ps->key);
  if (!ps->e || !ps->node || !ps->key) {
    profile_set_free(ps);
    return ortune_set_error(ORTUNE_ENOMEM, "config: out of memory");
  }
  for (yaml_node_pair_t *pr = pn->data.mapping.pairs.start; pr < pn->data.mapping.pairs.top; pr++) {
    int rc = parse_profile(doc, pr, path, ps);
    if (rc) {
      profile_set_free(ps);
      return rc;
    }
  }
  return ORTUNE_OK;
}

static int is_name(const char *want) { return want && strcmp(want, "auto") && strcmp(want, "default"); }

/* Index of the profile want names (NULL/"auto": this machine's; -1: the default), or -2 with the error set. */
static int choose_profile(const profile_set *ps, const char *want, const char *path, ortune_config *cfg) {
  if (!is_name(want) && (!want || !strcmp(want, "auto"))) {
    ortune_device_identity id;
    if (ortune_device_identify(atoi(ortune_config_get(cfg, "device_id")), &id)) return -2;
    return ortune_profile_select(ps->e, ps->n, ps->has_default, &id, path, cfg->profile_why, sizeof cfg->profile_why);
  }
  if (!is_name(want)) { /* "default" */
    snprintf(cfg->profile_why, sizeof cfg->profile_why, "asked for the default");
    if (ps->has_default) return -1;
    ortune_set_error(ORTUNE_ECONFIG, "%s: the onnxruntime: section has profiles but no default (top-level keys): name a "
                     "profile (%s, ...)", path, ps->e[0].name);
    return -2;
  }
  int best = 0;
  for (int i = 0; i < ps->n; i++) {
    if (!strcmp(ps->e[i].name, want)) {
      snprintf(cfg->profile_why, sizeof cfg->profile_why, "asked for by name");
      return i;
    }
    if (ortune_edit_distance(want, ps->e[i].name) < ortune_edit_distance(want, ps->e[best].name)) best = i;
  }
  ortune_set_error(ORTUNE_EKEY, "%s: no profile '%s': did you mean '%s'? (`ortune info --config %s` lists the %d profiles)",
                   path, want, ps->e[best].name, path, ps->n);
  return -2;
}

/* cfg back to ORT defaults (before a profile, which stands alone: none of the default's keys apply to it). */
static void config_clear(ortune_config *cfg) {
  for (int i = 0; i < 64; i++) free(cfg->value[i]), cfg->value[i] = NULL;
  for (int i = 0; i < cfg->nprov; i++) free(cfg->prov[i].value), cfg->prov[i].value = NULL;
  cfg->nprov = cfg->nfree = 0;
}

/* The section (sec may be NULL) into cfg, choosing a profile as want says. */
static int load_section(ortune_config *cfg, yaml_document_t *doc, yaml_node_t *sec, const char *path, const char *want) {
  profile_set ps;
  int rc = parse_profiles(doc, sec, path, &ps, NULL);
  if (rc) return rc;
  if (!ps.n) {
    if (is_name(want))
      return ortune_set_error(ORTUNE_EKEY, "%s: no profile '%s': the file has no profiles: (leave the profile out)", path, want);
    snprintf(cfg->profile_why, sizeof cfg->profile_why, "the file has no profiles");
    return sec ? load_options(cfg, doc, sec, path, 0) : ORTUNE_OK;
  }
  /* the default first: validated on every machine, and its device_id says which GPU is "this machine's" */
  if (ps.has_default && (rc = load_options(cfg, doc, sec, path, 0))) goto done;
  int idx = choose_profile(&ps, want, path, cfg);
  if (idx == -2) {
    rc = is_name(want) ? ORTUNE_EKEY : ortune_last_error()[0] && strstr(ortune_last_error(), "ORTUNE_TEST_GPU") ? ORTUNE_EUSAGE
                                                                                                              : ORTUNE_ECONFIG;
    goto done;
  }
  if (idx >= 0) {
    config_clear(cfg);
    snprintf(cfg->profile, sizeof cfg->profile, "%s", ps.e[idx].name);
    cfg->match = ps.e[idx].match;
    rc = load_options(cfg, doc, ps.node[idx], path, 1);
  }
done:
  profile_set_free(&ps);
  return rc;
}

int ortune_config_load_text(ortune_config **out, const char *path, const char *text, size_t len, const char *profile) {
  *out = NULL;
  ydoc d;
  int rc = yaml_load(path, text, len, &d);
  if (rc) return rc;
  ortune_config *cfg = NULL;
  yaml_node_t *sec;
  rc = find_section(&d.doc, path, &sec);
  if (!rc) rc = ortune_config_new(&cfg);
  if (!rc) rc = load_section(cfg, &d.doc, sec, path, profile);
  ydoc_free(&d);
  if (rc) {
    ortune_config_release(cfg);
    return rc;
  }
  *out = cfg;
  return ORTUNE_OK;
}

/* The config file's bytes; errors name the file (a FIFO, a device, a directory: refused at once, named). */
static int read_config(const char *path, char **text, size_t *len) {
  int rc = ortune_read_file(path, text, len);
  if (rc && !errno) {
    char why[512];
    const char *m = ortune_last_error(), *it = strstr(m, ": it is ");
    snprintf(why, sizeof why, "%s", it ? it + 2 : m);
    return ortune_set_error(rc, "read config %s: %s", path, why);
  }
  if (rc) return ortune_set_error(rc, "read config %s: %s: check the path", path, strerror(errno));
  return ORTUNE_OK;
}

int ortune_config_load_profile(ortune_config **out, const char *path, const char *profile) {
  char *text;
  size_t len;
  *out = NULL;
  int rc = read_config(path, &text, &len);
  if (rc) return rc;
  rc = ortune_config_load_text(out, path, text, len, profile);
  free(text);
  return rc;
}

int ortune_config_load(ortune_config **out, const char *path) { return ortune_config_load_profile(out, path, NULL); }

const char *ortune_config_profile_name(const ortune_config *cfg) { return cfg && cfg->profile[0] ? cfg->profile : "default"; }

const char *ortune_config_profile_reason(const ortune_config *cfg) { return cfg ? cfg->profile_why : ""; }

int ortune_config_list_profiles(const char *path, ortune_profile_entry **out, int *n, int *has_default) {
  char *text;
  size_t len;
  *out = NULL;
  *n = *has_default = 0;
  int rc = read_config(path, &text, &len);
  if (rc) return rc;
  ydoc d;
  rc = yaml_load(path, text, len, &d);
  free(text);
  if (rc) return rc;
  yaml_node_t *sec;
  profile_set ps = {0};
  ortune_config *tmp = NULL;
  if (!(rc = find_section(&d.doc, path, &sec)) && !(rc = parse_profiles(&d.doc, sec, path, &ps, NULL)) && sec &&
      (!ps.n || ps.has_default) && !(rc = ortune_config_new(&tmp)))
    rc = load_options(tmp, &d.doc, sec, path, 0); /* the default validates too */
  ortune_config_release(tmp);
  ydoc_free(&d);
  if (rc) {
    profile_set_free(&ps);
    return rc;
  }
  *out = ps.e;
  *n = ps.n;
  *has_default = ps.n ? ps.has_default : sec != NULL;
  ps.e = NULL;
  profile_set_free(&ps);
  return ORTUNE_OK;
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct {
  char *p;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    if (w < 0) { b->oom = 1; return; }
    if (b->p && b->n + (size_t)w < b->cap) { b->n += (size_t)w; return; }
    size_t cap = (b->cap + (size_t)w + 256) * 2;
    char *np = realloc(b->p, cap);
    if (!np) { b->oom = 1; return; }
    b->p = np;
    b->cap = cap;
  }
}

static int isalnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Decode the UTF-8 character at s (n bytes left): its length, 0 when the bytes are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp) {
  size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
  if (!len || len > n) return 0;
  unsigned v = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = v << 6 | (s[i] & 0x3F);
  }
  if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v < 0xE000))
    return 0;
  *cp = v;
  return len;
}

/* A YAML scalar: plain when safe, double-quoted otherwise. Inside the quotes, what libyaml would
 * refuse (C0/C1 controls, DEL, U+FFFE/U+FFFF, the BOM) or fold (the line breaks NEL, LS, PS) is
 * escaped, so the value reads back as written. */
static void sb_scalar(sbuf *b, const char *s, int force_quote) {
  int plain = !force_quote && *s;
  for (const char *c = s; *c && plain; c++)
    if (!(isalnum_ascii(*c) || *c == '_' || *c == '.' || *c == '-')) plain = 0;
  if (plain) { sb_add(b, "%s", s); return; }
  sb_add(b, "\"");
  for (size_t i = 0, n = strlen(s); i < n;) {
    unsigned char c = (unsigned char)s[i];
    unsigned cp;
    size_t len;
    if (c == '"' || c == '\\') sb_add(b, "\\%c", c), len = 1;
    else if (c < 0x20 || c == 0x7f) sb_add(b, "\\x%02x", c), len = 1;
    else if (c < 0x80) sb_add(b, "%c", c), len = 1;
    else if (!(len = utf8_decode((const unsigned char *)s + i, n - i, &cp))) sb_add(b, "\\x%02x", c), len = 1; /* not UTF-8: as Latin-1 */
    else if (cp < 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xFFFE && cp <= 0xFFFF)) sb_add(b, "\\u%04x", cp);
    else sb_add(b, "%.*s", (int)len, s + i);
    i += len;
  }
  sb_add(b, "\"");
}

/* The user's own lines in a rewritten section: for an option the new config keeps at the value the file had, the
 * byte range [start, end) of its key line (with its trailing comment) and the comment lines right above it. */
typedef struct { const char *text; size_t start[64], end[64]; } user_lines;

/* Write option i's user line if it has one; 1 if written. */
static int emit_user_line(sbuf *b, const user_lines *ul, int i) {
  if (!ul || ul->end[i] <= ul->start[i]) return 0;
  const char *p = ul->text + ul->start[i];
  size_t n = ul->end[i] - ul->start[i];
  sb_add(b, "%.*s%s", (int)n, p, p[n - 1] == '\n' || p[n - 1] == '\r' ? "" : "\n");
  return 1;
}

/* cfg's options, free dims and provenance as block-mapping lines indented by ind spaces; an option the user's file
 * had at the same value keeps the user's line (ul, may be NULL): "4GiB  # why" stays as it was written. */
static void emit_body(sbuf *b, const ortune_config *cfg, int ind, const user_lines *ul) {
  int prov = ortune_option_index("provider");
  if (!emit_user_line(b, ul, prov)) sb_add(b, "%*sprovider: %s\n", ind, "", ortune_config_value(cfg, prov));
  for (int i = 0; i < ortune_noptions; i++) {
    if (i == prov || !cfg->value[i] || emit_user_line(b, ul, i)) continue;
    sb_add(b, "%*s%s: ", ind, "", ortune_options[i].name);
    sb_scalar(b, cfg->value[i], 0);
    sb_add(b, "\n");
  }
  if (cfg->nfree) {
    sb_add(b, "%*sfree_dimension_overrides:\n", ind, "");
    for (int i = 0; i < cfg->nfree; i++) {
      sb_add(b, "%*s", ind + 2, "");
      sb_scalar(b, cfg->freedim[i].name, 0);
      sb_add(b, ": %lld\n", (long long)cfg->freedim[i].value);
    }
  }
  if (cfg->nprov) {
    sb_add(b, "%*sprovenance:\n", ind, "");
    for (int i = 0; i < cfg->nprov; i++) {
      sb_add(b, "%*s", ind + 2, "");
      sb_scalar(b, cfg->prov[i].key, 0); /* keys come from the file too: "", "a: b", "#x" must be quoted */
      sb_add(b, ": ");
      sb_scalar(b, cfg->prov[i].value, 1);
      sb_add(b, "\n");
    }
  }
}

#define HEADER_COMMENT "# ONNX Runtime options (ORT's own names; `ortune explain NAME` says what each does)."

/* The whole section for cfg, keys at column 2, the user's lines ul kept (may be NULL); NULL when out of memory. */
static char *section_yaml(const ortune_config *cfg, const user_lines *ul) {
  sbuf b = {0};
  sb_add(&b, SECTION ":\n  " HEADER_COMMENT "\n");
  emit_body(&b, cfg, 2, ul);
  if (b.oom) {
    free(b.p);
    return NULL;
  }
  return b.p;
}

char *ortune_config_to_yaml(const ortune_config *cfg) { return section_yaml(cfg, NULL); }

/* One profile: "NAME:" at column ind, its match: and options below. */
static void emit_profile(sbuf *b, const ortune_config *cfg, int ind) {
  const ortune_profile_match *m = &cfg->match;
  sb_add(b, "%*s%s:\n%*smatch:\n", ind, "", cfg->profile, ind + 2, "");
  if (m->is_cpu) {
    sb_add(b, "%*scpu: ", ind + 4, "");
    sb_scalar(b, m->cpu[0] ? m->cpu : "any", 1);
    sb_add(b, "\n");
    if (m->cores) sb_add(b, "%*scores: %d\n", ind + 4, "", m->cores);
  } else {
    if (m->gpu[0]) {
      sb_add(b, "%*sgpu: ", ind + 4, "");
      sb_scalar(b, m->gpu, 1);
      sb_add(b, "\n");
    }
    if (m->cc[0]) sb_add(b, "%*scompute_capability: \"%s\"\n", ind + 4, "", m->cc);
    if (m->gpu_class[0]) sb_add(b, "%*sclass: %s\n", ind + 4, "", m->gpu_class);
    if (!m->gpu[0] && !m->cc[0] && !m->gpu_class[0]) sb_add(b, "%*sgpu: \"\"\n", ind + 4, "");
  }
  emit_body(b, cfg, ind + 2, NULL);
}

/* Bytes of the line break at text[i], counted as libyaml counts lines (CRLF, CR, LF, and the
 * UTF-8 NEL, LS and PS characters); 0 when text[i] starts no line break. */
static size_t break_len(const char *text, size_t len, size_t i) {
  const unsigned char *t = (const unsigned char *)text;
  if (t[i] == '\n') return 1;
  if (t[i] == '\r') return i + 1 < len && t[i + 1] == '\n' ? 2 : 1;
  if (t[i] == 0xC2 && i + 1 < len && t[i + 1] == 0x85) return 2;
  if (t[i] == 0xE2 && i + 2 < len && t[i + 1] == 0x80 && (t[i + 2] == 0xA8 || t[i + 2] == 0xA9)) return 3;
  return 0;
}

/* Line index (0-based, libyaml's mark.line) -> byte offset in text; len if past the end. */
static size_t line_offset(const char *text, size_t len, size_t line) {
  size_t off = 0;
  while (line > 0 && off < len) {
    size_t b = break_len(text, len, off);
    if (b) line--;
    off += b ? b : 1;
  }
  return line ? len : off;
}

/* Is the line starting at off blank, or a comment indented at most col columns (it belongs to what follows)? */
static int keepable_line(const char *text, size_t len, size_t off, size_t col) {
  size_t i = off;
  while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
  if (i == len || break_len(text, len, i)) return 1;
  return text[i] == '#' && i - off <= col;
}

/* Is the line starting at off blank, or a comment indented past col columns (it belongs to what precedes)? */
static int indented_comment_line(const char *text, size_t len, size_t off, size_t col) {
  size_t i = off;
  while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
  if (i == len || break_len(text, len, i)) return 1;
  return i - off > col && text[i] == '#';
}

/* Where node n's last content ends. A block mapping or sequence ends where its last entry does (its
 * own end mark is the next token, past any comments in between, which would make the extent of the
 * section depend on what follows it). */
static yaml_mark_t content_end(yaml_document_t *doc, yaml_node_t *n, int depth) {
  yaml_mark_t m = n->end_mark;
  yaml_node_t *last[2] = {NULL, NULL};
  if (depth > 32) return m; /* aliases can nest (or loop) */
  if (n->type == YAML_MAPPING_NODE && n->data.mapping.style == YAML_BLOCK_MAPPING_STYLE &&
      n->data.mapping.pairs.top > n->data.mapping.pairs.start) {
    yaml_node_pair_t *pr = n->data.mapping.pairs.top - 1;
    last[0] = yaml_document_get_node(doc, pr->key);
    last[1] = yaml_document_get_node(doc, pr->value);
  } else if (n->type == YAML_SEQUENCE_NODE && n->data.sequence.style == YAML_BLOCK_SEQUENCE_STYLE &&
             n->data.sequence.items.top > n->data.sequence.items.start) {
    last[0] = yaml_document_get_node(doc, n->data.sequence.items.top[-1]);
  } else {
    return m;
  }
  m = n->start_mark;
  for (int i = 0; i < 2; i++) {
    if (!last[i]) continue;
    yaml_mark_t e = content_end(doc, last[i], depth + 1);
    if (e.index > m.index) m = e;
  }
  return m;
}

/* The line after key: val of a block mapping: past the value's last content line and the comments indented deeper
 * than key that follow it (they belong to it, as they do inside a block mapping, whose end is the next key: without
 * this an empty or flow value kept them once, then lost them), less the blank lines and comments at key's column or
 * left of it that sit before what follows (they belong to that). */
static size_t entry_end_line(yaml_document_t *doc, const char *old, size_t oldlen, yaml_node_t *key, yaml_node_t *val) {
  size_t col = key->start_mark.column;
  yaml_mark_t vend = content_end(doc, val, 0);
  size_t endline = vend.column == 0 ? vend.line : vend.line + 1;
  if (vend.line <= key->start_mark.line) endline = key->start_mark.line + 1;
  while (line_offset(old, oldlen, endline) < oldlen && indented_comment_line(old, oldlen, line_offset(old, oldlen, endline), col))
    endline++;
  while (endline > key->start_mark.line + 1 && keepable_line(old, oldlen, line_offset(old, oldlen, endline - 1), col)) endline--;
  return endline;
}

/* Does key start its line (only spaces before it), so that whole lines can be replaced? */
static int key_starts_line(const char *old, size_t oldlen, yaml_node_t *key) {
  size_t off = line_offset(old, oldlen, key->start_mark.line);
  for (size_t i = 0; i < key->start_mark.column; i++)
    if (off + i >= oldlen || old[off + i] != ' ') return 0;
  return 1;
}

/* New file text: old with the onnxruntime: section replaced by sec (or sec appended). */
static int splice(const char *path, const char *old, size_t oldlen, const char *sec, char **out) {
  ydoc d;
  int rc = yaml_load(path, old, oldlen, &d);
  if (rc) return ortune_set_error(rc, "%s; config not written", ortune_last_error());
  yaml_node_t *root = yaml_document_get_root_node(&d.doc), *key = NULL, *val = NULL;
  if (root && root->type != YAML_MAPPING_NODE) {
    ydoc_free(&d);
    return ortune_set_error(ORTUNE_ECONFIG, "%s: the top level is not a mapping, so ortune cannot add its '" SECTION
                            ":' key: fix the file or write to another one", path);
  }
  if (root && (rc = check_section_keys(&d.doc, path))) {
    ydoc_free(&d);
    return ortune_set_error(rc, "%s; config not written", ortune_last_error());
  }
  if (root) val = map_get(&d.doc, root, SECTION, &key);
  sbuf b = {0};
  if (!val) {
    /* append the section to the document: before its "..." end marker when it has one */
    size_t at = !root || d.doc.end_implicit ? oldlen : line_offset(old, oldlen, d.doc.end_mark.line);
    sb_add(&b, "%.*s%s%s%.*s", (int)at, old, at && old[at - 1] != '\n' ? "\n" : "", sec, (int)(oldlen - at), old + at);
  } else {
    if (key->start_mark.column != 0) {
      size_t line = key->start_mark.line + 1; /* key belongs to d */
      ydoc_free(&d);
      return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: '" SECTION ":' must start in column 1 for ortune to rewrite it", path,
                              line);
    }
    size_t start = line_offset(old, oldlen, key->start_mark.line);
    size_t end = line_offset(old, oldlen, entry_end_line(&d.doc, old, oldlen, key, val));
    sb_add(&b, "%.*s%s%.*s", (int)start, old, sec, (int)(oldlen - end), old + end);
  }
  ydoc_free(&d);
  if (b.oom) {
    free(b.p);
    return ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path);
  }
  *out = b.p;
  return ORTUNE_OK;
}

/* old[0, at) + (a line break when old[at - 1] ends no line) + ins + old[at, oldlen) */
static void sb_insert(sbuf *b, const char *old, size_t oldlen, size_t at, const char *ins, size_t inslen) {
  int nl = at > 0 && old[at - 1] != '\n' && old[at - 1] != '\r';
  sb_add(b, "%.*s%s%.*s%.*s", (int)at, old, nl ? "\n" : "", (int)inslen, ins, (int)(oldlen - at), old + at);
}

static int cannot_rewrite(const char *path, yaml_node_t *n, const char *what) {
  return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: %s must be in block style (one key per line) for ortune to rewrite a "
                          "profile: reformat it or write to another file", path, n->start_mark.line + 1, what);
}

/* The new text with cfg's profile added to, or replaced in, the profiles: of section sec (block style, key seckey). */
static int splice_into_section(yaml_document_t *doc, const char *path, const char *old, size_t oldlen, yaml_node_t *seckey,
                               yaml_node_t *sec, const ortune_config *cfg, sbuf *b) {
  sbuf ent = {0};
  yaml_node_t *pkey = NULL, *pval = map_get(doc, sec, "profiles", &pkey);
  if (!pval) { /* the first profile: after the section's last key, at its keys' column */
    yaml_node_t *first = yaml_document_get_node(doc, sec->data.mapping.pairs.start->key);
    int ind = (int)first->start_mark.column;
    sb_add(&ent, "%*sprofiles:\n", ind, "");
    emit_profile(&ent, cfg, ind + 2);
    sb_insert(b, old, oldlen, line_offset(old, oldlen, entry_end_line(doc, old, oldlen, seckey, sec)), ent.p, ent.n);
    free(ent.p);
    return ORTUNE_OK;
  }
  if (pval->type != YAML_MAPPING_NODE || pval->data.mapping.style != YAML_BLOCK_MAPPING_STYLE ||
      pval->data.mapping.pairs.top == pval->data.mapping.pairs.start || !key_starts_line(old, oldlen, pkey))
    return cannot_rewrite(path, pkey, "profiles:");
  yaml_node_pair_t *pr, *last = pval->data.mapping.pairs.top - 1;
  yaml_node_t *first = yaml_document_get_node(doc, pval->data.mapping.pairs.start->key);
  for (pr = pval->data.mapping.pairs.start; pr <= last; pr++) {
    const char *k = scalar(yaml_document_get_node(doc, pr->key));
    if (k && !strcmp(k, cfg->profile)) break;
  }
  yaml_node_t *k = yaml_document_get_node(doc, (pr <= last ? pr : last)->key);
  yaml_node_t *v = yaml_document_get_node(doc, (pr <= last ? pr : last)->value);
  if (!key_starts_line(old, oldlen, k)) return cannot_rewrite(path, k, "the profile");
  size_t end = line_offset(old, oldlen, entry_end_line(doc, old, oldlen, k, v));
  emit_profile(&ent, cfg, (int)(pr <= last ? k : first)->start_mark.column);
  if (pr <= last) { /* replace that profile's lines */
    size_t start = line_offset(old, oldlen, k->start_mark.line);
    sb_add(b, "%.*s%.*s%.*s", (int)start, old, (int)ent.n, ent.p, (int)(oldlen - end), old + end);
  } else { /* a new profile after the last one */
    sb_insert(b, old, oldlen, end, ent.p, ent.n);
  }
  free(ent.p);
  return ORTUNE_OK;
}

/* New file text: old with cfg written as its profile cfg->profile (the other profiles and the default kept). */
static int splice_profile(const char *path, const char *old, size_t oldlen, const ortune_config *cfg, char **out) {
  ydoc d;
  int rc = yaml_load(path, old, oldlen, &d);
  if (rc) return ortune_set_error(rc, "%s; config not written", ortune_last_error());
  yaml_node_t *root = yaml_document_get_root_node(&d.doc), *seckey = NULL;
  yaml_node_t *sec = root && root->type == YAML_MAPPING_NODE ? map_get(&d.doc, root, SECTION, &seckey) : NULL;
  sbuf b = {0};
  if (!sec || sec->type != YAML_MAPPING_NODE || sec->data.mapping.pairs.top == sec->data.mapping.pairs.start) {
    ydoc_free(&d); /* no section, or an empty one: a new section with this profile alone */
    sb_add(&b, SECTION ":\n  profiles:\n");
    emit_profile(&b, cfg, 4);
    rc = b.oom ? ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path) : splice(path, old, oldlen, b.p, out);
    free(b.p);
    return rc;
  }
  if (sec->data.mapping.style != YAML_BLOCK_MAPPING_STYLE || seckey->start_mark.column != 0)
    rc = cannot_rewrite(path, seckey, "'" SECTION ":' (in column 1)");
  else
    rc = splice_into_section(&d.doc, path, old, oldlen, seckey, sec, cfg, &b);
  ydoc_free(&d);
  if (!rc && b.oom) rc = ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path);
  if (rc) free(b.p);
  else *out = b.p;
  return rc;
}

/* Is the line at off a comment starting at column col (not ortune's own header)? */
static int comment_at(const char *text, size_t len, size_t off, size_t col) {
  size_t i = off;
  while (i < len && text[i] == ' ') i++;
  return i - off == col && i < len && text[i] == '#' && strncmp(text + i, HEADER_COMMENT, strlen(HEADER_COMMENT));
}

/* Do the lines [start, end) break only with "\n" or "\r\n"? (A line ended by NEL, LS or PS, which YAML also reads as
 * a break, is rendered afresh: copied, the break would change what follows it.) */
static int plain_breaks(const char *text, size_t len, size_t start, size_t end) {
  for (size_t i = start; i < end; i++) {
    size_t b = break_len(text, len, i);
    if (!b) continue;
    if (text[i] != '\n' && !(text[i] == '\r' && b == 2)) return 0;
    i += b - 1;
  }
  return 1;
}

/* The user's lines (user_lines) of the block mapping s, whose keys start lines at column ind, for cfg. */
static void find_user_lines(yaml_document_t *doc, yaml_node_t *s, const char *old, size_t oldlen, const ortune_config *cfg,
                            size_t ind, user_lines *ul) {
  memset(ul, 0, sizeof *ul);
  ul->text = old;
  if (!s || s->type != YAML_MAPPING_NODE || s->data.mapping.style != YAML_BLOCK_MAPPING_STYLE) return;
  for (yaml_node_pair_t *p = s->data.mapping.pairs.start; p < s->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key), *v = yaml_document_get_node(doc, p->value);
    const char *name = scalar(k), *val = scalar(v);
    int i = name ? ortune_option_index(name) : -1;
    char norm[256];
    if (i < 0 || !val || !cfg->value[i] || k->start_mark.column != ind || !key_starts_line(old, oldlen, k) ||
        v->end_mark.line != k->start_mark.line || ortune_option_check(&ortune_options[i], val, norm, sizeof norm) ||
        strcmp(norm, cfg->value[i]))
      continue; /* changed, or not one plain line: written by ortune */
    size_t first = k->start_mark.line;
    while (first > 0 && comment_at(old, oldlen, line_offset(old, oldlen, first - 1), ind)) first--;
    size_t a = line_offset(old, oldlen, first), b = line_offset(old, oldlen, k->start_mark.line + 1);
    if (!plain_breaks(old, oldlen, a, b)) continue;
    ul->start[i] = a;
    ul->end[i] = b;
  }
}

/* The section text for cfg as the default: with the file's profiles: block after its keys, byte for byte, when the
 * section has one (*had_profiles set). */
static int default_section(const char *path, const char *old, size_t oldlen, const ortune_config *cfg, char **sec,
                           int *had_profiles) {
  ydoc d;
  *had_profiles = 0;
  yaml_node_t *root = NULL, *s = NULL, *seckey = NULL, *pkey = NULL, *pval = NULL;
  if (yaml_load(path, old, oldlen, &d) == ORTUNE_OK) { /* else splice() says what is wrong */
    root = yaml_document_get_root_node(&d.doc);
    if (root && root->type == YAML_MAPPING_NODE) s = map_get(&d.doc, root, SECTION, &seckey);
    if (s && s->type == YAML_MAPPING_NODE) pval = map_get(&d.doc, s, "profiles", &pkey);
  }
  if (!pval) {
    user_lines ul;
    find_user_lines(&d.doc, s, old, oldlen, cfg, 2, &ul);
    ydoc_free(&d);
    *sec = section_yaml(cfg, &ul);
    return *sec ? ORTUNE_OK : ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path);
  }
  *had_profiles = 1;
  int rc = ORTUNE_OK;
  if (s->data.mapping.style != YAML_BLOCK_MAPPING_STYLE || !key_starts_line(old, oldlen, pkey)) {
    rc = cannot_rewrite(path, pkey, "'" SECTION ":' with profiles:");
    ydoc_free(&d);
    return rc;
  }
  int ind = (int)pkey->start_mark.column;
  size_t start = line_offset(old, oldlen, pkey->start_mark.line);
  size_t end = line_offset(old, oldlen, entry_end_line(&d.doc, old, oldlen, pkey, pval));
  ydoc_free(&d);
  sbuf b = {0};
  sb_add(&b, SECTION ":\n%*s" HEADER_COMMENT "\n", ind, "");
  emit_body(&b, cfg, ind, NULL);
  sb_add(&b, "%.*s", (int)(end - start), old + start);
  if (end == oldlen && old[end - 1] != '\n' && old[end - 1] != '\r') sb_add(&b, "\n");
  if (b.oom) {
    free(b.p);
    return ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path);
  }
  *sec = b.p;
  return rc;
}

int ortune_config_splice_text(const ortune_config *cfg, const char *path, const char *old, size_t oldlen, char **out) {
  char *sec = NULL, *text = NULL;
  int rc, profiled = cfg->profile[0] != 0;
  *out = NULL;
  if (profiled) {
    rc = splice_profile(path, old, oldlen, cfg, &text);
  } else {
    rc = default_section(path, old, oldlen, cfg, &sec, &profiled);
    if (!rc) rc = splice(path, old, oldlen, sec, &text);
    free(sec);
  }
  if (rc) return rc;
  /* prove the result reads back as what we meant before replacing the file: it parses, and with profiles every
   * profile still validates and the one written loads */
  ydoc check;
  ortune_config *back = NULL;
  rc = yaml_load(path, text, strlen(text), &check);
  if (!rc) ydoc_free(&check);
  if (!rc && profiled) rc = ortune_config_load_text(&back, path, text, strlen(text), cfg->profile[0] ? cfg->profile : "default");
  ortune_config_release(back);
  if (rc) {
    free(text);
    return ortune_set_error(ORTUNE_ECONFIG, "write %s: the rewritten file would not %s (%s); file left unchanged", path,
                            profiled ? "load" : "parse", ortune_last_error());
  }
  *out = text;
  return ORTUNE_OK;
}

int ortune_config_drop_section_text(const char *path, const char *old, size_t oldlen, char **out) {
  return splice(path, old, oldlen, "", out);
}

int ortune_config_save(const ortune_config *cfg, const char *path) {
  char *old = NULL, *text = NULL;
  size_t oldlen = 0;
  struct stat st;
  int rc = ORTUNE_OK;
  if (stat(path, &st) == 0) {
    rc = ortune_read_file(path, &old, &oldlen);
    if (rc) return ortune_set_error(rc, "%s; config not written", ortune_last_error());
  }
  rc = ortune_config_splice_text(cfg, path, old ? old : "", oldlen, &text);
  if (!rc) rc = ortune_write_atomic(path, text, strlen(text));
  free(text);
  free(old);
  return rc;
}

void ortune_config_summary(const ortune_config *cfg, char *buf, size_t len) {
  size_t n = 0;
  buf[0] = '\0';
  for (int i = 0; i < ortune_noptions && n < len; i++) {
    if (!cfg->value[i] || !strcmp(ortune_options[i].name, "provider") || !strcmp(ortune_options[i].name, "io")) continue;
    if (!strcmp(cfg->value[i], ortune_options[i].def)) continue;
    int w = snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "", ortune_options[i].name, cfg->value[i]);
    if (w < 0) break;
    n += (size_t)w;
  }
  if (!n) snprintf(buf, len, "ORT defaults");
}
