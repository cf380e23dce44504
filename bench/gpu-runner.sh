#!/bin/sh
# gpu-runner.sh - issue 11's GPU benchmark: tune each bench model (--space full, host I/O), check the tuned
# config with `ortune compare`, then the production path side by side in one process (bench/runner_bench.c:
# ORT defaults via plain Run vs the tuned config through the public runner, host tensors and device buffers,
# outputs compared on two inputs), and the same from Python (bench/runner_bench.py).
# usage (GPU host, /root/ortgpu/env.sh sourced, binaries carried in .gpuwork/): sh bench/gpu-runner.sh
set -u
W=$PWD/.gpuwork
O=${OUT:-/tmp/ortune-bench}
M=/root/models
mkdir -p "$O" "$M"
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$W/lib"
T=$W/ortune
MODELS=${ONLY:-"rtmo_like resnet50_640 mnv3_b8"}
BUDGET=${BUDGET:-45}
[ -f $M/mnv3_b8.onnx ] || python3 $W/export.py $M 2>&1 | tail -2
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
printf 'onnxruntime:\n  provider: cuda\n' >$O/defaults.yaml
printf 'onnxruntime:\n  provider: cuda\n  enable_cuda_graph: 1\n' >$O/graph.yaml
echo "=== smoke: a CUDA-graph config through the runner (ortune run, runner_bench)"
$T run $M/rtmo_like.onnx --config $O/graph.yaml 2>&1 | tail -3
$W/runner_bench $M/rtmo_like.onnx $O/graph.yaml $O/defaults.yaml 3 10 2>&1
[ "${SMOKE_ONLY:-0}" = 1 ] && exit 0
for m in $MODELS; do
  echo "=== $m tune $(date -u +%FT%TZ)"
  $T tune $M/$m.onnx --space full --budget $BUDGET --io host --config $O/$m.yaml --results $O/$m.json --quiet 2>&1 | tail -4
  grep -E "enable_cuda_graph|prefer_nhwc|cudnn_conv_algo_search|speedup" $O/$m.yaml
done
for m in $MODELS; do
  echo "=== $m compare (ortune compare, separate sessions of the runner)"
  $T compare $M/$m.onnx --config $O/$m.yaml --against defaults --rounds ${ROUNDS:-15} --runs 20 2>&1 | tail -4
  echo "=== $m runner_bench (one process, interleaved)"
  $W/runner_bench $M/$m.onnx $O/$m.yaml $O/defaults.yaml ${ROUNDS:-15} 20 2>&1
done
PY=${PYTHON:-python3}
for m in $MODELS; do
  echo "=== $m python"
  PYTHONPATH=$PWD/python ORTUNE_LIBRARY=$W/lib/libortune.so.0 $PY bench/runner_bench.py $M/$m.onnx $O/$m.yaml ${ROUNDS:-15} 20 2>&1
done
