#!/bin/sh
# cli_gpu.sh - the CUDA EP end to end: skips (exit 77, saying why) where no GPU or CUDA EP is present, as in CI;
# on a GPU host: info sees the GPU, host and device IO run, CUDA graphs are checked on two input sets,
# an impossible gpu_mem_limit is reported as oom (not a crash), and a short tune writes a loadable config.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

if ! "$ORTUNE" info "$data/add2.onnx" --json >"$work/info.json" 2>"$work/info.err"; then
  echo "skipped: ortune info failed: $(cat "$work/info.err")"; exit 77
fi
python3 - "$work/info.json" <<'PY' || { echo "skipped: no GPU or CUDA EP on this machine ($(python3 -c "import json,sys;j=json.load(open('$work/info.json'));print(j.get('cuda_ep_problem') or 'no GPU seen through NVML')"))"; exit 77; }
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j["cuda_ep_loadable"] and j["gpus"] else 1)
PY
m=${ORTUNE_GPU_MODEL:-$data/conv_small.onnx}
[ -f "$m" ] || m=$(sh "$ORTUNE_SRC/scripts/fetch-models")/ch_PP-OCRv4_det_infer.onnx
shape="--shape x=1x3x256x256"
case "$m" in *conv_small*|*rtmo*|*resnet*|*mnv3*) shape="" ;; esac

python3 - "$work/info.json" <<'PY' && t_pass "info: GPU name, memory, driver, compute capability, class" || t_fail "info GPU fields"
import json, sys
g = json.load(open(sys.argv[1]))["gpus"][0]
assert g["name"] and g["memory_mb"] > 0 and g["driver"] and g["compute_capability"] != "-1.-1" and g["class"] in ("high", "mid", "entry"), g
PY
for io in host device; do
  printf 'onnxruntime:\n  provider: cuda\n  io: %s\n' $io >"$work/$io.yaml"
  "$ORTUNE" run "$m" $shape --config "$work/$io.yaml" --save-outputs "$work/out-$io" >/dev/null 2>"$work/err" \
    && t_pass "run io=$io" || t_fail "run io=$io: $(cat "$work/err")"
done
"$ORTUNE" run "$m" $shape --provider cpu --save-outputs "$work/out-cpu" >/dev/null 2>&1
printf 'onnxruntime:\n  provider: cuda\n  gpu_mem_limit: 1MiB\n  arena_extend_strategy: kSameAsRequested\n' >"$work/tiny.yaml"
"$ORTUNE" tune "$m" $shape --dry-run --provider cuda --space cuda-core --max-trials 4 --duration 0.3 --results "$work/r.json" --quiet >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && t_pass "tune --space cuda-core" || t_fail "tune exit $rc"
python3 - "$work/r.json" <<'PY' && t_pass "trials ok with peak GPU memory; CUDA graph verified or reported" || t_fail "tune results"
import json, sys
r = json.load(open(sys.argv[1]))
ok = [t for t in r["trials"] if t["status"] == "ok"]
assert ok and all(t.get("peak_gpu_mb", -1) >= 0 for t in ok), r["trials"]
assert r["machine"]["gpu"]["name"]
PY
"$ORTUNE" run "$m" $shape --config "$work/tiny.yaml" >/dev/null 2>"$work/tiny.err"
rc=$?
[ $rc -eq $E_OOM ] && t_pass "gpu_mem_limit 1MiB: exit 11 (out of memory), one line" || t_fail "gpu_mem_limit 1MiB: exit $rc: $(cat "$work/tiny.err")"
t_summary
