#!/bin/sh
# cli_symbols.sh - libortune.so exports exactly the functions include/ortune.h declares ORTUNE_API, and production
# linking pulls in no tuner, report or guide code (no cJSON, no tune/report symbols).
. "$(dirname "$0")/lib.sh"
so=$ORTUNE_BUILD/libortune.so
[ -f "$so" ] || { t_fail "$so not built"; t_summary; }
command -v nm >/dev/null 2>&1 || { echo "skipped: nm missing (apt-get install binutils)"; exit 77; }
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" { print $3 }' | sort >"$work/exported"
sed -n 's/^ORTUNE_API [^(]*[ *]\(ortune_[a-z0-9_]*\)(.*/\1/p' "$ORTUNE_SRC/include/ortune.h" | sort >"$work/declared"
if [ -s "$work/declared" ] && cmp -s "$work/exported" "$work/declared"; then
  t_pass "libortune.so exports exactly the $(wc -l <"$work/declared") functions declared ORTUNE_API in ortune.h"
else
  t_fail "exports differ from ortune.h (< exported, > declared): $(diff "$work/exported" "$work/declared" | grep '^[<>]' | head -n 8 | tr '\n' ' ')"
fi
if nm -D "$so" | grep -q ' U cJSON_' || readelf -d "$so" | grep -q 'NEEDED.*cjson'; then
  t_fail "libortune.so depends on cJSON: tuner or report code was linked into the production library"
else
  t_pass "libortune.so needs no cJSON (the tuner, report and guide stay in libortune_tools)"
fi
if nm "$so" 2>/dev/null | grep -qE ' (ortune_tune|ortune_report|ortune_guide|ortune_ab_)'; then
  t_fail "libortune.so holds tuner/report symbols: $(nm "$so" | grep -E ' (ortune_tune|ortune_report|ortune_guide|ortune_ab_)' | head -n 3 | tr '\n' ' ')"
else
  t_pass "libortune.so holds no tuner/report/guide code"
fi
t_summary
