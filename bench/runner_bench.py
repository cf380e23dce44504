#!/usr/bin/env python3
"""runner_bench.py - the Python side of the production-path benchmark (issue 11): in one process, interleaved
blocks of (a) ortune.Runner.run with numpy arrays in and out (copies of every output) and (b) the C runner
called directly (ctypes call of ortune_runner_run with prepared arguments, outputs left in the runner's
buffers), on the same runner and config. Prints both p50s and their ratio (geomean over rounds).
usage: runner_bench.py MODEL TUNED.yaml [ROUNDS [RUNS]]"""
import ctypes
import math
import sys
import time

import numpy as np

import ortune

model, cfg = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 20
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
r = ortune.Runner(model, cfg)
rng = np.random.default_rng(1)
feeds = {}
for i in r.inputs:  # frames in pinned memory (ortune.empty), as a camera pipeline would decode into
    feeds[i.name] = ortune.empty(i.shape, np.float32)
    feeds[i.name][...] = rng.random(i.shape, dtype=np.float32)
# (b): the C call with the same inputs, arguments built once
lib = ortune._load()
vals = (ortune._Value * len(r.inputs))()
keep = []
r._prepare([feeds[i.name] for i in r.inputs], keep)
ctypes.memmove(vals, r._in, ctypes.sizeof(vals))


def py_run():
    r.run(feeds, copy=False)


def py_run_copy():
    r.run(feeds)


def c_run():
    rc = lib.ortune_runner_run(r._h, vals, len(r.inputs), None, 0)
    if rc:
        raise ortune.Error(rc, lib.ortune_last_error().decode())


fs = (py_run, py_run_copy, c_run)
for f in fs:
    for _ in range(20):
        f()
lat = {f: [] for f in fs}
ratios = {py_run: [], py_run_copy: []}
for k in range(rounds):
    med = {}
    for j in range(len(fs)):
        f = fs[(k + j) % len(fs)]
        block = []
        for _ in range(runs):
            t0 = time.perf_counter()
            f()
            block.append((time.perf_counter() - t0) * 1e3)
        lat[f] += block
        med[f] = float(np.median(block))
    for f in ratios:
        ratios[f].append(math.log(med[f] / med[c_run]))
print(f"python Runner.run(copy=False)       p50 {np.median(lat[py_run]):.4f} ms")
print(f"python Runner.run (output copies)   p50 {np.median(lat[py_run_copy]):.4f} ms")
print(f"C ortune_runner_run (same runner)   p50 {np.median(lat[c_run]):.4f} ms")
for f, label in ((py_run, "python(copy=False)/C"), (py_run_copy, "python(copies)/C")):
    m = float(np.mean(ratios[f]))
    half = 2.09 * float(np.std(ratios[f], ddof=1)) / math.sqrt(len(ratios[f]))
    print(f"{label:22s} p50 ratio {math.exp(m):.3f}x [{math.exp(m - half):.3f}, {math.exp(m + half):.3f}] "
          f"(geomean over {rounds} rounds x {runs} runs)")
