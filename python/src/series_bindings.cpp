// ims.Series (the C++ handle the Python ImageSeries wraps): opening files,
// numpy arrays and Python sequences, reading frames and regions, processing
// and writing. The GIL is released while ims reads, and taken only to call
// a Python source.

#include <pybind11/stl.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "bindings.hpp"
#include "numpy_bridge.hpp"

namespace ims::python {

namespace {

Options options_of(const py::dict& kwargs) {
  Options options;
  for (const auto& [key, value] : kwargs) {
    options.emplace_back(py::str(key), py::str(value));
  }
  return options;
}

py::array read_frame(const Series& series, std::size_t index) {
  py::array out(numpy_dtype(series.dtype()),
                {static_cast<py::ssize_t>(series.rows()), static_cast<py::ssize_t>(series.cols())});
  void* data = out.mutable_data();
  const auto bytes = static_cast<std::size_t>(out.nbytes());
  py::gil_scoped_release release;
  series.read(index, data, bytes);
  return out;
}

/// Frames `indices` as one (k, rows, cols) array, read in parallel on
/// `threads` threads (0: all cores), straight into the array.
py::array read_frames(const Series& series, const std::vector<std::size_t>& indices, unsigned threads) {
  py::array out(numpy_dtype(series.dtype()), {static_cast<py::ssize_t>(indices.size()),
                                              static_cast<py::ssize_t>(series.rows()),
                                              static_cast<py::ssize_t>(series.cols())});
  auto* data = static_cast<std::byte*>(out.mutable_data());
  const std::size_t frame_bytes = series.rows() * series.cols() * dtype_size(series.dtype());
  py::gil_scoped_release release;
  tbb::task_arena arena(threads == 0 ? tbb::task_arena::automatic : static_cast<int>(threads));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, indices.size(), [&](std::size_t k) {
      series.read(indices[k], data + k * frame_bytes, frame_bytes);
    });
  });
  return out;
}

/// Frames from `sequence[i]`: each must be a 2-D array of the first frame's
/// shape and dtype (an ims.Error naming the frame otherwise).
Series series_of_sequence(const py::object& sequence, Metadata metadata, const std::string& name) {
  const auto frames = static_cast<std::size_t>(py::len(sequence));
  if (frames == 0) throw Error(ErrorKind::format, "the sequence has no frames").with_stage(name);
  const py::module_ numpy = py::module_::import("numpy");
  const py::array first = numpy.attr("asarray")(sequence[py::int_(0)]);
  if (first.ndim() != 2) {
    throw Error(ErrorKind::format, "frame 0 is " + std::to_string(first.ndim()) + "-D, not a 2-D image")
        .with_stage(name);
  }
  CallbackSource source;
  source.frames = frames;
  source.rows = static_cast<std::size_t>(first.shape(0));
  source.cols = static_cast<std::size_t>(first.shape(1));
  source.dtype = ims_dtype(first.dtype(), "frame 0 of " + name);
  source.metadata = std::move(metadata);
  source.name = name;
  source.read = [held = hold(sequence), rows = source.rows, cols = source.cols, dtype = source.dtype](
                    std::size_t index, std::span<std::byte> out) -> std::size_t {
    py::gil_scoped_acquire gil;
    try {
      const py::array frame = py::module_::import("numpy").attr("ascontiguousarray")((*held)[py::int_(index)]);
      if (frame.ndim() != 2 || static_cast<std::size_t>(frame.shape(0)) != rows ||
          static_cast<std::size_t>(frame.shape(1)) != cols) {
        std::string shape;
        for (py::ssize_t d = 0; d < frame.ndim(); ++d) {
          if (d > 0) shape += 'x';
          shape += std::to_string(frame.shape(d));
        }
        throw Error(ErrorKind::format, "frame " + std::to_string(index) + " is " + shape + ", the series is " +
                                           std::to_string(rows) + "x" + std::to_string(cols));
      }
      if (ims_dtype(frame.dtype(), "frame " + std::to_string(index)) != dtype) {
        throw Error(ErrorKind::format, "frame " + std::to_string(index) + " is " +
                                           py::str(static_cast<py::handle>(frame.dtype())).cast<std::string>() +
                                           ", the series is " + std::string(dtype_name(dtype)));
      }
      const auto bytes = std::min(out.size(), static_cast<std::size_t>(frame.nbytes()));
      std::memcpy(out.data(), frame.data(), bytes);
      return bytes;
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_KeyboardInterrupt)) throw Error(ErrorKind::interrupted, "interrupted");
      // The Python error as text: it must not outlive the GIL it needs.
      throw std::runtime_error(e.what());
    }
  };
  return from_callback(std::move(source));
}

Op op_of(const py::handle& item) {
  const auto pair = item.cast<py::tuple>();
  if (pair.size() < 1 || pair.size() > 3) throw Error(ErrorKind::usage, "an op is (name, value)");
  const std::string name = py::str(pair[0]);
  if (pair.size() == 3) {  // (name, image, {options})
    return Op(name, to_image(pair[1].cast<py::array>(), "the image of op " + name),
              options_of(pair[2].cast<py::dict>()));
  }
  if (pair.size() == 1 || pair[1].is_none()) return Op(name);  // the text form: NAME[;KEY=VALUE]...
  if (py::isinstance<py::array>(pair[1]))
    return Op(name, to_image(pair[1].cast<py::array>(), "the image of op " + name));
  return Op(name + "=" + std::string(py::str(pair[1])));
}

}  // namespace

void bind_series(py::module_& m) {
  py::class_<Series>(m, "Series", "A handle to an ims series (wrapped by ims.ImageSeries).")
      .def("__len__", &Series::size)
      .def_property_readonly("shape", [](const Series& s) { return py::make_tuple(s.rows(), s.cols()); })
      .def_property_readonly("dtype", [](const Series& s) { return numpy_dtype(s.dtype()); })
      .def("metadata", [](const Series& s) { return to_dict(s.metadata()); })
      .def("describe", &Series::describe)
      .def("files", &Series::files)
      .def("frame", &read_frame, py::arg("index"))
      .def("frames", &read_frames, py::arg("indices"), py::arg("threads") = 0)
      .def("region",
           [](const Series& s, std::size_t index, std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) {
             const std::string rect =
                 std::to_string(r0) + ":" + std::to_string(r1) + "," + std::to_string(c0) + ":" + std::to_string(c1);
             return read_frame(process(s, {Op("rectangle=" + rect)}, frame_list({index})), 0);
           });

  m.def("formats", [] {
    std::vector<std::string> names;
    for (const auto& f : describe_formats()) names.push_back(f.name);
    return names;
  });
  m.def(
      "open",
      [](const std::vector<std::string>& paths, const std::string& format, const py::dict& options) {
        const Options given = options_of(options);
        py::gil_scoped_release release;
        return paths.size() == 1 ? open(paths.front(), given, format) : open(paths, given, format);
      },
      py::arg("paths"), py::arg("format") = "", py::arg("options") = py::dict());
  m.def(
      "from_array",
      [](const py::array& array, const py::dict& meta) { return series_of_array(array, to_metadata(meta)); },
      py::arg("array"), py::arg("meta") = py::dict());
  m.def(
      "from_sequence",
      [](const py::object& sequence, const py::dict& meta, const std::string& name) {
        return series_of_sequence(sequence, to_metadata(meta), name);
      },
      py::arg("sequence"), py::arg("meta") = py::dict(), py::arg("name") = "python sequence");
  m.def(
      "process",
      [](const Series& series, const py::list& ops, const std::optional<std::vector<std::size_t>>& frames) {
        std::vector<Op> list;
        for (const auto& item : ops) list.push_back(op_of(item));
        return process(series, list, frames ? frame_list(*frames) : FrameSelection{});
      },
      py::arg("series"), py::arg("ops"), py::arg("frame_list") = py::none());
  m.def(
      "with_metadata",
      [](const Series& series, const py::dict& meta) { return with_metadata(series, to_metadata(meta)); },
      py::arg("series"), py::arg("meta"));
  m.def(
      "write",
      [](const Series& series, const std::string& path, const std::string& format, const py::dict& options) {
        const Options given = options_of(options);
        py::gil_scoped_release release;
        return write(series, path, given, format).summary;
      },
      py::arg("series"), py::arg("path"), py::arg("format") = "", py::arg("options") = py::dict());
}

}  // namespace ims::python
