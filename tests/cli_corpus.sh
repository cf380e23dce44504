#!/bin/sh
# cli_corpus.sh - every model of Debian's libonnx-testdata (about 1070) through
#   ortune run MODEL --check DIR/test_data_set_0 --json
# classified as pass / mismatch / unsupported / error. Fails on any crash (exit >= 128: a signal) or hang, on a
# failure that does not print exactly one "ortune: " line on stderr, on a pass whose JSON says otherwise, or when
# fewer than ORTUNE_CORPUS_MIN_PASS (default 100) pass. Writes $ORTUNE_BUILD/corpus-report.txt listing every
# mismatch, unsupported model and error with its one-line message; mismatches not explained in
# tests/data/corpus-known.txt are marked NEW (failures with ORTUNE_CORPUS_STRICT=1). docs/corpus.md explains them.
# Env: ORTUNE, ORTUNE_BUILD, ORTUNE_JOBS (parallel runs, default 2), ORTUNE_CORPUS (the data dir).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

corpus=${ORTUNE_CORPUS:-/usr/share/libonnx-testdata/data}
if [ ! -d "$corpus" ]; then
  echo "skipped: $corpus missing (apt-get install libonnx-testdata)"
  exit 77
fi
jobs=${ORTUNE_JOBS:-2}
min_pass=${ORTUNE_CORPUS_MIN_PASS:-100}
report=$ORTUNE_BUILD/corpus-report.txt
known=$ORTUNE_SRC/tests/data/corpus-known.txt

find "$corpus" -name model.onnx | sort >"$work/models"
total=$(wc -l <"$work/models")
if grep -q '[[:space:]]' "$work/models"; then
  echo "fail: model paths with white space under $corpus"
  exit 1
fi
mkdir "$work/res"

# One model (sh one.sh ORTUNE RESDIR MODEL): writes res/<id> as "class<TAB>exit<TAB>model<TAB>message".
cat >"$work/one.sh" <<'EOF'
ortune=$1 res=$2 m=$3
d=${m%/model.onnx}
id=$(printf '%s' "$d" | tr '/' '_')
timeout -k 10 120 "$ortune" run "$m" --check "$d/test_data_set_0" --json >"$res/$id.out" 2>"$res/$id.err"
rc=$?
msg=$(head -n 1 "$res/$id.err" | cut -c1-400)
lines=$(wc -l <"$res/$id.err")
case $rc in
  0) if grep -q '"status":[[:space:]]*"pass"' "$res/$id.out" && [ "$lines" -eq 0 ]; then class=pass
     else class=bad-output; msg="exit 0 but the JSON does not say pass, or stderr is not empty"; fi ;;
  12) class=mismatch ;;
  17) class=unsupported ;;
  124) class=hang; msg="no result in 120 s" ;;
  9) if grep -q 'NOT_IMPLEMENTED\|not supported\|not implemented\|Could not find an implementation\|is not a registered' "$res/$id.err"
     then class=unsupported; else class=error; fi ;;
  *) if [ "$rc" -ge 128 ]; then class=crash; msg="killed by signal $((rc - 128)): $msg"; else class=error; fi ;;
esac
if [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && { [ "$lines" -ne 1 ] || ! head -n 1 "$res/$id.err" | grep -q '^ortune: '; }; then
  class=bad-stderr
  msg="exit $rc with $lines lines on stderr: $(head -n 1 "$res/$id.err" | cut -c1-200)"
fi
printf '%s\t%s\t%s\t%s\n' "$class" "$rc" "$d" "$msg" >"$res/$id"
rm -f "$res/$id.out" "$res/$id.err"
EOF

start=$(date +%s)
xargs -P "$jobs" -n 1 sh "$work/one.sh" "$ORTUNE" "$work/res" <"$work/models"
secs=$(($(date +%s) - start))
cat "$work/res"/* | sort >"$work/all.tsv"
done_n=$(wc -l <"$work/all.tsv")

count() { awk -F'\t' -v c="$1" '$1 == c' "$work/all.tsv" | wc -l | tr -d ' '; }
pass=$(count pass) mismatch=$(count mismatch) unsupported=$(count unsupported) error=$(count error)
crash=$(count crash) hang=$(count hang) badout=$(count bad-output) badstderr=$(count bad-stderr)

# Mismatches not in the known list (first field of each non-comment line: the test directory's name).
new=0
: >"$work/new"
awk -F'\t' '$1 == "mismatch" { n = split($3, p, "/"); print p[n] }' "$work/all.tsv" | while read -r t; do
  grep -q "^$t\([[:space:]]\|\$\)" "$known" 2>/dev/null || echo "$t"
done >"$work/new"
new=$(wc -l <"$work/new" | tr -d ' ')

{
  echo "ortune corpus report: $(date -u +%Y-%m-%dT%H:%M:%SZ), $("$ORTUNE" --version 2>/dev/null)"
  echo "corpus: $corpus ($total models, $secs s with $jobs jobs)"
  echo "pass $pass, mismatch $mismatch ($new not explained in tests/data/corpus-known.txt), unsupported $unsupported, error $error, crash $crash, hang $hang, bad output $badout, bad stderr $badstderr"
  for c in crash hang bad-output bad-stderr mismatch error unsupported; do
    n=$(count "$c")
    [ "$n" -gt 0 ] || continue
    echo
    echo "== $c ($n)"
    awk -F'\t' -v c="$c" -v root="$corpus/" '$1 == c { sub(root, "", $3); printf "%-70s exit %-3s %s\n", $3, $2, $4 }' "$work/all.tsv"
  done
  if [ "$new" -gt 0 ]; then
    echo
    echo "== NEW mismatches (not in tests/data/corpus-known.txt)"
    cat "$work/new"
  fi
} >"$report" 2>/dev/null || report=$work/corpus-report.txt

[ "$done_n" -eq "$total" ] && t_pass "ran all $total models ($secs s, $jobs jobs)" || t_fail "only $done_n of $total models have a result"
[ "$crash" -eq 0 ] && t_pass "no crashes" || { t_fail "$crash crashes"; awk -F'\t' '$1 == "crash" { print "    " $3 ": " $4 }' "$work/all.tsv"; }
[ "$hang" -eq 0 ] && t_pass "no hangs" || { t_fail "$hang hangs"; awk -F'\t' '$1 == "hang" { print "    " $3 }' "$work/all.tsv"; }
[ "$badstderr" -eq 0 ] && t_pass "every failure says one 'ortune: ' line on stderr" ||
  { t_fail "$badstderr failures break the one-line stderr rule"; awk -F'\t' '$1 == "bad-stderr" { print "    " $3 ": " $4 }' "$work/all.tsv" | head -n 10; }
[ "$badout" -eq 0 ] && t_pass "every exit 0 reports status pass" || { t_fail "$badout exit 0 without pass"; awk -F'\t' '$1 == "bad-output" { print "    " $3 }' "$work/all.tsv" | head -n 10; }
[ "$pass" -ge "$min_pass" ] && t_pass "$pass pass (at least $min_pass)" || t_fail "only $pass pass, want at least $min_pass"
if [ "$new" -eq 0 ]; then t_pass "every mismatch is explained in tests/data/corpus-known.txt"
elif [ "${ORTUNE_CORPUS_STRICT:-0}" = 1 ]; then t_fail "$new unexplained mismatches: $(tr '\n' ' ' <"$work/new")"
else t_skip "$new unexplained mismatches (ORTUNE_CORPUS_STRICT=1 fails on them): $(tr '\n' ' ' <"$work/new")"; fi

echo "report: $report"
echo "corpus: $total models: $pass pass, $mismatch mismatch, $unsupported unsupported, $error error, $crash crash, $hang hang"
t_summary
