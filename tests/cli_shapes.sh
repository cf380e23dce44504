#!/bin/sh
# cli_shapes.sh - tune over several input shapes (--shapes): every trial is measured, and its outputs
# checked, at each shape; the first run per shape is recorded and can weigh in the objective.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

models=$(sh "$ORTUNE_SRC/scripts/fetch-models") || { echo "skipped: cannot fetch PP-OCRv4"; exit 77; }
m=$models/ch_PP-OCRv4_det_infer.onnx
r=$work/r.json
"$ORTUNE" tune "$m" --dry-run --space cpu --shapes x=1x3x128x128 --shapes x=1x3x160x224 --max-trials 2 \
  --duration 0.1 --min-runs 5 --ab-rounds 3 --ab-runs 3 --first-run-weight 0.1 --results "$r" --quiet >"$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] && t_pass "tune with --shapes exits 0" || { t_fail "tune with --shapes exited $rc"; cat "$work/out"; }
python3 - "$r" <<'PY' && t_pass "every ok trial has per-shape first run and p50, and p50 is their mean" || t_fail "per-shape results"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["model"]["shape_sets"] == "x=1x3x128x128; x=1x3x160x224", r["model"]
assert r["first_run_weight"] == 0.1
ok = [t for t in r["trials"] if t["status"] == "ok"]
assert len(ok) >= 2, r["trials"]
for t in ok:
    s = t["shapes"]
    assert len(s) == 2 and all(x["first_run_ms"] > 0 and x["p50_ms"] > 0 for x in s), t
    assert abs(t["p50_ms"] - (s[0]["p50_ms"] + s[1]["p50_ms"]) / 2) < 1e-6, t
    assert abs(t["first_run_mean_ms"] - (s[0]["first_run_ms"] + s[1]["first_run_ms"]) / 2) < 1e-6
PY

# a wrong output at the second shape alone is caught: the fault hits every save, so check it is reported
ORTUNE_TEST_FAULT=wrong@session.set_denormal_as_zero=1 "$ORTUNE" tune "$m" --dry-run --space cpu --shapes x=1x3x128x128 \
  --shapes x=1x3x160x224 --max-trials 1 --duration 0.1 --min-runs 5 --ab-rounds 3 --ab-runs 3 --results "$r" --quiet >/dev/null 2>&1
python3 - "$r" <<'PY' && t_pass "a candidate with wrong outputs is rejected as mismatch" || t_fail "mismatch at shapes"
import json, sys
r = json.load(open(sys.argv[1]))
t = [t for t in r["trials"] if t["name"] == "session.set_denormal_as_zero=1"][0]
assert t["status"] == "mismatch", t["status"]
PY

"$ORTUNE" tune "$m" --dry-run --shapes "x=1x3x" >"$work/o" 2>"$work/e"
rc=$?
[ $rc -eq $E_USAGE ] && [ "$(wc -l <"$work/e")" -eq 1 ] && t_pass "bad --shapes: one line, exit 2" || t_fail "bad --shapes exit $rc: $(cat "$work/e")"
t_summary
