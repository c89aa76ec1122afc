"""ProcessedImageSeries: hexrd's op lists and ims's ops by name, against numpy."""

import numpy as np
import pytest

import ims


@pytest.fixture
def stack():
    rng = np.random.default_rng(3)
    return rng.poisson(100, size=(10, 16, 12)).astype(np.uint16)


def frames_of(series):
    return np.stack(list(series))


def test_hexrd_ops_against_numpy(stack):
    s = ims.fromarray(stack)
    dark = np.median(stack, axis=0).astype(np.float32)
    P = ims.process.ProcessedImageSeries
    d = stack.astype(np.float32) - dark
    d[d < 0] = 0
    np.testing.assert_array_equal(frames_of(P(s, [("dark", dark)])), d)
    for code, fn in [("v", lambda a: a[:, :, ::-1]), ("h", lambda a: a[:, ::-1, :]),
                     ("r90", lambda a: np.rot90(a, 1, axes=(1, 2))), ("t", lambda a: a.transpose(0, 2, 1))]:
        np.testing.assert_array_equal(frames_of(P(s, [("flip", code)])), fn(stack), err_msg=code)
    np.testing.assert_array_equal(frames_of(P(s, [("rectangle", ((3, 40), (2, 9)))])), stack[:, 3:40, 2:9])
    np.testing.assert_array_equal(frames_of(P(s, [("add", 2.5)])), stack.astype(np.float32) + np.float32(2.5))
    np.testing.assert_array_equal(frames_of(P(s, [("add-row", 3)])), np.insert(stack, 3, 0, axis=1))
    np.testing.assert_array_equal(frames_of(P(s, [("add-column", 5)])), np.insert(stack, 5, 0, axis=2))


def test_frame_list_subsets_frames_and_omega(stack):
    omega = np.arange(20, dtype=np.float64).reshape(10, 2)
    s = ims.open(None, "array", data=stack, meta={"omega": omega})
    p = ims.process.ProcessedImageSeries(s, [("flip", "h")], frame_list=[7, 2, 2])
    assert len(p) == 3 and p.shape == (16, 12) and p.dtype == np.uint16
    np.testing.assert_array_equal(p[0], stack[7][::-1])
    np.testing.assert_array_equal(p.metadata["omega"], omega[[7, 2, 2]])
    np.testing.assert_array_equal(s.metadata["omega"], omega)  # a deep copy
    assert p.oplist == [("flip", "h")] and p.frame_list == [7, 2, 2]


def test_shape_and_dtype_come_from_the_plan(stack):
    p = ims.process.ProcessedImageSeries(stack, [("flip", "r90"), ("add", 1)])
    assert p.shape == (12, 16) and p.dtype == np.float32


def test_ims_ops_by_name_and_statistic_darks(stack):
    s = ims.fromarray(stack)
    p = ims.process.ProcessedImageSeries(s, [("dark", "median;frames=0:10"), ("add", 2)])
    d = stack.astype(np.float32) - np.median(stack, axis=0).astype(np.float32)
    d[d < 0] = 0
    np.testing.assert_array_equal(frames_of(p), d + np.float32(2))
    p = ims.process.ProcessedImageSeries(s, [("threshold", {"value": 100})])
    np.testing.assert_array_equal(frames_of(p), np.where(stack <= 100, 0, stack))


def test_a_uint16_dark_clamps_and_hexrds_wrap_is_an_option(stack):
    dark = np.full(stack.shape[1:], 100, np.uint16)
    clamped = frames_of(ims.process.ProcessedImageSeries(stack, [("dark", dark)]))
    np.testing.assert_array_equal(clamped, np.where(stack > dark, stack - dark, 0))
    wrapped = frames_of(ims.process.ProcessedImageSeries(stack, [("dark", dark, {"mode": "wrap"})]))
    np.testing.assert_array_equal(wrapped, stack - dark)  # numpy's uint16 arithmetic, as hexrd


def test_bad_ops_are_errors(stack):
    with pytest.raises(ims.Error, match="flop"):
        ims.process.ProcessedImageSeries(stack, [("flop", "v")])
    with pytest.raises(ims.Error):
        ims.process.ProcessedImageSeries(stack, [("dark", np.zeros((3, 3), np.float32))])
    with pytest.raises(ims.Error):
        ims.process.ProcessedImageSeries(stack, [], frame_list=[10])
