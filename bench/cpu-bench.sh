#!/bin/sh
# cpu-bench.sh - issue 3's CPU benchmark: tune PP-OCRv4 detection (1x3x640x640) on this machine's CPU,
# then the tuned config vs ORT defaults interleaved in one run. Output: bench/cpu/ (log, results, report).
set -eu
cd "$(dirname "$0")/.."
out=bench/cpu
mkdir -p $out
m=$(sh scripts/fetch-models)/ch_PP-OCRv4_det_infer.onnx
{
  echo "date: $(date -u +%FT%TZ)"; echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) x $(nproc)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "\$ ortune tune $m --shape x=1x3x640x640 --space cpu --config $out/config.yaml --results $out/results.json --report $out/report.html"
  ./build/ortune tune "$m" --shape x=1x3x640x640 --space cpu --config $out/config.yaml --results $out/results.json --report $out/report.html --quiet
  echo "\$ ortune compare $m --shape x=1x3x640x640 --config $out/config.yaml --against defaults --rounds 20 --runs 5"
  ./build/ortune compare "$m" --shape x=1x3x640x640 --config $out/config.yaml --against defaults --rounds 20 --runs 5
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee $out/log.txt
