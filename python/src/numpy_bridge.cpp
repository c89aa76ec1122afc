#include "numpy_bridge.hpp"

#include <cstring>
#include <optional>

namespace ims::python {

py::dtype numpy_dtype(DType dtype) { return py::dtype(std::string(dtype_name(dtype))); }

namespace {

std::string text_of(const py::handle& object) { return py::str(object).cast<std::string>(); }

/// "uint8, uint16, ..., float64": the pixel types ims reads.
std::string ims_dtype_names() {
  std::string names;
  for (const auto& name : dtype_names()) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

/// ims's pixel type for a numpy dtype, when ims reads it (native byte order).
std::optional<DType> supported_dtype(const py::dtype& dtype) {
  if (!dtype.attr("isnative").cast<bool>()) return std::nullopt;
  return find_dtype(text_of(dtype.attr("name")));
}

}  // namespace

DType ims_dtype(const py::dtype& dtype, const std::string& what) {
  const auto found = supported_dtype(dtype);
  if (!found) {
    throw Error(ErrorKind::unsupported, what + " has pixels of dtype " + text_of(dtype) + "; ims reads " +
                                            ims_dtype_names() + " in native byte order");
  }
  return *found;
}

py::array to_numpy(Image image) {
  auto* owned = new Image(std::move(image));
  py::capsule owner(owned, [](void* p) { delete static_cast<Image*>(p); });
  const auto item = static_cast<py::ssize_t>(dtype_size(owned->dtype()));
  return py::array(numpy_dtype(owned->dtype()),
                   {static_cast<py::ssize_t>(owned->rows()), static_cast<py::ssize_t>(owned->cols())},
                   {static_cast<py::ssize_t>(owned->cols()) * item, item}, owned->data(), owner);
}

Image to_image(const py::array& array, const std::string& what) {
  if (array.ndim() != 2) {
    throw Error(ErrorKind::usage, what + " must be a 2-D array, not " + std::to_string(array.ndim()) + "-D");
  }
  const DType dtype = ims_dtype(array.dtype(), what);
  const py::array contiguous = py::array::ensure(array, py::array::c_style);
  return Image(contiguous.data(), static_cast<std::size_t>(array.shape(0)), static_cast<std::size_t>(array.shape(1)),
               dtype);
}

std::shared_ptr<py::object> hold(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

Series series_of_array(const py::array& array, Metadata metadata) {
  if (array.ndim() != 2 && array.ndim() != 3) {
    throw Error(ErrorKind::usage, "an array series is 3-D (frames, rows, cols) or 2-D (one frame), not " +
                                      std::to_string(array.ndim()) + "-D");
  }
  const bool one_frame = array.ndim() == 2;
  const auto dim = [&](int axis) { return static_cast<std::size_t>(array.shape(one_frame ? axis - 1 : axis)); };
  MemoryLayout layout;
  layout.frames = one_frame ? 1 : static_cast<std::size_t>(array.shape(0));
  layout.rows = dim(1);
  layout.cols = dim(2);
  layout.dtype = ims_dtype(array.dtype(), "the array");
  layout.strides = {one_frame ? static_cast<std::ptrdiff_t>(array.nbytes()) : array.strides(0),
                    array.strides(one_frame ? 0 : 1), array.strides(one_frame ? 1 : 2)};
  return from_memory(array.data(), layout, hold(array), std::move(metadata));
}

namespace {

py::object to_python(const MetaValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, NdArray>) {
          std::vector<py::ssize_t> shape(v.shape.begin(), v.shape.end());
          py::array out(numpy_dtype(v.dtype), shape);
          if (!v.data.empty()) std::memcpy(out.mutable_data(), v.data.data(), v.data.size());
          return out;
        } else if constexpr (std::is_same_v<V, Metadata>) {
          return to_dict(v);
        } else if constexpr (std::is_same_v<V, std::string>) {
          return py::str(v);
        } else {  // numbers as numpy scalars, as hexrd's readers give them
          const char* type = std::is_same_v<V, bool> ? "bool_" : std::is_same_v<V, double> ? "float64" : "int64";
          return py::module_::import("numpy").attr(type)(v);
        }
      },
      value.variant());
}

}  // namespace

py::dict to_dict(const Metadata& metadata) {
  py::dict out;
  for (std::size_t i = 0; i < metadata.size(); ++i) out[py::str(metadata.keys()[i])] = to_python(metadata.value(i));
  return out;
}

Metadata to_metadata(const py::dict& dict) {
  Metadata out;
  const py::module_ numpy = py::module_::import("numpy");
  for (const auto& [key_handle, value] : dict) {
    const std::string key = py::str(key_handle);
    if (py::isinstance<py::bool_>(value)) {
      out.set(key, value.cast<bool>());
    } else if (py::isinstance<py::int_>(value)) {
      out.set(key, value.cast<std::int64_t>());
    } else if (py::isinstance<py::float_>(value)) {
      out.set(key, value.cast<double>());
    } else if (py::isinstance<py::str>(value)) {
      out.set(key, value.cast<std::string>());
    } else if (py::isinstance<py::dict>(value)) {
      out.set(key, to_metadata(value.cast<py::dict>()));
    } else if (py::isinstance<py::array>(value) || py::isinstance(value, numpy.attr("generic"))) {
      const py::array array = numpy.attr("ascontiguousarray")(value);
      const auto dtype = supported_dtype(array.dtype());
      if (!dtype) {
        py::module_::import("warnings")
            .attr("warn")("ims: metadata '" + key + "' (dtype " + text_of(array.dtype()) + ") is not kept");
        continue;
      }
      NdArray a;
      a.dtype = *dtype;
      for (py::ssize_t d = 0; d < array.ndim(); ++d) a.shape.push_back(static_cast<std::size_t>(array.shape(d)));
      a.data.resize(static_cast<std::size_t>(array.nbytes()));
      if (!a.data.empty()) std::memcpy(a.data.data(), array.data(), a.data.size());
      out.set(key, std::move(a));
    } else {
      py::module_::import("warnings")
          .attr("warn")("ims: metadata '" + key + "' of type " + text_of(py::type::of(value).attr("__name__")) +
                        " is not kept");
    }
  }
  return out;
}

}  // namespace ims::python
