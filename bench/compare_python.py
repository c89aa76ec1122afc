#!/usr/bin/python3
"""The Python module against numpy and against the ims command, in one run.

* median: ``ims.stats.median(a)`` (hexrd's call, float32 result) against
  ``np.median(a, axis=0)`` on the same uint16 array in RAM; hexrd's own
  median is ``np.percentile`` on the stacked frames, the same algorithm as
  numpy's, so numpy stands in for it (Debian does not package hexrd).
* Python-object sources: ``ims.stats.max`` over a list of --small-frames
  arrays of 256x256 against the same frames as one 3-D array; the difference
  per frame is the overhead of calling back into Python for each frame.
* files: ``ims.stats.max(ims.open(h5, 'hdf5', path='imageseries'))`` against
  ``ims stats`` (the command) on the same page-cached hexrd-layout HDF5 file
  (gzip 1 + shuffle, one chunk per frame); throughput = source bytes / wall
  time of the Python call vs the command's process.

Results are checked against numpy. Sizes: --frames x --rows x --cols
(default 200 x 2048 x 2048 uint16, 1.6 GB; numpy's median needs twice that).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_common import best_time, cpu_model

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=str(ROOT / "build"), help="the build tree (default: %(default)s)")
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--rows", type=int, default=2048)
    parser.add_argument("--cols", type=int, default=2048)
    parser.add_argument("--small-frames", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.build) / "python"))
    import h5py
    import ims

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}, ims {ims.__version__}")
    rng = np.random.default_rng(7)
    a = rng.poisson(100, size=(args.frames, args.rows, args.cols)).astype(np.uint16)
    mb = a.nbytes / 1e6

    print(f"\n== median, uint16 {args.frames}x{args.rows}x{args.cols} ({mb:.0f} MB) in RAM ==")
    t_np, _ = best_time(lambda: np.median(a, axis=0), max(1, args.repeat - 1))
    t_ims, _ = best_time(lambda: ims.stats.median(a), args.repeat)
    assert np.array_equal(ims.stats.median(a), np.median(a, axis=0).astype(np.float32)), "median differs from numpy"
    print(f"np.median {t_np:.3f} s   ims.stats.median {t_ims:.3f} s   speedup {t_np / t_ims:.1f}x   (results equal)")

    print(f"\n== max over {args.small_frames} frames of 256x256 uint16: a Python list vs a 3-D array ==")
    small = rng.integers(0, 60000, size=(args.small_frames, 256, 256)).astype(np.uint16)
    frames = [small[i].copy() for i in range(len(small))]
    t_list, _ = best_time(lambda: ims.stats.max(frames), args.repeat)
    t_array, _ = best_time(lambda: ims.stats.max(small), args.repeat)
    assert np.array_equal(ims.stats.max(frames), small.max(axis=0))
    per_frame_us = (t_list - t_array) / len(frames) * 1e6
    print(f"list {t_list:.4f} s   array {t_array:.4f} s   overhead per Python frame {per_frame_us:.1f} us")

    print("\n== max of a hexrd-layout HDF5 file (gzip 1 + shuffle), page-cached: Python vs the command ==")
    with tempfile.TemporaryDirectory() as tmp:
        h5 = Path(tmp) / "run.h5"
        with h5py.File(h5, "w") as f:
            f.create_dataset("imageseries/images", data=a, chunks=(1, args.rows, args.cols), compression="gzip",
                             compression_opts=1, shuffle=True)
        h5.read_bytes()  # into the page cache
        series = ims.open(h5, "hdf5", path="imageseries")
        t_py, _ = best_time(lambda: ims.stats.max(series), args.repeat)
        command = [str(Path(args.build) / "cli" / "ims"), "stats", str(h5), "--opt", "path=imageseries", "--stat",
                   "max", "-o", str(Path(tmp) / "m.npz"), "-q"]

        def run_command():
            subprocess.run(command, check=True)

        t_cli, _ = best_time(run_command, args.repeat)
        assert np.array_equal(ims.stats.max(series), a.max(axis=0))
        print(f"Python {mb / t_py:.0f} MB/s ({t_py:.3f} s)   command {mb / t_cli:.0f} MB/s ({t_cli:.3f} s)   "
              f"Python / command throughput {t_cli / t_py:.2f}")
    print("\nEvery result checked against numpy: OK")


if __name__ == "__main__":
    main()
