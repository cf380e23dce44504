#!/bin/sh
# cli_convert.sh - `ortune convert --fp16` on libonnx-testdata models (outputs within float16 tolerance of the
# reference, subgraphs included, idempotent, loads in ORT), its one-line errors; model_override in a config;
# `tune --accuracy` (the float16 candidates and their per-output gate); session.set_denormal_as_zero applied.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

td=/usr/share/libonnx-testdata/data
# ~20 float models ORT runs in float16 on the CPU, with If, Loop and Scan subgraphs among them
models="node/test_if node/test_loop11 node/test_scan_sum node/test_scan9_sum node/test_resize_upsample_scales_linear
  node/test_conv_with_strides_padding node/test_gemm_default_matrix_bias node/test_softmax_axis_0 node/test_layer_normalization_2d_axis0
  node/test_batchnorm_epsilon node/test_constantofshape_float_ones node/test_range_float_type_positive_delta
  node/test_nonmaxsuppression_center_point_box_format node/test_cast_FLOAT_to_DOUBLE node/test_where_example
  node/test_gather_0 node/test_reduce_mean_keepdims_example pytorch-converted/test_Conv2d pytorch-converted/test_Conv3d_groups
  pytorch-operator/test_operator_chunk pytorch-converted/test_ConvTranspose2d node/test_mvn node/test_celu"
if [ -d "$td" ]; then
  n=0
  for m in $models; do
    d=$td/$m
    [ -f "$d/model.onnx" ] || { t_fail "$m: not in libonnx-testdata"; continue; }
    name=$(basename "$m")
    out=$work/$name.fp16.onnx
    run_cmd "$work/c.out" "$work/c.err" "$ORTUNE" convert "$d/model.onnx" --fp16 -o "$out"
    [ "$rc" -eq 0 ] || { t_fail "$m: convert exit $rc: $(cat "$work/c.err")"; continue; }
    run_cmd "$work/r.out" "$work/r.err" "$ORTUNE" run "$out" --check "$d/test_data_set_0" --atol 1e-2 --rtol 1e-2
    if [ "$rc" -eq 0 ]; then n=$((n + 1)); else t_fail "$m: float16 model: run --check exit $rc: $(tail -n 2 "$work/r.out" "$work/r.err")"; fi
    # converting the converted model again changes nothing
    "$ORTUNE" convert "$out" --fp16 -o "$work/$name.again.onnx" --quiet && cmp -s "$out" "$work/$name.again.onnx" ||
      t_fail "$m: converting twice is not idempotent"
  done
  [ "$n" -ge 20 ] && t_pass "$n libonnx-testdata models converted: outputs within 1e-2 of the float32 reference, idempotent" ||
    t_fail "only $n models passed"
  c2=$td/pytorch-converted/test_Conv2d/model.onnx
  # the summary names what changed; --keep-fp32 keeps Conv in float32 (Casts around it) and still matches
  run_cmd "$work/k.out" "$work/k.err" "$ORTUNE" convert "$c2" --fp16 -o "$work/keep.onnx" --keep-fp32 Conv
  grep -q '1 nodes kept float32' "$work/k.out" && "$ORTUNE" run "$work/keep.onnx" --check "$td/pytorch-converted/test_Conv2d/test_data_set_0" \
    --atol 1e-2 --rtol 1e-2 >/dev/null 2>&1 && t_pass "--keep-fp32 Conv: 1 node kept, outputs match" || t_fail "--keep-fp32: $(cat "$work/k.out" "$work/k.err")"
  # float16 at the model's inputs too: the float32 inputs of the test data no longer fit
  "$ORTUNE" convert "$c2" --fp16 -o "$work/io16.onnx" --no-keep-io-fp32 --quiet && "$ORTUNE" info "$work/io16.onnx" | grep -q 'float16' &&
    t_pass "--no-keep-io-fp32: the model's inputs are float16" || t_fail "--no-keep-io-fp32: inputs not float16"
  # subgraphs with float32 islands inside them (body inputs typed from the Loop/Scan, outer tensors cast inside)
  k=0
  for m in node/test_if node/test_loop11 node/test_scan_sum node/test_scan9_sum node/test_range_float_type_positive_delta_expanded; do
    "$ORTUNE" convert "$td/$m/model.onnx" --fp16 -o "$work/sk.onnx" --quiet --keep-fp32 Add,Sub,Mul,Identity,Cast,Unsqueeze,Concat &&
      "$ORTUNE" run "$work/sk.onnx" --check "$td/$m/test_data_set_0" --atol 1e-2 --rtol 1e-2 >/dev/null 2>&1 && k=$((k + 1)) ||
      t_fail "$m with float32 islands in its subgraph"
  done
  [ "$k" -eq 5 ] && t_pass "If/Loop/Scan with ops kept float32 inside their bodies: outputs match"
  expect_error "convert: a sequence output cannot stay float32" "$E_UNSUPPORTED" - "$ORTUNE" convert "$td/node/test_if_seq/model.onnx" --fp16 -o "$work/x.onnx"
  expect_error "convert: an integer-only model" "$E_UNSUPPORTED" - "$ORTUNE" convert "$td/node/test_and2d/model.onnx" --fp16 -o "$work/x.onnx"
  expect_error "convert: opset 1 model" "$E_UNSUPPORTED" - "$ORTUNE" convert "$td/node/test_globalmaxpool/model.onnx" --fp16 -o "$work/x.onnx"
else
  t_skip "libonnx-testdata not installed (scripts/install-deps --test)"
fi

# one-line errors; nothing written
echo "not a model" >"$work/junk.onnx"
expect_error "convert: not a model" "$E_MODEL" - "$ORTUNE" convert "$work/junk.onnx" --fp16 -o "$work/j.onnx"
[ ! -e "$work/j.onnx" ] && t_pass "convert: nothing written for a bad model" || t_fail "convert wrote $work/j.onnx for a bad model"
cp "$data/add2.onnx" "$work/a.onnx"
expect_error "convert: output is the input" "$E_USAGE" "$work/a.onnx" "$ORTUNE" convert "$work/a.onnx" --fp16 -o "$work/a.onnx"
expect_error "convert: output is the input (another spelling)" "$E_USAGE" "$work/a.onnx" "$ORTUNE" convert "$work/a.onnx" --fp16 --output "$work/./a.onnx"
expect_error "convert: no transform named" "$E_USAGE" - "$ORTUNE" convert "$work/a.onnx" -o "$work/b.onnx"
expect_error "convert: no output" "$E_USAGE" - "$ORTUNE" convert "$work/a.onnx" --fp16
expect_error "convert: contradicting io flags" "$E_USAGE" - "$ORTUNE" convert "$work/a.onnx" --fp16 -o "$work/b.onnx" --keep-io-fp32 --no-keep-io-fp32
expect_error "convert: missing model" "$E_IO" - "$ORTUNE" convert "$work/nosuch.onnx" --fp16 -o "$work/b.onnx"

# model_override: the runtime opens the float16 model for add2.onnx; a missing one is a one-line error
"$ORTUNE" convert "$work/a.onnx" --fp16 -o "$work/a.ortune-fp16.onnx" --quiet
printf 'onnxruntime:\n  model_override: a.ortune-fp16.onnx\n' >"$work/ov.yaml"
run_cmd "$work/o.out" "$work/o.err" "$ORTUNE" run "$work/a.onnx" --config "$work/ov.yaml" --check "$data/add2_data" --atol 1e-2 --rtol 1e-3
[ "$rc" -eq 0 ] && t_pass "model_override: run through the float16 model" || t_fail "model_override: exit $rc: $(cat "$work/o.err")"
# compare holds a tuned float16 config to the accuracy rule tune recorded in its provenance
printf 'onnxruntime:\n  model_override: a.ortune-fp16.onnx\n  provenance:\n    accuracy: "atol=0.01,rtol=0.01"\n' >"$work/acc.yaml"
run_cmd "$work/o.out" "$work/o.err" "$ORTUNE" compare "$work/a.onnx" --config "$work/acc.yaml" --rounds 2 --runs 2
[ "$rc" -eq 0 ] && grep -q 'outputs match' "$work/o.out" && t_pass "compare: float16 config within its recorded accuracy rule" ||
  t_fail "compare with an accuracy rule: exit $rc: $(cat "$work/o.out" "$work/o.err")"
if [ -d "$td" ]; then # weights rounded to float16 move the outputs (ORT's CPU EP runs add2's Add in float32 anyway)
  cp "$td/pytorch-converted/test_Conv2d/model.onnx" "$work/conv.onnx"
  "$ORTUNE" convert "$work/conv.onnx" --fp16 -o "$work/conv.ortune-fp16.onnx" --quiet
  printf 'onnxruntime:\n  model_override: conv.ortune-fp16.onnx\n  provenance:\n    accuracy: "atol=0,rtol=0"\n' >"$work/acc0.yaml"
  run_cmd "$work/o.out" "$work/o.err" "$ORTUNE" compare "$work/conv.onnx" --config "$work/acc0.yaml" --rounds 2 --runs 2
  [ "$rc" -eq "$E_MISMATCH" ] && grep -q 'rule atol=0' "$work/o.out" && t_pass "compare: a float16 config outside its rule differs (exit $rc)" ||
    t_fail "compare with atol=0: exit $rc: $(cat "$work/o.out" "$work/o.err")"
fi
printf 'onnxruntime:\n  model_override: gone.onnx\n' >"$work/gone.yaml"
expect_error "model_override: missing file" "$E_IO" - "$ORTUNE" run "$work/a.onnx" --config "$work/gone.yaml"

# tune --accuracy: two float16 candidates, gated per output; an impossible rule rejects them; without it none
if ppocr_models; then
  fast="--shape x=1x3x48x192 --space cpu --duration 0.1 --min-runs 3 --ab-rounds 2 --ab-runs 2 --max-trials 2"
  cp "$ppocr_cls" "$work/cls.onnx"
  run_cmd "$work/t.out" "$work/t.err" "$ORTUNE" tune "$work/cls.onnx" $fast --accuracy "atol=1e-2" --dry-run --results "$work/t.json"
  python3 - "$work/t.json" <<'EOF' 2>"$work/py.err" && t_pass "tune --accuracy: float16 candidates measured and within the rule, per output" ||
    t_fail "tune --accuracy (exit $rc): $(tail -n 1 "$work/py.err")"
import json, sys
r = json.load(open(sys.argv[1]))
f = [t for t in r["trials"] if t["stage"] == "fp16"]
assert len(f) == 2 and f[0]["name"] == "fp16 + defaults", [t["name"] for t in f]
assert all(t["status"] in ("ok", "dropped") for t in f), [(t["status"], t.get("reason")) for t in f]
acc = f[0]["accuracy"]
assert {a["set"] for a in acc} == {"main", "set2"} and all(a["pass"] and a["max_abs"] <= 1e-2 for a in acc), acc
assert r["transform_fp16"]["constants"] > 0
EOF
  run_cmd "$work/t.out" "$work/t.err" "$ORTUNE" tune "$work/cls.onnx" $fast --accuracy "softmax_0.tmp_0:atol=0,rtol=0" --config "$work/t.yaml" --results "$work/t0.json"
  python3 - "$work/t0.json" <<'EOF' 2>"$work/py.err" && t_pass "tune --accuracy atol=0: float16 candidates rejected with the error named" ||
    t_fail "tune --accuracy atol=0 (exit $rc): $(tail -n 1 "$work/py.err")"
import json, sys
r = json.load(open(sys.argv[1]))
f = [t for t in r["trials"] if t["stage"] == "fp16"]
assert f and all(t["status"] == "mismatch" and "softmax_0.tmp_0" in t["reason"] for t in f), [(t["status"], t.get("reason")) for t in f]
EOF
  ! grep -q model_override "$work/t.yaml" && [ ! -e "$work/cls.ortune-fp16.onnx" ] && t_pass "rejected float16: no model_override, no file" ||
    t_fail "a rejected float16 model was written"
  run_cmd "$work/t.out" "$work/t.err" "$ORTUNE" tune "$work/cls.onnx" $fast --config "$work/n.yaml" --results "$work/n.json"
  ! grep -q '"fp16' "$work/n.json" && [ ! -e "$work/cls.ortune-fp16.onnx" ] && t_pass "no --accuracy: no float16 candidate, nothing written" ||
    t_fail "float16 tried without --accuracy"
  # PP-OCRv4 det: batch-norm variances up to 1e8 do not fit float16: their BatchNormalization stays float32
  cp "$ppocr_det" "$work/det.onnx"
  run_cmd "$work/d.out" "$work/d.err" "$ORTUNE" convert "$work/det.onnx" --fp16 -o "$work/det.ortune-fp16.onnx"
  printf 'onnxruntime:\n  model_override: det.ortune-fp16.onnx\n  provenance:\n    accuracy: "atol=1e-2,rtol=1e-2"\n' >"$work/det.yaml"
  grep -q '2 nodes kept float32.* 0 weights clamped' "$work/d.out" &&
    "$ORTUNE" compare "$work/det.onnx" --config "$work/det.yaml" --shape x=1x3x128x128 --rounds 2 --runs 1 >"$work/dc.out" 2>&1 &&
    t_pass "PP-OCRv4 det: out-of-range weights keep their 2 nodes float32; outputs within 1e-2" ||
    t_fail "PP-OCRv4 det in float16: $(cat "$work/d.out" "$work/d.err") $(tail -n 1 "$work/dc.out")"
  # a float32 config written while ortune's float16 model of it is still beside the model: said, not deleted
  cp "$ppocr_cls" "$work/cls2.onnx"
  "$ORTUNE" convert "$work/cls2.onnx" --fp16 -o "$work/cls2.ortune-fp16.onnx" --quiet
  run_cmd "$work/u.out" "$work/u.err" "$ORTUNE" tune "$work/cls2.onnx" $fast --config "$work/u.yaml"
  [ "$rc" -eq 0 ] && ! grep -q model_override "$work/u.yaml" && [ -e "$work/cls2.ortune-fp16.onnx" ] &&
    grep -q "note: .*cls2.ortune-fp16.onnx (a float16 model an earlier tune wrote) is not used by .*u.yaml now" "$work/u.err" &&
    t_pass "float32 config beside an earlier float16 model: a note names it, the file stays" ||
    t_fail "unused float16 model: exit $rc: $(tail -n 2 "$work/u.err")"
  if ro_dir_ok; then # the float16 winner would go next to the model: a read-only model directory fails first
    mkdir "$work/romodel" && cp "$ppocr_cls" "$work/romodel/cls.onnx"
    expect_error "tune --accuracy: model in a read-only directory" "$E_IO" "$work/ro.yaml" in_ro_dir "$work/romodel" \
      "$ORTUNE" tune "$work/romodel/cls.onnx" $fast --accuracy "atol=1e-2" --config "$work/ro.yaml"
  else
    t_skip "read-only model directory: root without mount namespaces"
  fi
  expect_error "tune: bad --accuracy" "$E_USAGE" - "$ORTUNE" tune "$work/cls.onnx" --accuracy "atol=x" --dry-run
  expect_error "tune: --keep-fp32 without --accuracy" "$E_USAGE" - "$ORTUNE" tune "$work/cls.onnx" --keep-fp32 Conv --dry-run
else
  t_skip "PP-OCR models not available: tune --accuracy not checked"
fi

# session.set_denormal_as_zero: the denormal products of denormal.onnx flush to zero (checked in another process:
# the flag also reaches the comparing thread); and the cpu space searches it
dz() { # dz OUTDIR [CONFIG]: run denormal.onnx, print how many outputs are not zero
  "$ORTUNE" run "$data/denormal.onnx" --input "$data/denormal_data/input_0.pb" --save-outputs "$1" ${2:+--config "$2"} >/dev/null &&
    python3 -c "
import struct, sys
b = open(sys.argv[1], 'rb').read(); i = b.find(b'\x4a\x80\x02')
print(sum(1 for x in struct.unpack('<64f', b[i + 3:i + 259]) if x != 0) if i >= 0 else -1)" "$1/output_0.pb"
}
printf 'onnxruntime:\n  session.set_denormal_as_zero: 1\n' >"$work/daz.yaml"
[ "$(dz "$work/d0")" = 64 ] && [ "$(dz "$work/d1" "$work/daz.yaml")" = 0 ] &&
  t_pass "session.set_denormal_as_zero=1 flushes denormal outputs to zero (64 denormals without it)" ||
  t_fail "set_denormal_as_zero: $(dz "$work/d0") / $(dz "$work/d1" "$work/daz.yaml") nonzero outputs"
"$ORTUNE" run "$data/denormal.onnx" --check "$data/denormal_data" --atol 0 --rtol 0 >/dev/null 2>&1 &&
  t_pass "denormal.onnx: exact denormal outputs without the flag" || t_fail "denormal.onnx reference"
"$ORTUNE" tune --list-space cpu >"$work/space.txt"
for k in session.set_denormal_as_zero session.dynamic_block_base; do
  grep -q "^  $k " "$work/space.txt" && t_pass "cpu space searches $k" || t_fail "cpu space lacks $k"
done
! "$ORTUNE" tune --list-space full | grep -q set_denormal && t_pass "full space leaves the CPU-only keys out" || t_fail "full space has set_denormal_as_zero"
t_summary
