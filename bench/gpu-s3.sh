#!/bin/sh
# gpu-s3.sh - the GPU checks of session 3 on the lent H200, in stages (run on the GPU host with /root/ortgpu/env.sh
# sourced and the binaries carried in .gpuwork/; outputs under $OUT):
#   fp16     issue 14: rtmo_like tuned with --accuracy (paired parsimony: float16 + graph against the float32
#            graph), then runner_bench of the written config vs ORT defaults (float32, plain Run), host tensors
#            pageable and pinned, outputs compared on two input sets
#   startup  issue 14: tune --space startup --objective startup on rtmo_like and resnet50_640; compare --startup
#            of optimized_model_cache: 1 and of cudnn_conv_algo_search: HEURISTIC against the defaults
#   repeat   issue 13: three tunes of each bench model (--space full --budget $BUDGET): winner, speedup, interval
#   aa       issue 13: A/A, compare of a config equal to the defaults against the defaults ($AA times)
set -u
W=$PWD/.gpuwork
O=${OUT:-/tmp/ortune-s3}
M=/root/models
mkdir -p "$O" "$M"
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$W/lib"
T=$W/ortune
MODELS=${ONLY:-"rtmo_like resnet50_640 mnv3_b8"}
[ -f $M/mnv3_b8.onnx ] || python3 $W/export.py $M 2>&1 | tail -1
printf 'onnxruntime:\n  provider: cuda\n' >$O/defaults.yaml
for stage in "$@"; do
  echo "=== stage $stage $(date -u +%FT%TZ)"
  case $stage in
  fp16)
    for m in ${FP16:-rtmo_like}; do
      mkdir -p $O/fp16; cp $M/$m.onnx $O/fp16/$m.onnx
      $T tune $O/fp16/$m.onnx --space full --budget ${BUDGET:-60} --accuracy "${ACC:-atol=1e-2,rtol=1e-2}" --io host \
        --config $O/$m.fp16.yaml --results $O/$m.fp16.json --quiet 2>&1 | grep -E "^verdict|error" | head -4
      python3 - $O/$m.fp16.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
for t in r["trials"]:
    if t["stage"]=="fp16":
        acc=" ".join('%s/%s abs %.2g rel %.2g %s' % (a["output"][:12], a["set"], a["max_abs"], a["max_rel"], "pass" if a["pass"] else "FAIL") for a in t.get("accuracy",[]))
        print(f'  {t["name"][:60]:60s} {t["status"]:9s} {acc}')
f=r.get("final",{})
for c in f.get("candidates",[]):
    print('  A/B %-58s %.3fx [%.3f, %.3f] %s' % (c["name"][:58], c["speedup"], c["ci_low"], c["ci_high"], c["verdict"]))
print("  final:", f.get("message"))
PY
      grep -E "model_override|enable_cuda_graph" $O/$m.fp16.yaml
      echo "--- $m runner_bench: the written config through the runner vs ORT defaults float32 plain Run"
      $W/runner_bench $O/fp16/$m.onnx $O/$m.fp16.yaml $O/defaults.yaml 15 20 2>&1 | tail -12
    done ;;
  startup)
    for m in rtmo_like resnet50_640; do
      $T tune $M/$m.onnx --space startup --objective startup --budget ${SBUDGET:-50} --dry-run --results $O/$m.startup.json --quiet 2>&1 |
        grep -E "^verdict|error" | head -3
      python3 - $O/$m.startup.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
for t in r["trials"]:
    if t["status"]=="ok":
        n=len(t.get("shapes",[])) or 1
        print('  %-62s create %8.1f ms first %8.1f ms cache %s' % (t["name"][:62], t["create_ms"], t.get("first_run_mean_ms", t["first_run_ms"])*n, t.get("optimized_model_cache")))
f=r.get("final",{})
for c in f.get("candidates",[]):
    print('  A/B %-58s %.3fx [%.3f, %.3f] %s' % (c["name"][:58], c["speedup"], c["ci_low"], c["ci_high"], c["verdict"]))
print("  final:", f.get("message"))
PY
    done
    printf 'onnxruntime:\n  provider: cuda\n  optimized_model_cache: 1\n' >$O/cache.yaml
    printf 'onnxruntime:\n  provider: cuda\n  cudnn_conv_algo_search: HEURISTIC\n' >$O/heur.yaml
    echo "--- compare --startup rtmo_like: cache.yaml, also heur.yaml, against defaults"
    $T compare $M/rtmo_like.onnx --config $O/cache.yaml --also $O/heur.yaml --startup --rounds 12 2>&1 | tail -4 ;;
  repeat)
    for m in $MODELS; do
      for k in 1 2 3; do
        $T tune $M/$m.onnx --space full --budget ${BUDGET:-45} --io host --dry-run --results $O/$m.rep$k.json --quiet >/dev/null 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); f=r["final"]; w=[c for c in f.get("candidates",[]) if c["id"]==f.get("winner")]; w=w[0] if w else {}; m=f.get("measurement",{}); print("repeat", sys.argv[2], sys.argv[3], w.get("name","defaults"), "%.3f [%.3f, %.3f]" % (w.get("speedup",1), w.get("ci_low",1), w.get("ci_high",1)), f.get("verdict"), "sessions", m.get("sessions"), "rounds", m.get("rounds_per_session"), "wall", round(r.get("wall_s",0)))' $O/$m.rep$k.json $m $k
      done
    done ;;
  aa)
    n=0
    while [ $n -lt ${AA:-20} ]; do
      n=$((n + 1))
      $T compare $M/mnv3_b8.onnx --config $O/defaults.yaml --against defaults --rounds 9 --json 2>/dev/null |
        python3 -c 'import json,sys; c=json.load(sys.stdin)["configs"][0]; print("aa %.4f %.4f %.4f %s" % (c["speedup"], c["ci_low"], c["ci_high"], c["verdict"]))'
    done ;;
  esac
done
