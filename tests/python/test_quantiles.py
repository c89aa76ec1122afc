#!/usr/bin/env python3
"""`ims stats` quantiles against numpy (1.24, Debian's python3-numpy).

median, percentile:Q, nanmedian and nanpercentile:Q reproduce
np.percentile(a, q, axis=0) / np.nanpercentile (method 'linear') bit for bit,
cast to float32 (hexrd's output dtype) or left in float64 with --dtype
float64, for every dtype ims reads, with these documented deviations:

* signed integers: numpy computes b - a in the input dtype, which wraps for
  int16/int32/int64 when the spread is large; ims is exact. The reference for
  int16/int32 is therefore numpy on a.astype(np.float64) (exact for them), and
  int64 data keeps its spread below 2**63 so numpy does not wrap;
* t == 0 (and the last index): ims returns the order statistic itself, numpy
  adds d * 0 and gets NaN when d = b - a is infinite (b infinite, or finite
  values whose difference overflows the dtype).

np.median agrees exactly for integer input (up to 2**52). For float input it
averages the middle pair, while percentile rounds d = b - a in the input
dtype: they agree within one float32 ulp of the result for float64 input, but
for float32 input only within about one float32 ulp of the middle values (a
pair of opposite signs cancels: [-70.834587, 64.52887] gives -3.1528625 and
np.median -3.1528587, 16 ulps apart).

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this
script. A Python module or HDF5 filter it needs that is absent fails it at
once with one line naming the Debian package (debian_deps.py).
"""

import itertools
import os
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

from debian_deps import require

np = require("numpy")

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")

DTYPES = ("uint8", "uint16", "int16", "uint32", "int32", "int64", "float32", "float64")
# --stat text -> (.npz member, q, numpy function)
STATS = {
    "median": ("median", 50.0, "percentile"),
    "percentile:25": ("percentile_25", 25.0, "percentile"),
    "percentile:90": ("percentile_90", 90.0, "percentile"),
    "nanmedian": ("nanmedian", 50.0, "nanpercentile"),
    "nanpercentile:37.5": ("nanpercentile_37.5", 37.5, "nanpercentile"),
}
EDGES = {  # the extreme quantiles and one near the top
    "percentile:0": ("percentile_0", 0.0, "percentile"),
    "percentile:100": ("percentile_100", 100.0, "percentile"),
    "percentile:99.9": ("percentile_99.9", 99.9, "percentile"),
    "nanpercentile:100": ("nanpercentile_100", 100.0, "nanpercentile"),
}
FRAME = (9, 13)  # rows, cols


def sample(dtype, frames, seed, shape=FRAME):
    """Random frames of dtype, with pixels of several kinds (pixel index mod 6):
    full range, the dtype's min and max, constant, a narrow range with ties,
    near the max, small counts. int64 stays within +-2**62 (numpy's b - a must
    not wrap); floats are N(10, 100) with a few kinds of their own."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    n = frames * shape[0] * shape[1]
    if dtype.kind == "f":
        a = rng.normal(10.0, 100.0, n).astype(dtype).reshape(frames, -1)
        a[:, 1::6] = np.finfo(dtype).max * rng.choice([-1, 1], size=a[:, 1::6].shape)
        a[:, 2::6] = a[0, 2::6]  # constant pixels
        a[:, 3::6] = rng.integers(0, 4, size=a[:, 3::6].shape) * 0.25 + 1e6
        a[:, 4::6] = rng.normal(0, 1e-3, size=a[:, 4::6].shape)
        return a.reshape(frames, *shape)
    info = np.iinfo(dtype)
    lo, hi = (-(2 ** 62), 2 ** 62) if dtype == np.int64 else (info.min, info.max)
    a = rng.integers(lo, hi, size=n, dtype=dtype, endpoint=True).reshape(frames, -1)
    if dtype != np.int64:
        a[:, 1::6] = rng.choice(np.array([info.min, info.max], dtype=dtype), size=a[:, 1::6].shape)
        a[:, 4::6] = info.max - rng.integers(0, 3, size=a[:, 4::6].shape).astype(dtype)
    a[:, 2::6] = a[0, 2::6]
    a[:, 3::6] = a[0, 3::6] // 2 + rng.integers(0, 4, size=a[:, 3::6].shape).astype(dtype)
    a[:, 5::6] = rng.integers(0, 16, size=a[:, 5::6].shape).astype(dtype)
    return a.reshape(frames, *shape)


def numpy_reference(a, q, function):
    """np.percentile / np.nanpercentile over axis 0, in float64, with ims's two
    documented deviations. For int16 and int32 numpy's b - a wraps: compute
    from float64 values (exact for them), which is what ims does."""
    x = a.astype(np.float64) if a.dtype in (np.int16, np.int32) else a
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices, inf - inf, overflow
        want = getattr(np, function)(x, q, axis=0)
    if a.dtype.kind == "f":
        want = order_statistic_where_t_is_zero(a, q, function, want)
    return want


def order_statistic_where_t_is_zero(a, q, function, want):
    """Where the quantile falls exactly on a rank (t == 0, or the last rank)
    numpy computes a + (b - a) * 0, which is NaN when b - a is infinite; ims
    gives the order statistic a there. Replaces exactly those NaNs."""
    nans = np.isnan(a).sum(axis=0)
    if function == "nanpercentile":
        n, valid = a.shape[0] - nans, nans < a.shape[0]
    else:
        n, valid = np.full(nans.shape, a.shape[0]), nans == 0
    v = (np.maximum(n, 1) - 1) * (q / 100)  # numpy's virtual index
    i = np.floor(v).astype(np.intp)
    order = np.take_along_axis(np.sort(a, axis=0), i[None], axis=0)[0]  # NaNs sort last
    fix = valid & (v == i) & np.isnan(want) & ~np.isnan(order)
    return np.where(fix, order.astype(np.float64), want)


def run_ims(*args):
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, timeout=120)


class QuantileTestCase(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="ims-quantiles-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self._count = itertools.count()

    def stats(self, a, stats, *extra):
        """Save a as .npy, run `ims stats` on it, return the .npz members as a dict."""
        k = next(self._count)
        source = self.tmp / f"in-{k}.npy"
        out = self.tmp / f"out-{k}.npz"
        np.save(source, a)
        proc = run_ims("stats", source, "--stat", ",".join(stats), *extra, "-o", out, "-q")
        self.assertEqual(proc.returncode, 0,
                         f"`{' '.join(map(str, proc.args))}` exited {proc.returncode}\nstderr:\n{proc.stderr}")
        with np.load(out) as npz:
            return {name: npz[name] for name in npz.files}

    def assert_identical(self, got, want, a, what):
        """got == want element by element (NaN == NaN, -0.0 == 0.0), same dtype
        and shape; on failure names the first pixels, their values and inputs."""
        self.assertEqual(got.dtype, want.dtype, f"{what}: dtype")
        self.assertEqual(got.shape, want.shape, f"{what}: shape")
        bad = ~((got == want) | (np.isnan(got) & np.isnan(want)))
        if bad.any():
            lines = []
            for index in list(zip(*np.nonzero(bad)))[:5]:
                index = tuple(int(i) for i in index)
                values = a[(slice(None), *index)]
                lines.append(f"  pixel {index}: got {got[index]!r}, want {want[index]!r}; "
                             f"{a.dtype} values {np.sort(values)[:16].tolist()}")
            self.fail(f"{what}: {int(bad.sum())} of {bad.size} pixels differ\n" + "\n".join(lines))

    def check(self, a, stats=STATS, dtype=None, what=""):
        """Runs ims on a and compares every statistic with numpy's."""
        extra = ("--dtype", dtype) if dtype else ()
        got = self.stats(a, stats, *extra)
        self.assertEqual(sorted(got), sorted(member for member, _, _ in stats.values()))
        out = np.dtype(dtype or "float32")
        for spec, (member, q, function) in stats.items():
            want = numpy_reference(a, q, function).astype(out)
            self.assert_identical(got[member], want, a, f"{what} {a.dtype} {len(a)} frames, {spec} -> {out}")
        return got


class PercentileTest(QuantileTestCase):
    def test_every_dtype(self):
        for dtype in DTYPES:
            for frames in (1, 2, 7, 10):
                with self.subTest(dtype=dtype, frames=frames):
                    self.check(sample(dtype, frames, seed=frames))

    def test_extreme_quantiles(self):
        for dtype in DTYPES:
            with self.subTest(dtype=dtype):
                self.check(sample(dtype, 6, seed=3), EDGES)

    def test_dtype_float64(self):
        for dtype in DTYPES:
            with self.subTest(dtype=dtype):
                self.check(sample(dtype, 5, seed=4), {**STATS, **EDGES}, dtype="float64")

    def test_uint8_more_than_255_frames(self):
        a = sample("uint8", 300, seed=5, shape=(3, 7))
        a[:290, 0, 0] = 0  # 290 frames below every candidate but the first
        self.check(a, {**STATS, **EDGES})

    def test_signed_integers_without_wrap_match_numpy_directly(self):
        # Spreads small enough that numpy's b - a does not wrap: numpy on the
        # integers themselves agrees (no float64 detour needed).
        for dtype in ("int16", "int32", "int64"):
            with self.subTest(dtype=dtype):
                a = np.random.default_rng(6).integers(-1000, 1000, size=(8, *FRAME)).astype(dtype)
                got = self.stats(a, STATS)
                for spec, (member, q, function) in STATS.items():
                    want = getattr(np, function)(a, q, axis=0).astype(np.float32)
                    self.assert_identical(got[member], want, a, f"{dtype} {spec}")

    def test_signed_integer_wrap_is_exact(self):
        # numpy: int16 30000 - (-30000) wraps to -5536, so its median is 32768.
        a = np.array([-30000, 30000], dtype=np.int16).reshape(2, 1, 1)
        got = self.stats(a, ("median",), "--dtype", "float64")
        self.assertEqual(got["median"][0, 0], 0.0)
        self.assertEqual(np.percentile(a, 50, axis=0)[0, 0], 32768.0, "numpy's wrap (the documented deviation)")


class NanTest(QuantileTestCase):
    def nan_sample(self, dtype, frames, seed):
        a = sample(dtype, frames, seed)
        rng = np.random.default_rng(seed + 100)
        flat = a.reshape(frames, -1)
        flat[rng.integers(0, frames), 3::5] = np.nan  # one NaN in some pixels
        flat[:, 7::11] = np.nan  # all-NaN pixels (not pixel 0)
        flat[::2, 9::13] = np.nan  # every other frame
        return a

    def test_nan_propagates_or_is_ignored(self):
        for dtype in ("float32", "float64"):
            for frames in (1, 2, 5, 8):
                with self.subTest(dtype=dtype, frames=frames):
                    a = self.nan_sample(dtype, frames, seed=frames)
                    got = self.check(a, {**STATS, **EDGES})
                    nan_pixels = np.isnan(a).any(axis=0)
                    self.assertTrue(np.isnan(got["median"][nan_pixels]).all(), "median of a pixel with a NaN")
                    all_nan = np.isnan(a).all(axis=0)
                    self.assertTrue(np.isnan(got["nanmedian"][all_nan]).all(), "nanmedian of an all-NaN pixel")
                    self.assertFalse(np.isnan(got["nanmedian"][~all_nan]).any(), "nanmedian of valid values")

    def test_nan_float64_output(self):
        for dtype in ("float32", "float64"):
            with self.subTest(dtype=dtype):
                self.check(self.nan_sample(dtype, 7, seed=9), STATS, dtype="float64")

    def test_infinities(self):
        inf, nan = np.inf, np.nan
        # One pixel per column; numpy's arithmetic (inf - inf = NaN between an
        # finite value and inf when t >= 0.5), except on a rank (t == 0).
        columns = [[1.0, 2.0, inf], [-inf, 1.0, 2.0], [-inf, -inf, inf], [1.0, inf, nan], [inf, inf, inf],
                   [-inf, 5.0, 7.0], [-inf, nan, nan], [-1e30, 3.0, 1e30]]
        for dtype in ("float32", "float64"):
            a = np.array(columns, dtype=dtype).T.reshape(3, 1, len(columns))
            stats = {**STATS, **EDGES}
            got = self.stats(a, stats, "--dtype", "float64")
            for spec, (member, q, function) in stats.items():
                self.assert_identical(got[member], numpy_reference(a, q, function), a,
                                      f"{dtype} {spec} with infinities")
        # Spot checks of the deviation itself: numpy gives NaN for these.
        a = np.array([[1.0, 2.0, inf], [-inf, 1.0, 2.0]]).T.reshape(3, 1, 2)
        got = self.stats(a, ("percentile:100", "percentile:0", "percentile:50"), "--dtype", "float64")
        self.assertEqual(got["percentile_100"][0, 0], inf)
        self.assertEqual(got["percentile_0"][0, 1], -inf)
        self.assertEqual(got["percentile_50"].tolist(), [[2.0, 1.0]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            self.assertTrue(np.isnan(np.percentile(a, 100, axis=0)[0, 0]), "numpy's NaN (the documented deviation)")


class MedianTest(QuantileTestCase):
    def test_np_median_integers_exact(self):
        for dtype in ("uint8", "uint16", "int16", "uint32", "int32", "int64"):
            for frames in (1, 2, 7, 10):
                with self.subTest(dtype=dtype, frames=frames):
                    a = sample(dtype, frames, seed=20 + frames)
                    if dtype == "int64":
                        a = a >> 11  # |x| < 2**51: float64 arithmetic is exact
                    got = self.stats(a, ("median", "nanmedian"), "--dtype", "float64")
                    want = np.median(a, axis=0)
                    self.assert_identical(got["median"], want, a, f"{dtype} median vs np.median")
                    self.assert_identical(got["nanmedian"], want, a, f"{dtype} nanmedian vs np.median")

    def assert_close(self, got, want, tolerance, a, what):
        """|got - want| <= tolerance (per pixel), or both NaN."""
        self.assertEqual(got.dtype, want.dtype, what)
        both_nan = np.isnan(got) & np.isnan(want)
        with np.errstate(invalid="ignore"):
            bad = ~((np.abs(got.astype(np.float64) - want) <= tolerance) | both_nan)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            self.fail(f"{what}: {int(bad.sum())} pixels differ by more than allowed; first {index}: "
                      f"got {got[index]!r}, want {want[index]!r}, tolerance {tolerance[index]!r}, "
                      f"values {np.sort(a[(slice(None), *index)]).tolist()}")

    def test_np_median_floats(self):
        for dtype in ("float32", "float64"):
            for frames in (1, 2, 7, 10):
                with self.subTest(dtype=dtype, frames=frames):
                    a = np.random.default_rng(frames).normal(10, 100, (frames, *FRAME)).astype(dtype)
                    a.reshape(frames, -1)[frames // 2, 5::7] = np.nan
                    got = self.stats(a, ("median", "nanmedian"))
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        median = np.median(a, axis=0).astype(np.float32)
                        nanmedian = np.nanmedian(a, axis=0).astype(np.float32)
                        # The middle pair's magnitude bounds float32's rounding of d = b - a.
                        middle = np.nanmax(np.abs(a), axis=0).astype(np.float32)
                    ulp = np.spacing(np.abs(median)) if dtype == "float64" else np.spacing(middle)
                    nan_ulp = np.spacing(np.abs(nanmedian)) if dtype == "float64" else np.spacing(middle)
                    self.assert_close(got["median"], median, ulp, a, f"{dtype} median vs np.median")
                    self.assert_close(got["nanmedian"], nanmedian, nan_ulp, a, f"{dtype} nanmedian vs np.nanmedian")
                    if dtype == "float64":
                        continue
                    # Exactly equal where no cancellation happens: pixels of one sign.
                    same_sign = (np.nanmin(a, axis=0) > 0) & ~np.isnan(a).any(axis=0)
                    self.assert_close(got["median"][same_sign], median[same_sign],
                                      np.spacing(np.abs(median[same_sign])), a[:, same_sign],
                                      "float32 median of positive values vs np.median")


class UsageTest(QuantileTestCase):
    def test_bad_statistics_exit_2(self):
        source = self.tmp / "a.npy"
        np.save(source, sample("uint16", 3, seed=1))
        for stat in ("percentile", "percentile:101", "percentile:-1", "percentile:abc", "median:5",
                     "percentile:25,percentile:25.0"):
            with self.subTest(stat=stat):
                proc = run_ims("stats", source, "--stat", stat, "-o", self.tmp / "out.npz", "-q")
                self.assertEqual(proc.returncode, 2, f"--stat {stat}: exit {proc.returncode}, stderr {proc.stderr}")
                self.assertFalse((self.tmp / "out.npz").exists(), f"--stat {stat} left an output")


if __name__ == "__main__":
    if not os.access(IMS, os.X_OK):
        sys.exit(f"ims binary not found or not executable: {IMS} (set IMS_BINARY)")
    sys.exit(not unittest.main(exit=False, verbosity=2).result.wasSuccessful())
