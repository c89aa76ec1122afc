#pragma once
// PixelMap: an op the reducers apply inside their folds, pixel by pixel, so
// that a chain made of it costs no memory pass of its own.
//
// A reduction streams each frame from memory once. An op in front of it,
// even computed tile by tile in cache (Plan::ops_by_tile), reads the frames
// and writes processed rows that the reducers then read back: on a machine
// that streams frames at tens of GB/s, that extra work showed up as
// 1.3-1.5x the time of the plain reduction for a dark subtraction. Folded
// into the reducers' loops, the op is a few instructions per pixel on values
// already in registers.
//
// Double dispatch needs one closed set: the reducers are few and open to
// extension, so the maps are the closed set, and each kind is added when an
// op earns it (hexrd's dark, the op of every background pipeline). The
// arithmetic lives here, so that the op and the folds share one definition.

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ims/dtype.hpp"
#include "core/frame.hpp"

namespace ims {

/// The internal ims::Error for a map no reducer folds.
[[noreturn]] void throw_unfolded_map(DType input, DType output);

/// How hexrd's dark subtraction treats differences below 0.
enum class DarkMode {
  clamp,  ///< the exact difference, clamped to [0, max]: ims's default
  wrap,   ///< integer differences wrap around first, as numpy's do (hexrd)
};

/// a - b clamped to [0, max of R], exactly: no wrap-around, no overflow.
template <class R>
R clamped_difference(R a, R b) {
  constexpr R kMax = std::numeric_limits<R>::max();
  if constexpr (std::is_unsigned_v<R>) {
    // max(a, b) - b: two plain SIMD instructions (a compare and a masked
    // subtract measured slower inside the reducers' folds).
    return static_cast<R>((a > b ? a : b) - b);
  } else if constexpr (sizeof(R) < 8) {
    // int8, int16 and int32 differences fit the next wider type.
    using Wide = std::conditional_t<sizeof(R) <= 2, std::int32_t, std::int64_t>;
    const Wide d = static_cast<Wide>(a) - static_cast<Wide>(b);
    return d < 0 ? R{0} : d > kMax ? kMax : static_cast<R>(d);
  } else {
    R d{};
    if (__builtin_sub_overflow(a, b, &d)) return b < 0 ? kMax : R{0};
    return d < 0 ? R{0} : d;
  }
}

/// numpy's a - b then ret[ret < 0] = 0: integer subtraction modulo 2^bits
/// (done in unsigned arithmetic, where C++ defines it).
template <class R>
R wrapped_difference(R a, R b) {
  using U = std::make_unsigned_t<R>;
  const R d = static_cast<R>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  if constexpr (std::is_signed_v<R>) return d < 0 ? R{0} : d;
  return d;  // unsigned: numpy's clamp never fires
}

/// d < 0 ? +0.0 : d (NaN and -0.0 stay), as a mask of d's bits: GCC 12
/// vectorises this inside the reducers' folds, where the conditional, next
/// to their NaN-aware picks, left the loop scalar (30x slower).
template <class R>
R zero_below_zero(R d) {
  using Bits = std::conditional_t<sizeof(R) == 4, std::uint32_t, std::uint64_t>;
  const Bits keep = d < 0 ? Bits{0} : ~Bits{0};
  return std::bit_cast<R>(std::bit_cast<Bits>(d) & keep);
}

/// hexrd's dark subtraction, `ret = img - dark; ret[ret < 0] = 0`, in R.
template <class R, DarkMode kMode>
R subtract_dark(R a, R b) {
  if constexpr (std::is_floating_point_v<R>) {
    // Both modes: numpy's float subtraction; NaN and -0.0 stay (not < 0).
    return zero_below_zero(static_cast<R>(a - b));
  } else if constexpr (kMode == DarkMode::wrap) {
    return wrapped_difference(a, b);
  } else {
    return clamped_difference(a, b);
  }
}

/// A per-pixel map v -> f(v, image[pixel]) that reducers apply inside their
/// folds (FrameBatch::map): frames of `input` dtype in, values of the image's
/// dtype out (the reducers' input). Either both dtypes are the same, or the
/// frames are integers that the op converts to a floating-point image's
/// dtype first (uint16 - float32 -> float32, numpy's promotion): see
/// folds_pixel_map().
struct PixelMap {
  enum class Kind { dark_clamp, dark_wrap };
  Kind kind = Kind::dark_clamp;
  /// A whole frame of the frames' shape, in the dtype of the mapped values;
  /// outlives the run.
  ConstFrameView image;
  /// The dtype of the frames the map takes.
  DType input = DType::uint16;
};

/// Integer frame dtypes a map may convert to a floating-point image's dtype.
template <class In>
inline constexpr bool kConvertedByMaps =
    std::is_same_v<In, std::uint8_t> || std::is_same_v<In, std::uint16_t> ||
    std::is_same_v<In, std::int16_t> || std::is_same_v<In, std::uint32_t> ||
    std::is_same_v<In, std::int32_t>;

/// Whether reducers can fold a map from frames of `input` to values of
/// `output` (ops offer a PixelMap only then).
inline bool folds_pixel_map(DType input, DType output) {
  if (input == output) return true;
  if (!is_floating(output)) return false;
  return visit_dtype(input, [](auto tag) { return kConvertedByMaps<decltype(tag)>; });
}

/// The values a reducer folds from a batch without a map: the pixels as they are.
template <class T>
struct PixelsAsTheyAre {
  using In = T;
  PixelsAsTheyAre from(std::size_t) const { return *this; }
  T operator()(T v, std::size_t) const { return v; }
};

/// The values a reducer folds from a batch with a map: value(v, i) maps pixel
/// v, the i-th of the window that from(pixel) started at flat pixel `pixel`.
template <class InT, class T, PixelMap::Kind kKind>
struct MappedPixels {
  using In = InT;
  const T* image;
  MappedPixels from(std::size_t pixel) const { return {image + pixel}; }
  T operator()(In v, std::size_t i) const {
    constexpr DarkMode mode = kKind == PixelMap::Kind::dark_wrap ? DarkMode::wrap : DarkMode::clamp;
    // numpy casts both operands to the result type, then subtracts.
    return subtract_dark<T, mode>(static_cast<T>(v), image[i]);
  }
};

/// The frames' pixels a kernel templated on `Values` (PixelsAsTheyAre,
/// MappedPixels) reads.
template <class Values>
using InputPixels = const typename Values::In*;

/// Calls f(values) with what a reducer with input T folds from the frames
/// of a batch mapped by `map` (nullptr: the pixels as they are). The frames
/// are of values' type `In` (read them with batch.pixels_as<In>);
/// `values.from(pixel)` addresses a window starting at flat pixel `pixel`,
/// and `window(v, i)` is then the value to fold for v, the window's i-th
/// pixel. Kernels templated on `values` compile to the plain fold when there
/// is no map. Throws an internal ims::Error for a map that
/// folds_pixel_map() rejects or whose image is not of T.
template <class T, class F>
decltype(auto) with_folded_values(const PixelMap* map, F&& f) {
  if (!map) return f(PixelsAsTheyAre<T>{});
  if (map->image.dtype() != dtype_of_v<T>) throw_unfolded_map(map->input, dtype_of_v<T>);
  const T* image = map->image.as<T>();
  const bool wrap = map->kind == PixelMap::Kind::dark_wrap;
  if (map->input == dtype_of_v<T>) {
    return wrap ? f(MappedPixels<T, T, PixelMap::Kind::dark_wrap>{image})
                : f(MappedPixels<T, T, PixelMap::Kind::dark_clamp>{image});
  }
  if constexpr (std::is_floating_point_v<T>) {
    // Floating-point differences clamp alike in both modes.
    return visit_dtype(map->input, [&](auto tag) -> decltype(f(PixelsAsTheyAre<T>{})) {
      using In = decltype(tag);
      if constexpr (kConvertedByMaps<In>) {
        return f(MappedPixels<In, T, PixelMap::Kind::dark_clamp>{image});
      } else {
        throw_unfolded_map(map->input, dtype_of_v<T>);
      }
    });
  } else {
    throw_unfolded_map(map->input, dtype_of_v<T>);
  }
}

}  // namespace ims
