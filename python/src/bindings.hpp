#pragma once
// The parts of the _ims extension module, each in its own file.

#include <pybind11/pybind11.h>

namespace ims::python {

void bind_registry(pybind11::module_& m);
void bind_series(pybind11::module_& m);
void bind_stats(pybind11::module_& m);

}  // namespace ims::python
