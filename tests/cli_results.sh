#!/bin/sh
# cli_results.sh - one validated reader for results JSON (tune --resume, report, explain --results): damaged or
# hand-edited files give exit 5 and one line naming the field and the way out, never a crash; --csv holds any
# field whole (quoted, escaped).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

m=$data/add2.onnx
q="--space cpu --max-trials 2 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"
# shellcheck disable=SC2086
"$ORTUNE" tune "$m" --dry-run $q --results "$work/good.json" >/dev/null 2>&1 || t_fail "tune for a results file"
[ "$(json_get "$work/good.json" "j['schema']")" = 1 ] && t_pass "results carry schema 1" || t_fail "no schema field"

# damage NAME FIELD PYTHON: a copy of good.json changed by PYTHON (j is the document), expected to be refused naming FIELD
damage() {
  _dn=$1 _df=$2
  python3 - "$work/good.json" "$work/bad.json" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(j) if not isinstance(j, str) else j)
PY
  for cmd in resume report explain; do
    case $cmd in
      resume) set -- "$ORTUNE" tune "$m" --dry-run $q --results "$work/bad.json" --resume ;;
      report) set -- "$ORTUNE" report "$work/bad.json" --output "$work/r.html" ;;
      explain) set -- "$ORTUNE" explain enable_mem_pattern --results "$work/bad.json" ;;
    esac
    cp "$work/bad.json" "$work/bad.orig"
    expect_error "$cmd, $_dn" "$E_CONFIG" - "$@"
    grep -q -- "$_df" "$work/.err" && t_pass "$cmd, $_dn: names the field" || t_fail "$cmd, $_dn: message lacks '$_df': $(cat "$work/.err")"
    cmp -s "$work/bad.json" "$work/bad.orig" || t_fail "$cmd, $_dn: the results file was changed"
  done
}
damage "missing status" "trials\[1\].status: missing" 'del j["trials"][1]["status"]'
damage "numeric status" "trials\[0\].status: is a number, want a status string" 'j["trials"][0]["status"] = 3'
damage "unknown status" "trials\[0\].status: not a known status" 'j["trials"][0]["status"] = "\x1b[31mok"'
damage "numeric config value" "trials\[2\].config.enable_cpu_mem_arena: is a number" 'j["trials"][2]["config"] = {"enable_cpu_mem_arena": 0}'
damage "5000-char stage" "trials\[0\].stage: 5000 characters, at most 32" 'j["trials"][0]["stage"] = "s" * 5000'
damage "trials not an array" "trials: is an object, want an array" 'j["trials"] = {}'
damage "no trials" "trials: missing" 'del j["trials"]'
damage "impact row without value" "impact\[0\].value: missing" 'j["impact"] = [{"option": "enable_mem_pattern", "speedup": 1, "ci_low": 1, "ci_high": 1, "n": 1}]'
damage "newer schema" "schema: not 1" 'j["schema"] = 2'
damage "truncated JSON" "not valid JSON" 'j = json.dumps(j)[:200]'
damage "a number, not an object" "is not an object" 'j = 5'
damage "deep nesting" "not valid JSON" 'j = "[" * 100000'
damage "latency not a number" "trials\[0\].latencies_ms: holds a value that is not a number" 'j["trials"][0]["latencies_ms"] = ["x"]'
expect_error "explain --results on a missing file" "$E_IO" - "$ORTUNE" explain enable_mem_pattern --results /nonexistent.json

# a valid file still works everywhere
run_cmd "$work/o" "$work/e" "$ORTUNE" explain enable_mem_pattern --results "$work/good.json"
[ "$rc" -eq 0 ] && t_pass "explain --results on a good file" || t_fail "explain good: exit $rc $(cat "$work/e")"
run_cmd "$work/o" "$work/e" "$ORTUNE" report "$work/good.json" --output "$work/r.html"
[ "$rc" -eq 0 ] && t_pass "report on a good file" || t_fail "report good: exit $rc $(cat "$work/e")"

# --csv: long names/reasons with quotes, commas and newlines are written whole and read back by a CSV reader
python3 - "$work/good.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["trials"][2]["reason"] = 'say "hi", twice\nand ' + "r" * 4000
open(sys.argv[1], "w").write(json.dumps(j))
PY
# shellcheck disable=SC2086
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$m" --dry-run $q --results "$work/good.json" --resume --csv "$work/r.csv"
[ "$rc" -eq 0 ] && t_pass "resume with a 4000-character reason" || t_fail "resume long reason: exit $rc $(cat "$work/e")"
pycheck "csv holds the long reason whole, quotes kept, newline as space" "$work/r.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
r = [x["reason"] for x in rows if x["reason"].startswith("say")]
assert r == ['say "hi", twice and ' + "r" * 4000], [x["reason"][:40] for x in rows]
PY

t_summary
