#include "core/checked.hpp"

#include <vector>

#include "ims/error.hpp"

namespace ims {

std::optional<std::uint64_t> checked_product(std::span<const std::uint64_t> factors, std::uint64_t limit) {
  std::uint64_t product = 1;
  for (std::uint64_t f : factors) {
    auto next = checked_mul(product, f);
    if (!next || *next > limit) return std::nullopt;
    product = *next;
  }
  return product;
}

std::string shape_text(std::span<const std::uint64_t> dims) {
  std::string text = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + (dims.size() == 1 ? ",)" : ")");
}

void check_array_bytes(std::span<const std::uint64_t> dims, std::uint64_t item_bytes, const std::string& stage,
                       const std::string& file) {
  // Zero dimensions are left out: an empty array of (0, 2^40, 2^40) would
  // still make a frame of 2^80 pixels.
  std::vector<std::uint64_t> factors{item_bytes};
  for (std::uint64_t d : dims) {
    if (d) factors.push_back(d);
  }
  if (!checked_product(factors, kMaxArrayBytes)) {
    throw Error(ErrorKind::format, "shape " + shape_text(dims) + " overflows (more than 2^63 bytes of " +
                                       std::to_string(item_bytes) + "-byte elements)")
        .with_stage(stage)
        .with_file(file);
  }
}

void check_series_bytes(std::uint64_t frames, std::uint64_t rows, std::uint64_t cols, DType dtype,
                        const std::string& stage, const std::string& file) {
  const std::uint64_t dims[] = {frames, rows, cols};
  check_array_bytes(dims, dtype_size(dtype), stage, file);
}

}  // namespace ims
