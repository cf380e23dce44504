/* fuzz_results.c - libFuzzer harness for the results reader (lib/tune/results.c) and what reads its output.
 *
 * Bytes -> ortune_results_parse. An error must be ORTUNE_ECONFIG with a non-empty one-line message. A document
 * it accepts must: print and parse (and validate) again; give a CSV (ortune_results_csv) of exactly one header
 * line plus one line per trial (every field quoted and escaped, so no field can add lines); and render as the HTML
 * report (ortune_report_html) without a memory error. Any broken invariant abort()s. */
#include "fuzz_util.h"
#include "internal.h"
#include "report.h"
#include "results.h"

static const char *p_html;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fz_init("results");
  p_html = fz_path("r.html");
  return 0;
}

/* Newlines outside double quotes. */
static size_t csv_lines(const char *s) {
  size_t n = 0;
  int q = 0;
  for (; *s; s++) {
    if (*s == '"') q = !q;
    else if (*s == '\n' && !q) n++;
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cJSON *r = NULL;
  int rc = ortune_results_parse((const char *)data, size, "in.json", "fuzz", "way out", &r);
  if (rc) {
    const char *m = ortune_last_error();
    if (rc != ORTUNE_ECONFIG) FZ_FAIL("parse returned %d, want ECONFIG", rc);
    if (!*m || strchr(m, '\n')) FZ_FAIL("error message empty or not one line: '%s'", m);
    if (r) FZ_FAIL("error but a document");
    return 0;
  }
  char *txt = cJSON_PrintUnformatted(r);
  if (!txt) FZ_FAIL("print failed");
  cJSON *again = NULL;
  if (ortune_results_parse(txt, strlen(txt), "again.json", "fuzz", "way out", &again))
    FZ_FAIL("accepted, printed, then refused: %s", ortune_last_error());
  cJSON_Delete(again);
  free(txt);
  size_t len = 0;
  char *csv = ortune_results_csv(r, &len);
  if (!csv) FZ_FAIL("csv: NULL");
  if (strlen(csv) != len) FZ_FAIL("csv length %zu, strlen %zu", len, strlen(csv));
  size_t want = 1 + (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "trials"));
  if (csv_lines(csv) != want) FZ_FAIL("csv has %zu lines, want %zu", csv_lines(csv), want);
  free(csv);
  if (size < 65536) ortune_report_html(r, p_html);
  cJSON_Delete(r);
  return 0;
}
