#pragma once
// Pixel type conversion with numpy's `astype` semantics, made defined where C++
// leaves it undefined: float -> integer truncates toward zero and saturates at
// the integer's range, NaN becomes 0; integer -> integer wraps (as numpy does);
// anything -> float rounds to nearest.

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "ims/dtype.hpp"

namespace ims {

template <class To, class From>
inline To convert_value(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    if (std::isnan(v)) return To{0};
    // Compare in long double so the limits of 64-bit integers are represented exactly.
    const long double x = static_cast<long double>(v);
    if (x <= static_cast<long double>(std::numeric_limits<To>::lowest())) {
      return std::numeric_limits<To>::lowest();
    }
    if (x >= static_cast<long double>(std::numeric_limits<To>::max())) {
      return std::numeric_limits<To>::max();
    }
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

/// Converts `count` pixels from `src` (type `from`) to `dst` (type `to`).
void convert_pixels(const void* src, DType from, void* dst, DType to, std::size_t count);

}  // namespace ims
