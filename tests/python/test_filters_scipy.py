#!/usr/bin/env python3
"""The filter ops of `ims` against scipy.ndimage itself (Debian's python3-scipy).

`ims convert IN.npy -o OUT.npy --op OP` filters every frame; each frame is
compared with scipy.ndimage on the same frame:

* gaussian_filter  = scipy.ndimage.gaussian_filter(frame, sigma, mode=, cval=, truncate=)
* gauss_laplace    = scipy.ndimage.gaussian_laplace(frame, sigma, mode=, cval=)
                     (float32 output for integer frames, like output=np.float32;
                     dtype=input keeps the input dtype as hexrd does)
* uniform_filter   = scipy.ndimage.uniform_filter(frame, size, mode=, cval=)
* median_filter    = scipy.ndimage.median_filter(frame, size, mode=, cval=)

for every pixel type, every boundary mode, even and odd sizes, per-axis
parameters and frames smaller than the kernel.

Exactness: uniform_filter and median_filter are compared bit for bit with
scipy. The gaussian ops are compared bit for bit with scipy running on the
same kernel weights, i.e. with scipy's _gaussian_kernel1d computing exp with
the C library (math.exp), as ims does; numpy 1.24 computes that exp with its
own AVX-512F routine on machines that have it, which moves float64 weights by
an ulp. Against stock scipy the gaussian ops are then bit-exact for float32
and integer outputs in practice and within 1e-13 (relative to the data's
magnitude) for float64; the test asserts those bounds (float32: 1 ulp;
integers: 1) so that it does not depend on the machine numpy runs on.
Known, documented differences that the data here avoids: NaN in a median
window (scipy's result depends on its quickselect order; ims sorts NaN last),
int64 medians beyond 2^53 (scipy rounds through double), and gauss_laplace
dtype=input results outside the int32 range (scipy's C cast is undefined there).

The ims binary is $IMS_BINARY, else ../../build/cli/ims relative to this
script. A Python module or HDF5 filter it needs that is absent fails it at
once with one line naming the Debian package (debian_deps.py).
"""

import contextlib
import itertools
import math
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from debian_deps import require

np, scipy, ndi = require("numpy", "scipy", "scipy.ndimage")

try:
    import scipy.ndimage._filters as scipy_filters
    HAVE_KERNEL_HOOK = hasattr(scipy_filters, "_gaussian_kernel1d")
except ImportError:
    HAVE_KERNEL_HOOK = False

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")

DTYPES = ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64")
MODES = ("reflect", "constant", "nearest", "mirror", "wrap")
SHAPE = (2, 29, 23)  # frames, rows, cols
TINY_SHAPES = ((1, 1, 7), (1, 7, 1), (1, 1, 1), (1, 3, 2))


def run_ims(*args):
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, timeout=120)


def sample(dtype, seed, shape=SHAPE, limit=None):
    """Random frames: integers over the type's range (or +-limit), floats ~ N(50, 200)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.normal(50.0, 200.0, shape).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = info.min, info.max
    if limit is not None:
        lo, hi = max(lo, -limit), min(hi, limit)
    return rng.integers(lo, hi, size=shape, dtype=dtype, endpoint=True)


def c_library_kernel(sigma, order, radius):
    """scipy's _gaussian_kernel1d (scipy 1.10), with exp from the C library as ims computes it."""
    exponent_range = np.arange(order + 1)
    sigma2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi_x = np.array([math.exp(v) for v in (-0.5 / sigma2 * x ** 2)])
    phi_x = phi_x / phi_x.sum()
    if order == 0:
        return phi_x
    q = np.zeros(order + 1)
    q[0] = 1
    derivative = np.diag(exponent_range[1:], 1) + np.diag(np.ones(order) / -sigma2, -1)
    for _ in range(order):
        q = derivative.dot(q)
    q = (x[:, None] ** exponent_range).dot(q)
    return q * phi_x


@contextlib.contextmanager
def c_library_exp():
    """scipy's gaussian kernels computed with math.exp while inside."""
    saved = scipy_filters._gaussian_kernel1d
    scipy_filters._gaussian_kernel1d = c_library_kernel
    try:
        yield
    finally:
        scipy_filters._gaussian_kernel1d = saved


def per_frame(fn, a):
    return np.stack([fn(frame) for frame in a])


class FilterTestCase(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="ims-filters-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self._count = itertools.count()

    def filtered(self, a, op):
        """Every frame of a through `ims convert --op op`, read back with numpy."""
        n = next(self._count)
        src, out = self.tmp / f"in{n}.npy", self.tmp / f"out{n}.npy"
        np.save(src, a)
        proc = run_ims("convert", src, "-o", out, "--op", op, "-q")
        self.assertEqual(proc.returncode, 0,
                         f"`{' '.join(proc.args)}` exited {proc.returncode}\nstderr:\n{proc.stderr}")
        b = np.load(out)
        self.assertEqual(b.shape, a.shape, op)
        return b

    def assert_identical(self, got, want, what):
        self.assertEqual(got.dtype, want.dtype, f"{what}: dtype")
        mismatched = np.count_nonzero(got != want)
        self.assertEqual(mismatched, 0, f"{what}: {mismatched} of {got.size} pixels differ from scipy")

    def assert_close_to_stock(self, got, want, data, what):
        """Within what an ulp of difference in the kernel weights can do (see the module doc)."""
        self.assertEqual(got.dtype, want.dtype, f"{what}: dtype")
        if got.dtype == np.float64:
            scale = max(1.0, float(np.abs(data.astype(np.float64)).max()))
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * scale, err_msg=what)
        elif got.dtype == np.float32:
            np.testing.assert_array_max_ulp(got, want, maxulp=1)
        else:
            diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
            self.assertLessEqual(int(diff.max(initial=0)), 1, what)

    def check_gaussian(self, a, op, fn):
        """ims against scipy on the same weights (bit for bit) and against stock scipy."""
        got = self.filtered(a, op)
        if HAVE_KERNEL_HOOK:
            with c_library_exp():
                self.assert_identical(got, per_frame(fn, a), op + " (scipy with the C library's exp)")
        self.assert_close_to_stock(got, per_frame(fn, a), a, op + " (stock scipy)")


class GaussianFilterTest(FilterTestCase):
    def test_every_dtype_and_mode(self):
        for seed, dtype in enumerate(DTYPES):
            a = sample(dtype, seed, limit=1 << 40)
            for mode in MODES:
                with self.subTest(dtype=dtype, mode=mode):
                    self.check_gaussian(a, f"gaussian_filter=2;mode={mode}",
                                        lambda f: ndi.gaussian_filter(f, 2, mode=mode))

    def test_parameters(self):
        a = sample("float32", 10)
        cases = [
            ("gaussian_filter=1.5,0.6;mode=constant;cval=3.5",
             lambda f: ndi.gaussian_filter(f, (1.5, 0.6), mode="constant", cval=3.5)),
            ("gaussian_filter=0,3", lambda f: ndi.gaussian_filter(f, (0, 3))),
            ("gaussian_filter=2.5;truncate=2", lambda f: ndi.gaussian_filter(f, 2.5, truncate=2)),
            ("gaussian_filter=0.3", lambda f: ndi.gaussian_filter(f, 0.3)),
        ]
        for op, fn in cases:
            with self.subTest(op=op):
                self.check_gaussian(a, op, fn)
        u = sample("uint16", 11)
        self.check_gaussian(u, "gaussian_filter=3;mode=mirror", lambda f: ndi.gaussian_filter(f, 3, mode="mirror"))

    def test_frames_smaller_than_the_kernel(self):
        for shape, mode in itertools.product(TINY_SHAPES, MODES):
            for dtype in ("uint16", "float64"):
                with self.subTest(shape=shape, mode=mode, dtype=dtype):
                    a = sample(dtype, 12, shape)
                    self.check_gaussian(a, f"gaussian_filter=3;mode={mode};cval=1.5",
                                        lambda f: ndi.gaussian_filter(f, 3, mode=mode, cval=1.5))


class GaussLaplaceTest(FilterTestCase):
    def test_float_frames_keep_their_dtype(self):
        for dtype in ("float32", "float64"):
            a = sample(dtype, 20)
            for mode, sigma in itertools.product(MODES, (0.8, 1.5, 3)):
                with self.subTest(dtype=dtype, mode=mode, sigma=sigma):
                    self.check_gaussian(a, f"gauss_laplace={sigma};mode={mode}",
                                        lambda f: ndi.gaussian_laplace(f, sigma, mode=mode))

    def test_integer_frames_give_float32(self):
        for dtype in ("uint8", "uint16", "uint32", "int16", "int32", "int64"):
            a = sample(dtype, 21, limit=1 << 20)
            with self.subTest(dtype=dtype):
                self.check_gaussian(a, "gauss_laplace=1.5",
                                    lambda f: ndi.gaussian_laplace(f, 1.5, output=np.float32))

    def test_dtype_input_wraps_like_hexrd(self):
        # hexrd calls gaussian_laplace(img, sigma): the output keeps the input
        # dtype and negative values of unsigned frames wrap.
        for dtype in ("uint8", "uint16", "uint32", "int16", "int32", "int64"):
            a = sample(dtype, 22, limit=1 << 20)
            for mode in ("reflect", "constant"):
                with self.subTest(dtype=dtype, mode=mode):
                    self.check_gaussian(a, f"gauss_laplace=1.5;dtype=input;mode={mode}",
                                        lambda f: ndi.gaussian_laplace(f, 1.5, mode=mode))

    def test_frames_smaller_than_the_kernel(self):
        for shape, mode in itertools.product(TINY_SHAPES, MODES):
            with self.subTest(shape=shape, mode=mode):
                a = sample("float32", 23, shape)
                self.check_gaussian(a, f"gauss_laplace=2;mode={mode};cval=-4",
                                    lambda f: ndi.gaussian_laplace(f, 2, mode=mode, cval=-4))


class UniformFilterTest(FilterTestCase):
    SIZES = ((3, "3"), (4, "4"), ((2, 5), "2,5"), ((1, 6), "1,6"), ((7, 1), "7,1"))

    def test_every_dtype_mode_and_size(self):
        for seed, dtype in enumerate(DTYPES):
            a = sample(dtype, 30 + seed)
            for mode, (size, text) in itertools.product(MODES, self.SIZES):
                with self.subTest(dtype=dtype, mode=mode, size=text):
                    got = self.filtered(a, f"uniform_filter={text};mode={mode};cval=-1.5")
                    want = per_frame(lambda f: ndi.uniform_filter(f, size, mode=mode, cval=-1.5), a)
                    self.assert_identical(got, want, f"uniform_filter={text} {dtype} {mode}")

    def test_frames_smaller_than_the_window(self):
        for shape, mode in itertools.product(TINY_SHAPES, MODES):
            with self.subTest(shape=shape, mode=mode):
                a = sample("float64", 40, shape)
                got = self.filtered(a, f"uniform_filter=9,4;mode={mode};cval=2")
                want = per_frame(lambda f: ndi.uniform_filter(f, (9, 4), mode=mode, cval=2), a)
                self.assert_identical(got, want, f"uniform_filter=9,4 {shape} {mode}")


class MedianFilterTest(FilterTestCase):
    SIZES = ((3, "3"), (2, "2"), ((2, 5), "2,5"), ((1, 2), "1,2"), ((5, 1), "5,1"), (9, "9"))

    def test_every_dtype_mode_and_size(self):
        for seed, dtype in enumerate(DTYPES):
            a = sample(dtype, 50 + seed, limit=1 << 53)  # beyond 2^53 scipy rounds through double
            for mode, (size, text) in itertools.product(MODES, self.SIZES):
                with self.subTest(dtype=dtype, mode=mode, size=text):
                    got = self.filtered(a, f"median_filter={text};mode={mode};cval=7")
                    want = per_frame(lambda f: ndi.median_filter(f, size, mode=mode, cval=7), a)
                    self.assert_identical(got, want, f"median_filter={text} {dtype} {mode}")

    def test_ties(self):
        a = (sample("uint16", 60) % 4).astype(np.uint16)
        for size, text in self.SIZES:
            with self.subTest(size=text):
                got = self.filtered(a, f"median_filter={text}")
                self.assert_identical(got, per_frame(lambda f: ndi.median_filter(f, size), a), text)

    def test_frames_smaller_than_the_window(self):
        for shape, mode in itertools.product(TINY_SHAPES, MODES):
            with self.subTest(shape=shape, mode=mode):
                a = sample("int16", 61, shape)
                got = self.filtered(a, f"median_filter=4,5;mode={mode};cval=-3")
                want = per_frame(lambda f: ndi.median_filter(f, (4, 5), mode=mode, cval=-3), a)
                self.assert_identical(got, want, f"median_filter=4,5 {shape} {mode}")


class UsageErrorTest(FilterTestCase):
    def test_bad_parameters_exit_2_naming_the_op(self):
        src = self.tmp / "a.npy"
        np.save(src, sample("uint16", 70))
        for op in ("gaussian_filter=-1", "gauss_laplace=0", "uniform_filter=0", "median_filter=2.5",
                   "gaussian_filter=2;mode=bogus"):
            with self.subTest(op=op):
                proc = run_ims("convert", src, "-o", self.tmp / "b.npy", "--op", op, "-q")
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(op.split("=")[0], proc.stderr)
                self.assertFalse((self.tmp / "b.npy").exists())


if __name__ == "__main__":
    print(f"ims: {IMS}; numpy {np.__version__}, scipy {scipy.__version__}; "
          f"exact kernel comparison: {'yes' if HAVE_KERNEL_HOOK else 'no (scipy has no _gaussian_kernel1d)'}",
          file=sys.stderr)
    sys.exit(not unittest.main(exit=False, verbosity=2).result.wasSuccessful())
