#!/bin/sh
# gpu-tf32.sh - run from the repo root on the GPU host (/root/ortgpu/env.sh sourced; ortune, its libraries and
# PP-OCRv4 rec as .gpuwork/ocr/rec.onnx carried in .gpuwork/).
# issue 16 on the GPU: PP-OCRv4 rec, every searched option but use_tf32 and fuse_conv_bias pinned by the config
# (a set option is a constraint), so the screen reaches use_tf32=0 within the budget
T=$PWD/.gpuwork/ortune
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}:$PWD/.gpuwork/lib"
cp bench/h200/tf32-pinned.yaml $OUT/tf32.yaml
$T tune .gpuwork/ocr/rec.onnx --space full --budget 40 --shape x=1x3x48x320 --dry-run --config $OUT/tf32.yaml --results $OUT/tf32.json 2>&1 | tail -25
python3 - $OUT/tf32.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
for t in r["trials"]:
    print(t["name"][:50], t["status"], [(o.get("name","")[:18], o.get("set"), (o.get("default_err") or {}).get("norm"), (o.get("cand_err") or {}).get("norm"), o.get("verdict")) for o in t.get("outputs",[])], t.get("reason","")[:100])
PY
