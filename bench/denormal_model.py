#!/usr/bin/env python3
"""denormal_model.py - write the denormal-heavy benchmark model of issue 14 (standard library only).

  python3 bench/denormal_model.py OUTDIR

denormal_mlp.onnx: x float32 [64, 256] -> MatMul(W0) -> 7 x MatMul(Wk): W0's entries are 2^-140 (denormal), so with
x ~ 1 every activation after it is ~2^-132, a denormal, and the 7 layers of ordinary weights (1/256, each output the
mean of its inputs) keep it there: every multiply-add has a denormal operand and result (what a network whose
activations decay toward zero does; ORT issue #7448). normal_mlp.onnx: the same with W0 = 1/256 (no denormal), to
show the option is left out where it does not matter.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data"))
import make_models as mm  # noqa: E402


def mlp(w0, name):
    n, layers = 256, 8
    nodes, inits, prev = [], [], "x"
    for k in range(layers):
        w = "W%d" % k
        inits.append(mm.tensor(w, [n, n], [w0 if k == 0 else 1.0 / n] * (n * n)))
        out = "y" if k == layers - 1 else "h%d" % k
        nodes.append(mm.node([prev, w], [out], "MatMul", "mm%d" % k))
        prev = out
    return mm.model(nodes, [mm.value_info("x", mm.FLOAT, [64, n])], [mm.value_info("y", mm.FLOAT, [64, n])], name,
                    [("", 13)], inits)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    mm.write(os.path.join(out, "denormal_mlp.onnx"), mlp(2.0 ** -140, "denormal_mlp"))
    mm.write(os.path.join(out, "normal_mlp.onnx"), mlp(1.0 / 256, "normal_mlp"))


if __name__ == "__main__":
    main()
