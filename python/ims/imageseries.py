"""ImageSeries (hexrd's series protocol), open and write.

A series is a sequence of equally shaped 2-D frames read on demand by the
C++ engine: files of any format ims reads, numpy arrays (zero-copy) and any
Python sequence of 2-D arrays (a list, an h5py dataset, a hexrd series).
"""

import collections.abc
import os

import numpy as np

from . import _ims

# hexrd's formats that ims does not read yet: a clear error, not "unknown".
_HEXRD_ONLY = {"image-files", "raw-image", "eiger-stream-v1", "eiger-stream-v2"}

# hexrd's keywords that choose its thread pools; ims plans its own threads.
_HEXRD_THREAD_KEYWORDS = ("max_workers",)


def _options(kwargs):
    return {k: _option_text(v) for k, v in kwargs.items() if k not in _HEXRD_THREAD_KEYWORDS}


def _format_name(format):
    """ims's name of a format given as hexrd names it ('' for "by extension")."""
    if format in _HEXRD_ONLY:
        raise _ims.Error(f"format {format!r} is hexrd's and not in ims yet")
    if format and format not in _ims.formats():
        raise KeyError(format)
    return format or ""


def _option_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _FunctionFrames:
    """hexrd's 'function' adapter: frame i is func(i)."""

    def __init__(self, func, num_frames):
        self._func = func
        self._n = int(num_frames)

    def __len__(self):
        return self._n

    def __getitem__(self, i):
        return self._func(i)


def _handle_of(source, meta=None):
    """The C++ series for an ImageSeries, a numpy array or a Python sequence."""
    if isinstance(source, ImageSeries):
        return source._s
    meta = {} if meta is None else meta
    if isinstance(source, np.ndarray):
        return _ims.from_array(source, meta)
    if isinstance(source, collections.abc.Sequence) or (hasattr(source, "__len__") and hasattr(source, "__getitem__")):
        return _ims.from_sequence(source, meta, type(source).__name__)
    raise TypeError(f"ims: cannot read frames from a {type(source).__name__}: give a file, an array or a sequence")


class ImageSeries(collections.abc.Sequence):
    """A sequence of 2-D frames, as hexrd's ImageSeries.

    ``len(s)``, ``s[i]`` (negative, Python and numpy integers), iteration,
    ``shape`` (one frame's), ``dtype``, ``metadata`` (the same dict on every
    access: mutate it in place, as hexrd users do), ``get_region(i,
    ((r0, r1), (c0, c1)))`` and hexrd's multi-index ``s[(i, rows, cols)]``.
    Statistics as methods: ``max()``, ``min()``, ``sum()``, ``mean()``,
    ``var()``, ``std()``, ``median()``, ``percentile(q)``.
    """

    def __init__(self, source, metadata=None):
        self._s = source if isinstance(source, _ims.Series) else _handle_of(source, metadata)
        self._metadata = self._s.metadata() if metadata is None else metadata

    def __len__(self):
        return len(self._s)

    def _index(self, key):
        n = len(self)
        i = int(key)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"frame {key} out of range: the series has {n} frames")
        return i

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
            return self._s.frame(self._index(key))
        if isinstance(key, list):
            key = tuple(key)
        if isinstance(key, tuple) and key and isinstance(key[0], (int, np.integer)):
            frame = self[key[0]]
            return frame[key[1:]] if len(key) > 1 else frame
        raise TypeError(f"ims: a frame index is an integer or (frame, rows, cols), not {key!r}")

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return f"<ims.ImageSeries {self._s.describe()}: {len(self)} frames of {self.shape} {self.dtype}>"

    @property
    def shape(self):
        """One frame's (rows, cols), as hexrd."""
        return self._s.shape

    @property
    def dtype(self):
        return self._s.dtype

    @property
    def metadata(self):
        return self._metadata

    def get_region(self, frame_idx, region):
        """frame[r0:r1, c0:c1] with numpy's clamping; only the region is read where the format allows."""
        (r0, r1), (c0, c1) = region
        rows, cols = self.shape
        rs, cs = slice(r0, r1).indices(rows), slice(c0, c1).indices(cols)
        i = self._index(frame_idx)
        if rs[0] < rs[1] and cs[0] < cs[1]:
            return self._s.region(i, rs[0], rs[1], cs[0], cs[1])
        return self._s.frame(i)[r0:r1, c0:c1]

    def files(self):
        """Every file reading the series opens."""
        return self._s.files()

    # Thunder's and imfun's habits: statistics as methods.
    def _one(self, statistic):
        from . import stats

        return stats.compute(self, [statistic])[statistic.replace(":", "_")]

    def max(self):
        return self._one("max")

    def min(self):
        return self._one("min")

    def sum(self):
        return self._one("sum")

    def mean(self):
        return self._one("mean")

    def var(self):
        return self._one("var")

    def std(self):
        return self._one("std")

    def median(self):
        return self._one("median")

    def percentile(self, q):
        from . import stats

        return stats.percentile(self, q)

    def process(self, oplist, frame_list=None):
        """hexrd's ProcessedImageSeries of this series (Thunder's habit: a method)."""
        from .process import ProcessedImageSeries

        return ProcessedImageSeries(self, oplist, frame_list)

    def _picked(self, fslice):
        """The frame indices of a slice (None: all), as imfun's fslice."""
        return range(len(self))[fslice if fslice is not None else slice(None)]

    def mean_frame(self, fslice=None):
        """imfun's mean_frame: the mean of the frames in `fslice` (float32)."""
        from . import stats

        return stats.compute(self, ["mean"], frames=self._picked(fslice))["mean"]

    def max_project(self, fslice=None):
        """imfun's max_project: the per-pixel maximum over the frames in `fslice`."""
        from . import stats

        return stats.compute(self, ["max"], frames=self._picked(fslice))["max"]

    def as3darray(self, fslice=None, crop=None, threads=None):
        """The frames in `fslice` as one (frames, rows, cols) array, each cut
        to `crop` = ((r0, r1), (c0, c1)) when given (read as regions). Whole
        frames are read in parallel on `threads` threads (all cores when
        None), straight into the array."""
        indices = self._picked(fslice)
        if crop is None:
            return self._s.frames([int(i) for i in indices], int(threads or 0))
        return np.stack([self.get_region(i, crop) for i in indices]) if len(indices) else \
            np.empty((0, 0, 0), dtype=self.dtype)


def fromarray(a, meta=None):
    """A series over a numpy array (3-D, or 2-D for one frame), zero-copy:
    keep the array unchanged while the series is in use."""
    return ImageSeries(_ims.from_array(np.asarray(a), {} if meta is None else meta), meta)


def open(filename, format=None, **kwargs):  # noqa: A001 - hexrd's name
    """hexrd's imageseries.open: ``open(path, 'hdf5', path='imageseries')``,
    ``open(None, 'array', data=a, meta={...})``,
    ``open(None, 'function', func=f, num_frames=n)``. ``format=None`` follows
    the file's extension (hexrd's trivial adapter had no frames). Several
    paths (a list) read as one series. ``open(f, 'frame-cache',
    style='npz'|'fch5'|'yml')`` reads hexrd's frame-caches (the style
    follows the extension when not given). An unknown format is a KeyError,
    a series without frames a RuntimeError, as in hexrd; hexrd's
    ``max_workers`` is accepted and ims chooses its threads."""
    if format == "array":
        data = np.asarray(kwargs.pop("data"))
        if data.ndim == 3 and len(data) == 0:
            raise RuntimeError("zero length imageseries")
        series = fromarray(data, kwargs.pop("meta", None))
    elif format == "function":
        meta = kwargs.pop("meta", None)
        if int(kwargs["num_frames"]) == 0:
            raise RuntimeError("zero length imageseries")
        series = ImageSeries(_FunctionFrames(kwargs.pop("func"), kwargs.pop("num_frames")), meta)
    else:
        name = _format_name(format)
        paths = [os.fspath(p) for p in filename] if isinstance(filename, (list, tuple)) else [os.fspath(filename)]
        series = ImageSeries(_ims.open(paths, name, _options(kwargs)))
    if len(series) == 0:
        raise RuntimeError("zero length imageseries")
    return series


def write(ims, fname, fmt=None, **kwargs):
    """hexrd's imageseries.write: every frame of `ims` (any series, array or
    sequence) to `fname`, atomically; the format follows `fmt` or the
    extension; kwargs are its write options (``path='imageseries'`` for
    hdf5; ``threshold=T, style='npz'|'fch5'|'yml', cache_file=...`` for
    'frame-cache', keeping the pixels > T as hexrd does)."""
    name = _format_name(fmt)
    handle = _handle_of(ims)
    if isinstance(ims, ImageSeries):  # its metadata as it is now (hexrd users set omega before writing)
        handle = _ims.with_metadata(handle, ims.metadata)
    _ims.write(handle, os.fspath(fname), name, _options(kwargs))


