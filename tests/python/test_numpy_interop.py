#!/usr/bin/env python3
"""numpy interoperability tests for the `ims` command-line tool.

Files numpy writes are read by ims, and files ims writes are read by numpy:

* `ims stats` on numpy-written .npy files (every supported dtype, both byte
  orders, C and Fortran order, 2-D arrays, NaNs, --nframes, --dtype) gives the
  same per-pixel max/min/sum/mean/var/std/count as numpy, with hexrd's output
  dtypes;
* `ims convert` writes .npy files that np.load reads back unchanged (3-D,
  C order, native byte order), raw .bin files with a JSON sidecar that
  np.fromfile reads, and Thunder's binary directory layout;
* the .npz archive `ims stats` writes is a valid zip file that np.load and
  zipfile read.

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this
script. A Python module or HDF5 filter it needs that is absent fails it at
once with one line naming the Debian package (debian_deps.py).
"""

import itertools
import json
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

from debian_deps import require

np = require("numpy")

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")

DTYPES = ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64")
ALL_STATS = ("max", "min", "sum", "mean", "var", "std", "count")
SHAPE = (13, 17, 11)  # frames, rows, cols

# hexrd's output dtypes; max and min keep the input dtype.
DEFAULT_DTYPES = {"sum": "float64", "mean": "float32", "var": "float64", "std": "float64", "count": "int64"}


def run_ims(*args):
    """Run ims with args (converted to str) and return the CompletedProcess."""
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, timeout=120)


def sample(dtype, seed, shape=SHAPE):
    """Random frames: integers over dtype's full range (its min and max in some pixels), floats ~ N(10, 100)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.normal(10.0, 100.0, shape).astype(dtype)
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    frames = a.reshape(-1, *shape[-2:])  # a view; a 2-D array is one frame
    frames[:, 1, 2] = info.max
    frames[:, 2, 3] = info.min
    frames[0, 0, 0] = info.min
    frames[-1, 0, 0] = info.max  # with several frames, pixel (0, 0) spans the whole range
    return a


def is_int64(a):
    return a.dtype.kind in "iu" and a.dtype.itemsize == 8


def reference(a):
    """numpy's per-pixel statistics over the frames (axis 0) of a: max/min in a's dtype, the rest in float64."""
    f = a.astype(np.float64)
    if is_int64(a):
        # float64 cannot hold every int64 sum: sum exactly in Python ints and round once.
        total = a.astype(object).sum(0).astype(np.float64)
        mean = total / len(a)
    else:
        total = f.sum(0)
        mean = f.mean(0)
    return {
        "max": a.max(0),
        "min": a.min(0),
        "sum": total,
        "mean": mean,
        "var": f.var(0),
        "std": f.std(0),
        "count": np.count_nonzero(~np.isnan(f), axis=0).astype(np.int64),
    }


class ImsTestCase(unittest.TestCase):
    """Gives every test a fresh temporary directory and helpers to run ims and check its statistics."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="ims-numpy-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self._outputs = itertools.count()

    def ims(self, *args):
        """Run ims quietly and fail with its stderr unless it exits 0."""
        proc = run_ims(*args, "-q")
        self.assertEqual(proc.returncode, 0,
                         f"`{' '.join(proc.args)}` exited {proc.returncode}\nstderr:\n{proc.stderr}")
        return proc

    def save(self, name, a):
        """np.save a into the temporary directory and return its path."""
        path = self.tmp / name
        np.save(path, a)
        return path

    def stats(self, source, names=ALL_STATS, *extra):
        """Run `ims stats` on source and return the .npz members as a dict of arrays."""
        out = self.tmp / f"stats-{next(self._outputs)}.npz"
        self.ims("stats", source, "--stat", ",".join(names), *extra, "-o", out)
        with np.load(out) as npz:
            self.assertEqual(sorted(npz.files), sorted(names))
            return {name: npz[name] for name in npz.files}

    def assert_stats(self, got, a, names=ALL_STATS, dtype=None):
        """Check ims' statistics `got` against numpy's over the frames of a (a's byte order is irrelevant).

        dtype is the --dtype given to ims, if any. Tolerances: max, min and count
        exact; sum exact for integers (int64: the exact sum rounded once), else
        rtol 1e-12; float32 mean exact for integers up to 32 bits, else rtol 1e-6;
        float64 mean rtol 1e-12; var and std rtol 1e-9. The atol terms only matter
        where a result is near zero by cancellation and scale with the data.
        """
        ref = reference(a)
        scale = float(np.nanmax(np.abs(a.astype(np.float64)))) or 1.0
        for name in names:
            want = np.dtype(dtype or DEFAULT_DTYPES.get(name, a.dtype.newbyteorder("=")))
            with self.subTest(stat=name):
                self.assertEqual(got[name].dtype, want)
                self.assertEqual(got[name].shape, a.shape[1:])
                if name in ("max", "min", "count"):
                    np.testing.assert_array_equal(got[name], ref[name].astype(want))
                elif name == "sum":
                    if a.dtype.kind in "iu":
                        np.testing.assert_array_equal(got[name], ref[name])
                    else:
                        np.testing.assert_allclose(got[name], ref[name], rtol=1e-12, atol=1e-12 * scale)
                elif name == "mean":
                    if want == np.float64:
                        np.testing.assert_allclose(got[name], ref[name], rtol=1e-12, atol=1e-12 * scale)
                    elif a.dtype.kind in "iu" and not is_int64(a):
                        np.testing.assert_array_equal(got[name], ref[name].astype(np.float32))
                    else:
                        np.testing.assert_allclose(got[name], ref[name], rtol=1e-6, atol=1e-12 * scale)
                elif name == "var":
                    np.testing.assert_allclose(got[name], ref[name], rtol=1e-9, atol=1e-12 * scale**2)
                else:  # std
                    np.testing.assert_allclose(got[name], ref[name], rtol=1e-9, atol=1e-9 * scale)


class StatsTest(ImsTestCase):
    """`ims stats` on .npy files numpy wrote."""

    def test_every_dtype(self):
        for seed, dtype in enumerate(DTYPES):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                got = self.stats(self.save(f"{dtype}.npy", a))
                self.assert_stats(got, a)
                np.testing.assert_array_equal(got["count"], np.full(SHAPE[1:], SHAPE[0], dtype=np.int64))

    def test_big_endian(self):
        for seed, dtype in enumerate((">u2", ">i4", ">f8", ">f4")):
            with self.subTest(dtype=dtype):
                little = sample(np.dtype(dtype).newbyteorder("<"), seed)
                self.assert_stats(self.stats(self.save("big.npy", little.astype(dtype))), little)

    def test_fortran_order(self):
        for seed, dtype in enumerate(("uint16", "int64", "float32", ">f8")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                path = self.save("fortran.npy", np.asfortranarray(a))
                self.assertTrue(np.load(path).flags.f_contiguous, "numpy did not write Fortran order")
                self.assert_stats(self.stats(path), a)

    def test_two_dimensional_array_is_one_frame(self):
        for seed, dtype in enumerate(("uint16", "int32", "float64")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed, shape=SHAPE[1:])
                got = self.stats(self.save("frame.npy", a))
                np.testing.assert_array_equal(got["max"], a)
                np.testing.assert_array_equal(got["count"], np.ones(a.shape, dtype=np.int64))
                self.assert_stats(got, a[np.newaxis])

    def test_nframes(self):
        for seed, dtype in enumerate(("int16", "float64")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                self.assert_stats(self.stats(self.save("a.npy", a), ALL_STATS, "--nframes", 5), a[:5])

    def test_dtype_float64(self):
        for seed, dtype in enumerate(("uint32", "int64", "float32")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                got = self.stats(self.save("a.npy", a), ALL_STATS, "--dtype", "float64")
                self.assert_stats(got, a, dtype="float64")
                np.testing.assert_allclose(got["mean"], a.mean(0, dtype=np.float64), rtol=1e-12)

    def test_nan_propagates_and_is_not_counted(self):
        for seed, dtype in enumerate(("float32", "float64")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                a[np.random.default_rng(100 + seed).random(SHAPE) < 0.05] = np.nan
                a[0, 3, 3] = a[-1, 4, 4] = np.nan  # first and last frame
                a[:, 5, 5] = np.nan  # no value at all
                got = self.stats(self.save("nan.npy", a))
                self.assert_stats(got, a)
                has_nan = np.isnan(a).any(0)
                for name in ("max", "min", "sum", "mean", "var", "std"):
                    self.assertTrue(np.isnan(got[name][has_nan]).all(), f"{name}: a NaN pixel is not NaN")
                    self.assertTrue(np.isfinite(got[name][~has_nan]).all(), f"{name}: a pixel without NaN is not finite")
                np.testing.assert_array_equal(got["count"], SHAPE[0] - np.isnan(a).sum(0))
                self.assertEqual(got["count"][5, 5], 0)


class ConvertTest(ImsTestCase):
    """Files `ims convert` writes, read by numpy."""

    def convert_to_npy(self, source):
        out = self.tmp / "out.npy"
        self.ims("convert", source, "-o", out)
        b = np.load(out)
        self.assertTrue(b.flags.c_contiguous, "not C order")
        self.assertTrue(b.dtype.isnative, f"not native byte order: {b.dtype.str}")
        return b

    def test_npy_every_dtype(self):
        for seed, dtype in enumerate(DTYPES):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                b = self.convert_to_npy(self.save("a.npy", a))
                self.assertEqual(b.dtype, a.dtype)
                self.assertEqual(b.shape, a.shape)
                np.testing.assert_array_equal(b, a)

    def test_npy_from_big_endian_fortran(self):
        a = sample("float64", 1)
        b = self.convert_to_npy(self.save("a.npy", np.asfortranarray(a.astype(">f8"))))
        self.assertEqual(b.dtype, np.float64)
        np.testing.assert_array_equal(b, a)

    def test_npy_from_two_dimensional(self):
        a = sample("uint16", 2, shape=SHAPE[1:])
        b = self.convert_to_npy(self.save("frame.npy", a))
        self.assertEqual(b.shape, (1, *a.shape))
        self.assertEqual(b.dtype, a.dtype)
        np.testing.assert_array_equal(b[0], a)

    def test_bin_with_sidecar(self):
        for seed, dtype in enumerate(DTYPES):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                out = self.tmp / f"{dtype}.bin"
                self.ims("convert", self.save(f"{dtype}.npy", a), "-o", out)
                meta = json.loads(out.with_suffix(".json").read_text())
                self.assertEqual(meta["dims"], list(SHAPE[1:]))
                self.assertEqual(meta["nframes"], SHAPE[0])
                self.assertEqual(meta["dtype"], dtype)
                self.assertEqual(meta["order"], "C")
                file_dtype = np.dtype(meta["dtype"]).newbyteorder({"little": "<", "big": ">"}[meta["byteorder"]])
                b = np.fromfile(out, dtype=file_dtype).reshape(meta["nframes"], *meta["dims"])
                np.testing.assert_array_equal(b, a)

    def test_bin_big_endian(self):
        a = sample("uint16", 3)
        out = self.tmp / "big.bin"
        self.ims("convert", self.save("a.npy", a), "-o", out, "--out-opt", "byteorder=big")
        self.assertEqual(out.read_bytes(), a.astype(">u2").tobytes())
        self.assertEqual(json.loads(out.with_suffix(".json").read_text())["byteorder"], "big")
        got = self.stats(out, ("max", "sum"))  # sidecar found automatically
        self.assert_stats(got, a, ("max", "sum"))

    def test_numpy_raw_file_with_options(self):
        a = sample("uint16", 4)
        raw = self.tmp / "raw.bin"
        a.astype(">u2").tofile(raw)
        got = self.stats(raw, ALL_STATS, "--format", "binary", "--opt", f"shape={SHAPE[1]}x{SHAPE[2]}",
                         "--opt", "dtype=uint16", "--opt", "byteorder=big")
        self.assert_stats(got, a)

    def test_thunder_directory(self):
        a = sample("uint16", 5)
        out = self.tmp / "thunder"
        self.ims("convert", self.save("a.npy", a), "--to", "binary", "-o", out)
        names = sorted(p.name for p in out.glob("*.bin"))
        self.assertEqual(names, [f"image-{i:05d}.bin" for i in range(SHAPE[0])])
        for i, name in enumerate(names):
            np.testing.assert_array_equal(np.fromfile(out / name, dtype="<u2").reshape(SHAPE[1:]), a[i],
                                          err_msg=name)
        conf = json.loads((out / "conf.json").read_text())
        self.assertEqual(conf["dims"], list(SHAPE[1:]))
        self.assertEqual(conf["dtype"], "uint16")
        self.assertTrue((out / "SUCCESS").is_file())
        self.assertEqual((out / "SUCCESS").stat().st_size, 0)
        self.assert_stats(self.stats(out, ("max",)), a, ("max",))


class NpzTest(ImsTestCase):
    """The .npz archive `ims stats` writes."""

    def test_npz_is_a_valid_zip(self):
        a = sample("int32", 6)
        source = self.save("a.npy", a)
        for compress in ("false", "true"):
            with self.subTest(compress=compress):
                out = self.tmp / f"stats-{compress}.npz"
                self.ims("stats", source, "--stat", ",".join(ALL_STATS), "-o", out, "--out-opt", f"compress={compress}")
                self.assertTrue(zipfile.is_zipfile(out))
                with zipfile.ZipFile(out) as zf:
                    self.assertIsNone(zf.testzip())
                    self.assertEqual(sorted(zf.namelist()), sorted(f"{name}.npy" for name in ALL_STATS))
                with np.load(out) as npz:
                    self.assertEqual(sorted(npz.files), sorted(ALL_STATS))
                    self.assert_stats({name: npz[name] for name in npz.files}, a)

    def test_numpy_npz_as_op_image_and_a_corrupt_member_refused_like_numpy(self):
        """A dark from np.savez / savez_compressed is used exactly; once a data byte of the
        member is flipped, numpy refuses the file (bad CRC-32) and so does ims (exit 1, naming
        the archive and the member), never using the damaged dark."""
        a = sample("uint16", 7)
        source = self.save("a.npy", a)
        dark = a[0].copy()
        for save in (np.savez, np.savez_compressed):
            with self.subTest(save=save.__name__):
                npz = self.tmp / f"dark-{save.__name__}.npz"
                save(npz, dark=dark, other=dark + 1)
                got = self.stats(source, ("max",), "--op", f"dark={npz}:dark")["max"]
                want = np.where(a >= dark, a - dark, 0).astype(a.dtype).max(axis=0)
                np.testing.assert_array_equal(got, want)
                if save is np.savez:  # stored: flip a pixel byte of the member "dark.npy"
                    data = bytearray(npz.read_bytes())
                    data[data.find(b"dark.npy") + len("dark.npy") + 128 + 7] ^= 0x01
                    npz.write_bytes(bytes(data))
                    with self.assertRaises(zipfile.BadZipFile):
                        np.load(npz)["dark"]
                    proc = run_ims("stats", source, "--stat", "max", "--op", f"dark={npz}:dark",
                                   "-o", self.tmp / "x.npz")
                    self.assertEqual(proc.returncode, 1, proc.stderr)
                    self.assertIn(f"ops[0].dark: image {npz}:dark: member dark.npy is corrupt", proc.stderr)
                    self.assertFalse((self.tmp / "x.npz").exists())


if __name__ == "__main__":
    if not os.access(IMS, os.X_OK):
        sys.exit(f"ims binary not found or not executable: {IMS} (set IMS_BINARY)")
    sys.exit(not unittest.main(exit=False, verbosity=2).result.wasSuccessful())
