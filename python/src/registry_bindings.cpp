// _ims.registry(): every statistic, op and format with its parameters, from
// the same tables as `ims list`; the package builds its docstrings from it.

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "ims/ims.hpp"

namespace ims::python {

namespace py = pybind11;

namespace {

py::list entries(const std::vector<Registered>& registered) {
  py::list out;
  for (const auto& r : registered) {
    py::list params;
    for (const auto& p : r.params) {
      params.append(py::dict(py::arg("name") = p.name, py::arg("type") = std::string(param_type_name(p.type)),
                             py::arg("default") = p.default_value, py::arg("doc") = p.doc,
                             py::arg("choices") = p.choices, py::arg("required") = p.required));
    }
    out.append(py::dict(py::arg("name") = r.name, py::arg("aliases") = r.aliases, py::arg("summary") = r.summary,
                        py::arg("params") = params));
  }
  return out;
}

}  // namespace

void bind_registry(py::module_& m) {
  m.def(
      "registry",
      [] {
        return py::dict(py::arg("statistics") = entries(describe_statistics()),
                        py::arg("ops") = entries(describe_ops()), py::arg("formats") = entries(describe_formats()));
      },
      "Every statistic, op and format with its parameters (what `ims list` shows).");
}

}  // namespace ims::python
