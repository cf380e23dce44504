/* results.h - the one validated reader of results JSON files (tune --resume, report, explain --results),
 * and the CSV view of a results object (internal). */
#ifndef ORTUNE_RESULTS_H
#define ORTUNE_RESULTS_H
#include <cjson/cJSON.h>
#include <stddef.h>

#define ORTUNE_RESULTS_SCHEMA 1   /* "schema" written by tune; files without it are read as schema 1 */
#define ORTUNE_RESULTS_MAX_BYTES (256u << 20)

/* A trial's status (record.h's ortune_trial.status). */
typedef enum {
  ORTUNE_TRIAL_OK,
  ORTUNE_TRIAL_MISMATCH,      /* ran, but its outputs differ from the reference beyond the rule */
  ORTUNE_TRIAL_CRASH,
  ORTUNE_TRIAL_TIMEOUT,
  ORTUNE_TRIAL_OOM,
  ORTUNE_TRIAL_INVALID,       /* ORT refused the options */
  ORTUNE_TRIAL_RUNTIME_ERROR,
  ORTUNE_TRIAL_INTERRUPTED,
  ORTUNE_TRIAL_NSTATUS
} ortune_trial_status;
/* "ok", "mismatch", ... as results.json spells them. */
const char *ortune_trial_status_name(ortune_trial_status s);
/* The status named name; -1 when it is none. */
int ortune_trial_status_parse(const char *name);

/* Parse and validate results JSON text (len bytes; need not be NUL-terminated). On success *out is the
 * document (caller deletes). On failure: ORTUNE_ECONFIG (ENOMEM) with a one-line message
 * "WHAT PATH: FIELD: problem: WAY_OUT" naming the first bad field, e.g. trials[2].status. */
int ortune_results_parse(const char *text, size_t len, const char *path, const char *what, const char *way_out, cJSON **out);
/* The same from a file (ORTUNE_EIO when it cannot be read). */
int ortune_results_load(const char *path, const char *what, const char *way_out, cJSON **out);
/* Check an already parsed document against the schema (the same rules, for results built in memory). */
int ortune_results_validate(const cJSON *r, const char *path, const char *what, const char *way_out);
/* Every trial as one CSV line (header first), strings quoted with "" escapes and control characters
 * replaced; NULL when out of memory. Never truncates. Caller frees. */
char *ortune_results_csv(const cJSON *results, size_t *len);
#endif
