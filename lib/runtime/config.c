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
  char norm[64];
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

static int load_section(ortune_config *cfg, yaml_document_t *doc, const char *path) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  if (!root) return ORTUNE_OK; /* empty file: defaults */
  if (root->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s: the top level must be a mapping with an '" SECTION ":' key, not a %s", path,
                            root->type == YAML_SEQUENCE_NODE ? "list" : "plain value");
  int drc = check_section_keys(doc, path);
  if (drc) return drc;
  yaml_node_t *sec = map_get(doc, root, SECTION, NULL);
  if (!sec) return ORTUNE_OK;
  if (sec->type == YAML_SCALAR_NODE && !*scalar(sec)) return ORTUNE_OK; /* "onnxruntime:" with nothing under it */
  if (sec->type != YAML_MAPPING_NODE)
    return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: '" SECTION ":' must hold a mapping of option: value", path,
                            sec->start_mark.line + 1);
  for (yaml_node_pair_t *pr = sec->data.mapping.pairs.start; pr < sec->data.mapping.pairs.top; pr++) {
    yaml_node_t *kn = yaml_document_get_node(doc, pr->key), *vn = yaml_document_get_node(doc, pr->value);
    const char *k = scalar(kn);
    if (!k) return ortune_set_error(ORTUNE_ECONFIG, "%s:%zu: option names must be plain words", path, kn->start_mark.line + 1);
    int rc;
    if (!strcmp(k, "provenance") || !strcmp(k, "free_dimension_overrides")) {
      rc = load_nested(cfg, doc, vn, path, k);
      if (rc) return rc;
      continue;
    }
    const char *v = scalar(vn);
    if (!v)
      return ortune_set_error(ORTUNE_EVALUE, "%s:%zu: %s must be a single value, not a %s", path, vn->start_mark.line + 1, k,
                              vn->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
    rc = ortune_config_set(cfg, k, v);
    if (rc) return ortune_set_error(rc, "%s:%zu: %s", path, kn->start_mark.line + 1, ortune_last_error());
  }
  return ORTUNE_OK;
}

int ortune_config_load(ortune_config **out, const char *path) {
  char *text;
  size_t len;
  *out = NULL;
  int rc = ortune_read_file(path, &text, &len);
  if (rc && !errno) { /* a FIFO, a device, a directory: refused at once, named */
    char why[512];
    const char *m = ortune_last_error(), *it = strstr(m, ": it is ");
    snprintf(why, sizeof why, "%s", it ? it + 2 : m);
    return ortune_set_error(rc, "read config %s: %s", path, why);
  }
  if (rc) return ortune_set_error(rc, "read config %s: %s: check the path", path, strerror(errno));
  ydoc d;
  rc = yaml_load(path, text, len, &d);
  free(text);
  if (rc) return rc;
  ortune_config *cfg;
  rc = ortune_config_new(&cfg);
  if (!rc) rc = load_section(cfg, &d.doc, path);
  ydoc_free(&d);
  if (rc) {
    ortune_config_release(cfg);
    return rc;
  }
  *out = cfg;
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

char *ortune_config_to_yaml(const ortune_config *cfg) {
  sbuf b = {0};
  sb_add(&b, SECTION ":\n");
  sb_add(&b, "  # ONNX Runtime options (ORT's own names; `ortune explain NAME` says what each does).\n");
  int prov = ortune_option_index("provider");
  sb_add(&b, "  provider: %s\n", ortune_config_value(cfg, prov));
  for (int i = 0; i < ortune_noptions; i++) {
    if (i == prov || !cfg->value[i]) continue;
    sb_add(&b, "  %s: ", ortune_options[i].name);
    sb_scalar(&b, cfg->value[i], 0);
    sb_add(&b, "\n");
  }
  if (cfg->nfree) {
    sb_add(&b, "  free_dimension_overrides:\n");
    for (int i = 0; i < cfg->nfree; i++) {
      sb_add(&b, "    ");
      sb_scalar(&b, cfg->freedim[i].name, 0);
      sb_add(&b, ": %lld\n", (long long)cfg->freedim[i].value);
    }
  }
  if (cfg->nprov) {
    sb_add(&b, "  provenance:\n");
    for (int i = 0; i < cfg->nprov; i++) {
      sb_add(&b, "    ");
      sb_scalar(&b, cfg->prov[i].key, 0); /* keys come from the file too: "", "a: b", "#x" must be quoted */
      sb_add(&b, ": ");
      sb_scalar(&b, cfg->prov[i].value, 1);
      sb_add(&b, "\n");
    }
  }
  if (b.oom) {
    free(b.p);
    return NULL;
  }
  return b.p;
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

/* Is the line starting at off blank or a comment in column 0? */
static int keepable_line(const char *text, size_t len, size_t off) {
  size_t e = off;
  while (e < len && !break_len(text, len, e)) e++;
  if (off < len && text[off] == '#') return 1;
  for (size_t i = off; i < e; i++)
    if (text[i] != ' ' && text[i] != '\t') return 0;
  return 1;
}

/* Is the line starting at off blank, or a comment indented past column 1? */
static int indented_comment_line(const char *text, size_t len, size_t off) {
  size_t i = off;
  while (i < len && (text[i] == ' ' || text[i] == '\t')) i++;
  if (i == len || break_len(text, len, i)) return 1;
  return i > off && text[i] == '#';
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
    yaml_mark_t vend = content_end(&d.doc, val, 0);
    size_t endline = vend.column == 0 ? vend.line : vend.line + 1;
    if (vend.line <= key->start_mark.line) endline = key->start_mark.line + 1;
    /* indented comments right after the value belong to the section (as they do inside a block mapping,
     * whose end is the next key): without this an empty or flow section kept them once, then lost them */
    while (line_offset(old, oldlen, endline) < oldlen && indented_comment_line(old, oldlen, line_offset(old, oldlen, endline)))
      endline++;
    /* keep blank lines and column-0 comments that sit between the section and what follows */
    while (endline > key->start_mark.line + 1 && keepable_line(old, oldlen, line_offset(old, oldlen, endline - 1))) endline--;
    size_t end = line_offset(old, oldlen, endline);
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

int ortune_config_save(const ortune_config *cfg, const char *path) {
  char *old = NULL, *sec = NULL, *text = NULL;
  size_t oldlen = 0;
  struct stat st;
  int rc = ORTUNE_OK;
  if (stat(path, &st) == 0) {
    rc = ortune_read_file(path, &old, &oldlen);
    if (rc) return ortune_set_error(rc, "%s; config not written", ortune_last_error());
  }
  sec = ortune_config_to_yaml(cfg);
  if (!sec) {
    rc = ortune_set_error(ORTUNE_ENOMEM, "write %s: out of memory", path);
    goto fail_section;
  }
  rc = splice(path, old ? old : "", oldlen, sec, &text);
  if (rc) goto fail_splice;
  /* prove the result reads back as what we meant before replacing the file */
  ydoc check;
  rc = yaml_load(path, text, strlen(text), &check);
  if (rc) {
    rc = ortune_set_error(ORTUNE_ECONFIG, "write %s: the rewritten file would not parse (%s); file left unchanged", path,
                          ortune_last_error());
    goto fail_check;
  }
  ydoc_free(&check);
  rc = ortune_write_atomic(path, text, strlen(text));
fail_check:
  free(text);
fail_splice:
  free(sec);
fail_section:
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
