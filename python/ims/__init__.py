"""ims: hexrd.imageseries's API on a parallel, memory-bounded C++ engine.

A hexrd user replaces ``from hexrd import imageseries`` with
``import ims as imageseries``::

    import ims as imageseries
    raw = imageseries.open("run7.h5", "hdf5", path="imageseries")
    dark = imageseries.stats.median(raw, nframes=100)
    pims = imageseries.process.ProcessedImageSeries(raw, [("dark", dark), ("flip", "v")])
    background = imageseries.stats.max(pims)

and gets the same results (hexrd's result dtypes; the documented exceptions
where hexrd is wrong), computed in parallel within a memory budget.
``ims.stats.compute`` gives several statistics in one pass.
"""

from ._ims import Error, __version__
from .imageseries import ImageSeries, fromarray, open, write
from . import _docs, process, stats

_docs.append(stats.compute, "statistics", "Statistics (name[:VALUE][;KEY=VALUE]; VALUE sets the first option):")
_docs.append(process.ProcessedImageSeries, "ops", "Ops (name, value) or (name, {KEY: VALUE}):")
_docs.append(open, "formats", "Formats (format=NAME; their read options as keyword arguments):")


def registry():
    """Every statistic, op and format with its parameters, as `ims list` shows them."""
    return _ims.registry()


__all__ = ["Error", "ImageSeries", "__version__", "fromarray", "open", "process", "registry", "stats", "write"]
