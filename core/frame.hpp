#pragma once
// Frame geometry, aligned pixel buffers and non-owning frame views.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include "ims/dtype.hpp"

namespace ims {

struct FrameShape {
  std::size_t rows = 0;
  std::size_t cols = 0;

  std::size_t pixels() const { return rows * cols; }
  bool operator==(const FrameShape&) const = default;
};

/// "2048x2048" (rows x cols), as messages print shapes.
std::string to_string(FrameShape shape);

/// Shape and pixel type of the frames flowing through a stage.
struct FrameInfo {
  FrameShape shape;
  DType dtype = DType::uint16;

  std::size_t bytes() const { return shape.pixels() * dtype_size(dtype); }
  bool operator==(const FrameInfo&) const = default;
};

/// Alignment of every pixel buffer: a cache line, and a full AVX-512 register.
inline constexpr std::size_t kBufferAlignment = 64;

/// An owning, uninitialised, 64-byte aligned block of bytes. Move-only.
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t bytes);
  AlignedBuffer(AlignedBuffer&&) noexcept = default;
  AlignedBuffer& operator=(AlignedBuffer&&) noexcept = default;

  std::byte* data() { return data_.get(); }
  const std::byte* data() const { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(std::byte* p) const;
  };
  std::unique_ptr<std::byte, Free> data_;
  std::size_t size_ = 0;
};

/// A non-owning view of one frame: contiguous rows, C order, native byte order.
template <class Byte>
class BasicFrameView {
 public:
  BasicFrameView() = default;
  BasicFrameView(Byte* data, FrameShape shape, DType dtype)
      : data_(data), shape_(shape), dtype_(dtype) {}
  // A mutable view converts to a const one.
  template <class Other, class = std::enable_if_t<std::is_const_v<Byte> && !std::is_const_v<Other>>>
  BasicFrameView(const BasicFrameView<Other>& other)  // NOLINT(google-explicit-constructor)
      : data_(other.data()), shape_(other.shape()), dtype_(other.dtype()) {}

  Byte* data() const { return data_; }
  FrameShape shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  FrameInfo info() const { return {shape_, dtype_}; }
  std::size_t pixels() const { return shape_.pixels(); }
  std::size_t bytes() const { return pixels() * dtype_size(dtype_); }

  /// Typed access; T must be the C++ type of dtype() (checked in debug builds).
  template <class T>
  auto as() const {
    using Out = std::conditional_t<std::is_const_v<Byte>, const T, T>;
    return reinterpret_cast<Out*>(data_);
  }

 private:
  Byte* data_ = nullptr;
  FrameShape shape_;
  DType dtype_ = DType::uint16;
};

using FrameView = BasicFrameView<std::byte>;
using ConstFrameView = BasicFrameView<const std::byte>;

/// An owning frame: an aligned buffer with its shape and pixel type.
class FrameBuffer {
 public:
  FrameBuffer() = default;
  FrameBuffer(FrameShape shape, DType dtype);
  explicit FrameBuffer(FrameInfo info) : FrameBuffer(info.shape, info.dtype) {}

  FrameShape shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  FrameInfo info() const { return {shape_, dtype_}; }
  std::size_t bytes() const { return shape_.pixels() * dtype_size(dtype_); }
  std::byte* data() { return buffer_.data(); }
  const std::byte* data() const { return buffer_.data(); }
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(buffer_.data());
  }
  template <class T>
  const T* as() const {
    return reinterpret_cast<const T*>(buffer_.data());
  }
  FrameView view() { return {buffer_.data(), shape_, dtype_}; }
  ConstFrameView view() const { return {buffer_.data(), shape_, dtype_}; }

 private:
  AlignedBuffer buffer_;
  FrameShape shape_;
  DType dtype_ = DType::uint16;
};

}  // namespace ims
