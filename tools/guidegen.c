/* guidegen.c - the parameter guide's generator: docs/parameters/<lang>/<option>.md -> the C table `ortune explain` prints
 * (compiled into libortune_tools) and the two pages docs/parameters.md and docs/parameters.ko.md.
 *
 * How it works: each language directory (en, ko) holds one file per option, <option>.md, whose first line is
 * "# <option>", second line the one-line summary, third line empty, and the rest the body exactly as `ortune explain
 * OPTION` prints it (its first paragraph is the "Scope: / Values: / Default:" header). Files starting with "_" are not
 * options: _intro.md is the text `ortune explain` prints without an option, _page.md the title and preamble of the
 * generated page. Entries are sorted by name; both languages must name the same options. The C output escapes the
 * text into string literals; the page turns each header into a bullet list and a row of the options table, an
 * underlined heading into "## ", and an indented block after an empty line into a code fence. Written in C, not
 * sh/awk or Python, so that the build needs nothing but the compiler it already has and one parser serves both
 * outputs. Every output is written to a temp file and renamed; any bad input stops it with a one-line error.
 *
 * usage: guidegen DATA_DIR OUT.c OUT_en.md OUT_ko.md */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 256

typedef struct {
  char *name, *summary, *body;
} entry;

typedef struct {
  const char *code, *options, *table_head, *reference;
  char *intro, *page;
  entry e[MAX_ENTRIES];
  int n;
} lang;

static lang langs[2] = {
  {"en", "Options", "| Option | Scope | Values | Default |", "Option reference", NULL, NULL, {{0}}, 0},
  {"ko", "옵션 목록", "| 옵션 | 범위 | 값 | 기본값 |", "옵션별 설명", NULL, NULL, {{0}}, 0},
};

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("guidegen: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) die("%s: %s", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *s = malloc(cap);
  for (size_t r; s && (r = fread(s + n, 1, cap - n - 1, f)) > 0;) {
    n += r;
    if (n + 1 == cap) s = realloc(s, cap *= 2);
  }
  if (!s || ferror(f)) die("%s: cannot read", path);
  fclose(f);
  s[n] = '\0';
  if (strlen(s) != n) die("%s: contains a NUL byte", path);
  return s;
}

static int cmp_entry(const void *a, const void *b) { return strcmp(((const entry *)a)->name, ((const entry *)b)->name); }

/* "# name\nsummary\n\nbody" -> the entry; the file name must be the option's name. */
static void parse_entry(const char *path, const char *name, entry *e) {
  char *s = slurp(path), *nl1 = strchr(s, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
  if (strncmp(s, "# ", 2) || !nl1 || (size_t)(nl1 - s - 2) != strlen(name) || strncmp(s + 2, name, strlen(name)))
    die("%s: the first line must be \"# %s\" (the option's name, as in the file name)", path, name);
  if (!nl2 || nl2 == nl1 + 1 || nl2[1] != '\n' || !nl2[2])
    die("%s: line 2 must be the one-line summary, line 3 empty, then the body", path);
  if (s[strlen(s) - 1] != '\n') die("%s: the body must end with a newline", path);
  *nl1 = *nl2 = '\0';
  e->name = strdup(name);
  e->summary = strdup(nl1 + 1);
  e->body = strdup(nl2 + 2);
  free(s);
}

static void read_lang(const char *dir, lang *l) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, l->code);
  DIR *d = opendir(path);
  if (!d) die("%s: %s", path, strerror(errno));
  for (struct dirent *de; (de = readdir(d));) {
    size_t len = strlen(de->d_name);
    if (len < 4 || strcmp(de->d_name + len - 3, ".md")) continue;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(len - 3), de->d_name);
    snprintf(path, sizeof path, "%s/%s/%s", dir, l->code, de->d_name);
    if (!strcmp(name, "_intro")) l->intro = slurp(path);
    else if (!strcmp(name, "_page")) l->page = slurp(path);
    else if (name[0] == '_') die("%s: unknown special file (only _intro.md and _page.md)", path);
    else if (l->n == MAX_ENTRIES) die("%s: more than %d options", path, MAX_ENTRIES);
    else parse_entry(path, name, &l->e[l->n++]);
  }
  closedir(d);
  if (!l->intro || !l->page) die("%s/%s: _intro.md and _page.md are both needed", dir, l->code);
  qsort(l->e, (size_t)l->n, sizeof l->e[0], cmp_entry);
}

/* ---- outputs ------------------------------------------------------------------------------------------------- */

static FILE *open_out(const char *path, char *tmp, size_t len) {
  snprintf(tmp, len, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) die("%s: %s", tmp, strerror(errno));
  return f;
}

static void close_out(FILE *f, const char *tmp, const char *path) {
  if (ferror(f) | fclose(f) || rename(tmp, path)) die("%s: cannot write (%s)", path, strerror(errno));
}

/* s as C string literals, one per line of text. */
static void c_string(FILE *f, const char *s) {
  fputs("    \"", f);
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p == '?' && p[1] == '?') fputs("?\\", f); /* no trigraphs */
    else if (*p == '\n') fputs(p[1] ? "\\n\"\n    \"" : "\\n", f);
    else if (*p == '\t') fputs("\\t", f);
    else fputc(*p, f);
  }
  fputs("\",\n", f);
}

static void write_c(const char *path) {
  char tmp[4096];
  FILE *f = open_out(path, tmp, sizeof tmp);
  fputs("/* Generated by tools/guidegen.c from docs/parameters/{en,ko}/: edit those files, not this one. */\n"
        "#include \"guide.h\"\n\n",
        f);
  for (int k = 0; k < 2; k++) {
    fprintf(f, "const char ortune_guide_intro_%s[] =\n", langs[k].code);
    c_string(f, langs[k].intro);
    fseek(f, -2, SEEK_CUR); /* "...",\n -> "...";\n */
    fputs(";\n\n", f);
  }
  fputs("const ortune_guide_entry ortune_guide[] = {\n", f);
  for (int i = 0; i < langs[0].n; i++) {
    const entry *en = &langs[0].e[i], *ko = &langs[1].e[i];
    fputs("  {\n", f);
    c_string(f, en->name);
    c_string(f, en->summary);
    c_string(f, en->body);
    c_string(f, ko->summary);
    c_string(f, ko->body);
    fputs("  },\n", f);
  }
  fputs("};\nconst int ortune_guide_count = (int)(sizeof ortune_guide / sizeof ortune_guide[0]);\n", f);
  close_out(f, tmp, path);
}

/* Text as Markdown: "Title\n---" -> "## Title", a paragraph whose lines are all indented two spaces -> a fence. */
static void md_text(FILE *f, const char *s) {
  char *copy = strdup(s), *save = NULL;
  for (char *para = copy; para && *para;) {
    char *end = strstr(para, "\n\n");
    if (end) *end = '\0';
    char *nl = strchr(para, '\n');
    size_t dashes = nl ? strspn(nl + 1, "-") : 0;
    if (dashes && (nl[1 + dashes] == '\n' || !nl[1 + dashes])) { /* an underlined heading, maybe text below it */
      fprintf(f, "## %.*s\n", (int)(nl - para), para);
      para = nl + 1 + dashes;
      if (*para) para++, fputc('\n', f);
      if (!*para) {
        para = end ? end + 2 : NULL;
        if (para && *para) fputc('\n', f);
        continue;
      }
    }
    int indented = 1;
    for (char *l = para; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
      if (strncmp(l, "  ", 2) && *l) indented = 0;
    if (indented) {
      fputs("```\n", f);
      for (char *l = strtok_r(para, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) fprintf(f, "%s\n", l + 2);
      fputs("```\n", f);
    } else fprintf(f, "%s%s", para, para[strlen(para) - 1] == '\n' ? "" : "\n");
    para = end ? end + 2 : NULL;
    if (para && *para) fputc('\n', f);
  }
  free(copy);
}

/* The body's first paragraph, "Key:   value" lines (a line starting with a space continues the value), into
 * fields; returns the rest of the body. */
static const char *header_fields(const char *body, char fields[8][512], char keys[8][64], int *nf) {
  *nf = 0;
  const char *p = body;
  while (*p && *p != '\n') {
    const char *eol = strchr(p, '\n'), *colon = memchr(p, ':', (size_t)(eol - p));
    if (*p == ' ' && *nf) { /* continuation */
      while (*p == ' ') p++;
      size_t n = strlen(fields[*nf - 1]);
      snprintf(fields[*nf - 1] + n, 512 - n, " %.*s", (int)(eol - p), p);
    } else if (colon && *nf < 8) {
      snprintf(keys[*nf], 64, "%.*s", (int)(colon - p), p);
      const char *v = colon + 1;
      while (*v == ' ') v++;
      snprintf(fields[(*nf)++], 512, "%.*s", (int)(eol - v), v);
    } else break;
    p = eol + 1;
  }
  return *p == '\n' ? p + 1 : p;
}

/* A table cell: " | " between values becomes ", ", any other '|' is escaped. */
static void cell(FILE *f, const char *s) {
  fputs(" ", f);
  for (const char *p = s; *p; p++) {
    if (!strncmp(p, " | ", 3)) fputs(",", f), p++;
    else if (*p == '|') fputs("\\|", f);
    else fputc(*p, f);
  }
  fputs(" |", f);
}

static void anchor(FILE *f, const char *name) {
  for (const char *p = name; *p; p++)
    if (*p != '.') fputc(*p, f);
}

static void write_md(const char *path, const lang *l) {
  char tmp[4096], fields[8][512], keys[8][64];
  int nf;
  FILE *f = open_out(path, tmp, sizeof tmp);
  fprintf(f, "<!-- Generated by tools/guidegen.c from docs/parameters/%s/: edit those files, then run\n"
             "     cmake --build build --target parameters-docs -->\n", l->code);
  fputs(l->page, f);
  fputc('\n', f);
  md_text(f, l->intro);
  fprintf(f, "\n## %s\n\n%s\n|---|---|---|---|\n", l->options, l->table_head);
  for (int i = 0; i < l->n; i++) {
    header_fields(l->e[i].body, fields, keys, &nf); /* main checked nf >= 3 */
    fprintf(f, "| [`%s`](#", l->e[i].name);
    anchor(f, l->e[i].name);
    fputs(") |", f);
    for (int k = 0; k < 3; k++) cell(f, fields[k]);
    fputc('\n', f);
  }
  fprintf(f, "\n## %s\n", l->reference);
  for (int i = 0; i < l->n; i++) {
    const char *rest = header_fields(l->e[i].body, fields, keys, &nf);
    fprintf(f, "\n### `%s`\n\n%s\n\n", l->e[i].name, l->e[i].summary);
    for (int k = 0; k < nf; k++) fprintf(f, "- %s: %s\n", keys[k], fields[k]);
    if (*rest) fputc('\n', f), md_text(f, rest);
  }
  close_out(f, tmp, path);
}

int main(int argc, char **argv) {
  if (argc != 5) die("usage: guidegen DATA_DIR OUT.c OUT_en.md OUT_ko.md");
  for (int k = 0; k < 2; k++) read_lang(argv[1], &langs[k]);
  for (int i = 0; i < langs[0].n || i < langs[1].n; i++) {
    const entry *en = i < langs[0].n ? &langs[0].e[i] : NULL, *ko = i < langs[1].n ? &langs[1].e[i] : NULL;
    if (!en || !ko || strcmp(en->name, ko->name)) {
      int ko_missing = !ko || (en && strcmp(en->name, ko->name) < 0);
      const entry *has = ko_missing ? en : ko;
      die("%s/%s/%s.md has no %s counterpart %s/%s/%s.md: every option needs both languages", argv[1],
          ko_missing ? "en" : "ko", has->name, ko_missing ? "Korean" : "English", argv[1], ko_missing ? "ko" : "en",
          has->name);
    }
  }
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < langs[k].n; i++) { /* before any output: no page half made */
      char fields[8][512], keys[8][64];
      int nf;
      header_fields(langs[k].e[i].body, fields, keys, &nf);
      if (nf < 3)
        die("%s/%s/%s.md: the body must start with three \"Key: value\" lines (scope, values, default)", argv[1],
            langs[k].code, langs[k].e[i].name);
    }
  write_c(argv[2]);
  write_md(argv[3], &langs[0]);
  write_md(argv[4], &langs[1]);
  return 0;
}
