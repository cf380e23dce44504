/* report.h - self-contained HTML report (inline SVG plots) of a tune's results JSON. */
#ifndef ORTUNE_REPORT_H
#define ORTUNE_REPORT_H

#include <cjson/cJSON.h>

/* Write the report for `results` (the tuner's results JSON; any field may be
 * missing or odd) to path: one HTML file with inline CSS and SVG, no
 * JavaScript, no network. Written atomically (path.tmp, then rename).
 * Returns ORTUNE_OK, or ORTUNE_EIO (ORTUNE_ENOMEM) with ortune_last_error()
 * naming the path and the fix. */
int ortune_report_html(const cJSON *results, const char *path);

#endif
