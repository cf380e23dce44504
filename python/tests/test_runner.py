"""Tests of the Python runtime (ortune.Runner) on the CPU: the same outputs as the C runtime's CLI
(`ortune run --save-outputs`), errors with their codes, threads, staleness. Run by tests/cli_python.sh."""
import os
import subprocess
import tempfile
import threading
import unittest

import numpy as np

import ortune

ORTUNE = os.environ.get("ORTUNE", "ortune")
MODELS = os.environ.get("ORTUNE_MODELS", "")
CORPUS = "/usr/share/libonnx-testdata/data/node"


def model(name):
    p = os.path.join(MODELS, name)
    if not os.path.exists(p):
        raise unittest.SkipTest(f"{p} missing (scripts/fetch-models)")
    return p


class SameAsCli(unittest.TestCase):
    def check(self, path, feeds, config=None):
        with tempfile.TemporaryDirectory() as d:
            args = [ORTUNE, "run", path, "--save-outputs", os.path.join(d, "out")]
            for name, a in feeds.items():
                np.save(os.path.join(d, name + ".npy"), a)
                args += ["--input", f"{name}={os.path.join(d, name + '.npy')}"]
            if config:
                args += ["--config", config]
            subprocess.run(args, check=True, capture_output=True)
            with ortune.Runner(path, config) as r:
                got = r.run(feeds)
                self.assertEqual(list(got), [o.name for o in r.outputs])
                for k, o in enumerate(r.outputs):
                    want = np.load(os.path.join(d, "out", f"output_{k}.npy"), allow_pickle=True)
                    self.assertEqual(got[o.name].dtype, want.dtype)
                    np.testing.assert_array_equal(got[o.name], want)
            return got

    def test_ocr_det(self):
        x = np.random.default_rng(1).random((1, 3, 96, 128), dtype=np.float32)
        got = self.check(model("ch_PP-OCRv4_det_infer.onnx"), {"x": x})
        self.assertEqual(next(iter(got.values())).shape, (1, 1, 96, 128))

    def test_ocr_rec_with_config(self):
        x = np.random.default_rng(2).random((1, 3, 48, 160), dtype=np.float32)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("app:\n  fps: 30\nonnxruntime:\n  intra_op_num_threads: 1\n  graph_optimization_level: ORT_ENABLE_BASIC\n")
        try:
            self.check(model("ch_PP-OCRv4_rec_infer.onnx"), {"x": x}, f.name)
        finally:
            os.unlink(f.name)

    def test_onnx_reference_models(self):
        ran = 0
        for case in ("test_relu", "test_add_bcast", "test_matmul_2d", "test_gather_0", "test_argmax_default_axis_example"):
            p = os.path.join(CORPUS, case, "model.onnx")
            if not os.path.exists(p):
                continue
            with ortune.Runner(p) as r:
                rng = np.random.default_rng(3)
                feeds = {}
                for i in r.inputs:
                    shape = tuple(d if isinstance(d, int) else 2 for d in i.shape)
                    feeds[i.name] = (rng.random(shape) * 3).astype(i.dtype)
            self.check(p, feeds)
            ran += 1
        if not ran:
            self.skipTest("libonnx-testdata missing")


class Api(unittest.TestCase):
    def setUp(self):
        self.path = os.path.join(CORPUS, "test_add_bcast", "model.onnx")
        if not os.path.exists(self.path):
            self.skipTest("libonnx-testdata missing")

    def test_info(self):
        with ortune.Runner(self.path) as r:
            self.assertEqual([i.name for i in r.inputs], ["x", "y"])
            self.assertEqual(r.inputs[0].shape, (3, 4, 5))
            self.assertIs(r.inputs[0].dtype, np.float32)
            self.assertIsNone(r.stale)

    def test_positional_and_errors(self):
        x = np.ones((3, 4, 5), np.float32)
        y = np.arange(5, dtype=np.float32)
        with ortune.Runner(self.path) as r:
            np.testing.assert_array_equal(r.run([x, y])["sum"], x + y)
            with self.assertRaises(ortune.Error) as e:
                r.run({"x": x, "z": y})
            self.assertIn("no input named 'z'", str(e.exception))
            with self.assertRaises(ortune.Error) as e:
                r.run({"x": np.ones((7, 4, 5), np.float32), "y": y})
            self.assertEqual(e.exception.code, 8)  # ESHAPE
            with self.assertRaises(ortune.Error) as e:
                r.run({"x": x, "y": y}, outputs=["nope"])
            self.assertIn("no output named 'nope'", str(e.exception))
        with self.assertRaises(ortune.Error) as e:
            ortune.Runner("/nonexistent/model.onnx")
        self.assertEqual(e.exception.code, 3)  # EIO

    def test_bad_config(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("onnxruntime:\n  intra_op_num_thread: 2\n")
        try:
            with self.assertRaises(ortune.Error) as e:
                ortune.Runner(self.path, f.name)
            self.assertEqual(e.exception.code, 6)  # EKEY
            self.assertIn("intra_op_num_threads", str(e.exception))  # did you mean
        finally:
            os.unlink(f.name)

    def test_stale(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("onnxruntime:\n  provenance:\n    model_sha256: \"" + "0" * 64 + "\"\n")
        try:
            with ortune.Runner(self.path, f.name) as r:
                self.assertIn("another model", r.stale)
        finally:
            os.unlink(f.name)

    def test_empty_and_views(self):
        x = ortune.empty((3, 4, 5), np.float32)
        self.assertEqual((x.shape, x.dtype), ((3, 4, 5), np.float32))
        x[...] = 2
        y = np.arange(5, dtype=np.float32)
        with ortune.Runner(self.path) as r:
            view = r.run({"x": x, "y": y}, copy=False)["sum"]
            np.testing.assert_array_equal(view, x + y)
            self.assertFalse(view.flags.writeable)
            kept = r.run({"x": x, "y": y})["sum"]
            r.run({"x": x * 0, "y": y})
            np.testing.assert_array_equal(kept, x + y)  # a copy stays; a view shows the next run
        del x

    def test_threads(self):
        with ortune.Runner(self.path) as r:
            bad = []

            def work(seed):
                rng = np.random.default_rng(seed)
                for _ in range(50):
                    x = rng.random((3, 4, 5), dtype=np.float32)
                    y = rng.random(5, dtype=np.float32)
                    if not np.array_equal(r.run({"x": x, "y": y})["sum"], x + y):
                        bad.append(seed)

            th = [threading.Thread(target=work, args=(s,)) for s in range(4)]
            for t in th:
                t.start()
            for t in th:
                t.join()
            self.assertEqual(bad, [])


if __name__ == "__main__":
    unittest.main()
