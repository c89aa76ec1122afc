"""hexrd's imageseries.stats on the ims engine, plus ``compute`` (several
statistics in one pass).

Every function takes a series, a numpy array or a sequence of 2-D arrays,
and ``nframes`` (0: all; else the first ``nframes``), with hexrd's result
dtypes: max/min keep the series dtype, sum is float64, average, median and
percentile float32. Percentiles are numpy's 'linear' method, bit for bit,
except that q = 0 and 100 are the extremes even when one is infinite (numpy's
interpolation makes that NaN).
Where hexrd is less exact, ims is exact: ``average`` accumulates in float64
(hexrd in float32) before its float32 result.

The ``*_iter`` generators yield hexrd's partial results at hexrd's chunk
stops, so progress bars written for hexrd keep working; ims streams each
chunk of frames (or, for percentiles, of rows) once.
"""

import builtins

import numpy as np

from . import _ims
from ._progress import Progress, Run, progress_function
from .imageseries import ImageSeries, _handle_of


class Results(dict):
    """Images by statistic name ("max", "percentile_90"), with ``report``:
    frames, bytes, seconds, peak RSS, the quantile method and the text
    ``ims -v`` prints."""

    def __init__(self, images, report):
        super().__init__(images)
        self.report = report


def compute(series, statistics, memory=None, threads=None, ops=None, frames=None, nframes=0, dtype=None,
            method=None, progress=None):
    """Several statistics of `series` in one pass: ``compute(s, ["median",
    "percentile:90", "max"], memory="2G")``. `ops` (hexrd's (key, data)
    pairs or ims ops by name) and `frames` (a list of frame indices) process
    the series first. `progress(frames_done, frames_total, what)` is called
    as frames complete (from one thread at a time, with the GIL); it may
    also be a tqdm bar (anything with ``update(n)``), which then advances by
    frames and restarts at each pass. Ctrl-C stops the run within one batch
    with KeyboardInterrupt. Returns a Results dict of arrays with
    ``.report``; ``start`` runs the same in the background."""
    handle = _handle_of(series)
    if ops or frames is not None:
        from .process import _op

        handle = _ims.process(handle, [_op(*op) for op in (ops or [])],
                              None if frames is None else [int(i) for i in frames])
    images, report = _ims.stats(handle, list(statistics), dtype or "", memory or "", int(threads or 0),
                                int(nframes), method or "", progress_function(progress))
    return Results(images, report)


def start(series, statistics, **kwargs):
    """``compute`` in a background thread: returns a Run, which yields
    Progress(done, total, what) when iterated and gives the Results with
    ``result()``. Takes compute's keyword arguments except ``progress``."""
    if "progress" in kwargs:
        raise TypeError("start() reports progress by iteration; it takes no progress= argument")
    return Run(compute, series, statistics, kwargs)


def _one(ims, statistic, nframes):
    images = compute(ims, [statistic], nframes=nframes)
    return next(iter(images.values()))


def max(ims, nframes=0):  # noqa: A001 - hexrd's names
    return _one(ims, "max", nframes)


def min(ims, nframes=0):  # noqa: A001
    return _one(ims, "min", nframes)


def sum(ims, nframes=0):  # noqa: A001
    return _one(ims, "sum", nframes)


def average(ims, nframes=0):
    return _one(ims, "mean", nframes)


def percentile(ims, pctl, nframes=0):
    return _one(ims, f"percentile:{pctl!r}" if isinstance(pctl, float) else f"percentile:{pctl}", nframes)


def median(ims, nframes=0):
    return _one(ims, "median", nframes)


def _nframes(ims, nframes):
    n = len(ims)
    return n if nframes == 0 else builtins.min(n, nframes)


def _chunk_stops(n, k):
    """hexrd's chunk boundaries: k inclusive stops over n items."""
    if k > n:
        raise ValueError(f"chunk size {k} is greater than the number of frames {n}")
    sizes = [n // k] * k
    for i in range(n % k):
        sizes[i] += 1
    sizes[0] -= 1
    return list(np.cumsum(sizes))


def _series(ims):
    return ims if isinstance(ims, ImageSeries) else ImageSeries(ims)


def _chunks(ims, nchunk, nframes):
    """(stop, frames of the chunk) for each of hexrd's chunks."""
    start = 0
    for stop in _chunk_stops(_nframes(ims, nframes), nchunk):
        yield int(stop), list(range(start, int(stop) + 1))
        start = int(stop) + 1


def _fold_iter(ims, nchunk, nframes, statistic, fold):
    s = _series(ims)
    running = None
    for stop, frames in _chunks(s, nchunk, nframes):
        part = compute(s, [statistic], frames=frames)[statistic]
        running = part if running is None else fold(running, part)
        yield running.copy()


def max_iter(ims, nchunk, nframes=0):
    yield from _fold_iter(ims, nchunk, nframes, "max", np.maximum)


def min_iter(ims, nchunk, nframes=0):
    yield from _fold_iter(ims, nchunk, nframes, "min", np.minimum)


def sum_iter(ims, nchunk, nframes=0):
    yield from _fold_iter(ims, nchunk, nframes, "sum", np.add)


def average_iter(ims, nchunk, nframes=0):
    for stop, total in zip(_chunk_stops(_nframes(ims, nframes), nchunk), sum_iter(ims, nchunk, nframes)):
        yield (total / (int(stop) + 1)).astype(np.float32)


def percentile_iter(ims, pctl, nchunks, nframes=0, use_buffer=True):
    """hexrd's: rows split into `nchunks` pieces; after each, the whole image
    so far (rows not yet computed are 0). `use_buffer` is accepted and has no
    effect: ims bounds memory itself."""
    s = _series(ims)
    rows, cols = s.shape
    image = np.zeros((rows, cols), dtype=np.float32)
    n = _nframes(s, nframes)
    start = 0
    for stop in _chunk_stops(rows, nchunks):
        stop = int(stop)
        band = compute(s, [f"percentile:{pctl}"], ops=[("rectangle", ((start, stop + 1), (0, cols)))],
                       frames=range(n))
        image[start:stop + 1] = next(iter(band.values()))
        start = stop + 1
        yield image.copy()


def median_iter(ims, nchunks, nframes=0, use_buffer=True):
    yield from percentile_iter(ims, 50, nchunks, nframes, use_buffer)
