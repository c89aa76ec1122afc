#pragma once
// Between numpy and the public C++ API: pixel types, images (zero-copy where
// the result is ims's own), numpy arrays as ims series (zero-copy), and
// metadata as dicts of numpy values.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>

#include "ims/ims.hpp"

namespace ims::python {

namespace py = pybind11;

/// numpy's dtype for `dtype` ("uint16" -> np.uint16).
py::dtype numpy_dtype(DType dtype);
/// ims's pixel type for a numpy dtype; an unsupported-kind ims::Error naming
/// `what` otherwise (bool, int8, uint64, float16, complex, non-native order).
DType ims_dtype(const py::dtype& dtype, const std::string& what);

/// The image as a 2-D array that owns it (no copy).
py::array to_numpy(Image image);
/// A copy of a 2-D array as an Image.
Image to_image(const py::array& array, const std::string& what);

/// Keeps a Python object alive from C++ without the GIL: copies are free,
/// the last one takes the GIL to release the object.
std::shared_ptr<py::object> hold(py::object object);

/// The array as a series, zero-copy (any strides); the series keeps it alive.
/// 2-D arrays are one frame.
Series series_of_array(const py::array& array, Metadata metadata);

/// Metadata as a dict of Python values: numbers, strings, numpy arrays, dicts.
py::dict to_dict(const Metadata& metadata);
/// A dict as Metadata; values of other types are skipped with a warning
/// naming the key.
Metadata to_metadata(const py::dict& dict);

}  // namespace ims::python
