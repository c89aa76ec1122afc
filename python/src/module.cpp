// _ims: the extension module under the `ims` package (python/ims/), binding
// the public C++ API (include/ims/). ims::Error becomes ims.Error (a
// RuntimeError) with the message the command prints; a frame out of range
// is an IndexError, as in hexrd; a cancelled run a KeyboardInterrupt.

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "ims/ims.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_ims, m) {
  m.doc() = "ims: a parallel, memory-bounded streaming engine for image series (C++ core)";
  m.attr("__version__") = ims::version();
  static py::exception<ims::Error> error(m, "Error", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ims::Error& e) {
      switch (e.kind()) {
        case ims::ErrorKind::out_of_range: PyErr_SetString(PyExc_IndexError, e.what()); return;
        case ims::ErrorKind::interrupted: PyErr_SetString(PyExc_KeyboardInterrupt, e.what()); return;
        default: error(e.what());
      }
    }
  });
  ims::python::bind_registry(m);
  ims::python::bind_series(m);
  ims::python::bind_stats(m);
}
