#!/usr/bin/env python3
"""How `ims stats` gets quantiles over series larger than --memory.

The planner's choice (bands of rows over a memory-mapped .npy, a spill file
for gzip HDF5 with one chunk per frame), the results of every method equal to
numpy's, the scratch file removed after success, failure and Ctrl-C, and a
bad --scratch directory named in a one-line error.

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this
script. A Python module or HDF5 filter it needs that is absent fails it at
once with one line naming the Debian package (debian_deps.py).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from debian_deps import require

np = require("numpy")

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")
STATS = "median,percentile:90,max"


def run_ims(*args, **kwargs):
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, **kwargs)


class QuantileMethodsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="ims-qmethods-")
        cls.dir = Path(cls.tmp.name)
        rng = np.random.default_rng(7)
        # 60 frames of 128x96 uint16: 1.4 MiB of values; budgets below force bands.
        cls.a = rng.poisson(150, size=(60, 128, 96)).astype(np.uint16)
        cls.a[::7, 5, 5] = 60000  # hot pixels: every key bit is searched
        cls.npy = cls.dir / "series.npy"
        np.save(cls.npy, cls.a)
        cls.h5 = cls.dir / "series.h5"
        proc = run_ims("convert", cls.npy, "-o", cls.h5, "--out-opt", "gzip=1", "-q")
        assert proc.returncode == 0, proc.stderr
        cls.want = {"median": np.percentile(cls.a, 50, axis=0).astype(np.float32),
                    "percentile_90": np.percentile(cls.a, 90, axis=0).astype(np.float32),
                    "max": cls.a.max(axis=0)}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def stats(self, source, *extra):
        out, report = self.dir / "out.npz", self.dir / "report.json"
        scratch = self.dir / "scratch"
        scratch.mkdir(exist_ok=True)
        args = ["stats", source, "--stat", STATS, "-o", out, "--report", report, "--scratch", scratch, "-q", *extra]
        if str(source).endswith(".h5"):
            args += ["--opt", "path=imageseries"]
        proc = run_ims(*args)
        self.assertEqual(proc.returncode, 0, f"{' '.join(map(str, args))}\n{proc.stderr}")
        self.assertEqual(list(scratch.iterdir()), [], "the scratch file was left behind")
        with np.load(out) as z:
            for name, want in self.want.items():
                np.testing.assert_array_equal(z[name], want, err_msg=f"{name} with {extra}")
                self.assertEqual(z[name].dtype, want.dtype)
        return json.loads(report.read_text())["plan"]["quantiles"]

    def test_npy_over_budget_reads_bands_of_rows(self):
        plan = self.stats(self.npy, "--memory", "1M")
        self.assertRegex(plan, r"^memory, \d+ bands of \d+ rows")
        self.assertIn("regions cheaply", plan)

    def test_npy_in_budget_is_one_band(self):
        self.assertIn("memory, one band", self.stats(self.npy))

    def test_gzip_hdf5_over_budget_spills(self):
        plan = self.stats(self.h5, "--memory", "1M")
        self.assertRegex(plan, r"^spill, \d+ bands")

    def test_every_forced_method_gives_the_same_bits(self):
        for method in ("memory", "spill", "histogram"):
            for source in (self.npy, self.h5):
                with self.subTest(method=method, source=source.name):
                    plan = self.stats(source, "--method", method, "--memory", "2M", "--threads", "2")
                    self.assertTrue(plan.startswith(method), plan)

    def test_budget_too_small_for_one_row_is_explained(self):
        proc = run_ims("stats", self.npy, "--stat", "median", "-o", self.dir / "x.npz", "--memory", "20K", "-q")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("--memory", proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)

    def test_missing_scratch_directory_is_named(self):
        missing = self.dir / "no" / "such"
        proc = run_ims("stats", self.h5, "--opt", "path=imageseries", "--stat", "median", "--method", "spill",
                       "--scratch", missing, "-o", self.dir / "x.npz", "-q")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(str(missing), proc.stderr)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertFalse((self.dir / "x.npz").exists())

    def test_ctrl_c_during_a_spill_removes_the_scratch_file(self):
        scratch = self.dir / "scratch-int"
        scratch.mkdir()
        out = self.dir / "interrupted.npz"
        proc = subprocess.Popen([IMS, "stats", "--format", "random", "--opt", "frames=100000", "--opt", "rows=256",
                                 "--opt", "cols=256", "--opt", "dtype=uint16", "--stat", "median",
                                 "--method", "spill", "--memory", "64M", "--scratch", str(scratch),
                                 "-o", str(out), "-q"], stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        while not list(scratch.iterdir()) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        self.assertTrue(list(scratch.iterdir()), "the spill never started")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertEqual(list(scratch.iterdir()), [], "the scratch file survived Ctrl-C")
        self.assertFalse(out.exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
