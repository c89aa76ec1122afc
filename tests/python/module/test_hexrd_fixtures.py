"""hexrd's own outputs (../shared/fixtures/hexrd, MANIFEST.md) reproduced
through the Python module, `import ims as imageseries` style."""

import json

import numpy as np
import pytest

import ims as imageseries

STATS = ["max", "min", "sum", "average", "median", "p25", "p90"]


def source(fx, kind):
    return np.load(fx / f"src_{kind}.npy")


def run_stat(series, name, nframes):
    if name.startswith("p"):
        return imageseries.stats.percentile(series, int(name[1:]), nframes=nframes)
    return getattr(imageseries.stats, name)(series, nframes=nframes)


@pytest.mark.parametrize("kind", ["u16", "f32"])
@pytest.mark.parametrize("name", STATS)
@pytest.mark.parametrize("nframes", [0, 7])
def test_stats(hexrd_fixtures, kind, name, nframes):
    series = imageseries.open(None, "array", data=source(hexrd_fixtures, kind))
    want = np.load(hexrd_fixtures / "stats" / f"{kind}_{name}{'_nf7' if nframes else ''}.npy")
    got = run_stat(series, name, nframes)
    assert got.dtype == want.dtype
    if name == "average":  # hexrd accumulates in float32, ims exactly
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kind", ["u16", "f32"])
def test_iterators(hexrd_fixtures, kind):
    series = imageseries.open(None, "array", data=source(hexrd_fixtures, kind))
    st = imageseries.stats
    cases = {
        "max_iter3": (st.max_iter(series, 3), True),
        "min_iter3": (st.min_iter(series, 3), True),
        "sum_iter3": (st.sum_iter(series, 3), True),
        "average_iter3": (st.average_iter(series, 3), False),
        "average_iter20": (st.average_iter(series, 20), False),
        "p25_iter5": (st.percentile_iter(series, 25, 5), True),
        "median_iter5_nobuf": (st.median_iter(series, 5, use_buffer=False), True),
    }
    for name, (generator, exact) in cases.items():
        want = np.load(hexrd_fixtures / "stats" / f"{kind}_{name}.npy")
        got = np.stack(list(generator))
        if name == "average_iter20":
            # hexrd's first yield at a stop of 0 is its live accumulator, so
            # a list of the yields holds the final sum there; ims yields frame 0.
            np.testing.assert_array_equal(got[0], source(hexrd_fixtures, kind)[0].astype(np.float32))
            got, want = got[1:], want[1:]
        assert got.shape == want.shape and got.dtype == want.dtype, name
        if exact:
            np.testing.assert_array_equal(got, want, err_msg=name)
        else:
            np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6, err_msg=name)


FLIPS = {"y": "y", "v": "v", "x": "x", "h": "h", "vh": "vh", "hv": "hv", "r180": "r180", "t_lower": "t",
         "T_upper": "T", "ccw90": "ccw90", "r90": "r90", "cw90": "cw90", "r270": "r270"}


def processed(fx, oplist, kind="u16", **kw):
    base = imageseries.open(None, "array", data=source(fx, kind), meta={"omega": np.load(fx / "omega_u16.npy")})
    return imageseries.process.ProcessedImageSeries(base, oplist, **kw)


def test_processed_series(hexrd_fixtures):
    fx = hexrd_fixtures
    dark = np.load(fx / "proc" / "dark_u16_median.npy")
    cases = {
        "u16_dark_f32": [("dark", dark)],
        "u16_dark_u16_wraps": [("dark", dark.astype(np.uint16), {"mode": "wrap"})],  # hexrd's wrap, as an option
        "u16_rect": [("rectangle", ((5, 45), (3, 30)))],
        "u16_rect_clamped": [("rectangle", ((50, 80), (40, 60)))],
        "u16_add_2p5": [("add", 2.5)],
        "u16_add_row3": [("add-row", 3)],
        "u16_add_col5": [("add-column", 5)],
        "u16_rectfirst_then_r90": [("rectangle", ((5, 45), (3, 30))), ("flip", "r90")],
    }
    cases.update({f"u16_flip_{name}": [("flip", code)] for name, code in FLIPS.items()})
    for name, oplist in cases.items():
        p = processed(fx, oplist)
        want = np.load(fx / "proc" / f"{name}.npy")
        assert (len(p), *p.shape) == want.shape and p.dtype == want.dtype, name
        np.testing.assert_array_equal(np.stack(list(p)), want, err_msg=name)


def test_gauss_laplace(hexrd_fixtures):
    fx = hexrd_fixtures
    want = np.load(fx / "proc" / "f32_gauss_laplace_s1p5.npy")
    got = np.stack(list(processed(fx, [("gauss_laplace", 1.5)], "f32")))
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    # hexrd keeps uint16 (negative values wrap); ims gives float32 unless asked.
    assert processed(fx, [("gauss_laplace", 1.5)]).dtype == np.float32
    want = np.load(fx / "proc" / "u16_gauss_laplace_s1p5.npy")
    got = np.stack(list(processed(fx, [("gauss_laplace", {"sigma": 1.5, "dtype": "input"})])))
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_chain_with_frame_list_subsets_omega(hexrd_fixtures):
    fx = hexrd_fixtures
    dark = np.load(fx / "proc" / "dark_u16_median.npy")
    p = processed(fx, [("dark", dark), ("flip", "h"), ("rectangle", ((4, 60), (2, 40)))],
                  frame_list=[1, 3, 5, 7, 9, 11])
    np.testing.assert_array_equal(np.stack(list(p)), np.load(fx / "proc" / "u16_chain_dark_fliph_rect_framelist.npy"))
    np.testing.assert_array_equal(p.metadata["omega"],
                                  np.load(fx / "proc" / "u16_chain_dark_fliph_rect_framelist_omega.npy"))


def test_fancy_index_after_ops(hexrd_fixtures):
    expected = json.loads((hexrd_fixtures / "expected.json").read_text())["proc/fancy_index"]
    dark = np.load(hexrd_fixtures / "proc" / "dark_u16_median.npy")
    p = processed(hexrd_fixtures, [("dark", dark), ("rectangle", ((5, 45), (3, 30)))])
    assert p[(2, 3, 4)] == expected["p[(2, 3, 4)]"]
    assert list(p[(2, slice(0, 2))].shape) == expected["p[(2, slice(0, 2))].shape"]


def test_unknown_flip_codes_are_errors_not_silent(hexrd_fixtures):
    # hexrd ignores an unknown code ('none'); ims refuses it, naming the codes.
    with pytest.raises(imageseries.Error, match="none"):
        processed(hexrd_fixtures, [("flip", "none")])


H5 = ["h5_u16_default.h5", "h5_u16_chunk16_gzip4_noshuffle.h5", "h5_u16_gzip0.h5", "h5_u16_blosc_zstd5.h5",
      "h5_f32_default.h5", "h5_u16_nestedpath.h5"]


@pytest.mark.parametrize("name", H5)
def test_hdf5_files_hexrd_wrote(hexrd_fixtures, name):
    facts = json.loads((hexrd_fixtures / "expected.json").read_text())[name]
    s = imageseries.open(hexrd_fixtures / name, "hdf5", path=facts["write_kwargs"]["path"])
    src = source(hexrd_fixtures, "f32" if "f32" in name else "u16")
    assert len(s) == facts["len"] and list(s.shape) == facts["shape"] and s.dtype == src.dtype
    np.testing.assert_array_equal(np.stack(list(s)), src)
    np.testing.assert_array_equal(s.metadata["omega"], np.load(hexrd_fixtures / "omega_u16.npy"))
    assert s.metadata["exposure"] == 0.25 and isinstance(s.metadata["exposure"], np.float64)  # as hexrd
    assert s.metadata["panel"] == "ff1"  # hexrd gives b'ff1'; text is str
    np.testing.assert_array_equal(imageseries.stats.median(s),
                                  np.load(hexrd_fixtures / "stats" / f"{'f32' if 'f32' in name else 'u16'}_median.npy"))
