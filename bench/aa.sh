#!/bin/sh
# aa.sh - A/A calibration (issue 13): `ortune compare` of a config identical to the defaults against the defaults,
# N times quiet and N times with a background load (one busy process per core, as another job on the box);
# a verdict other than "no measurable difference" is a false positive. Prints one line per compare and the rates.
# usage: sh bench/aa.sh [N] [MODEL] [SHAPE]   (ortune from $ORTUNE or build/ortune)
set -u
N=${1:-20}
MODEL=${2:-$(sh "$(dirname "$0")/../scripts/fetch-models")/ch_PP-OCRv4_det_infer.onnx}
SHAPE=${3:-x=1x3x160x160}
T=${ORTUNE:-build/ortune}
cfg=$(mktemp /tmp/aa.XXXXXX.yaml)
printf 'onnxruntime:\n  provider: cpu\n' >"$cfg"
one() {
  "$T" compare "$MODEL" --shape "$SHAPE" --config "$cfg" --against defaults --rounds 9 --json 2>/dev/null |
    python3 -c 'import json,sys; j=json.load(sys.stdin); c=j["configs"][0]; m=j["measurement"]["load"]; print(sys.argv[1], "%.4f %.4f %.4f" % (c["speedup"], c["ci_low"], c["ci_high"]), c["verdict"].replace(" ", "_"), "load %.2f busy %s" % (m["loadavg_before"], m["busy"]))' "$1"
}
for k in $(seq "$N"); do one quiet; done
pids=""
for c in $(seq "$(nproc)"); do (while :; do :; done) & pids="$pids $!"; done
for k in $(seq "$N"); do one loaded; done
kill $pids 2>/dev/null
rm -f "$cfg"
