#!/usr/bin/python3
"""hexrd frame-caches: ims against numpy (hexrd's own method), in one run.

The series: --frames frames of 2048x2048 uint16 from ims's `random` detector
mode (Poisson(100) background and spots), kept above threshold 123: about 1%
of the pixels.

* read: every frame densified into one (frames, rows, cols) array.
  numpy: np.load plus a dense assignment per frame (hexrd's reader does the
  same through scipy's csr_array.toarray); ims: ims.open(npz).as3darray() on
  1 and on 2 threads.
* write: the frame-cache written from the dense array in RAM. hexrd's method:
  numpy's extraction (np.nonzero of a > threshold, uint16 indices) and
  np.savez_compressed of the dict of every member; ims: ims.write(a, f,
  'frame-cache', threshold=123). Time and file size.
* max: ims.stats.max of the frame-cache (the sparse pass: zeros skipped)
  against densify-then-max (as3darray, then np.max).
* peak RSS of `ims convert` writing --rss-frames frames (default 2000) of the
  same random series as a frame-cache (/usr/bin/time -v).

Results are checked against numpy.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench_common import best_time, cpu_model

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = 123


def numpy_read(path):
    z = np.load(path)
    n, shape = int(z["nframes"]), tuple(int(d) for d in z["shape"])
    out = np.zeros((n,) + shape, dtype=np.dtype(z["dtype"].tobytes().decode()))
    for i in range(n):
        out[i][z[f"{i}_row"], z[f"{i}_col"]] = z[f"{i}_data"]
    return out


def hexrd_write(path, a, threshold):
    arrays = {}
    for i in range(len(a)):
        rows, cols = np.nonzero(a[i] > threshold)
        arrays[f"{i}_row"] = rows.astype(np.uint16)
        arrays[f"{i}_col"] = cols.astype(np.uint16)
        arrays[f"{i}_data"] = a[i][rows, cols]
    arrays["shape"] = np.array(a.shape[1:])
    arrays["nframes"] = np.array(len(a))
    arrays["dtype"] = np.array(str(a.dtype)).astype(np.bytes_)
    np.savez_compressed(path, **arrays)


def peak_rss_mb(command):
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=True)
    for line in done.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1]) / 1024
    raise RuntimeError("no peak RSS in /usr/bin/time's output")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--rss-frames", type=int, default=2000, help="0 skips the peak-RSS run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    import ims

    ims_command = str(Path(args.build) / "cli" / "ims")
    source = ["--format", "random", "--opt", "mode=detector", "--opt", "rows=2048", "--opt", "cols=2048",
              "--opt", "dtype=uint16"]
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}, ims {ims.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        dense_npy = tmp / "dense.npy"
        subprocess.run([ims_command, "convert", *source, "--opt", f"frames={args.frames}", "-o", dense_npy, "-q"],
                       check=True)
        a = np.load(dense_npy)
        want = np.where(a > THRESHOLD, a, 0)
        print(f"series: {a.shape} {a.dtype}, {np.count_nonzero(want) / want.size:.2%} of the pixels > {THRESHOLD}")

        print("\n== write the frame-cache from the dense array in RAM ==")
        theirs, ours = tmp / "hexrd.npz", tmp / "ims.npz"
        t_hexrd, _ = best_time(lambda: hexrd_write(theirs, a, THRESHOLD), max(1, args.repeat - 1))
        t_ims, _ = best_time(lambda: ims.write(a, ours, "frame-cache", threshold=THRESHOLD), args.repeat)
        np.testing.assert_array_equal(numpy_read(ours), want)
        size_ratio = ours.stat().st_size / theirs.stat().st_size
        print(f"hexrd's method {t_hexrd:.2f} s   ims {t_ims:.2f} s   speedup {t_hexrd / t_ims:.1f}x   "
              f"file {ours.stat().st_size / 1e6:.1f} MB vs {theirs.stat().st_size / 1e6:.1f} MB ({size_ratio:.3f})")

        print("\n== read every frame densified ==")
        t_np, _ = best_time(lambda: numpy_read(theirs), max(1, args.repeat - 1))
        series = ims.open(theirs, "frame-cache")
        t1, _ = best_time(lambda: series.as3darray(threads=1), args.repeat)
        t2, _ = best_time(lambda: series.as3darray(threads=2), args.repeat)
        np.testing.assert_array_equal(series.as3darray(), want)
        print(f"numpy {t_np:.2f} s   ims 1 thread {t1:.2f} s   2 threads {t2:.2f} s   "
              f"speedup vs numpy {t_np / t2:.1f}x   2 vs 1 thread {t1 / t2:.2f}x")

        print("\n== max of the frame-cache ==")
        t_sparse, _ = best_time(lambda: ims.stats.max(series), args.repeat)
        t_dense, _ = best_time(lambda: np.max(series.as3darray(), axis=0), args.repeat)
        np.testing.assert_array_equal(ims.stats.max(series), want.max(axis=0))
        print(f"sparse pass {t_sparse:.3f} s   densify-then-max {t_dense:.3f} s   speedup {t_dense / t_sparse:.1f}x")

        if args.rss_frames:
            print(f"\n== peak RSS of `ims convert` writing {args.rss_frames} frames as a frame-cache ==")
            rss = peak_rss_mb([ims_command, "convert", *source, "--opt", f"frames={args.rss_frames}", "-o",
                               str(tmp / "long.npz"), "--to", "frame-cache", "--out-opt", f"threshold={THRESHOLD}",
                               "-q"])
            print(f"peak RSS {rss:.0f} MB ({(tmp / 'long.npz').stat().st_size / 1e6:.0f} MB written)")
    print("\nEvery result checked against numpy: OK")


if __name__ == "__main__":
    main()
