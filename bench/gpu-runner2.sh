#!/bin/sh
# gpu-runner2.sh - host staging variants of the runner on the tuned configs of gpu-runner.sh (carried in
# .gpuwork/cfg): runner_bench with ORTUNE_HOST_STAGING=pinned (pageable frame -> our pinned staging -> DMA) and
# with the default (the CUDA driver's own staging), and the Python runner (pinned frames).
set -u
W=$PWD/.gpuwork
M=/root/models
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$W/lib"
[ -f $M/mnv3_b8.onnx ] || python3 $W/export.py $M 2>&1 | tail -2
for m in ${ONLY:-rtmo_like resnet50_640 mnv3_b8}; do
  echo "=== $m runner_bench, ORTUNE_HOST_STAGING=pinned"
  ORTUNE_HOST_STAGING=pinned $W/runner_bench $M/$m.onnx $W/cfg/$m.yaml $W/cfg/defaults.yaml ${ROUNDS:-15} 20 2>&1 | tail -8
  echo "=== $m runner_bench, driver staging (default)"
  $W/runner_bench $M/$m.onnx $W/cfg/$m.yaml $W/cfg/defaults.yaml ${ROUNDS:-15} 20 2>&1 | tail -8
  echo "=== $m python"
  PYTHONPATH=$PWD/python ORTUNE_LIBRARY=$W/lib/libortune.so.0 python3 bench/runner_bench.py $M/$m.onnx $W/cfg/$m.yaml ${ROUNDS:-15} 20 2>&1
done
