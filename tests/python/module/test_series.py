"""hexrd's series protocol on ims series: arrays, files, Python sequences."""

import pathlib

import h5py
import numpy as np
import pytest

import ims


@pytest.fixture
def stack():
    rng = np.random.default_rng(5)
    return rng.integers(0, 60000, size=(12, 17, 23)).astype(np.uint16)


def test_version_and_layout():
    assert ims.__version__ == "0.1.0"
    assert issubclass(ims.Error, RuntimeError)
    assert callable(ims.process.ProcessedImageSeries) and callable(ims.stats.median)


def test_indexing_like_hexrd(stack):
    s = ims.open(None, "array", data=stack)
    assert len(s) == 12 and s.shape == (17, 23) and s.dtype == np.uint16
    np.testing.assert_array_equal(s[0], stack[0])
    np.testing.assert_array_equal(s[-1], stack[-1])
    np.testing.assert_array_equal(s[np.int64(3)], stack[3])
    np.testing.assert_array_equal(s[np.uint8(4)], stack[4])
    assert s[(2, 5, 7)] == stack[2, 5, 7]
    assert s[(2, slice(0, 2))].shape == (2, 23)
    assert s[[0, 1]].tolist() == stack[0, 1].tolist()  # hexrd: row 1 of frame 0
    for key in (12, -13):
        with pytest.raises(IndexError):
            s[key]
    with pytest.raises(TypeError):
        s["a"]
    frames = list(s)
    assert len(frames) == 12 and all(np.array_equal(f, stack[i]) for i, f in enumerate(frames))


def test_get_region_clamps_as_numpy(stack):
    s = ims.fromarray(stack)
    np.testing.assert_array_equal(s.get_region(3, ((2, 9), (5, 100))), stack[3, 2:9, 5:100])
    np.testing.assert_array_equal(s.get_region(-1, ((15, 40), (20, 30))), stack[-1, 15:40, 20:30])
    assert s.get_region(0, ((9, 2), (0, 5))).shape == (0, 5)


def test_metadata_is_the_same_dict_each_time(stack):
    omega = np.arange(24, dtype=np.float64).reshape(12, 2)
    s = ims.open(None, "array", data=stack, meta={"omega": omega})
    assert s.metadata is s.metadata
    s.metadata["panel"] = "ff1"
    assert s.metadata["panel"] == "ff1"
    np.testing.assert_array_equal(s.metadata["omega"], omega)


def test_a_2d_array_is_one_frame(stack):
    s = ims.open(None, "array", data=stack[0])
    assert len(s) == 1
    np.testing.assert_array_equal(s[0], stack[0])


def test_arrays_are_read_in_place(stack):
    s = ims.fromarray(stack)
    stack[4, 0, 0] = 12345
    assert s[4][0, 0] == 12345  # no copy was made
    strided = stack[::2, ::-1, 1::3]  # any numpy view, read as numpy reads it
    np.testing.assert_array_equal(ims.fromarray(strided)[5], strided[5])


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64"])
def test_every_pixel_type(dtype):
    a = (np.arange(3 * 4 * 5) - 20).astype(dtype).reshape(3, 4, 5)
    s = ims.fromarray(a)
    assert s.dtype == a.dtype
    np.testing.assert_array_equal(s[2], a[2])


def test_unsupported_pixel_types_are_errors():
    for a in (np.zeros((2, 3, 4), dtype=np.int8), np.zeros((2, 3, 4), dtype=">u2"), np.zeros((2, 3, 4), bool)):
        with pytest.raises(ims.Error, match="dtype"):
            ims.fromarray(a)


def test_hdf5_in_hexrd_layout_and_round_trip(tmp_path, stack):
    src = tmp_path / "run.h5"
    with h5py.File(src, "w") as f:
        g = f.create_group("imageseries")
        g.create_dataset("images", data=stack, chunks=(1, 17, 23), compression="gzip")
        g.attrs["panel"] = "ff1"
    s = ims.open(src, "hdf5", path="imageseries")
    assert len(s) == 12 and s.metadata["panel"] == "ff1"
    np.testing.assert_array_equal(s[7], stack[7])
    np.testing.assert_array_equal(s.get_region(7, ((3, 11), (2, 9))), stack[7, 3:11, 2:9])
    out = tmp_path / "copy.h5"
    ims.write(s, out, "hdf5", path="imageseries")
    with h5py.File(out) as f:
        np.testing.assert_array_equal(f["imageseries/images"][()], stack)
    npy = tmp_path / "copy.npy"
    ims.write(stack, npy)
    np.testing.assert_array_equal(np.load(npy), stack)


def test_open_errors_are_hexrds():
    with pytest.raises(KeyError):
        ims.open("x.h5", "no-such-format")
    with pytest.raises(ims.Error, match="hexrd's and not in ims yet"):
        ims.open("x.yml", "image-files")
    with pytest.raises(ims.Error, match="missing.h5"):
        ims.open("missing.h5", "hdf5", path="imageseries")
    with pytest.raises(ims.Error):
        ims.open(None, "array", data=np.zeros((2, 3, 4, 5), np.uint16))
    with pytest.raises(RuntimeError, match="zero length"):
        ims.open(None, "array", data=np.zeros((0, 3, 4), np.uint16))


def test_python_sequences_stream_through_the_engine(tmp_path, stack):
    frames = [stack[i] for i in range(len(stack))]
    s = ims.ImageSeries(frames)
    assert len(s) == 12 and s.shape == (17, 23)
    np.testing.assert_array_equal(ims.stats.max(frames), stack.max(axis=0))
    with h5py.File(tmp_path / "d.h5", "w") as f:
        f["d"] = stack
    with h5py.File(tmp_path / "d.h5") as f:
        np.testing.assert_array_equal(ims.stats.median(f["d"]), np.median(stack, axis=0).astype(np.float32))
    fn = ims.open(None, "function", func=lambda i: stack[i] * 2, num_frames=12)
    np.testing.assert_array_equal(fn[3], stack[3] * 2)


def test_a_wrong_frame_from_a_sequence_names_it(stack):
    frames = [stack[i] for i in range(len(stack))]
    frames[5] = stack[5][:-1]
    with pytest.raises(ims.Error, match="frame 5 is 16x23"):
        ims.stats.max(frames)
    frames[5] = stack[5].astype(np.float32)
    with pytest.raises(ims.Error, match="frame 5 is float32"):
        ims.stats.max(frames)

    class Broken:
        def __len__(self):
            return 3

        def __getitem__(self, i):
            if i == 2:
                raise ValueError("no frame here")
            return stack[i]

    with pytest.raises(ims.Error, match="no frame here"):
        ims.stats.max(Broken())


def test_thunder_and_imfun_habits(stack):
    s = ims.fromarray(stack)
    np.testing.assert_allclose(s.mean_frame(slice(2, 8)), stack[2:8].mean(axis=0), rtol=1e-6)
    np.testing.assert_array_equal(s.max_project(slice(None, None, 3)), stack[::3].max(axis=0))
    np.testing.assert_array_equal(s.max_project(), stack.max(axis=0))
    np.testing.assert_array_equal(s.as3darray(), stack)
    np.testing.assert_array_equal(s.as3darray(slice(1, 9, 2), crop=((2, 10), (3, 30))), stack[1:9:2, 2:10, 3:30])
    p = s.process([("flip", "h")], frame_list=[4, 0])
    np.testing.assert_array_equal(p.as3darray(), stack[[4, 0], ::-1])


def test_docstrings_come_from_the_engines_tables():
    names = {kind: [e["name"] for e in entries] for kind, entries in ims.registry().items()}
    assert {"median", "percentile"} <= set(names["statistics"]) and "gauss_laplace" in names["ops"]
    assert "hdf5" in names["formats"]
    for name in names["statistics"]:
        assert f"    {name}" in ims.stats.compute.__doc__
    for name in names["ops"]:
        assert f"    {name}" in ims.process.ProcessedImageSeries.__doc__
    assert "dataname=images" in ims.open.__doc__  # hdf5's read option, with its default
    percentile = next(e for e in ims.registry()["statistics"] if e["name"] == "percentile")
    assert percentile["params"][0]["name"] == "q" and percentile["params"][0]["required"]


def test_write_stores_the_metadata_as_it_is_now(tmp_path, stack):
    s = ims.fromarray(stack)
    omega = np.stack([np.arange(12.0), np.arange(12.0) + 1], axis=1)
    s.metadata["omega"] = omega  # hexrd's way of giving a series its angles
    s.metadata["panel"] = "ff1"
    out = tmp_path / "omega.h5"
    ims.write(s, out, "hdf5", path="imageseries")
    back = ims.open(out, "hdf5", path="imageseries")
    np.testing.assert_array_equal(back.metadata["omega"], omega)
    assert back.metadata["panel"] == "ff1"
    np.testing.assert_array_equal(back[11], stack[11])
