#pragma once
// Template definitions for reducer.hpp.

#include "core/convert.hpp"

namespace ims {

template <class Acc, class F>
void write_pixels(const Acc* values, PixelRange range, FrameView out, F&& f) {
  visit_dtype(out.dtype(), [&](auto tag) {
    using Out = decltype(tag);
    Out* dst = out.as<Out>() + range.begin;
    for (std::size_t i = 0; i < range.size(); ++i) dst[i] = convert_value<Out>(f(values[i]));
  });
}

}  // namespace ims
