#pragma once
/// ims::Image: one 2-D image the caller owns: a statistic of a run
/// (ims::Results), or an image given to an op (a dark, a mask). C order,
/// native byte order, with its metadata.
///
/// Threading contract: an Image is a plain value. Reading one from several
/// threads is safe; writing one while another thread uses it is not.

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "ims/dtype.hpp"
#include "ims/error.hpp"
#include "ims/metadata.hpp"

namespace ims {

class Image {
 public:
  Image() = default;
  /// rows x cols pixels of `dtype`, all zero.
  Image(std::size_t rows, std::size_t cols, DType dtype);
  /// Copies rows x cols pixels of `dtype` from `pixels` (C order).
  Image(const void* pixels, std::size_t rows, std::size_t cols, DType dtype);

  /// An image of the values in `pixels` (rows * cols of them), copied.
  template <class T>
  static Image from(const std::vector<T>& pixels, std::size_t rows, std::size_t cols);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t pixels() const { return rows_ * cols_; }
  DType dtype() const { return dtype_; }
  std::size_t bytes() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  const std::byte* data() const { return data_.data(); }
  std::byte* data() { return data_.data(); }

  /// The pixels as T, which must be the C++ type of dtype() (a usage
  /// ims::Error otherwise: no silent reinterpretation).
  template <class T>
  std::span<const T> values() const;
  template <class T>
  std::span<T> values();
  /// One pixel, converted to T like numpy's astype.
  template <class T>
  T at(std::size_t row, std::size_t col) const;

  /// What made the image (a statistic's source, frames, ops), as its file
  /// attributes record it.
  const Metadata& metadata() const { return metadata_; }
  Metadata& metadata() { return metadata_; }

 private:
  void check_type(DType requested) const;
  void check_pixel(std::size_t row, std::size_t col) const;

  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  DType dtype_ = DType::float64;
  std::vector<std::byte> data_;
  Metadata metadata_;
};

// ---- template definitions ----

template <class T>
Image Image::from(const std::vector<T>& pixels, std::size_t rows, std::size_t cols) {
  if (pixels.size() != rows * cols) {
    throw Error(ErrorKind::usage, "Image::from: " + std::to_string(pixels.size()) + " values for " +
                                      std::to_string(rows) + "x" + std::to_string(cols) + " pixels");
  }
  return Image(pixels.data(), rows, cols, dtype_of_v<T>);
}

template <class T>
std::span<const T> Image::values() const {
  check_type(dtype_of_v<T>);
  return {reinterpret_cast<const T*>(data_.data()), pixels()};
}

template <class T>
std::span<T> Image::values() {
  check_type(dtype_of_v<T>);
  return {reinterpret_cast<T*>(data_.data()), pixels()};
}

template <class T>
T Image::at(std::size_t row, std::size_t col) const {
  check_pixel(row, col);
  return visit_dtype(dtype_, [&](auto tag) {
    using S = decltype(tag);
    S value;
    std::memcpy(&value, data_.data() + (row * cols_ + col) * sizeof(S), sizeof(S));
    return static_cast<T>(value);
  });
}

}  // namespace ims
