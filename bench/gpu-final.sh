#!/bin/sh
# gpu-final.sh - the GPU checks of issues 13-16 on the lent H200, in stages (run on the GPU host with
# /root/ortgpu/env.sh sourced and the binaries carried in .gpuwork/; outputs under $OUT):
#   fp16     issue 14: tune --accuracy per bench model, then runner_bench of the written config (float16 model
#            through model_override, host tensors) vs ORT defaults (float32, plain Run), outputs compared
#   ocr      issue 16: PP-OCRv4 rec, tune --space full: use_tf32=0 accepted, fuse_conv_bias=1 rejected, both errors
#   profile  issue 15: a config with an H200 profile and a CPU profile: the GPU one here, the CPU one without CUDA
#   aa       issue 13: A/A calibration, compares of identical configs (separate sessions)
#   repeat   issue 13: repeated tunes of each bench model
#   spread   issue 13: per-session p50 of the defaults, HEURISTIC and graph+nhwc in the same fresh sessions
#   numa     issue 13: the spread stage's compare with the processes pinned near the GPU, then far from it
#   startup  issue 14: tune --space startup --objective startup on rtmo_like and resnet50_640, then compare --startup
#            of optimized_model_cache: 1 and cudnn_conv_algo_search: HEURISTIC against the defaults (written in
#            session 3, not run yet: no device time was left)
set -u
W=$PWD/.gpuwork
O=${OUT:-/tmp/ortune-final}
M=/root/models
mkdir -p "$O" "$M"
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$W/lib"
T=$W/ortune
MODELS=${ONLY:-"rtmo_like resnet50_640 mnv3_b8"}
[ -f $M/mnv3_b8.onnx ] || python3 $W/export.py $M 2>&1 | tail -1
printf 'onnxruntime:\n  provider: cuda\n' >$O/defaults.yaml
# per_session FILE WORDS...: a compare --json's speedups, then each config's per-session p50 (median of its blocks)
per_session() {
  f=$1; shift
  python3 - "$f" "$*" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1])); m = r["measurement"]
print(sys.argv[2], "sessions", m["sessions"], [(round(c["speedup"], 3), round(c["ci_low"], 3), round(c["ci_high"], 3)) for c in r["configs"]])
cols = list(zip(*[[statistics.median(b[c] for b in rounds) for c in range(len(rounds[0]))] for rounds in m["blocks_ms"]]))
for c, col in enumerate(cols):
    print("   config %d per-session p50 ms:" % c, " ".join("%.3f" % x for x in col), " sd/mean %.1f%%" % (100 * statistics.pstdev(col) / statistics.mean(col)))
PY
}
for stage in "$@"; do
  echo "=== stage $stage $(date -u +%FT%TZ)"
  case $stage in
  fp16)
    for m in $MODELS; do
      mkdir -p $O/fp16; cp $M/$m.onnx $O/fp16/$m.onnx
      $T tune $O/fp16/$m.onnx --space full --budget ${BUDGET:-60} --accuracy "${ACC:-atol=1e-2,rtol=1e-2}" --io host \
        --config $O/$m.fp16.yaml --results $O/$m.fp16.json --quiet 2>&1 | grep -E "^verdict|fp16|float16|error" | head -8
      python3 - $O/$m.fp16.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
for t in r["trials"]:
    if t["stage"]=="fp16":
        print(f'  {t["name"][:60]:60s} {t["status"]:9s} p50 {t.get("p50_ms",0):.4f} ms')
        for a in t.get("accuracy",[]):
            print(f'    {a["output"][:30]:30s} {a["set"]:5s} max_abs {a["max_abs"]:.3g} max_rel {a["max_rel"]:.3g} rule {a["rule"]} {"pass" if a["pass"] else "FAIL"}')
f=r.get("final",{}); print("  final:", f.get("message"))
PY
      grep -E "model_override|enable_cuda_graph|speedup:" $O/$m.fp16.yaml
      echo "--- $m runner_bench: tuned (fp16 if chosen) through the runner vs ORT defaults float32"
      $W/runner_bench $O/fp16/$m.onnx $O/$m.fp16.yaml $O/defaults.yaml 15 20 2>&1 | tail -12
    done ;;
  ocr)
    $T tune $W/ocr/rec.onnx --provider cuda --space full --budget ${BUDGET:-60} --shape x=1x3x48x320 --io host --dry-run \
      --results $O/ocr_rec.json --quiet 2>&1 | tail -3
    python3 - $O/ocr_rec.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
ref=r.get("reference",{})
print("reference:", ref.get("check"), [(o["name"], o.get("default_err",{}).get("norm")) for o in ref.get("outputs",[]) if o.get("set")=="main"])
for t in r["trials"]:
    n=t["name"]
    if any(k in n for k in ("use_tf32","fuse_conv_bias","cudnn_conv_algo_search","prefer_nhwc")):
        errs=[(o["name"][:20], o.get("set"), (o.get("default_err") or {}).get("norm"), (o.get("cand_err") or {}).get("norm"), o.get("verdict")) for o in t.get("outputs",[])]
        print(f'{n[:50]:50s} {t["status"]:9s} {errs[:2]} {t.get("reason","")[:120]}')
PY
    ;;
  profile)
    cat >$O/fleet.yaml <<'Y'
onnxruntime:
  provider: cpu
  profiles:
    h200:
      match:
        gpu: "NVIDIA H200"
        compute_capability: "9.0"
      provider: cuda
      enable_cuda_graph: 1
    cpu:
      match:
        cpu: any
      provider: cpu
      intra_op_num_threads: 4
Y
    $T info $M/rtmo_like.onnx --config $O/fleet.yaml 2>&1 | grep -iE "profile|uses|why" | head -5
    $T run $M/rtmo_like.onnx --config $O/fleet.yaml 2>&1 | tail -2
    echo "--- without the CUDA libraries (LD_LIBRARY_PATH: the ORT core only)"
    cat /root/ortgpu/env.sh | head -5
    LD_LIBRARY_PATH=/root/ortgpu/lib:$W/lib $T info $M/rtmo_like.onnx --config $O/fleet.yaml 2>&1 | grep -iE "profile|uses|why|cuda" | head -6
    LD_LIBRARY_PATH=/root/ortgpu/lib:$W/lib $T run $M/rtmo_like.onnx --config $O/fleet.yaml 2>&1 | tail -2 ;;
  aa)
    n=0
    while [ $n -lt ${AA:-20} ]; do
      n=$((n + 1))
      $T compare $M/mnv3_b8.onnx --config $O/defaults.yaml --against defaults --rounds 9 --json 2>/dev/null |
        python3 -c 'import json,sys; c=json.load(sys.stdin)["configs"][0]; print("aa", c["speedup"], c["ci_low"], c["ci_high"], c["verdict"])'
    done ;;
  repeat)
    for m in $MODELS; do
      for k in 1 2 3; do
        $T tune $M/$m.onnx --space full --budget ${BUDGET:-30} --io host --dry-run --results $O/$m.rep$k.json --quiet >/dev/null 2>&1
        python3 - $O/$m.rep$k.json $m $k <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1])); f = r["final"]
w = [(i + 1, c) for i, c in enumerate(f["candidates"]) if c["id"] == f["winner"]]
k, w = w[0] if w else (0, {})
print("repeat", sys.argv[2], sys.argv[3], w.get("name", "defaults"), w.get("speedup", 1), w.get("ci_low", 1), w.get("ci_high", 1), f["verdict"])
m = f.get("measurement", {})
if "confirm" in f:  # the merged measurement of the defaults and the winner over all sessions
    m = f["confirm"]; k = 1
    print("   confirm: %d sessions added, %d in all" % (m.get("added_sessions", 0), m.get("sessions", 0)))
for s, rounds in enumerate(m.get("blocks_ms", [])):
    d = statistics.median(b[0] for b in rounds)
    print("   session %d: defaults %.3f ms" % (s + 1, d) + ("  winner %.3f ms  ratio %.3f" % (statistics.median(b[k] for b in rounds), d / statistics.median(b[k] for b in rounds)) if k else ""))
print("   load", m.get("load"))
PY
      done
    done ;;
  spread)
    # where the defaults' session-to-session spread comes from: the defaults (cuDNN EXHAUSTIVE picks algorithms in
    # each new session), HEURISTIC (no timing pick) and the tuned graph+nhwc config, interleaved in the same fresh
    # sessions, so that the machine's state at any moment reaches all three alike
    printf 'onnxruntime:\n  provider: cuda\n  cudnn_conv_algo_search: HEURISTIC\n' >$O/heur.yaml
    printf 'onnxruntime:\n  provider: cuda\n  enable_cuda_graph: 1\n  prefer_nhwc: 1\n' >$O/graph.yaml
    for m in $MODELS; do
      $T compare $M/$m.onnx --config $O/heur.yaml --also $O/graph.yaml --against defaults --sessions ${SESSIONS:-12} \
        --rounds $((${SESSIONS:-12} * 3)) --io host --json >$O/$m.spread.json 2>/dev/null
      per_session $O/$m.spread.json spread $m
    done ;;
  numa)
    # whether the non-graph configs' session-to-session spread (spread stage) is where the process lands: the same
    # compare with every session's process pinned to the CPUs near the GPU, then to the others
    nvidia-smi topo -m 2>&1 | head -4; lscpu | grep -i numa
    grep Cpus_allowed_list /proc/self/status
    bus=$(nvidia-smi --query-gpu=pci.bus_id --format=csv,noheader | head -1 | tr 'A-F' 'a-f' | sed 's/^0000//')
    echo "GPU $bus local_cpulist $(cat /sys/bus/pci/devices/$bus/local_cpulist) numa_node $(cat /sys/bus/pci/devices/$bus/numa_node)"
    sets=$(python3 - /sys/bus/pci/devices/$bus/local_cpulist <<'PY'
import os, sys
def parse(t):
    out = set()
    for part in t.strip().split(","):
        a, _, b = part.partition("-"); out |= set(range(int(a), int(b or a) + 1))
    return out
allowed = os.sched_getaffinity(0); local = parse(open(sys.argv[1]).read()) & allowed; far = allowed - local
print(",".join(map(str, sorted(local))) or "none", ",".join(map(str, sorted(far))) or "none")
PY
)
    set -- $sets; echo "near: $1  far: $2"
    printf 'onnxruntime:\n  provider: cuda\n  enable_cuda_graph: 1\n  prefer_nhwc: 1\n' >$O/graph.yaml
    for where in near:$1 far:$2 any:; do
      cpus=${where#*:}; [ "$cpus" = none ] && continue
      m=rtmo_like; tag=${where%%:*}
      if [ -n "$cpus" ]; then pin="taskset -c $cpus"; else pin=""; fi
      $pin $T compare $M/$m.onnx --config $O/graph.yaml --against defaults --sessions ${SESSIONS:-10} \
        --rounds $((${SESSIONS:-10} * 3)) --io host --json >$O/$m.numa-$tag.json 2>/dev/null
      per_session $O/$m.numa-$tag.json numa $tag
    done ;;
  startup)
    for m in rtmo_like resnet50_640; do
      $T tune $M/$m.onnx --space startup --objective startup --budget ${BUDGET:-50} --dry-run --results $O/$m.startup.json --quiet 2>&1 |
        grep -E "^verdict|error" | head -3
      python3 - $O/$m.startup.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
for t in r["trials"]:
    if t["status"]=="ok":
        n=len(t.get("shapes",[])) or 1
        print('  %-62s create %8.1f ms first %8.1f ms cache %s' % (t["name"][:62], t["create_ms"], t.get("first_run_mean_ms", t["first_run_ms"])*n, t.get("optimized_model_cache")))
print("  final:", r.get("final",{}).get("message"))
PY
    done
    printf 'onnxruntime:\n  provider: cuda\n  optimized_model_cache: 1\n' >$O/cache.yaml
    printf 'onnxruntime:\n  provider: cuda\n  cudnn_conv_algo_search: HEURISTIC\n' >$O/heur.yaml
    $T compare $M/rtmo_like.onnx --config $O/cache.yaml --also $O/heur.yaml --startup --rounds 12 2>&1 | tail -4 ;;
  esac
done
