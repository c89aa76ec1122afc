#pragma once
// numpy 1.24's type promotion for ims's eight pixel types, so ops that combine
// a frame with an image (dark, subtract, scale) give the dtype hexrd's and
// Thunder's numpy code gives: np.result_type(frame, image) for two arrays, and
// value-based casting for a frame with a Python float.

#include <cstddef>
#include <cstdint>

#include "ims/dtype.hpp"

namespace ims {

/// The C++ type of a DType known at compile time (the inverse of dtype_of).
// clang-format off
template <DType D> struct pixel_type;
template <> struct pixel_type<DType::uint8> { using type = std::uint8_t; };
template <> struct pixel_type<DType::uint16> { using type = std::uint16_t; };
template <> struct pixel_type<DType::uint32> { using type = std::uint32_t; };
template <> struct pixel_type<DType::int16> { using type = std::int16_t; };
template <> struct pixel_type<DType::int32> { using type = std::int32_t; };
template <> struct pixel_type<DType::int64> { using type = std::int64_t; };
template <> struct pixel_type<DType::float32> { using type = float; };
template <> struct pixel_type<DType::float64> { using type = double; };
// clang-format on
template <DType D>
using pixel_t = typename pixel_type<D>::type;

namespace numpy_detail {
// constexpr twins of is_floating/is_signed/dtype_size (those live in dtype.cpp).
constexpr bool floating(DType d) {
  return d == DType::float32 || d == DType::float64;
}
constexpr bool signed_int(DType d) {
  return d == DType::int16 || d == DType::int32 || d == DType::int64;
}
constexpr std::size_t size(DType d) {
  switch (d) {
    case DType::uint8:
      return 1;
    case DType::uint16:
    case DType::int16:
      return 2;
    case DType::uint32:
    case DType::int32:
    case DType::float32:
      return 4;
    case DType::int64:
    case DType::float64:
      return 8;
  }
  return 0;
}
constexpr DType signed_of_size(std::size_t bytes) {
  return bytes <= 2 ? DType::int16 : bytes <= 4 ? DType::int32 : DType::int64;
}
}  // namespace numpy_detail

/// np.result_type of two arrays (np.promote_types): the smallest type both
/// convert to without overflow, floats preferred to integers. float32 holds
/// 8- and 16-bit integers exactly, so u16 - f32 is float32, but u32 or i32
/// with float32 is float64; an unsigned and a signed integer of the same size
/// meet in the signed type twice as wide (u16, i16 -> i32; u32, i32 -> i64).
constexpr DType promote_types(DType a, DType b) {
  using namespace numpy_detail;
  if (a == b) return a;
  if (floating(a) || floating(b)) {
    const DType f = floating(a) ? a : b, other = floating(a) ? b : a;
    if (floating(other)) return size(a) >= size(b) ? a : b;
    // An integer needs float64 unless float32's 24-bit mantissa holds it.
    return f == DType::float64 || size(other) > 2 ? DType::float64 : DType::float32;
  }
  if (signed_int(a) == signed_int(b)) return size(a) >= size(b) ? a : b;
  const DType s = signed_int(a) ? a : b, u = signed_int(a) ? b : a;
  if (size(s) > size(u)) return s;
  return signed_of_size(2 * size(u));
}

/// Promotion with float32 at least: for ops whose result is never an integer
/// (subtract of an image, scale): u16 -> f32, u32 -> f64, f64 -> f64.
constexpr DType promote_to_float(DType a, DType b) {
  return promote_types(promote_types(a, b), DType::float32);
}

template <class A, class B>
using promote_t = pixel_t<promote_types(dtype_of_v<A>, dtype_of_v<B>)>;
template <class A, class B>
using promote_float_t = pixel_t<promote_to_float(dtype_of_v<A>, dtype_of_v<B>)>;

/// The dtype numpy 1.24 gives `array + x` for a float array and a Python
/// float x (value-based casting): the array's dtype, except that a float32
/// array meets a finite x outside numpy's float32 window (-3.4e38, 3.4e38) in
/// float64 (np.min_scalar_type's test; infinities and NaN fit float32).
constexpr DType with_python_float(DType float_array, double x) {
  const bool fits_float32 =
      (x > -3.4e38 && x < 3.4e38) || !(x - x == 0.0);  // x - x is NaN unless finite
  return float_array == DType::float32 && !fits_float32 ? DType::float64 : float_array;
}

}  // namespace ims
