#pragma once
// Building blocks of the filter ops (gaussian_filter, gauss_laplace,
// uniform_filter, median_filter), reimplementing scipy.ndimage's arithmetic
// operation for operation so that results match it bit for bit:
//
// * boundary modes are scipy's line extensions (NI_ExtendLine), which are
//   periodic: reflect has period 2n, mirror 2n-2, wrap n;
// * a separable filter runs a 1-D pass along axis 0, stores the result in
//   the output dtype (scipy's intermediate array), then a pass along axis 1;
// * every pass accumulates in double in scipy's order, and doubles become
//   output pixels the way scipy's C casts do (filter_cast).
//
// Passes are fused row by row: output row i needs input rows i-r..i+r for
// the axis-0 pass and nothing else, so the intermediate row stays in cache
// instead of a whole intermediate frame. The result is the same as scipy's
// two whole-array passes because each row of the intermediate is independent.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/frame.hpp"
#include "ims/params.hpp"

namespace ims::filters {

/// scipy.ndimage's `mode`, for samples outside the frame.
enum class BoundaryMode { reflect, constant, nearest, mirror, wrap };

struct Boundary {
  BoundaryMode mode = BoundaryMode::reflect;
  double cval = 0.0;  ///< the value outside the frame in constant mode
};

/// The `mode` and `cval` parameters every filter op takes.
ParamSpec mode_param();
ParamSpec cval_param();
/// The window of the uniform and median filters ("size=3" or "size=3,5").
ParamSpec size_param();
/// The kernel radius of the gaussian filters, in sigmas.
ParamSpec truncate_param();
/// Reads `mode` and `cval` from an op's params.
Boundary boundary_from(const Params& params);
std::string_view mode_name(BoundaryMode mode);
/// ";mode=M;cval=V" for what differs from the defaults, for describe().
std::string describe_boundary(Boundary b);

/// The index that position `i` (any integer) of a line of `n` samples reads
/// under `mode`, or -1 for a constant-mode position outside [0, n).
inline std::ptrdiff_t map_index(std::ptrdiff_t i, std::ptrdiff_t n, BoundaryMode mode) {
  if (i >= 0 && i < n) return i;
  auto mod = [](std::ptrdiff_t a, std::ptrdiff_t p) { return ((a % p) + p) % p; };
  switch (mode) {
    case BoundaryMode::constant:
      return -1;
    case BoundaryMode::nearest:
      return i < 0 ? 0 : n - 1;
    case BoundaryMode::wrap:
      return mod(i, n);
    case BoundaryMode::reflect: {  // d c b a | a b c d | d c b a
      const std::ptrdiff_t m = mod(i, 2 * n);
      return m < n ? m : 2 * n - 1 - m;
    }
    case BoundaryMode::mirror: {  // d c b | a b c d | c b a; one sample: nearest (as scipy)
      if (n == 1) return 0;
      const std::ptrdiff_t m = mod(i, 2 * n - 2);
      return m < n ? m : 2 * n - 2 - m;
    }
  }
  return -1;
}

/// A double result stored in pixel type T the way scipy stores it (a C cast
/// compiled for x86-64): floats round to nearest; integers truncate toward
/// zero and wrap modulo 2^bits (-3.7 -> 65533 in uint16, as hexrd's
/// gauss_laplace on uint16 frames). scipy's C cast is undefined beyond int32
/// (or int64) range; there ims saturates to int64 first, then wraps, and NaN
/// becomes 0. gaussian_filter, uniform_filter and median_filter never wrap
/// (their results lie between the input's extremes and cval); gauss_laplace
/// with dtype=input does.
template <class T>
inline T filter_cast(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T{0};
    constexpr double lo = -9223372036854775808.0;  // -2^63
    constexpr double hi = 9223372036854774784.0;   // the largest double below 2^63
    const double c = v < lo ? lo : (v > hi ? hi : v);
    return static_cast<T>(
        static_cast<std::uint64_t>(static_cast<std::int64_t>(c)));  // modular narrowing
  }
}

/// A 1-D correlation kernel of odd length 2r+1, symmetric about its centre
/// (every kernel of these ops is): w[0] is the centre weight, w[k] the weight
/// at distance k on either side.
struct SymmetricKernel {
  std::vector<double> w;
  std::size_t radius() const { return w.size() - 1; }
};

/// scipy's gaussian_filter1d weights: `_gaussian_kernel1d(sigma, order,
/// int(truncate * sigma + 0.5))`, order 0 or 2, computed as numpy computes
/// them (exp of `-0.5 / sigma^2 * x^2`, normalised by numpy's pairwise sum,
/// the order-2 polynomial `-1/sigma^2 + x^2 * (1/sigma^2)^2`). exp is the C
/// library's, which is numpy's except where numpy 1.24 uses its own AVX-512F
/// exp: weights then differ by an ulp, invisible in float32 results and
/// ~1e-16 relative in float64 ones. Throws a usage error naming `op` when
/// the radius is absurdly large.
SymmetricKernel gaussian_kernel(double sigma, int order, double truncate, std::string_view op);

/// The kernel radius scipy uses: int(truncate * sigma + 0.5).
std::int64_t gaussian_radius(double sigma, double truncate, std::string_view op);

/// One or two values for the two axes: "2" -> {2, 2}; "2,3" -> {2, 3}
/// (rows, cols). Usage errors name `param` and `op`.
std::array<double, 2> parse_axis_numbers(const std::string& text, std::string_view param,
                                         std::string_view op);
std::array<std::int64_t, 2> parse_axis_ints(const std::string& text, std::string_view param,
                                            std::string_view op);
/// "2" or "2,3" back again (shortest round-trip form), for describe().
std::string format_axis_numbers(const std::array<double, 2>& v);
std::string format_axis_ints(const std::array<std::int64_t, 2>& v);
std::string format_number(double v);

// ---------------------------------------------------------------------------
// The hot loops: one pass over a row per tap, kept out of line with
// __restrict so GCC vectorises them (conversions of T to double included).

/// acc[c] = a[c] * w (the centre tap).
template <class T>
[[gnu::noinline]] void taps_center(double* __restrict acc, const T* __restrict a, double w,
                                   std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) acc[c] = static_cast<double>(a[c]) * w;
}

/// acc[c] += (a[c] + b[c]) * w: the two taps at distance k, added first as
/// scipy's symmetric-kernel branch of NI_Correlate1D does.
template <class T>
[[gnu::noinline]] void taps_pair(double* __restrict acc, const T* __restrict a,
                                 const T* __restrict b, double w, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c)
    acc[c] += (static_cast<double>(a[c]) + static_cast<double>(b[c])) * w;
}

/// acc[c] += (a[c] + v) * w: a pair whose other tap is the constant outside.
template <class T>
[[gnu::noinline]] void taps_pair_constant(double* __restrict acc, const T* __restrict a, double v,
                                          double w, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) acc[c] += (static_cast<double>(a[c]) + v) * w;
}

/// acc[c] += v: a pair of taps that both fall on the constant outside.
void taps_add(double* acc, double v, std::size_t n);

/// Converts n pixels of type T to double.
template <class T>
[[gnu::noinline]] void to_double(const T* __restrict in, double* __restrict out, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) out[c] = static_cast<double>(in[c]);
}

/// Stores n doubles as pixels of type T (filter_cast).
template <class T>
[[gnu::noinline]] void from_double(const double* __restrict in, T* __restrict out, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) out[c] = filter_cast<T>(in[c]);
}

/// Copies `row` (n samples) into line[before, before + n) as doubles and
/// extends it by `before` and `after` samples under `b` (scipy's line buffer).
template <class T>
void extend_line(const T* row, std::size_t n, std::size_t before, std::size_t after, Boundary b,
                 double* line) {
  to_double(row, line + before, n);
  const auto len = static_cast<std::ptrdiff_t>(n);
  auto outside = [&](std::ptrdiff_t i) {
    const std::ptrdiff_t m = map_index(i, len, b.mode);
    return m < 0 ? b.cval : line[static_cast<std::ptrdiff_t>(before) + m];
  };
  for (std::size_t j = 1; j <= before; ++j)
    line[before - j] = outside(-static_cast<std::ptrdiff_t>(j));
  for (std::size_t j = 0; j < after; ++j)
    line[before + n + j] = outside(len + static_cast<std::ptrdiff_t>(j));
}

/// The rows of a frame, extended along axis 0 under a boundary mode.
template <class T>
class RowSource {
 public:
  RowSource(const T* data, FrameShape shape, Boundary b) : data_(data), shape_(shape), b_(b) {}

  /// The source row at position i (any integer) of axis 0, or nullptr when
  /// it is the constant outside.
  const T* row(std::ptrdiff_t i) const {
    const std::ptrdiff_t m = map_index(i, static_cast<std::ptrdiff_t>(shape_.rows), b_.mode);
    return m < 0 ? nullptr : data_ + static_cast<std::size_t>(m) * shape_.cols;
  }
  std::size_t cols() const { return shape_.cols; }
  Boundary boundary() const { return b_; }

 private:
  const T* data_;
  FrameShape shape_;
  Boundary b_;
};

/// Axis-0 correlation of output row i: acc[c] = sum over taps of the rows
/// above and below, in scipy's order (centre, then the outermost pair first).
/// One pass over the row per pair of taps: blocking the columns to keep acc in
/// registers across all taps measured 1.4x slower (2r+1 concurrent row
/// streams, likely competing for the same cache sets at power-of-two widths).
template <class T>
void correlate_axis0(const RowSource<T>& src, std::ptrdiff_t i, const SymmetricKernel& k,
                     double* acc) {
  const std::size_t n = src.cols();
  const double cval = src.boundary().cval;
  taps_center(acc, src.row(i), k.w[0], n);
  for (std::size_t d = k.radius(); d >= 1; --d) {
    const auto off = static_cast<std::ptrdiff_t>(d);
    const T* above = src.row(i - off);
    const T* below = src.row(i + off);
    if (above && below) {
      taps_pair(acc, above, below, k.w[d], n);
    } else if (above || below) {
      taps_pair_constant(acc, above ? above : below, cval, k.w[d], n);  // a + b == b + a exactly
    } else {
      taps_add(acc, (cval + cval) * k.w[d], n);
    }
  }
}

/// Axis-1 correlation of one line extended by the kernel's radius on each side.
inline void correlate_line(const double* line, std::size_t n, const SymmetricKernel& k,
                           double* acc) {
  const std::size_t r = k.radius();
  taps_center(acc, line + r, k.w[0], n);
  for (std::size_t d = r; d >= 1; --d) taps_pair(acc, line + r - d, line + r + d, k.w[d], n);
}

/// scipy's correlate1d along axis 0 (k0) then axis 1 (k1), the intermediate
/// stored as Out; a null kernel skips its axis (gaussian_filter skips axes
/// whose sigma is ~0). One object per thread and frame: it owns row scratch.
template <class In, class Out>
class SeparableCorrelation {
 public:
  SeparableCorrelation(const SymmetricKernel* k0, const SymmetricKernel* k1, std::size_t cols)
      : k0_(k0), k1_(k1), acc_(cols), mid_(cols), line_(cols + 2 * (k1 ? k1->radius() : 0)) {}

  /// Output row i of the filtered frame `src`, stored in `out` (cols pixels).
  void row(const RowSource<In>& src, std::ptrdiff_t i, Out* out) {
    const std::size_t n = src.cols();
    const std::size_t r1 = k1_ ? k1_->radius() : 0;
    if (k0_) {
      correlate_axis0(src, i, *k0_, acc_.data());
      if (!k1_) return from_double(acc_.data(), out, n);
      from_double(acc_.data(), mid_.data(),
                  n);  // scipy's intermediate array is of the output dtype
      extend_line(mid_.data(), n, r1, r1, src.boundary(), line_.data());
    } else if (k1_) {
      extend_line(src.row(i), n, r1, r1, src.boundary(), line_.data());
    } else {
      return copy_row(src.row(i), out, n);
    }
    correlate_line(line_.data(), n, *k1_, acc_.data());
    from_double(acc_.data(), out, n);
  }

 private:
  static void copy_row(const In* in, Out* out, std::size_t n) {
    if constexpr (std::is_same_v<In, Out>) {
      std::copy(in, in + n, out);  // scipy: output[...] = input (int64 must not go through double)
    } else {
      for (std::size_t c = 0; c < n; ++c) out[c] = filter_cast<Out>(static_cast<double>(in[c]));
    }
  }

  const SymmetricKernel* k0_;
  const SymmetricKernel* k1_;
  std::vector<double> acc_;
  std::vector<Out> mid_;
  std::vector<double> line_;
};

}  // namespace ims::filters
