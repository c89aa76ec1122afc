#!/usr/bin/env python3
"""Processed series through the `ims` command against numpy, and every shipped
YAML pipeline (configs/) run on small generated data.

* `--frames` / `--frame-list` / `--op` on `ims process` and `ims stats`, and the
  same pipeline as YAML through `ims run`, give numpy's answer;
* configs/examples/background.yaml: dark = median of the first 100 frames
  (float32, as hexrd's stats.median), frame - dark clamped at 0, flip 'v', then
  max (exact), percentile 90 (exact) and mean (float32, within rounding);
* configs/examples/dexela-preprocess.yaml: hexrd's Dexela preprocessing on a
  small HDF5 file (the row and column indices overridden to fit it), read back
  with h5py;
* configs/bench/*.yaml run with tiny generated series (--set);
* bad configs: errors naming the YAML path, exit code 2.

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this
script. A Python module or HDF5 filter it needs that is absent fails it at
once with one line naming the Debian package (debian_deps.py).
"""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from debian_deps import require

h5py, np = require("h5py", "numpy")

ROOT = Path(__file__).resolve().parent.parent.parent
IMS = os.environ.get("IMS_BINARY") or str(ROOT / "build" / "cli" / "ims")
CONFIGS = ROOT / "configs"


def ims(*args, expect=0):
    r = subprocess.run([IMS, *map(str, args)], capture_output=True, text=True)
    if r.returncode != expect:
        raise AssertionError(f"ims {' '.join(map(str, args))}: exit {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def dark_of(a, frames=100):
    """hexrd: stats.median of the first frames (float32), then img - dark clamped at 0."""
    return np.median(a[:frames], axis=0).astype(np.float32)


class Pipelines(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        rng = np.random.default_rng(7)
        self.a = rng.poisson(100, size=(24, 20, 16)).astype(np.uint16)
        self.a[:, 3, 4] = rng.integers(0, 60000, size=24)  # a hot pixel
        self.npy = self.dir / "run7.npy"
        np.save(self.npy, self.a)

    def tearDown(self):
        self.tmp.cleanup()

    def test_process_frames_and_ops_match_numpy(self):
        out = self.dir / "p.npy"
        ims("process", self.npy, "--frames", "2:20:3", "--op", "rectangle=1:-1,2:14", "--op", "flip=r90",
            "--op", "add=2.5", "-o", out, "-q")
        want = np.rot90(self.a[2:20:3, 1:-1, 2:14], 1, axes=(1, 2)).astype(np.float32) + np.float32(2.5)
        np.testing.assert_array_equal(np.load(out), want)
        ims("process", self.npy, "--frame-list", "5,0,5", "--op", "flip=h", "-o", out, "-q")
        np.testing.assert_array_equal(np.load(out), self.a[[5, 0, 5], ::-1, :])

    def test_dark_from_a_statistic_then_stats(self):
        out = self.dir / "bg.npz"
        ims("stats", self.npy, "--op", "dark=median;frames=0:10", "--op", "flip=v", "--stat", "max,percentile:90",
            "-o", out, "-q")
        d = self.a.astype(np.float32) - dark_of(self.a, 10)
        d[d < 0] = 0
        d = d[:, :, ::-1]
        got = np.load(out)
        np.testing.assert_array_equal(got["max"], d.max(axis=0))
        np.testing.assert_array_equal(got["percentile_90"], np.percentile(d, 90, axis=0).astype(np.float32))

    def test_nframes_does_not_cut_the_frames_of_an_op_image(self):
        # --nframes picks the frames the statistics reduce; the dark's own
        # frames=0:10 still takes all ten (it once took only the first N).
        out = self.dir / "n.npz"
        ims("stats", self.npy, "--op", "dark=median;frames=0:10", "--stat", "max", "-n", "4", "-o", out, "-q")
        d = self.a[:4].astype(np.float32) - dark_of(self.a, 10)
        d[d < 0] = 0
        np.testing.assert_array_equal(np.load(out)["max"], d.max(axis=0))

    def test_background_config(self):
        out = self.dir / "bg.npz"
        ims("run", CONFIGS / "examples" / "background.yaml", "--set", f"source.path={self.npy}",
            "--set", f"output.path={out}", "-q")
        d = self.a.astype(np.float32) - dark_of(self.a)
        d[d < 0] = 0
        d = d[:, :, ::-1]
        got = np.load(out)
        np.testing.assert_array_equal(got["max"], d.max(axis=0))
        np.testing.assert_array_equal(got["percentile_90"], np.percentile(d, 90, axis=0).astype(np.float32))
        np.testing.assert_allclose(got["mean"], d.mean(axis=0, dtype=np.float64), rtol=1e-6)

    def test_dexela_config(self):
        h5 = self.dir / "ff1.h5"
        ims("convert", self.npy, "-o", h5, "-q")
        out = self.dir / "ff1-pre.h5"
        ims("run", CONFIGS / "examples" / "dexela-preprocess.yaml", "--set", f"source.path={h5}",
            "--set", f"write.path={out}", "--set", "ops[1].add-row=7", "--set", "ops[2].add-column=5", "-q")
        d = self.a.astype(np.float32) - dark_of(self.a)
        d[d < 0] = 0
        d = np.insert(d, 7, 0, axis=1)
        d = np.insert(d, 5, 0, axis=2)
        d = d[:, :, ::-1]
        d[d <= 50] = 0
        with h5py.File(out, "r") as f:
            got = f["imageseries/images"][...]
            self.assertEqual(f["imageseries/images"].compression, "gzip")
        np.testing.assert_array_equal(got, d)

    def test_bench_configs_run_small(self):
        small = ["--set", "source.options.frames=6", "--set", "source.options.rows=32",
                 "--set", "source.options.cols=24"]
        for config in sorted((CONFIGS / "bench").glob("*.yaml")):
            with self.subTest(config=config.name):
                text = config.read_text()
                outs = []
                if "output:" in text:
                    outs += ["--set", f"output.path={self.dir / (config.stem + '.npz')}"]
                if "write:" in text:
                    outs += ["--set", f"write.path={self.dir / (config.stem + '.h5')}"]
                ims("run", config, *small, *outs, "-q")  # dark frames "0:20" clamp to the 6 frames
        self.assertTrue(any(self.dir.glob("*.npz")))

    def test_bad_configs_name_the_yaml_path(self):
        bad = self.dir / "bad.yaml"
        cases = {
            f"source: {{path: {self.npy}}}\nops:\n  - flip: v\n  - flip: z\nstats: [max]\noutput: x.npz\n":
                "ops[1].flip: unknown code 'z'",
            f"source: {{path: {self.npy}, fames: '0:2'}}\nstats: [max]\noutput: x.npz\n": "source.fames",
            f"source: {{path: {self.npy}}}\nops:\n  - rectangle: [[100, 200], [0, 4]]\nstats: [max]\noutput: x.npz\n":
                "ops[0].rectangle",
            f"source: {{path: {self.npy}}}\nops:\n  - dark: {{image: {self.dir / 'nope.npy'}}}\nstats: [max]\n"
            "output: x.npz\n": "nope.npy",
            f"source: {{path: {self.npy}}}\nstats: [max]\n": "output",
            "source: [\n": "bad YAML at line",
        }
        for text, needle in cases.items():
            with self.subTest(needle=needle):
                bad.write_text(text)
                r = ims("run", bad, expect=2 if needle != "nope.npy" else 1)
                self.assertIn(needle, r.stderr)
        self.assertFalse((self.dir / "x.npz").exists())


if __name__ == "__main__":
    unittest.main()
