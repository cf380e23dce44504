#!/bin/sh
# cli_inputs.sh - real inputs are kept as given (files, value:, range:), unknown input/dim names are
# errors with a did-you-mean, inputs without a shape take --shape, long names work, and a model that
# rejects synthetic integers gets a hint at --input. Fixtures: tests/data (make_models.py), no network.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

rk=$data/reshape_k.onnx
# k=6 as an int64 .npy (stdlib only)
python3 - "$work/k6.npy" <<'PY'
import struct, sys
hdr = "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }"
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + struct.pack("<q", 6))
PY

# synthetic int64 values are rejected by the model: the error hints at --input
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$rk"
if [ "$rc" -eq "$E_ORT" ] && grep -q "integer input 'k' got random values 0..3: give real ones with --input k=value:V" "$work/e" &&
  [ "$(wc -l <"$work/e")" -eq 1 ]; then t_pass "run: synthetic int64 rejected: one line, hint at --input k=..."
else t_fail "run: int hint (exit $rc): $(cat "$work/e")"; fi

run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$rk" --dry-run --space cpu --quiet
[ "$rc" -ne 0 ] && grep -q "integer input 'k' got random values 0..3: give real ones with --input k=value:V" "$work/e" &&
  t_pass "tune: synthetic int64 rejected: the hint" || t_fail "tune: int hint (exit $rc): $(cat "$work/e")"

for src in "k=$work/k6.npy" "k=value:6" "k=value:-1" "k=range:6:6"; do
  run_cmd "$work/o" "$work/e" "$ORTUNE" run "$rk" --input "$src"
  [ "$rc" -eq 0 ] && grep -q "float32  6" "$work/o" && t_pass "run --input $src" || t_fail "run --input $src: exit $rc $(cat "$work/e")"
done

# tune: inputs given with --input are never re-randomized (the second check set used to refill them)
for src in "k=$work/k6.npy" "k=value:6"; do
  run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$rk" --dry-run --space cpu --max-trials 1 --duration 0.05 --min-runs 3 \
    --ab-rounds 2 --ab-runs 2 --quiet --input "$src" --results "$work/r.json"
  if [ "$rc" -eq 0 ] && [ "$(json_get "$work/r.json" "j['trials'][0]['status']")" = ok ]; then t_pass "tune --input $src: kept as given"
  else t_fail "tune --input $src: exit $rc $(tail -n 2 "$work/e")"; fi
done

# range: seeded values inside [LO, HI]; value: every element
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$data/dyn_relu.onnx" --free-dim batch=4 --input x=range:2:3 --save-outputs "$work/rng"
run_cmd "$work/o2" "$work/e2" "$ORTUNE" run "$data/dyn_relu.onnx" --free-dim batch=4 --input x=value:-0.5 --save-outputs "$work/val"
pycheck "range:2:3 gives values in [2, 3] that vary; value:-0.5 through Relu gives zeros" "$work/rng/output_0.pb" "$work/val/output_0.pb" <<'PY'
import struct, sys
def floats(p):
    b = open(p, "rb").read()
    i = b.index(b"\x4a")  # raw_data (field 9)
    n, sh = 0, 0
    j = i + 1
    while True:
        c = b[j]; n |= (c & 0x7f) << sh; sh += 7; j += 1
        if c < 0x80: break
    return struct.unpack("<%df" % (n // 4), b[j:j + n])
r, v = floats(sys.argv[1]), floats(sys.argv[2])
assert len(r) == 12 and all(2 <= x <= 3 for x in r) and len(set(r)) > 1, r
assert v == (0.0,) * 12, v
PY

for bad in "k=range:3:1" "k=range:1" "k=value:nan" "k=value:" "k=range:a:b" "value:3"; do
  expect_error "--input $bad rejected" "$E_USAGE" - "$ORTUNE" run "$rk" --input "$bad"
done
expect_error "--input k=value:1.5e300 (outside int64) rejected" "$E_USAGE" - "$ORTUNE" run "$rk" --input k=value:1e300

# unknown names: one line naming the name, did-you-mean, and the model's names
expect_error "--shape with an unknown input" "$E_USAGE" - "$ORTUNE" run "$data/dyn_relu.onnx" --shape y=2x3
grep -q "no input 'y'.*inputs: x" "$work/.err" && t_pass "--shape error lists the inputs" || t_fail "--shape: $(cat "$work/.err")"
expect_error "--input with an unknown input" "$E_USAGE" - "$ORTUNE" run "$data/add2.onnx" --input "aa=$data/add2_data/input_0.pb"
grep -q "no input 'aa': the model's inputs: a, b" "$work/.err" && t_pass "--input error lists the inputs" || t_fail "--input: $(cat "$work/.err")"
expect_error "--free-dim with an unknown dim" "$E_USAGE" - "$ORTUNE" run "$data/dyn_relu.onnx" --free-dim bach=2
grep -q "no symbolic dim 'bach' (did you mean 'batch'?): the model's symbolic dims: batch" "$work/.err" &&
  t_pass "--free-dim error: did you mean batch" || t_fail "--free-dim: $(cat "$work/.err")"
expect_error "tune: unknown --shape name" "$E_USAGE" - "$ORTUNE" tune "$data/dyn_relu.onnx" --dry-run --space cpu --shape z=2x3 --quiet
: >"$work/empty.yaml"
run_cmd "$work/o" "$work/e" "$ORTUNE" compare "$data/dyn_relu.onnx" --config "$work/empty.yaml" --free-dim b=2 --rounds 2 --runs 1
[ "$rc" -eq "$E_USAGE" ] && tail -n 1 "$work/e" | grep -q "^ortune: .*no symbolic dim 'b'" && t_pass "compare: unknown --free-dim name" ||
  t_fail "compare --free-dim b=2: exit $rc $(cat "$work/e")"

# an input with no shape in the model takes one from --shape
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$data/noshape_relu.onnx" --shape x=2x3x4
[ "$rc" -eq 0 ] && grep -q "2x3x4" "$work/o" && t_pass "no-shape input: --shape x=2x3x4 runs" || t_fail "no-shape: exit $rc $(cat "$work/e")"
expect_error "no-shape input without --shape: says how" "$E_SHAPE" - "$ORTUNE" run "$data/noshape_relu.onnx"

# names longer than 127 characters (input 150, output 139)
long_in=in_$(printf 'x%.0s' $(seq 147))
long_out=out_$(printf 'y%.0s' $(seq 135))
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$data/longname.onnx" --shape "$long_in=1x4" --json
[ "$rc" -eq 0 ] && t_pass "long input/output names run" || t_fail "long names: exit $rc $(cat "$work/e")"
run_cmd "$work/o" "$work/e" "$ORTUNE" info "$data/longname.onnx" --json
pycheck "info shows the full 150- and 139-character names" "$work/o" "$long_in" "$long_out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["inputs"][0]["name"] == sys.argv[2] and j["outputs"][0]["name"] == sys.argv[3], j
PY
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$data/longname.onnx" --dry-run --space cpu --max-trials 1 --duration 0.05 \
  --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet
[ "$rc" -eq 0 ] && t_pass "tune a model with long names" || t_fail "tune long names: exit $rc $(tail -n 2 "$work/e")"

# --resume reuses only trials measured with the same inputs (shapes, free dims, --input sources)
q="--dry-run --space cpu --max-trials 2 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --results $work/res.json"
# shellcheck disable=SC2086
"$ORTUNE" tune "$data/dyn_relu.onnx" $q --free-dim batch=2 >/dev/null 2>&1
# shellcheck disable=SC2086
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$data/dyn_relu.onnx" $q --free-dim batch=4 --resume
pycheck "--resume at another --free-dim: nothing reused, a note says why" "$work/res.json" "$work/e" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert not any(t.get("resumed") for t in r["trials"]), [t["name"] for t in r["trials"] if t.get("resumed")]
assert all(t["inputs"] == "batch=4" for t in r["trials"]), [t["inputs"] for t in r["trials"]]
assert "measured with other inputs (batch=4 now): measured again" in open(sys.argv[2]).read()
PY
# shellcheck disable=SC2086
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$data/dyn_relu.onnx" $q --free-dim batch=4 --resume
pycheck "--resume at the same inputs: trials reused" "$work/res.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert any(t.get("resumed") for t in r["trials"]), [t["name"] for t in r["trials"]]
PY
# shellcheck disable=SC2086
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$data/dyn_relu.onnx" $q --shape x=4x3 --resume
pycheck "--resume with --shape instead: nothing reused" "$work/res.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert not any(t.get("resumed") for t in r["trials"]), [t["name"] for t in r["trials"] if t.get("resumed")]
PY

# --free-dim is stored in the written config (free_dimension_overrides); --shape is the measurement shape,
# recorded in provenance (inputs:), not a setting production applies
"$ORTUNE" tune "$data/dyn_relu.onnx" --config "$work/fd.yaml" --space cpu --max-trials 1 --duration 0.05 --min-runs 3 \
  --ab-rounds 2 --ab-runs 2 --quiet --free-dim batch=5 >/dev/null 2>&1
"$ORTUNE" tune "$data/dyn_relu.onnx" --config "$work/sh.yaml" --space cpu --max-trials 1 --duration 0.05 --min-runs 3 \
  --ab-rounds 2 --ab-runs 2 --quiet --shape x=7x3 >/dev/null 2>&1
pycheck "config: --free-dim stored as free_dimension_overrides, --shape in provenance inputs" "$work/fd.yaml" "$work/sh.yaml" <<'PY'
import sys
fd, sh = open(sys.argv[1]).read(), open(sys.argv[2]).read()
assert "free_dimension_overrides:\n    batch: 5" in fd, fd
assert 'inputs: "x=7x3"' in sh and "free_dimension_overrides" not in sh, sh
PY

t_summary
