#include "ims/image.hpp"

#include "core/checked.hpp"

namespace ims {

namespace {

std::size_t image_bytes(std::size_t rows, std::size_t cols, DType dtype) {
  const std::uint64_t factors[] = {rows, cols, dtype_size(dtype)};
  const auto bytes = checked_product(factors, kMaxArrayBytes);
  if (!bytes) {
    throw Error(ErrorKind::usage, "an image of " + std::to_string(rows) + "x" + std::to_string(cols) + " " +
                                      std::string(dtype_name(dtype)) + " pixels overflows");
  }
  return static_cast<std::size_t>(*bytes);
}

}  // namespace

Image::Image(std::size_t rows, std::size_t cols, DType dtype)
    : rows_(rows), cols_(cols), dtype_(dtype), data_(image_bytes(rows, cols, dtype)) {}

Image::Image(const void* pixels, std::size_t rows, std::size_t cols, DType dtype) : Image(rows, cols, dtype) {
  if (!data_.empty()) std::memcpy(data_.data(), pixels, data_.size());
}

void Image::check_type(DType requested) const {
  if (requested != dtype_) {
    throw Error(ErrorKind::usage, "the image holds " + std::string(dtype_name(dtype_)) + " pixels, not " +
                                      std::string(dtype_name(requested)));
  }
}

void Image::check_pixel(std::size_t row, std::size_t col) const {
  if (row >= rows_ || col >= cols_) {
    throw Error(ErrorKind::out_of_range, "pixel (" + std::to_string(row) + ", " + std::to_string(col) +
                                             ") is outside the " + std::to_string(rows_) + "x" + std::to_string(cols_) +
                                             " image");
  }
}

}  // namespace ims
