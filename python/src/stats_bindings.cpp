// ims.stats: per-pixel statistics in one pass, the GIL released while the
// engine runs. Returns the images by name and the run report.

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "numpy_bridge.hpp"

namespace ims::python {

namespace {

/// The caller's progress function, called as progress(frames_done,
/// frames_total, what) with the GIL taken; its exception ends the run.
std::function<void(const Progress&)> progress_caller(const py::object& progress) {
  return [held = hold(progress)](const Progress& p) {
    py::gil_scoped_acquire gil;
    try {
      (*held)(p.frames_done, p.frames_total, std::string(p.what));
    } catch (py::error_already_set& e) {
      throw std::runtime_error(e.what());  // as text: it must not outlive the GIL it needs
    }
  };
}

}  // namespace

void bind_stats(py::module_& m) {
  m.def(
      "stats",
      [](const Series& series, const std::vector<std::string>& statistics, const std::string& dtype,
         const std::string& memory, unsigned threads, std::size_t nframes, const std::string& method,
         const py::object& progress) {
        Settings settings;
        settings.memory = memory;
        settings.threads = threads;
        settings.nframes = nframes;
        settings.quantile_method = method.empty() ? "auto" : method;
        if (!progress.is_none()) settings.on_progress = progress_caller(progress);
        CancelToken token;
        settings.cancel = &token;
        SigintCancels sigint(token);
        Results results;
        {
          py::gil_scoped_release release;
          results = dtype.empty() ? stats(series, statistics, settings) : stats(series, statistics, dtype, settings);
        }
        py::dict images;
        for (const auto& name : results.names()) images[py::str(name)] = to_numpy(results[name]);
        const Report& r = results.report();
        py::dict report;
        report["frames"] = r.frames;
        report["bytes"] = r.bytes;
        report["wall_seconds"] = r.wall_seconds;
        report["cpu_seconds"] = r.cpu_seconds;
        report["peak_rss_bytes"] = r.peak_rss_bytes;
        report["quantile_method"] = r.quantile_method;
        report["summary"] = r.summary;
        report["text"] = r.text;
        report["json"] = r.json;
        return py::make_tuple(images, report);
      },
      py::arg("series"), py::arg("statistics"), py::arg("dtype") = "", py::arg("memory") = "", py::arg("threads") = 0,
      py::arg("nframes") = 0, py::arg("method") = "", py::arg("progress") = py::none());
}

}  // namespace ims::python
