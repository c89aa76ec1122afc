#!/usr/bin/python3
"""HDF5 interoperability tests for the `ims` command-line tool, checked with h5py.

Files ims writes are read by h5py, and files h5py writes are read by ims:

* `ims convert X.npy -o Y.h5` writes hexrd's layout (group imageseries, dataset
  images) that h5py reads back unchanged for every dtype: the default chunks
  (1, rows, cols) with shuffle + gzip level 1, chunk_rows/gzip/shuffle options
  (edge chunks included), gzip=0, and blosc chunks (filter 32001, decoded by
  hdf5plugin) for every compressor and shuffle, with the filter parameters
  hdf5plugin itself writes;
* group attributes like hexrd's (float64 arrays, bytes and str strings, float,
  int, bool, an attribute-only subgroup) survive an .h5 -> .h5 conversion;
* `ims stats` and `ims info` on files h5py writes give numpy's results for every
  dtype in both byte orders and every storage layout (contiguous; gzip+shuffle;
  16-row chunks; 4-frame chunks; lzf; fletcher32; blosc lz4/zstd with byte and
  bit shuffle; LZ4), with both the parallel chunk decoder and HDF5's H5Dread;
* NeXus-style `--opt dataset=`, `--opt frames=` slices, a lone dataset found
  without options, a 2-D dataset as one frame, several files as one series,
  external links and virtual datasets (Eiger master files), and batches of one
  frame (a small --memory) splitting multi-frame and 16-row chunks;
* `ims stats -o OUT.h5` writes one dataset per statistic plus root attributes;
* errors: a missing dataset, a file that is not HDF5 or a corrupt chunk is one
  line naming the file (and the datasets it holds, or the frame) without an HDF5
  error-stack dump, exit 1; an output path
  equal to the input is refused with exit 2 and the input left unchanged.

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
from pathlib import Path

from debian_deps import BLOSC, BZIP2, LZ4, require

# hdf5plugin gives the Blosc and LZ4 filter parameters; h5py's HDF5 loads the
# filters themselves from Debian's plugin packages.
np, h5py, hdf5plugin = require("numpy", "h5py", "hdf5plugin", filters=(BLOSC, LZ4, BZIP2))

IMS = os.environ.get("IMS_BINARY") or str(Path(__file__).resolve().parent / ".." / ".." / "build" / "cli" / "ims")

DTYPES = ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64")
SHAPE = (10, 37, 23)  # frames, rows, cols: 37 rows leave a partial 16-row chunk, 10 frames a partial 4-frame one

# Blosc as hdf5plugin writes it: compressor codes and shuffle codes.
BLOSC_CNAMES = {"blosclz": 0, "lz4": 1, "lz4hc": 2, "zlib": 4, "zstd": 5}
BLOSC_SHUFFLES = {"none": 0, "byte": 1, "bit": 2}
BLOSC_FILTER = 32001

# Storage layouts h5py writes for ims to read: h5py.create_dataset keyword arguments.
ROWS, COLS = SHAPE[1:]
LAYOUTS = {
    "contiguous": {},
    "gzip+shuffle": dict(chunks=(1, ROWS, COLS), compression="gzip", compression_opts=1, shuffle=True),
    "16-row chunks": dict(chunks=(1, 16, COLS), compression="gzip", compression_opts=4, shuffle=True),
    "4-frame chunks": dict(chunks=(4, ROWS, COLS), compression="gzip", shuffle=True),
    # h5py's lzf is optional: these random frames do not compress, so h5py stores
    # them unfiltered (compressed lzf chunks: ErrorTest.test_filter_without_plugin).
    "lzf (skipped)": dict(chunks=(1, ROWS, COLS), compression="lzf"),
    "fletcher32": dict(chunks=(1, ROWS, COLS), fletcher32=True),
    "blosc lz4 shuffle": dict(chunks=(1, ROWS, COLS),
                              **hdf5plugin.Blosc(cname="lz4", shuffle=hdf5plugin.Blosc.SHUFFLE)),
    "blosc zstd bitshuffle": dict(chunks=(1, ROWS, COLS),
                                  **hdf5plugin.Blosc(cname="zstd", shuffle=hdf5plugin.Blosc.BITSHUFFLE)),
    "lz4": dict(chunks=(1, ROWS, COLS), **hdf5plugin.LZ4()),
    "bzip2": dict(chunks=(1, ROWS, COLS), **hdf5plugin.BZip2()),  # HDF5's plugin (hdf5-filter-plugin)
}
DECODERS = ("auto", "library")


def run_ims(*args):
    """Run ims with args (converted to str) and return the CompletedProcess."""
    return subprocess.run([IMS, *map(str, args)], capture_output=True, text=True, timeout=120)


def sample(dtype, seed, shape=SHAPE):
    """Random frames: integers over dtype's full range (its extremes included), floats ~ N(10, 100)."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return rng.normal(10.0, 100.0, shape).astype(dtype)
    native = dtype.newbyteorder("=")  # numpy generates native integers only
    info = np.iinfo(native)
    a = rng.integers(info.min, info.max, size=shape, dtype=native, endpoint=True)
    frames = a.reshape(-1, *shape[-2:])  # a view; a 2-D array is one frame
    frames[0, 0, 0], frames[-1, 0, 0] = info.min, info.max
    return a.astype(dtype)


def reference(a):
    """numpy's max, min (a's dtype) and sum (float64; int64 summed exactly, then rounded once) over axis 0."""
    if a.dtype.kind in "iu" and a.dtype.itemsize == 8:
        total = a.astype(object).sum(0).astype(np.float64)
    else:
        total = a.astype(np.float64).sum(0)
    return {"max": a.max(0), "min": a.min(0), "sum": total}


def write_h5(path, a, dataset="imageseries/images", attrs=None, **kwargs):
    """Write a with h5py as `dataset` (create_dataset kwargs for the layout); attrs go on its group."""
    with h5py.File(path, "a") as f:
        ds = f.create_dataset(dataset, data=a, **kwargs)
        for key, value in (attrs or {}).items():
            ds.parent.attrs[key] = value
    return path


def filters(ds):
    """The filter pipeline of an h5py dataset as (id, client values) pairs."""
    plist = ds.id.get_create_plist()
    return [plist.get_filter(i)[::2] for i in range(plist.get_nfilters())]


class ImsTestCase(unittest.TestCase):
    """Gives every test a fresh temporary directory and helpers to run ims and check its results."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="ims-h5py-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        self._names = itertools.count()

    def path(self, suffix):
        """A fresh file name in the temporary directory."""
        return self.tmp / f"f{next(self._names)}{suffix}"

    def ims(self, *args):
        """Run ims quietly and fail with its stderr unless it exits 0."""
        proc = run_ims(*args, "-q")
        self.assertEqual(proc.returncode, 0,
                         f"`{' '.join(proc.args)}` exited {proc.returncode}\nstderr:\n{proc.stderr}")
        return proc

    def save_npy(self, a):
        path = self.path(".npy")
        np.save(path, a)
        return path

    def convert_to_h5(self, a, *out_opts):
        """`ims convert` a (saved as .npy) to .h5 with --out-opt out_opts; return the .h5 path."""
        out = self.path(".h5")
        self.ims("convert", self.save_npy(a), "-o", out, *itertools.chain(*(("--out-opt", o) for o in out_opts)))
        return out

    def stats_npz(self, sources, *opts, extra=(), names=("max", "min", "sum")):
        """`ims stats SOURCES --opt opts... EXTRA... -o OUT.npz`; return the members as a dict of arrays."""
        sources = sources if isinstance(sources, (list, tuple)) else [sources]
        out = self.path(".npz")
        self.ims("stats", *sources, *itertools.chain(*(("--opt", o) for o in opts)), *extra,
                 "--stat", ",".join(names), "-o", out)
        with np.load(out) as npz:
            self.assertEqual(sorted(npz.files), sorted(names))
            return {name: npz[name] for name in npz.files}

    def assert_stats(self, got, a, msg=""):
        """ims' max/min (exact, a's native dtype) and sum (float64) against numpy's over the frames of a."""
        for name, want in reference(a).items():
            want = want.astype(want.dtype.newbyteorder("="))
            self.assertEqual(got[name].dtype, want.dtype, f"{name} {msg}")
            if name == "sum" and a.dtype.kind == "f":
                scale = float(np.abs(a.astype(np.float64)).max())
                np.testing.assert_allclose(got[name], want, rtol=1e-12, atol=1e-12 * scale, err_msg=f"{name} {msg}")
            else:
                np.testing.assert_array_equal(got[name], want, err_msg=f"{name} {msg}")

    def assert_fails(self, code, *args):
        """Run ims, expect exit `code` and a one-line message without an HDF5 error stack; return that line."""
        proc = run_ims(*args, "-q")
        self.assertEqual(proc.returncode, code,
                         f"`{' '.join(proc.args)}` exited {proc.returncode}\nstderr:\n{proc.stderr}")
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"not a one-line message:\n{proc.stderr}")
        dump = [l for l in proc.stderr.splitlines() if l.startswith("HDF5-DIAG") or l.startswith("  #")]
        self.assertEqual(dump, [], f"HDF5 error stack on stderr:\n{proc.stderr}")
        return lines[0]


class ImsWritesTest(ImsTestCase):
    """`ims convert ... -o OUT.h5`, read by h5py (+ hdf5plugin for blosc)."""

    def read(self, path):
        """The images dataset of hexrd's layout as (array, dataset properties)."""
        with h5py.File(path, "r") as f:
            self.assertEqual(list(f.keys()), ["imageseries"])
            self.assertIsInstance(f["imageseries"], h5py.Group)
            ds = f["imageseries/images"]
            props = dict(chunks=ds.chunks, compression=ds.compression, compression_opts=ds.compression_opts,
                         shuffle=ds.shuffle, filters=filters(ds))
            return ds[()], props

    def test_default_layout_every_dtype(self):
        for seed, dtype in enumerate(DTYPES):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                b, props = self.read(self.convert_to_h5(a))
                self.assertEqual(b.dtype, a.dtype)
                np.testing.assert_array_equal(b, a)
                self.assertEqual(props["chunks"], (1, ROWS, COLS))
                self.assertEqual(props["compression"], "gzip")
                self.assertEqual(props["compression_opts"], 1)
                self.assertTrue(props["shuffle"])

    def test_chunk_rows_gzip_level_no_shuffle(self):
        for seed, dtype in enumerate(("uint16", "int64", "float32")):
            with self.subTest(dtype=dtype):
                a = sample(dtype, seed)
                b, props = self.read(self.convert_to_h5(a, "chunk_rows=16", "gzip=4", "shuffle=false"))
                np.testing.assert_array_equal(b, a)  # 37 rows: the third chunk of each frame is partial
                self.assertEqual(props["chunks"], (1, 16, COLS))
                self.assertEqual(props["compression"], "gzip")
                self.assertEqual(props["compression_opts"], 4)
                self.assertFalse(props["shuffle"])

    def test_gzip_0_is_shuffle_only(self):
        a = sample("int32", 3)
        b, props = self.read(self.convert_to_h5(a, "gzip=0"))
        np.testing.assert_array_equal(b, a)
        self.assertIsNone(props["compression"])
        self.assertTrue(props["shuffle"])
        self.assertEqual([fid for fid, _ in props["filters"]], [h5py.h5z.FILTER_SHUFFLE])

    def test_blosc_every_compressor_and_shuffle(self):
        for (cname, code), (shuffle, shuffle_code), dtype in itertools.product(
                BLOSC_CNAMES.items(), BLOSC_SHUFFLES.items(), ("uint16", "float64")):
            with self.subTest(cname=cname, shuffle=shuffle, dtype=dtype):
                a = sample(dtype, code)
                b, props = self.read(self.convert_to_h5(a, "compression=blosc", f"cname={cname}",
                                                        f"shuffle={shuffle}"))
                np.testing.assert_array_equal(b, a)
                self.assertEqual(b.dtype, a.dtype)
                self.assertEqual(props["chunks"], (1, ROWS, COLS))
                itemsize = a.dtype.itemsize
                self.assertEqual(props["filters"],
                                 [(BLOSC_FILTER, (2, 2, itemsize, ROWS * COLS * itemsize, 5, shuffle_code, code))])

    def test_blosc_parameters_match_hdf5plugin(self):
        """Same data and layout: ims' filter 32001 parameters equal those hdf5plugin writes."""
        a = sample("uint8", 4)
        theirs = write_h5(self.path(".h5"), a, chunks=(1, 16, COLS),
                          **hdf5plugin.Blosc(cname="zstd", clevel=9, shuffle=hdf5plugin.Blosc.BITSHUFFLE))
        b, props = self.read(self.convert_to_h5(a, "compression=blosc", "cname=zstd", "clevel=9",
                                                "shuffle=bit", "chunk_rows=16"))
        np.testing.assert_array_equal(b, a)
        with h5py.File(theirs, "r") as f:
            self.assertEqual(props["filters"], filters(f["imageseries/images"]))
        self.assertEqual(props["filters"], [(BLOSC_FILTER, (2, 2, 1, 16 * COLS, 9, 2, 5))])


class MetadataTest(ImsTestCase):
    """Group attributes (hexrd's metadata) through an h5py -> ims -> h5py round trip."""

    def test_hexrd_attributes_round_trip(self):
        omega = np.stack([np.arange(SHAPE[0]) * 0.25, np.arange(1, SHAPE[0] + 1) * 0.25], axis=1)
        # h5py stores np.bytes_ as a fixed-length string (hexrd's files) and str as a variable-length one.
        for panel in (np.bytes_(b"ff1"), "ff1"):
            with self.subTest(panel=type(panel).__name__):
                a = sample("uint16", 5)
                src = write_h5(self.path(".h5"), a, chunks=(1, ROWS, COLS), compression="gzip",
                               attrs={"omega": omega, "panel": panel, "exposure": np.float64(0.25),
                                      "nframes_dark": 7, "flipped": np.bool_(True), "dark": np.bool_(False)})
                with h5py.File(src, "a") as f:  # a nested map: an attribute-only subgroup
                    f["imageseries"].create_group("detector").attrs["distance"] = np.float64(-1000.5)
                out = self.path(".h5")
                self.ims("convert", src, "--opt", "path=imageseries", "-o", out)
                with h5py.File(out, "r") as f:
                    np.testing.assert_array_equal(f["imageseries/images"][()], a)
                    attrs = f["imageseries"].attrs
                    self.assertEqual(sorted(attrs.keys()),
                                     ["dark", "exposure", "flipped", "nframes_dark", "omega", "panel"])
                    self.assertEqual(attrs["omega"].dtype, np.float64)
                    np.testing.assert_array_equal(attrs["omega"], omega)
                    self.assertEqual(attrs["panel"], b"ff1")  # bytes, as in hexrd's files
                    self.assertIsInstance(attrs["panel"], np.bytes_)
                    string_type = attrs.get_id("panel").get_type()
                    self.assertFalse(string_type.is_variable_str(), "not a fixed-length string")
                    self.assertEqual(string_type.get_strpad(), h5py.h5t.STR_NULLPAD)
                    self.assertEqual(attrs["exposure"], 0.25)
                    self.assertEqual(attrs["exposure"].dtype, np.float64)
                    self.assertEqual(attrs["nframes_dark"], 7)
                    self.assertEqual(attrs["nframes_dark"].dtype, np.int64)
                    self.assertIs(type(attrs["flipped"]), np.bool_)
                    self.assertTrue(attrs["flipped"])
                    self.assertIs(type(attrs["dark"]), np.bool_)
                    self.assertFalse(attrs["dark"])
                    detector = f["imageseries/detector"]
                    self.assertEqual(len(detector), 0, "the nested map holds links")
                    self.assertEqual(dict(detector.attrs), {"distance": -1000.5})


class ImsReadsTest(ImsTestCase):
    """`ims stats` and `ims info` on files h5py wrote."""

    def assert_info(self, path, *opts, frames=SHAPE[0], dtype):
        out = self.ims("info", path, *itertools.chain(*(("--opt", o) for o in opts))).stdout
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        self.assertEqual(fields.get("frames", "").strip(), str(frames), out)
        self.assertTrue(fields.get("shape", "").strip().startswith(f"{ROWS} x {COLS}"), out)
        self.assertEqual(fields.get("dtype", "").split()[0:1], [np.dtype(dtype).newbyteorder("=").name], out)

    def test_every_dtype_byte_order_layout_and_decoder(self):
        dtypes = [np.dtype(t).newbyteorder(order) for t in DTYPES for order in "<>"]
        for seed, dtype in enumerate(dtypes):
            a = sample(dtype, seed)
            for layout, kwargs in LAYOUTS.items():
                path = write_h5(self.path(".h5"), a, **kwargs)
                with h5py.File(path, "r") as f:
                    self.assertEqual(f["imageseries/images"].dtype, dtype)  # h5py kept the byte order
                with self.subTest(dtype=dtype.str, layout=layout):
                    self.assert_info(path, "path=imageseries", dtype=dtype)
                for decoder in DECODERS:
                    with self.subTest(dtype=dtype.str, layout=layout, decoder=decoder):
                        got = self.stats_npz(path, "path=imageseries", f"decoder={decoder}")
                        self.assert_stats(got, a, f"({dtype.str}, {layout}, decoder={decoder})")

    def test_many_batches_in_a_small_memory_budget(self):
        """Batches of fewer than 4 frames: chunks of 4 frames and of 16 rows are split across batches."""
        a = sample("uint16", 15, shape=(30, 256, 200))  # 100 KiB frames
        rows, cols = a.shape[1:]
        layouts = {
            "gzip+shuffle": dict(chunks=(1, rows, cols), compression="gzip", shuffle=True),
            "4-frame chunks": dict(chunks=(4, rows, cols), compression="gzip", shuffle=True),
            "16-row chunks": dict(chunks=(1, 16, cols), compression="gzip", shuffle=True),
            "blosc lz4 shuffle": dict(chunks=(1, rows, cols), **hdf5plugin.Blosc(cname="lz4")),
        }
        report = self.path(".json")
        for layout, kwargs in layouts.items():
            path = write_h5(self.path(".h5"), a, **kwargs)
            for decoder, frames in itertools.product(DECODERS, (":", "1:29:3")):
                with self.subTest(layout=layout, decoder=decoder, frames=frames):
                    got = self.stats_npz(path, "path=imageseries", f"decoder={decoder}", f"frames={frames}",
                                         extra=("--memory", "1500K", "--threads", 2, "--report", report))
                    self.assert_stats(got, a if frames == ":" else a[1:29:3])
                    plan = json.loads(report.read_text())["plan"]
                    self.assertLess(plan["batch_frames"], 4, f"batches too large to split chunks: {plan}")

    def test_external_link_and_virtual_dataset(self):
        """Eiger-style master files: an external link to a dataset and a virtual dataset over two files."""
        a = sample("uint32", 16)
        half = len(a) // 2
        parts = [write_h5(self.path(".h5"), part, dataset="data", chunks=(1, ROWS, COLS), compression="gzip")
                 for part in (a[:half], a[half:])]
        master = self.path(".h5")
        with h5py.File(master, "w") as f:
            f["entry/data/data_000001"] = h5py.ExternalLink(parts[0].name, "/data")
            layout = h5py.VirtualLayout(shape=a.shape, dtype=a.dtype)
            layout[:half] = h5py.VirtualSource(parts[0].name, "data", shape=(half, ROWS, COLS))
            layout[half:] = h5py.VirtualSource(parts[1].name, "data", shape=(len(a) - half, ROWS, COLS))
            f.create_virtual_dataset("entry/data/all", layout)
        for decoder in DECODERS:
            with self.subTest(dataset="external link", decoder=decoder):
                got = self.stats_npz(master, "dataset=/entry/data/data_000001", f"decoder={decoder}")
                self.assert_stats(got, a[:half])
            with self.subTest(dataset="virtual", decoder=decoder):
                self.assert_stats(self.stats_npz(master, "dataset=/entry/data/all", f"decoder={decoder}"), a)

    def test_dataname(self):
        a = sample("uint16", 6)
        path = write_h5(self.path(".h5"), a, dataset="scan/frames", chunks=(1, ROWS, COLS), compression="gzip")
        write_h5(path, a[:2], dataset="scan/other")
        self.assert_stats(self.stats_npz(path, "path=scan", "dataname=frames"), a)

    def test_lone_dataset_needs_no_option_and_2d_is_one_frame(self):
        a = sample("float32", 7)
        self.assert_stats(self.stats_npz(write_h5(self.path(".h5"), a, dataset="some/where/x")), a)
        frame = sample("int16", 8, shape=SHAPE[1:])
        got = self.stats_npz(write_h5(self.path(".h5"), frame, dataset="frame", chunks=(8, 8)))
        np.testing.assert_array_equal(got["max"], frame)
        self.assert_stats(got, frame[np.newaxis])


class NexusTest(ImsTestCase):
    """NeXus-style datasets, frame slices and several files as one series."""

    def write_nexus(self, a, **kwargs):
        path = write_h5(self.path(".nxs"), a, dataset="entry/data/data", **kwargs)
        with h5py.File(path, "a") as f:
            f["entry"].attrs["NX_class"] = "NXentry"
            f["entry/data"].attrs["NX_class"] = "NXdata"
            f["entry/data"].attrs["signal"] = "data"
            f.create_dataset("entry/instrument/detector/dark", data=a[0])
        return path

    def test_dataset_and_frames_slice(self):
        a = sample("uint16", 9, shape=(24, ROWS, COLS))
        path = self.write_nexus(a, chunks=(1, ROWS, COLS), compression="gzip", shuffle=True)
        for decoder in DECODERS:
            with self.subTest(decoder=decoder):
                got = self.stats_npz(path, "dataset=/entry/data/data", "frames=2:20:3", f"decoder={decoder}")
                self.assert_stats(got, a[2:20:3])

    def test_two_files_are_one_series(self):
        a = sample("float64", 10, shape=(7, ROWS, COLS))
        b = sample("float64", 11, shape=(5, ROWS, COLS))
        first = self.write_nexus(a, chunks=(1, ROWS, COLS), compression="gzip")
        second = self.write_nexus(b)
        got = self.stats_npz([first, second], "dataset=/entry/data/data")
        self.assert_stats(got, np.concatenate([a, b]))


class StatsToH5Test(ImsTestCase):
    """`ims stats ... -o OUT.h5`, read by h5py."""

    def test_stats_datasets_and_attributes(self):
        a = sample("uint16", 12)
        source = self.save_npy(a)
        out = self.path(".h5")
        self.ims("stats", source, "--stat", "max,mean,var", "-o", out)
        f64 = a.astype(np.float64)
        with h5py.File(out, "r") as f:
            self.assertEqual(sorted(f.keys()), ["max", "mean", "var"])
            self.assertEqual(f["max"].dtype, a.dtype)
            np.testing.assert_array_equal(f["max"][()], a.max(0))
            self.assertEqual(f["mean"].dtype, np.float32)
            np.testing.assert_allclose(f["mean"][()], f64.mean(0), rtol=1e-6)
            self.assertEqual(f["var"].dtype, np.float64)
            np.testing.assert_allclose(f["var"][()], f64.var(0), rtol=1e-9)
            attrs = f.attrs
            for key in ("source", "frames", "statistics", "ims_version"):
                self.assertIn(key, attrs)
            self.assertEqual(attrs["frames"], SHAPE[0])
            self.assertIn(source.name.encode(), attrs["source"])
            self.assertEqual(attrs["statistics"], b"max,mean,var")


class ErrorTest(ImsTestCase):
    """Error exits and messages."""

    def test_missing_dataset(self):
        a = sample("uint16", 13)
        path = write_h5(self.path(".h5"), a, dataset="entry/data/data")
        write_h5(path, a[0].astype(np.float64), dataset="entry/instrument/dark")
        line = self.assert_fails(1, "stats", path, "--opt", "dataset=/nope", "--stat", "max",
                                 "-o", self.path(".npz"))
        self.assertIn(path.name, line)
        self.assertIn("/entry/data/data", line)
        self.assertIn("/entry/instrument/dark", line)

    def test_not_an_hdf5_file(self):
        path = self.path(".h5")
        path.write_bytes(b"not HDF5 at all\n" * 100)
        line = self.assert_fails(1, "info", path)
        self.assertIn(path.name, line)

    def test_corrupt_chunk(self):
        a = sample("uint16", 17)
        path = write_h5(self.path(".h5"), a, chunks=(1, ROWS, COLS), compression="gzip", shuffle=True)
        with h5py.File(path, "r") as f:
            chunk = f["imageseries/images"].id.get_chunk_info(3)  # frame 3's chunk
        data = bytearray(path.read_bytes())
        for i in range(chunk.byte_offset + 8, chunk.byte_offset + chunk.size - 4):
            data[i] ^= 0x5A
        path.write_bytes(bytes(data))
        for decoder in DECODERS:
            with self.subTest(decoder=decoder):
                line = self.assert_fails(1, "stats", path, "--opt", "path=imageseries", "--opt", f"decoder={decoder}",
                                         "--stat", "max", "-o", self.path(".npz"))
                self.assertIn(path.name, line)
                self.assertIn("frame 3", line)

    def test_filter_without_plugin(self):
        """lzf chunks that did compress: Debian 12 has no lzf plugin that loads, and the error
        names the filter by id and name instead of dumping HDF5's stack."""
        a = np.zeros((3, ROWS, COLS), np.uint16)
        path = write_h5(self.path(".h5"), a, chunks=(1, ROWS, COLS), compression="lzf")
        with h5py.File(path, "r") as f:
            self.assertLess(f["imageseries/images"].id.get_storage_size(), a.nbytes, "lzf compressed the chunks")
        for decoder in DECODERS:
            with self.subTest(decoder=decoder):
                line = self.assert_fails(1, "stats", path, "--opt", "path=imageseries", "--opt", f"decoder={decoder}",
                                         "--stat", "max", "-o", self.path(".npz"))
                self.assertIn(path.name, line)
                self.assertIn("compressed with filter 32000 (lzf), which neither ims nor an HDF5 plugin decodes", line)

    def test_files_behind_a_dataset_are_inputs_and_must_exist(self):
        """Raw files of external storage and sources of a virtual dataset are read too: no
        output may replace them (exit 2, unchanged), and a missing virtual source is an error,
        where HDF5 would silently give its frames the fill value."""
        a = sample("uint16", 18)
        raw = self.path(".bin")
        a.tofile(raw)
        ext = self.path(".h5")
        with h5py.File(ext, "w") as f:
            f.create_dataset("imageseries/images", shape=a.shape, dtype=a.dtype, external=[(raw.name, 0, a.nbytes)])
        before = raw.read_bytes()
        cwd = os.getcwd()
        os.chdir(self.tmp)  # HDF5 finds external raw files from the working directory
        try:
            self.assert_stats(self.stats_npz(ext, "path=imageseries"), a)
            self.assert_fails(2, "stats", ext, "--opt", "path=imageseries", "--stat", "max", "-o", raw, "--to", "npz")
            self.assert_fails(2, "convert", ext, "--opt", "path=imageseries", "--op", "flip=h", "-o", raw)
        finally:
            os.chdir(cwd)
        self.assertEqual(raw.read_bytes(), before, "the raw data changed")
        source = write_h5(self.path(".h5"), a, dataset="data")
        master = self.path(".h5")
        with h5py.File(master, "w") as f:
            layout = h5py.VirtualLayout(shape=a.shape, dtype=a.dtype)
            layout[:] = h5py.VirtualSource(source.name, "data", shape=a.shape)
            f.create_virtual_dataset("all", layout, fillvalue=7)
        self.assert_fails(2, "convert", master, "--opt", "dataset=/all", "-o", source)
        source.unlink()
        line = self.assert_fails(1, "stats", master, "--opt", "dataset=/all", "--stat", "max", "-o", self.path(".npz"))
        self.assertIn(f"virtual dataset source {source.name} does not exist", line)

    def test_attributes_ims_cannot_read_are_skipped_quietly(self):
        """Compound and reference attributes have no metadata type: skipped, said only with -v."""
        a = sample("uint16", 19)
        path = write_h5(self.path(".h5"), a)
        with h5py.File(path, "a") as f:
            f["imageseries"].attrs["pair"] = np.array((1, 2.5), dtype=[("a", "i4"), ("b", "f8")])
            f["imageseries"].attrs["ref"] = f["imageseries/images"].ref
        proc = run_ims("info", path, "--opt", "path=imageseries")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        verbose = run_ims("info", path, "--opt", "path=imageseries", "-v")
        self.assertIn("attribute 'pair'", verbose.stderr)

    def test_output_equal_to_input(self):
        a = sample("uint16", 14)
        path = write_h5(self.path(".h5"), a, chunks=(1, ROWS, COLS), compression="gzip")
        before = path.read_bytes()
        for out in (path, path.parent / "." / path.name):
            with self.subTest(out=str(out)):
                self.assert_fails(2, "convert", path, "-o", out)
                self.assertEqual(path.read_bytes(), before, "the input changed")


if __name__ == "__main__":
    if not os.access(IMS, os.X_OK):
        sys.exit(f"ims binary not found or not executable: {IMS} (set IMS_BINARY)")
    sys.exit(not unittest.main(exit=False, verbosity=2).result.wasSuccessful())
