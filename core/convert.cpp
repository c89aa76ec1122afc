#include "core/convert.hpp"

#include <cstring>

namespace ims {

void convert_pixels(const void* src, DType from, void* dst, DType to, std::size_t count) {
  if (from == to) {
    std::memcpy(dst, src, count * dtype_size(from));
    return;
  }
  visit_dtype2(from, to, [&](auto f, auto t) {
    using From = decltype(f);
    using To = decltype(t);
    const From* in = static_cast<const From*>(src);
    To* out = static_cast<To*>(dst);
    for (std::size_t i = 0; i < count; ++i) out[i] = convert_value<To>(in[i]);
  });
}

}  // namespace ims
