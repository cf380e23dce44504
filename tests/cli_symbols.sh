#!/bin/sh
# cli_symbols.sh - libortune.so exports exactly the functions include/ortune.h declares ORTUNE_API, and production
# linking pulls in no tuner, report or guide code (no cJSON, no tune/report symbols). And the test-only
# environment variables are read in one place (lib/runtime/testhook.c), each listed in internal.h's table and used.
. "$(dirname "$0")/lib.sh"
src=$ORTUNE_SRC
if grep -rn 'getenv("ORTUNE_TEST' "$src/lib" "$src/src" | grep -v '/testhook\.c:' >"$work/getenv"; [ -s "$work/getenv" ]; then
  t_fail "ORTUNE_TEST_ variables read outside testhook.c: $(head -n 3 "$work/getenv" | tr '\n' ' ')"
else
  t_pass "no source reads an ORTUNE_TEST_ variable but testhook.c"
fi
sed -n 's/^ *X(\([A-Z_]*\), ".*/\1/p' "$src/lib/runtime/internal.h" >"$work/hooks"
unused=""
for h in $(cat "$work/hooks"); do
  grep -rq "ORTUNE_TEST_HOOK_$h\b" "$src/lib" "$src/src" --include=*.c || unused="$unused $h"
done
if [ "$(wc -l <"$work/hooks")" -ge 9 ] && [ -z "$unused" ]; then
  t_pass "each of the $(wc -l <"$work/hooks") test hooks in internal.h's table is used"
else
  t_fail "test hooks listed but unused, or the table not found:$unused ($(wc -l <"$work/hooks") listed)"
fi
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
