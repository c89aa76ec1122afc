"""hexrd's imageseries.process: ProcessedImageSeries(series, oplist,
frame_list=None), with hexrd's (key, data) ops and every ims op by name.

hexrd's ops: ('dark', image), ('flip', code), ('rectangle', ((r0, r1), (c0,
c1))), ('add', scalar or image), ('gauss_laplace', sigma), ('add-row', i),
('add-column', i). ims's: ('gaussian_filter', 2), ('dark', 'median'),
('gaussian_filter', {'sigma': 2, 'truncate': 4}), ('dark', image, {'mode':
'wrap'}), ... (`ims list ops`).
Differences from hexrd, where hexrd is wrong: a uint16 dark clamps at 0
(hexrd wraps: ('dark', {'image': d, 'mode': 'wrap'}) is hexrd's); `shape`
and `dtype` come from the plan, not from processing frame 0.
"""

import copy

import numpy as np

from . import _ims
from .imageseries import ImageSeries, _handle_of


def _bound(value):
    return "" if value is None else str(int(value))


def _op(key, data=None, options=None):
    """One op as the engine takes it: (name, text or 2-D array or None), and
    (name, array, {options}) for an image op with options."""
    if options is not None:
        if not isinstance(data, np.ndarray):
            raise TypeError(f"ims: op {key!r}: options go with an image: (name, array, {{options}})")
        return key, data, {k: str(v) for k, v in options.items()}
    if key == "rectangle" and not isinstance(data, str):
        (r0, r1), (c0, c1) = data
        return key, f"{_bound(r0)}:{_bound(r1)},{_bound(c0)}:{_bound(c1)}"
    if isinstance(data, dict):
        if any(isinstance(v, np.ndarray) for v in data.values()):
            raise TypeError(f"ims: op {key!r}: give an image as the op's data, not among its options")
        return ";".join([key] + [f"{k}={v}" for k, v in data.items()]), None
    if data is None:
        return key, None
    if isinstance(data, (np.ndarray, list, tuple)) and np.ndim(data) >= 2:
        array = np.asarray(data)
        if array.ndim == 3 and array.shape[0] == 1:
            array = array[0]
        return key, array
    return key, str(data)


class ProcessedImageSeries(ImageSeries):
    """hexrd's ProcessedImageSeries: `oplist` applied in order to the frames
    of `imser` picked by `frame_list` (all when None). Everything is checked
    now; frames are processed when read. Metadata is a deep copy of the
    source's, its `omega` subset by `frame_list`, as hexrd does."""

    def __init__(self, imser, oplist, frame_list=None, **kwargs):
        self._imser = imser
        self._oplist = list(oplist)
        self._frames = None if frame_list is None else [int(i) for i in frame_list]
        source = imser if isinstance(imser, ImageSeries) else ImageSeries(imser)
        handle = _ims.process(_handle_of(source), [_op(*op) for op in self._oplist], self._frames)
        metadata = copy.deepcopy(source.metadata)
        if self._frames is not None and "omega" in metadata:
            metadata["omega"] = np.asarray(metadata["omega"])[self._frames]
        super().__init__(handle, metadata)

    @property
    def oplist(self):
        return self._oplist

    @property
    def frame_list(self):
        return self._frames
