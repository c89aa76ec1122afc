#!/usr/bin/env python3
"""hexrd frame-caches between ims and numpy/scipy, as hexrd reads and writes them.

* `ims convert SRC -o fc.npz --to frame-cache --out-opt threshold=T` writes an
  npz that hexrd's reader, reimplemented here (np.load, then
  scipy.sparse.csr_array((data, (row, col))).toarray() per frame, as
  hexrd.imageseries.load.framecache does), reads back as np.where(a > T, a, 0),
  for every pixel type, with omega and the other metadata members;
* an npz written the way hexrd's WriteFrameCache writes one (numpy's
  extraction, np.savez_compressed, frames in a shuffled member order) is read
  by ims bit-exactly, whole and by region;
* bad caches end ims with exit code 1 and a message naming the file and
  frame, and no output.

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this script.
"""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from debian_deps import require

np = require("numpy")
sparse = require("scipy.sparse")

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")
DTYPES = ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64")


def run_ims(*args):
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, timeout=300)


def hexrd_read_npz(path):
    """hexrd's _load_cache_npz_arrays and __getitem__, on numpy and scipy."""
    arrays = np.load(path)
    nframes = int(arrays["nframes"])
    shape = tuple(int(d) for d in arrays["shape"])
    dtype_member = arrays["dtype"]
    dtype = np.dtype(str(dtype_member) if dtype_member.dtype.kind == "U" else dtype_member.tobytes().decode())
    frames = []
    for i in range(nframes):
        row, col, data = arrays[f"{i}_row"], arrays[f"{i}_col"], arrays[f"{i}_data"]
        assert row.dtype == np.uint16 and col.dtype == np.uint16 and data.dtype == dtype, (i, row.dtype, data.dtype)
        frames.append(sparse.csr_array((data, (row, col)), shape=shape, dtype=dtype).toarray())
    skip = {"nframes", "shape", "dtype"} | {f"{i}_{k}" for i in range(nframes) for k in ("row", "col", "data")}
    return np.array(frames, dtype=dtype).reshape((nframes,) + shape), {k: arrays[k] for k in arrays.files if k not in skip}


def hexrd_write_npz(path, a, threshold, meta, order):
    """hexrd's WriteFrameCache._write_frames for style npz: row-major
    extraction of value > threshold, indices as uint16, members in `order`."""
    arrays = {}
    for i in order:
        rows, cols = np.nonzero(a[i] > threshold)
        arrays[f"{i}_row"] = rows.astype(np.uint16)
        arrays[f"{i}_col"] = cols.astype(np.uint16)
        arrays[f"{i}_data"] = a[i][rows, cols]
    arrays["shape"] = np.array(a.shape[1:])
    arrays["nframes"] = np.array(len(a))
    arrays["dtype"] = np.array(str(a.dtype)).astype(np.bytes_)
    arrays.update({k: np.asanyarray(v) for k, v in meta.items()})
    np.savez_compressed(path, **arrays)


def hexrd_read_fch5(path):
    """hexrd's _load_framecache_fch5 and __getitem__: frame_ids locate each
    frame's rows of data and indices."""
    import h5py

    with h5py.File(path, "r") as f:
        assert f.attrs["HEXRD_FRAMECACHE_VERSION"] == 1
        shape = tuple(int(d) for d in f["shape"][()])
        nframes = int(f["nframes"][()])
        dtype = np.dtype(f["dtype"][()].decode())
        ids, data, indices = f["frame_ids"][()], f["data"][()], f["indices"][()]
        assert f["frame_ids"].dtype == np.uint64 and f["indices"].dtype == np.uint16 and f["data"].dtype == dtype
        frames = []
        for i in range(nframes):
            lo, hi = int(ids[2 * i]), int(ids[2 * i + 1])
            frames.append(sparse.csr_array((data[lo:hi, 0], (indices[lo:hi, 0], indices[lo:hi, 1])), shape=shape,
                                           dtype=dtype).toarray())
        meta = {k: f["metadata"][k][()] for k in f["metadata"]} if "metadata" in f else {}
    return np.array(frames, dtype=dtype).reshape((nframes,) + shape), meta


def sample(dtype, frames=6, rows=40, cols=33, seed=3):
    rng = np.random.default_rng(seed)
    a = np.where(rng.random((frames, rows, cols)) < 0.05, rng.integers(0, 120, (frames, rows, cols)), 0)
    a = a.astype(dtype)
    info = np.iinfo(dtype) if a.dtype.kind in "iu" else np.finfo(dtype)
    a[0, 0, 0], a[0, 0, 1], a[1, 2, 3] = info.max, info.min, 50  # 50 == threshold: dropped
    if a.dtype.kind == "f":
        a[2, 0, 0], a[2, 0, 1], a[2, 0, 2], a[2, 0, 3] = np.inf, -np.inf, np.nan, 50.25
    a[4] = 0  # an empty frame
    a[5] = 51 + (np.arange(rows * cols).reshape(rows, cols) % 60).astype(dtype)  # every pixel kept
    return a


class FrameCacheInterop(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def test_hexrds_reader_reads_what_ims_writes(self):
        for dtype in DTYPES:
            with self.subTest(dtype=dtype):
                a = sample(dtype)
                src, fc = self.dir / f"src_{dtype}.npy", self.dir / f"fc_{dtype}.npz"
                np.save(src, a)
                done = run_ims("convert", src, "-o", fc, "--to", "frame-cache", "--out-opt", "threshold=50", "-q")
                self.assertEqual(done.returncode, 0, done.stderr)
                frames, meta = hexrd_read_npz(fc)
                with np.errstate(invalid="ignore"):
                    want = np.where(a > 50, a, 0).astype(dtype)
                np.testing.assert_array_equal(frames, want)
                self.assertEqual(frames.dtype, np.dtype(dtype))
                self.assertEqual(meta, {})

    def test_hexrds_fch5_reader_reads_what_ims_writes(self):
        for dtype in DTYPES:
            with self.subTest(dtype=dtype):
                a = sample(dtype)
                src, fc = self.dir / f"src_{dtype}.npy", self.dir / f"fc_{dtype}.fch5"
                np.save(src, a)
                done = run_ims("convert", src, "-o", fc, "--to", "frame-cache", "--out-opt", "threshold=50", "-q")
                self.assertEqual(done.returncode, 0, done.stderr)
                frames, _ = hexrd_read_fch5(fc)
                with np.errstate(invalid="ignore"):
                    np.testing.assert_array_equal(frames, np.where(a > 50, a, 0).astype(dtype))

    def test_bad_fch5_files_fail_cleanly(self):
        import h5py

        a = sample("uint16")
        good = self.dir / "good.fch5"
        done = run_ims("convert", self._npy(a), "-o", good, "--to", "frame-cache",
                       "--out-opt", "threshold=50", "-q")
        self.assertEqual(done.returncode, 0, done.stderr)

        def broken(name, change):
            path = self.dir / name
            path.write_bytes(good.read_bytes())
            with h5py.File(path, "r+") as f:
                change(f)
            return path

        def past_data(f):
            ids = f["frame_ids"][()]
            del f["frame_ids"]
            ids[5] = len(f["data"]) + 10
            f["frame_ids"] = ids

        def outside(f):
            indices = f["indices"][()]
            indices[0, 0] = 999
            del f["indices"]
            f.create_dataset("indices", data=indices)

        cases = {
            "past.fch5": (past_data, ["frame 2", "past the"]),
            "version.fch5": (lambda f: f.attrs.modify("HEXRD_FRAMECACHE_VERSION", 2), ["version 2"]),
            "noversion.fch5": (lambda f: f.attrs.__delitem__("HEXRD_FRAMECACHE_VERSION"), ["not an fch5"]),
            "outside.fch5": (outside, ["frame 0", "lies outside"]),
        }
        for name, (change, parts) in cases.items():
            with self.subTest(name=name):
                out = self.dir / "out.npy"
                done = run_ims("convert", broken(name, change), "-o", out)
                self.assertEqual(done.returncode, 1, done.stderr)
                self.assertIn(name, done.stderr)
                for part in parts:
                    self.assertIn(part, done.stderr)
                self.assertFalse(out.exists())

    def _npy(self, a):
        path = self.dir / "src.npy"
        np.save(path, a)
        return path

    def test_ims_reads_what_hexrds_writer_writes(self):
        omega = np.stack([np.arange(6.0), np.arange(1.0, 7.0)], axis=1)
        for dtype in ("uint16", "float32", "int64"):
            with self.subTest(dtype=dtype):
                a = sample(dtype)
                fc, back = self.dir / f"hexrd_{dtype}.npz", self.dir / f"back_{dtype}.npy"
                hexrd_write_npz(fc, a, 50, {"omega": omega, "panel": "ff1", "exposure": 0.25}, order=[3, 0, 5, 1, 4, 2])
                done = run_ims("convert", fc, "-o", back, "-q")
                self.assertEqual(done.returncode, 0, done.stderr)
                with np.errstate(invalid="ignore"):
                    np.testing.assert_array_equal(np.load(back), np.where(a > 50, a, 0).astype(dtype))
                region = self.dir / f"region_{dtype}.npy"
                done = run_ims("convert", fc, "-o", region, "--op", "rectangle=5:30,2:20", "-q")
                self.assertEqual(done.returncode, 0, done.stderr)
                with np.errstate(invalid="ignore"):
                    np.testing.assert_array_equal(np.load(region), np.where(a > 50, a, 0)[:, 5:30, 2:20])
                info = run_ims("info", fc)
                self.assertIn("omega: float64 array, shape (6, 2)", info.stdout)
                self.assertIn("panel: 'ff1'", info.stdout)

    def test_metadata_survives_a_round_trip_through_hexrds_reader(self):
        import h5py

        a = sample("uint16")
        h5, fc = self.dir / "run.h5", self.dir / "run.npz"
        with h5py.File(h5, "w") as f:
            g = f.create_group("imageseries")
            g.create_dataset("images", data=a)
            g.attrs["omega"] = np.stack([np.arange(6.0), np.arange(1.0, 7.0)], axis=1)
            g.attrs["panel"] = np.bytes_("ff1")
            g.attrs["exposure"] = 0.25
        done = run_ims("convert", h5, "--opt", "path=imageseries", "-o", fc, "--to", "frame-cache",
                       "--out-opt", "threshold=10", "-q")
        self.assertEqual(done.returncode, 0, done.stderr)
        _, meta = hexrd_read_npz(fc)
        np.testing.assert_array_equal(meta["omega"], np.stack([np.arange(6.0), np.arange(1.0, 7.0)], axis=1))
        self.assertEqual(str(meta["panel"]), "ff1")
        self.assertEqual(float(meta["exposure"]), 0.25)

    def test_a_dark_and_threshold_op_chain_feeds_the_writer(self):
        a = sample("uint16").astype(np.float32) + 20
        src, dark = self.dir / "src.npy", self.dir / "dark.npy"
        np.save(src, a)
        np.save(dark, np.full(a.shape[1:], 20, np.float32))
        for name, extra in (("ops.npz", ["--op", "threshold=50", "--out-opt", "threshold=0"]),
                            ("direct.fch5", ["--out-opt", "threshold=50"])):
            done = run_ims("convert", src, "--op", f"dark={dark}", *extra, "-o", self.dir / name, "--to",
                           "frame-cache", "-q")
            self.assertEqual(done.returncode, 0, done.stderr)
        with np.errstate(invalid="ignore"):
            want = np.where(a - 20 > 50, a - 20, 0).astype(np.float32)
        np.testing.assert_array_equal(hexrd_read_npz(self.dir / "ops.npz")[0], want)
        np.testing.assert_array_equal(hexrd_read_fch5(self.dir / "direct.fch5")[0], want)

    def test_bad_caches_fail_cleanly(self):
        a = sample("uint16")
        fc = self.dir / "bad.npz"
        arrays = {}
        for i in range(len(a)):
            rows, cols = np.nonzero(a[i] > 50)
            arrays[f"{i}_row"], arrays[f"{i}_col"], arrays[f"{i}_data"] = rows.astype(np.uint16), cols.astype(
                np.uint16), a[i][rows, cols]
        arrays["3_row"] = arrays["3_row"] + 100  # rows outside the 40-row frame
        np.savez_compressed(fc, shape=np.array([40, 33]), nframes=np.array(6), dtype=np.bytes_("uint16"), **arrays)
        out = self.dir / "out.npy"
        done = run_ims("convert", fc, "-o", out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("frame 3", done.stderr)
        self.assertIn("bad.npz", done.stderr)
        self.assertIn("lies outside", done.stderr)
        self.assertFalse(out.exists())
        self.assertEqual(len(done.stderr.strip().splitlines()), 1, done.stderr)

        done = run_ims("convert", self.dir / "missing.npz", "-o", out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("missing.npz", done.stderr)

        need = run_ims("convert", fc, "-o", self.dir / "x.npz", "--to", "frame-cache")
        self.assertNotEqual(need.returncode, 0)
        self.assertIn("threshold", need.stderr)


if __name__ == "__main__":
    if not os.access(IMS, os.X_OK):
        sys.exit(f"ims binary not found or not executable: {IMS} (set IMS_BINARY)")
    sys.exit(not unittest.main(exit=False, verbosity=2).result.wasSuccessful())
