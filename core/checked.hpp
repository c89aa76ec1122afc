#pragma once
// Checked and saturating size arithmetic. Sizes that come from files (a
// .npy shape, HDF5 dimensions, a sidecar's dims) are untrusted: a product
// that wraps around turns a hostile header into a division by zero or a read
// past a mapping. Every such product goes through checked_product; planners,
// whose answer to "too large" is an error about the budget, saturate.

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "ims/dtype.hpp"

namespace ims {

/// a * b, or nullopt when it does not fit in 64 bits.
inline std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

/// The product of `factors`, or nullopt when it, or any partial product,
/// passes `limit`.
std::optional<std::uint64_t> checked_product(std::span<const std::uint64_t> factors,
                                             std::uint64_t limit = std::numeric_limits<std::uint64_t>::max());

/// a * b and a + b, stuck at the largest value instead of wrapping.
inline std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  return checked_mul(a, b).value_or(std::numeric_limits<std::uint64_t>::max());
}
inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::uint64_t>::max() : sum;
}

/// The largest byte size of an array ims accepts: the largest file offset
/// (off_t), so that every offset and size derived from it fits.
inline constexpr std::uint64_t kMaxArrayBytes = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

/// "(1, 4294967296, 2147483648)", as numpy prints a shape.
std::string shape_text(std::span<const std::uint64_t> dims);

/// Throws a format ims::Error "shape (...) overflows" at `stage` naming
/// `file` when an array of `dims` with `item_bytes` per element would pass
/// kMaxArrayBytes (a zero dimension makes it empty, never an overflow).
void check_array_bytes(std::span<const std::uint64_t> dims, std::uint64_t item_bytes, const std::string& stage,
                       const std::string& file);

/// The same for a series: `frames` frames of `shape` and `dtype`.
void check_series_bytes(std::uint64_t frames, std::uint64_t rows, std::uint64_t cols, DType dtype,
                        const std::string& stage, const std::string& file);

}  // namespace ims
