"""hexrd's frame-caches through the Python module: hexrd's own files read
bit-exactly, `ims.write(s, f, 'frame-cache', ...)` in every style read back
against numpy's threshold, and hexrd's indexing on a frame-cache series."""

import numpy as np
import pytest

import ims as imageseries

STYLES = [("npz", "fc.npz"), ("fch5", "fc.fch5"), ("yml", "fc.yml")]


@pytest.mark.parametrize("name,readback,style", [
    ("fc_u16_t120.npz", "fc_u16_t120_npz_readback.npy", "npz"),
    ("fc_u16_t0.npz", "fc_u16_t0_npz_readback.npy", "npz"),
    ("fc_f32_t2p5.npz", "fc_f32_t2p5_npz_readback.npy", "npz"),
    ("fc_u16_t120.fch5", "fc_u16_t120_fch5_readback.npy", "fch5"),
    ("fc_u16_t120_mt4.fch5", "fc_u16_t120_fch5_readback.npy", "fch5"),
    ("fc_f32_t2p5.fch5", "fc_f32_t2p5_fch5_readback.npy", "fch5"),
    ("fcy_u16_t120.yml", "fc_u16_t120_npz_readback.npy", "yml"),
])
def test_hexrds_frame_caches_read_bit_exactly(hexrd_fixtures, name, readback, style):
    series = imageseries.open(hexrd_fixtures / name, "frame-cache", style=style, max_workers=4)
    want = np.load(hexrd_fixtures / readback)
    got = np.array([series[i] for i in range(len(series))])
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(series.metadata["omega"], np.load(hexrd_fixtures / "omega_u16.npy"))
    assert str(series.metadata["panel"]) == "ff1"


def test_nested_fch5_metadata_is_a_dict(hexrd_fixtures):
    series = imageseries.open(hexrd_fixtures / "fc_u16_t120_nestedmeta.fch5", "frame-cache", style="fch5")
    scan = series.metadata["scan"]
    assert scan["id"] == 7 and scan["energy_kev"] == 61.332 and scan["label"] == "ruby"


def frames(dtype):
    rng = np.random.default_rng(5)
    a = np.where(rng.random((8, 30, 20)) < 0.1, rng.integers(0, 100, (8, 30, 20)), 0).astype(dtype)
    a[1, 2, 3] = 40  # == threshold: dropped
    if a.dtype.kind == "f":
        a[2, 0, :3] = [np.inf, -np.inf, np.nan]
    return a


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64"])
@pytest.mark.parametrize("style,name", STYLES)
def test_written_caches_read_back_as_numpys_threshold(tmp_path, dtype, style, name):
    a = frames(dtype)
    omega = np.stack([np.arange(8.0), np.arange(1.0, 9.0)], axis=1)
    imageseries.write(imageseries.fromarray(a, {"omega": omega, "panel": "ff1"}), tmp_path / name, "frame-cache",
                      threshold=40, style=style, max_workers=2)
    back = imageseries.open(tmp_path / name, "frame-cache")
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(np.array(list(back)), np.where(a > 40, a, 0).astype(dtype))
    np.testing.assert_array_equal(back.metadata["omega"], omega)
    assert str(back.metadata["panel"]) == "ff1"


def test_hexrds_cache_file_keyword(tmp_path):
    a = frames("uint16")
    # hexrd's preprocessor: write(pims, "dummy", 'frame-cache', cache_file="<name>-cachefile.npz", ...)
    imageseries.write(a, tmp_path / "dummy", "frame-cache", threshold=40, cache_file="run-cachefile.npz")
    assert (tmp_path / "run-cachefile.npz").exists() and not (tmp_path / "dummy").exists()
    back = imageseries.open(tmp_path / "run-cachefile.npz", "frame-cache")
    np.testing.assert_array_equal(back[3], np.where(a[3] > 40, a[3], 0))


def test_indexing_a_frame_cache_as_hexrd_does(tmp_path):
    a = frames("uint16")
    imageseries.write(a, tmp_path / "fc.npz", "frame-cache", threshold=0)
    s = imageseries.open(tmp_path / "fc.npz", "frame-cache")
    np.testing.assert_array_equal(s[-1], a[-1])
    with pytest.raises(IndexError):
        s[len(s)]
    rows, cols = np.array([[1, 2], [3, 4]]), np.array([[5, 6], [7, 8]])
    np.testing.assert_array_equal(s[(2, rows, cols)], a[2][rows, cols])  # hexrd's index-array key
    assert s[(0, slice(2, 4))].shape == (2, 20)
    assert s[(0, 5, 7)] == a[0, 5, 7]  # hexrd raises AttributeError here; ims gives the pixel
    np.testing.assert_array_equal(s.get_region(1, ((3, 9), (2, 15))), a[1, 3:9, 2:15])


def test_a_frame_cache_without_threshold_is_refused(tmp_path):
    with pytest.raises(imageseries.Error, match="threshold"):
        imageseries.write(frames("uint16"), tmp_path / "fc.npz", "frame-cache")
    assert not (tmp_path / "fc.npz").exists()
