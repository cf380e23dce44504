#!/bin/sh
# cli_reference.sh - `ortune tune`'s output check against the exact CPU float32 reference, on the committed tiny
# models (tests/data/mlp.onnx: outputs y and a near-zero z; random_like.onnx): defaults made less exact than a
# candidate (ORTUNE_TEST_FAULT=skewX@defaults) do not reject it; a candidate less exact than the defaults, than
# --atol/--rtol, or with NaN is rejected with both errors printed; random operators and weak checks are said;
# --input data reaches the reference; --resume keeps the errors; a failed reference run falls back and says so; `ortune
# compare` holds a config's outputs to the same check (ORTUNE_TEST_AB_SKEW). Asserts behaviour, never
# timings. About 40 s on 2 cores. Env: ORTUNE, ORTUNE_SRC.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

mlp=$data/mlp.onnx
fast="--space cpu --duration 0.1 --min-runs 5 --ab-rounds 3 --ab-runs 3 --max-trials 4 --dry-run"

# tune NAME FAULT MODEL ARGS...: results in $work/NAME.json, stdout/stderr in $work/NAME.out/.err
tune() {
  _n=$1 _f=$2 _m=$3
  shift 3
  run_cmd "$work/$_n.out" "$work/$_n.err" env ORTUNE_TEST_FAULT="$_f" "$ORTUNE" tune "$_m" $fast --results "$work/$_n.json" "$@"
  if [ "$rc" -ne 0 ]; then
    t_fail "$_n: exit $rc"
    tail -n 3 "$work/$_n.err" | sed 's/^/    /'
  fi
}

# ---- (a) defaults less exact than the candidates: the candidates are accepted as more exact ---------------------------
tune sloppy "skew5e-2@defaults" "$mlp"
pycheck "defaults 5% off the exact reference: no candidate rejected, each 'more exact', the defaults' error recorded" "$work/sloppy.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["reference"]["check"] == "exact", j["reference"]
ref = {(o["name"], o["set"]): o for o in j["reference"]["outputs"]}
assert abs(ref[("y", "main")]["default_err"]["norm"] - 0.05) < 1e-4, ref[("y", "main")]
cands = [t for t in j["trials"] if t["stage"] != "baseline"]
assert cands, "no candidate ran"
for t in cands:
    assert t["status"] in ("ok",), "%s: %s %s" % (t["name"], t["status"], t.get("reason"))
    y = [o for o in t["outputs"] if o["name"] == "y"][0]
    assert y["verdict"] == "more exact", y
    assert y["cand_err"]["norm"] < 1e-6 and abs(y["default_err"]["norm"] - 0.05) < 1e-4, y
print("%d candidates more exact than the defaults" % len(cands))
PY
grep -q "^output check: against an exact CPU float32 reference; the defaults' own error (of scale): y 0.05 z 0.05 (weak)" "$work/sloppy.out" &&
  t_pass "the table's header line gives the defaults' own error per output" ||
  t_fail "no 'output check' line with the defaults' error: $(head -n 1 "$work/sloppy.out")"
grep -Eq '^[0-9]+ +defaults +ok .* 0\.05$' "$work/sloppy.out" && grep -Eq '^[0-9]+ +enable_mem_pattern=0 +(ok|dropped) .* 0$' "$work/sloppy.out" &&
  t_pass "the 'out err' column: the defaults' own error on their row, the candidate's on its own" ||
  t_fail "out err column: $(grep -E 'defaults|enable_mem_pattern=0' "$work/sloppy.out" | head -n 3)"

# ---- (b) less exact than the stated tolerance: rejected, both errors printed ------------------------------------------
tune tol "skew5e-5@enable_mem_pattern=0" "$mlp" --atol 1e-7 --rtol 0
pycheck "5e-5 of scale off, --atol 1e-7: rejected as outside the tolerance, both errors in the JSON and the reason" "$work/tol.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
hit = [t for t in j["trials"] if t["name"] == "enable_mem_pattern=0"]
assert hit, [t["name"] for t in j["trials"]]
t = hit[0]
assert t["status"] == "mismatch", t["status"]
y = [o for o in t["outputs"] if o["name"] == "y"][0]
assert y["verdict"] == "outside tolerance", y
assert abs(y["cand_err"]["norm"] - 5e-5) < 1e-6 and y["default_err"]["norm"] == 0, y
assert "outside --atol/--rtol" in t["reason"] and "(defaults 0)" in t["reason"], t["reason"]
others = [x for x in j["trials"] if x["stage"] != "baseline" and x is not t]
assert others and all(x["status"] == "ok" for x in others), [(x["name"], x["status"]) for x in others]
print(t["reason"])
PY
if grep -A1 "enable_mem_pattern=0 .*mismatch" "$work/tol.out" | grep -q "error max abs .* (defaults 0), 5e-05 of scale (defaults 0)"; then
  t_pass "the terminal table prints the rejected candidate's error and the defaults' side by side"
else
  t_fail "no line with both errors under the rejected row"
  sed 's/^/    /' "$work/tol.out" | head -n 12
fi
tune notol "skew5e-5@enable_mem_pattern=0" "$mlp"
pycheck "the same 5e-5 without --atol: within the float32 floor (1e-4 of scale), accepted" "$work/notol.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = [t for t in j["trials"] if t["name"] == "enable_mem_pattern=0"][0]
assert t["status"] == "ok", (t["status"], t.get("reason"))
y = [o for o in t["outputs"] if o["name"] == "y"][0]
assert y["verdict"] == "ok" and y["allowed"] == 1e-4, y
PY
tune worse "skew1e-2@enable_mem_pattern=0" "$mlp"
pycheck "1% of scale off with exact defaults: rejected as less exact than the defaults" "$work/worse.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = [t for t in j["trials"] if t["name"] == "enable_mem_pattern=0"][0]
assert t["status"] == "mismatch", t["status"]
assert "less exact than the defaults: error 0.01 of scale" in t["reason"] and "(defaults 0, max abs 0; allowed 0.0001)" in t["reason"], t["reason"]
PY
tune nan "nan@enable_mem_pattern=0" "$mlp"
pycheck "NaN where the reference is finite: rejected" "$work/nan.json" <<'PY'
import json, sys
t = [t for t in json.load(open(sys.argv[1]))["trials"] if t["name"] == "enable_mem_pattern=0"][0]
assert t["status"] == "mismatch" and "NaN/Inf where the exact reference is finite" in t["reason"], (t["status"], t.get("reason"))
PY

# ---- weak checks and --input data ------------------------------------------------------------------------------------------
grep -q "^ortune: weak check on output 'z': max|ref| .* (near zero) on the check inputs; pass real data with --input" "$work/sloppy.err" &&
  t_pass "a near-zero output is said to be a weak check" || t_fail "no weak-check line for z: $(grep ortune: "$work/sloppy.err" | head -n 2)"
python3 - "$work/x.npy" <<'PY'
import struct, sys
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 16), }"
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + struct.pack("<16f", *[2000.0 + 100 * i for i in range(16)]))
PY
tune input "" "$mlp" --input "x=$work/x.npy"
pycheck "--input data: the reference computes from it (the defaults' error is 0, z is 3.5e-3 there)" "$work/input.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
z = [o for o in j["reference"]["outputs"] if o["name"] == "z" and o["set"] == "main"][0]
assert abs(z["ref_max_abs"] - 3.5e-3) < 1e-5, z
assert z["default_err"]["norm"] == 0 and "weak" not in z, z
assert all(t["status"] == "ok" for t in j["trials"]), [(t["name"], t["status"]) for t in j["trials"]]
PY
grep -q "weak check on output 'z'" "$work/input.err" && t_fail "weak check said for z on --input data" ||
  t_pass "no weak check for z on --input data of a real scale"

# ---- --shapes: the reference covers every shape set --------------------------------------------------------------------
tune shapes "skew1e-2@enable_mem_pattern=0" "$data/dyn_relu.onnx" --shapes x=2x3 --shapes x=5x3
pycheck "--shapes: the reference and the defaults' error per shape set; a skewed candidate rejected" "$work/shapes.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sets = sorted((o["name"], o["set"]) for o in j["reference"]["outputs"])
assert sets == [("y", "main"), ("y", "set2"), ("y", "shape1")], sets
t = [t for t in j["trials"] if t["name"] == "enable_mem_pattern=0"][0]
assert t["status"] == "mismatch" and "less exact than the defaults" in t["reason"], (t["status"], t.get("reason"))
PY

# ---- random operators -----------------------------------------------------------------------------------------------------
tune random "" "$data/random_like.onnx"
pycheck "random operators: said in one line, shape/dtype/NaN checks only, no candidate rejected" "$work/random.json" "$work/random.err" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read()
assert "ortune: random operators in the model (RandomNormalLike): outputs differ from run to run, so outputs are checked for shape, dtype and NaN/Inf only" in err, err
assert j["reference"]["check"] == "shapes" and j["reference"]["random_ops"] == "RandomNormalLike", j["reference"]
cands = [t for t in j["trials"] if t["stage"] != "baseline"]
assert cands and all(t["status"] == "ok" for t in cands), [(t["name"], t["status"], t.get("reason")) for t in cands]
PY

# ---- --resume: finished trials keep their errors and verdicts; the reference is computed again, the same --------------
tune res1 "skew5e-2@defaults" "$mlp" --max-trials 2
first=$(python3 -c 'import json,sys; print([t["name"] for t in json.load(open(sys.argv[1]))["trials"] if t["stage"] != "baseline"][0])' "$work/res1.json")
cp "$work/res1.json" "$work/res2.json"
run_cmd "$work/res2.out" "$work/res2.err" env ORTUNE_TEST_FAULT="skew5e-2@defaults" "$ORTUNE" tune "$mlp" $fast --resume \
  --results "$work/res2.json"
[ "$rc" -eq 0 ] || t_fail "resume: exit $rc: $(tail -n 1 "$work/res2.err")"
pycheck "--resume: a resumed trial keeps its per-output errors; the reference and the defaults' error are the same again" "$work/res1.json" "$work/res2.json" "$first" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2])); first = sys.argv[3]
ta = [t for t in a["trials"] if t["name"] == first][0]
tb = [t for t in b["trials"] if t["name"] == first][0]
assert tb.get("resumed") is True, tb
assert tb["outputs"] == ta["outputs"] and tb["status"] == "ok", (tb["outputs"], ta["outputs"])
assert b["reference"] == a["reference"], "the reference changed on --resume"
assert len(b["trials"]) > len(a["trials"]), "nothing new measured"
PY

# ---- the reference run fails: checked against the defaults' outputs, said ------------------------------------------------
tune noref "crash@exact reference" "$mlp"
pycheck "a failed reference run: one line, the old check against the defaults' outputs, the tune goes on" "$work/noref.json" "$work/noref.err" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); err = open(sys.argv[2]).read()
assert "ortune: exact reference: the CPU float32 run failed (" in err, err
assert j["reference"]["check"] == "defaults", j["reference"]
assert all(t["status"] == "ok" for t in j["trials"]), [(t["name"], t["status"]) for t in j["trials"]]
PY

# ---- compare: the same check, on the A/B's own outputs -------------------------------------------------------------
# ORTUNE_TEST_AB_SKEW=K:X moves element 0 of config K's float outputs by X of their scale in the A/B (test-only)
printf 'onnxruntime:\n  provider: cpu\n  intra_op_num_threads: 1\n' >"$work/c1.yaml"
cmp_run() { # NAME SKEW ARGS...: stdout/stderr in $work/NAME.out/.err
  _n=$1 _s=$2
  shift 2
  run_cmd "$work/$_n.out" "$work/$_n.err" env ORTUNE_TEST_AB_SKEW="$_s" "$ORTUNE" compare "$mlp" --config "$work/c1.yaml" --rounds 2 --runs 2 "$@"
}
cmp_run cskew 1:1e-3 --json
[ "$rc" -eq "$E_MISMATCH" ] && t_pass "compare: a config 1e-3 of scale off the exact reference exits $rc" || t_fail "compare skew 1e-3: exit $rc: $(tail -n 2 "$work/cskew.err")"
pycheck "compare: judged against the exact reference as tune judges (both sides' errors, allowed, verdict)" "$work/cskew.out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["reference"]["check"] == "exact", j["reference"]
c = j["configs"][0]
assert c["outputs_match"] is False, c
o = [x for x in c["outputs"] if x["verdict"] == "less exact"]
assert o and abs(o[0]["cand_err"]["norm"] - 1e-3) < 2e-4 and o[0]["allowed"] < 1e-3, c["outputs"]
assert o[0]["default_err"]["norm"] < 1e-4, o[0]
PY
cmp_run csmall 1:1e-6
[ "$rc" -eq 0 ] && grep -q "outputs match" "$work/csmall.out" && t_pass "compare: 1e-6 of scale off: within float32 rounding, outputs match" ||
  t_fail "compare skew 1e-6: exit $rc: $(cat "$work/csmall.out" "$work/csmall.err" | tail -n 3)"
cmp_run cother 0:1e-3
[ "$rc" -eq 0 ] && grep -q "outputs match" "$work/cother.out" && t_pass "compare: the other side less exact: the config is not rejected for being closer to the reference" ||
  t_fail "compare, other side skewed: exit $rc: $(cat "$work/cother.out" "$work/cother.err" | tail -n 3)"
cmp_run cfile 1:1e-3 --against "$work/c1.yaml"
[ "$rc" -eq "$E_MISMATCH" ] && grep -q "outputs DIFFER: output '.*': less exact than $work/c1.yaml: error" "$work/cfile.out" &&
  ! grep -q "defaults" "$work/cfile.out" && t_pass "compare --against FILE: the reason names the file, not the defaults" ||
  t_fail "compare --against file: exit $rc: $(cat "$work/cfile.out" | tail -n 2)"
run_cmd "$work/crand.out" "$work/crand.err" "$ORTUNE" compare "$data/random_like.onnx" --config "$work/c1.yaml" --rounds 2 --runs 2
[ "$rc" -eq 0 ] && grep -q "random operators in the model (RandomNormalLike)" "$work/crand.err" && grep -q "outputs match" "$work/crand.out" &&
  t_pass "compare: random operators said, outputs checked for shape, dtype and NaN/Inf" || t_fail "compare random_like: exit $rc: $(cat "$work/crand.err" | tail -n 2)"
run_cmd "$work/cnoref.out" "$work/cnoref.err" env ORTUNE_TEST_FAULT="crash@exact reference" ORTUNE_TEST_AB_SKEW=1:1e-3 "$ORTUNE" compare "$mlp" \
  --config "$work/c1.yaml" --rounds 2 --runs 2
[ "$rc" -eq 0 ] && grep -q "exact reference: the CPU float32 run failed" "$work/cnoref.err" && grep -q "outputs match" "$work/cnoref.out" &&
  t_pass "compare: a failed reference run is said; the outputs are held to the other side's (rtol 1e-2: 1e-3 passes)" ||
  t_fail "compare, failed reference: exit $rc: $(cat "$work/cnoref.out" "$work/cnoref.err" | tail -n 3)"

t_summary
