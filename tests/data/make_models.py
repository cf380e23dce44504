#!/usr/bin/env python3
"""make_models.py - write the tiny ONNX fixtures the tests use, with the Python standard library only.

  python3 tests/data/make_models.py [OUTDIR]      (default: the directory of this script)

The protobuf wire format is written by hand (no onnx package needed on CI):
  unknown_op.onnx      Relu followed by an op of a domain no runtime has (com.example.nosuch:NoSuchOp)
  unknown_std_op.onnx  an op type the default ONNX domain does not have (NoSuchOp, opset 13)
  dyn_relu.onnx        y = Relu(x), x: float32 [batch, 3] with a named dynamic dim
  dyn_unnamed.onnx     y = Relu(x), x: float32 [?, 3] with an unnamed dynamic dim
  add2.onnx            c = Add(a, b), a and b: float32 [2, 3], plus a test_data_set with inputs and output
  noshape_relu.onnx    y = Relu(x), x: float32 with no shape at all (rank unknown)
  longname.onnx        y = Relu(x), input and output names of 150 and 139 characters
  reshape_k.onnx       y = Reshape(x, k), x: float32 [6], k: int64 [1] (random k in 0..3 fails; 6 or -1 works)
  mlp.onnx             y = MatMul(Relu(MatMul(x, W1) + b1), W2), x: float32 [1, 16], y [1, 4]; and z = x * 1e-6
                       (an output that is near zero on any input: a weak check)
  random_like.onnx     y = x + RandomNormalLike(x), x: float32 [2, 3] (a random operator)
  dropout_eval.onnx    y = Dropout(x, ratio, training_mode=false initializer): not random
  dropout_train.onnx   the same with training_mode = true: random
  random_in_if.onnx    y = If(c) then RandomUniformLike(x) else x: a random operator inside a subgraph
  denormal.onnx        y = MatMul(x, W), x: float32 [1, 64], W: 64x64 denormals (2^-140): with x = 1, y = 2^-134, a
                       denormal too; denormal_data holds that, denormal_ftz_data the zeros that flush-to-zero gives
"""
import os
import struct
import sys


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def key(num, wt):
    return varint(num << 3 | wt)


def f_int(num, v):
    return key(num, 0) + varint(v)


def f_bytes(num, b):
    if isinstance(b, str):
        b = b.encode()
    return key(num, 2) + varint(len(b)) + b


FLOAT = 1


def dim(d):
    # TensorShapeProto.Dimension: 1 dim_value, 2 dim_param; None = unknown (neither)
    if d is None:
        return f_bytes(1, b"")
    if isinstance(d, str):
        return f_bytes(1, f_bytes(2, d))
    return f_bytes(1, f_int(1, d))


INT64 = 7
LONG_IN = "in_" + "x" * 147
LONG_OUT = "out_" + "y" * 135


def value_info(name, elem, dims):
    if dims is None:  # no shape at all: rank unknown
        return f_bytes(1, name) + f_bytes(2, f_bytes(1, f_int(1, elem)))
    shape = b"".join(dim(d) for d in dims)
    tensor_type = f_int(1, elem) + f_bytes(2, shape)
    type_proto = f_bytes(1, tensor_type)
    return f_bytes(1, name) + f_bytes(2, type_proto)


def node(inputs, outputs, op, name, domain=""):
    b = b"".join(f_bytes(1, i) for i in inputs) + b"".join(f_bytes(2, o) for o in outputs)
    b += f_bytes(3, name) + f_bytes(4, op)
    if domain:
        b += f_bytes(7, domain)
    return b


def model(nodes, inputs, outputs, name, opsets, inits=()):
    graph = b"".join(f_bytes(1, n) for n in nodes) + f_bytes(2, name)
    graph += b"".join(f_bytes(5, t) for t in inits)
    graph += b"".join(f_bytes(11, i) for i in inputs) + b"".join(f_bytes(12, o) for o in outputs)
    m = f_int(1, 8) + f_bytes(2, "ortune-tests") + f_bytes(3, "1")
    m += f_bytes(7, graph)
    for dom, ver in opsets:
        m += f_bytes(8, (f_bytes(1, dom) if dom else b"") + f_int(2, ver))
    return m


def tensor(name, dims, values):
    # TensorProto: 1 dims, 2 data_type, 8 name, 9 raw_data
    b = b"".join(f_int(1, d) for d in dims) + f_int(2, FLOAT) + f_bytes(8, name)
    b += f_bytes(9, struct.pack("<%df" % len(values), *values))
    return b


def graph_attr(name, graph):
    # AttributeProto: 1 name, 20 type (GRAPH = 5), 6 g
    return f_bytes(1, name) + f_int(20, 5) + f_bytes(6, graph)


def subgraph(nodes, outputs, name):
    return b"".join(f_bytes(1, n) for n in nodes) + f_bytes(2, name) + b"".join(f_bytes(12, o) for o in outputs)


def bool_tensor(name, value):
    # a scalar BOOL (data_type 9) in raw_data
    return f_int(2, 9) + f_bytes(8, name) + f_bytes(9, bytes([1 if value else 0]))


def weights(n, k):
    import math
    return [round(0.5 * math.sin(1.0 + 0.37 * i + k), 6) for i in range(n)]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "unknown_op.onnx"), model(
        [node(["x"], ["h"], "Relu", "relu"), node(["h"], ["y"], "NoSuchOp", "nosuch", "com.example.nosuch")],
        [value_info("x", FLOAT, [1, 3])], [value_info("y", FLOAT, [1, 3])], "unknown_op",
        [("", 13), ("com.example.nosuch", 1)]))
    write(os.path.join(out, "unknown_std_op.onnx"), model(
        [node(["x"], ["y"], "NoSuchOp", "nosuch")],
        [value_info("x", FLOAT, [1, 3])], [value_info("y", FLOAT, [1, 3])], "unknown_std_op", [("", 13)]))
    write(os.path.join(out, "dyn_relu.onnx"), model(
        [node(["x"], ["y"], "Relu", "relu")],
        [value_info("x", FLOAT, ["batch", 3])], [value_info("y", FLOAT, ["batch", 3])], "dyn_relu", [("", 13)]))
    write(os.path.join(out, "dyn_unnamed.onnx"), model(
        [node(["x"], ["y"], "Relu", "relu")],
        [value_info("x", FLOAT, [None, 3])], [value_info("y", FLOAT, [None, 3])], "dyn_unnamed", [("", 13)]))
    write(os.path.join(out, "add2.onnx"), model(
        [node(["a", "b"], ["c"], "Add", "add")],
        [value_info("a", FLOAT, [2, 3]), value_info("b", FLOAT, [2, 3])],
        [value_info("c", FLOAT, [2, 3])], "add2", [("", 13)]))
    write(os.path.join(out, "noshape_relu.onnx"), model(
        [node(["x"], ["y"], "Relu", "relu")],
        [value_info("x", FLOAT, None)], [value_info("y", FLOAT, None)], "noshape_relu", [("", 13)]))
    write(os.path.join(out, "longname.onnx"), model(
        [node([LONG_IN], [LONG_OUT], "Relu", "relu")],
        [value_info(LONG_IN, FLOAT, [1, 4])], [value_info(LONG_OUT, FLOAT, [1, 4])], "longname", [("", 13)]))
    write(os.path.join(out, "reshape_k.onnx"), model(
        [node(["x", "k"], ["y"], "Reshape", "reshape")],
        [value_info("x", FLOAT, [6]), value_info("k", INT64, [1])], [value_info("y", FLOAT, [None])], "reshape_k",
        [("", 13)]))
    ds = os.path.join(out, "add2_data")
    os.makedirs(ds, exist_ok=True)
    a = [0.5, -1.0, 2.0, 3.25, -0.125, 7.0]
    b = [1.5, 1.0, -2.0, 0.75, 0.125, -8.0]
    write(os.path.join(ds, "input_0.pb"), tensor("a", [2, 3], a))
    write(os.path.join(ds, "input_1.pb"), tensor("b", [2, 3], b))
    write(os.path.join(ds, "output_0.pb"), tensor("c", [2, 3], [x + y for x, y in zip(a, b)]))
    write(os.path.join(out, "mlp.onnx"), model(
        [node(["x", "W1"], ["h1"], "MatMul", "mm1"), node(["h1", "b1"], ["h2"], "Add", "bias"),
         node(["h2"], ["h3"], "Relu", "relu"), node(["h3", "W2"], ["y"], "MatMul", "mm2"),
         node(["x", "tiny"], ["z"], "Mul", "tiny")],
        [value_info("x", FLOAT, [1, 16])], [value_info("y", FLOAT, [1, 4]), value_info("z", FLOAT, [1, 16])], "mlp",
        [("", 13)],
        [tensor("W1", [16, 16], weights(256, 0)), tensor("b1", [16], weights(16, 1)),
         tensor("W2", [16, 4], weights(64, 2)), tensor("tiny", [], [1e-6])]))
    write(os.path.join(out, "random_like.onnx"), model(
        [node(["x"], ["r"], "RandomNormalLike", "noise"), node(["x", "r"], ["y"], "Add", "add")],
        [value_info("x", FLOAT, [2, 3])], [value_info("y", FLOAT, [2, 3])], "random_like", [("", 13)]))
    then_g = subgraph([node(["x"], ["r"], "RandomUniformLike", "noise")], [value_info("r", FLOAT, [2, 3])], "then")
    else_g = subgraph([node(["x"], ["e"], "Identity", "same")], [value_info("e", FLOAT, [2, 3])], "else")
    if_node = node(["c"], ["y"], "If", "branch") + f_bytes(5, graph_attr("then_branch", then_g)) + \
        f_bytes(5, graph_attr("else_branch", else_g))
    write(os.path.join(out, "random_in_if.onnx"), model(
        [if_node], [value_info("x", FLOAT, [2, 3]), value_info("c", 9, [])], [value_info("y", FLOAT, [2, 3])],
        "random_in_if", [("", 13)]))
    for mode in ("eval", "train"):
        write(os.path.join(out, "dropout_%s.onnx" % mode), model(
            [node(["x", "ratio", "training"], ["y"], "Dropout", "drop")],
            [value_info("x", FLOAT, [2, 3])], [value_info("y", FLOAT, [2, 3])], "dropout_" + mode, [("", 13)],
            [tensor("ratio", [], [0.5]), bool_tensor("training", mode == "train")]))
    tiny = 2.0 ** -140
    write(os.path.join(out, "denormal.onnx"), model(
        [node(["x", "W"], ["y"], "MatMul", "matmul")],
        [value_info("x", FLOAT, [1, 64])], [value_info("y", FLOAT, [1, 64])], "denormal", [("", 13)],
        [tensor("W", [64, 64], [tiny] * 4096)]))
    for sub, y in (("denormal_data", 2.0 ** -134), ("denormal_ftz_data", 0.0)):
        ds = os.path.join(out, sub)
        os.makedirs(ds, exist_ok=True)
        write(os.path.join(ds, "input_0.pb"), tensor("x", [1, 64], [1.0] * 64))
        write(os.path.join(ds, "output_0.pb"), tensor("y", [1, 64], [y] * 64))


if __name__ == "__main__":
    main()
