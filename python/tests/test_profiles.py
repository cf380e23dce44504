"""The Python runtime picks the same profile as C (config profiles, docs/config.md): the choice happens in
ortune_config_load, under ortune.Runner and `ortune run` alike. Machines are simulated with the test-only
ORTUNE_TEST_GPU / ORTUNE_TEST_CPU. Run by tests/cli_python.sh."""
import os
import subprocess
import tempfile
import unittest

import numpy as np

import ortune

ORTUNE = os.environ.get("ORTUNE", "ortune")
ADD2 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "add2.onnx")

FLEET = """onnxruntime:
  profiles:
    h100:
      match:
        gpu: "NVIDIA H100 80GB HBM3"
        compute_capability: "9.0"
        class: high
      provider: cuda
    cpu:
      match:
        cpu: any
      provider: cpu
      intra_op_num_threads: 1
"""


class SameProfileAsC(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.config = os.path.join(self.dir.name, "config.yaml")
        with open(self.config, "w") as f:
            f.write(FLEET)
        self.saved = {k: os.environ.get(k) for k in ("ORTUNE_TEST_GPU", "ORTUNE_TEST_CPU")}

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        self.dir.cleanup()

    def both(self, gpu):
        """(Python's error code or 0, the CLI's exit code and stderr) on the simulated machine gpu."""
        os.environ["ORTUNE_TEST_GPU"] = gpu
        try:
            with ortune.Runner(ADD2, self.config) as r:
                a = np.ones((2, 3), dtype=np.float32)
                got = r.run({r.inputs[0].name: a, r.inputs[1].name: a})
                self.assertEqual(len(got), 1)
            code, msg = 0, ""
        except ortune.Error as e:
            code, msg = e.code, str(e)
        cli = subprocess.run([ORTUNE, "run", ADD2, "--config", self.config], capture_output=True, text=True,
                             env=dict(os.environ))
        return code, msg, cli.returncode, cli.stderr.strip()

    def test_cpu_machine_uses_the_cpu_profile(self):
        code, msg, rc, err = self.both("none")
        self.assertEqual((code, rc), (0, 0), (msg, err))

    def test_h100_uses_the_cuda_profile(self):
        # the h100 profile is provider cuda: without a CUDA EP here both fail the same way (ENOCUDA, 10)
        code, msg, rc, err = self.both("NVIDIA H100 80GB HBM3;9.0;80;132")
        self.assertEqual((code, rc), (10, 10), (msg, err))

    def test_no_profile_fits(self):
        code, msg, rc, err = self.both("NVIDIA A10;8.6;24;72")
        self.assertEqual((code, rc), (5, 5), (msg, err))
        self.assertIn("profiles present: h100", msg)
        self.assertIn(msg, err)


if __name__ == "__main__":
    unittest.main()
