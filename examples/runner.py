#!/usr/bin/env python3
"""runner.py - the "apply in production" step in Python: open the model with the tuned config.yaml and run one
frame, exactly as `ortune tune` measured it (CUDA graphs, pinned staging and all).

usage: PYTHONPATH=python ORTUNE_LIBRARY=build/libortune.so python3 examples/runner.py MODEL CONFIG.yaml
"""
import sys

import numpy as np

import ortune

if len(sys.argv) < 3:
    sys.exit(f"usage: {sys.argv[0]} MODEL CONFIG.yaml")
try:
    runner = ortune.Runner(sys.argv[1], sys.argv[2])
except ortune.Error as e:
    sys.exit(f"example: {e}")
if runner.stale:
    print(f"ortune: warning: {sys.argv[2]} is stale: {runner.stale}: run `ortune tune` again", file=sys.stderr)

x = runner.inputs[0]
# a camera frame would go here; a dynamic dimension is taken as 1, except height/width as 640
shape = [d if isinstance(d, int) else (640 if k >= 2 else 1) for k, d in enumerate(x.shape)]
frame = np.random.default_rng(0).random(shape, dtype=np.float32)
out = runner.run({x.name: frame})
name, value = next(iter(out.items()))
print(f"ran {sys.argv[1]}: output '{name}' shape {value.shape}")
runner.close()
