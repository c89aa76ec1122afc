#pragma once
// Little-endian byte streams for serialising reducer states (so partial
// results can be saved, shipped between processes and nodes, and merged).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ims/error.hpp"

namespace ims {

namespace detail {
inline void swap_elements(std::byte* data, std::size_t count, std::size_t size) {
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t a = 0, b = size - 1; a < b; ++a, --b) {
      std::swap(data[i * size + a], data[i * size + b]);
    }
  }
}
}  // namespace detail

class ByteWriter {
 public:
  template <class T>
  void put(T value) {
    static_assert(std::is_arithmetic_v<T>);
    put_array(&value, 1);
  }
  template <class T>
  void put_array(const T* values, std::size_t count) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::size_t offset = append(values, count * sizeof(T));
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
      detail::swap_elements(bytes_.data() + offset, count, sizeof(T));
    }
  }
  void put_string(std::string_view s) {
    put<std::uint64_t>(s.size());
    append(s.data(), s.size());
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  // Appends raw bytes and returns where they start.
  std::size_t append(const void* data, std::size_t n) {
    std::size_t offset = bytes_.size();
    bytes_.resize(offset + n);
    if (n) std::memcpy(bytes_.data() + offset, data, n);
    return offset;
  }
  std::vector<std::byte> bytes_;
};

/// Reads what ByteWriter wrote; any read past the end is a format error.
class ByteReader {
 public:
  ByteReader(const std::byte* data, std::size_t size) : data_(data), size_(size) {}
  explicit ByteReader(const std::vector<std::byte>& bytes) : ByteReader(bytes.data(), bytes.size()) {}

  template <class T>
  T get() {
    T v{};
    get_array(&v, 1);
    return v;
  }
  template <class T>
  void get_array(T* out, std::size_t count) {
    if (count > remaining() / sizeof(T)) {  // before count * sizeof(T), which could wrap around
      throw Error(ErrorKind::format, "truncated serialised state (needed " + std::to_string(count) + " values of " +
                                         std::to_string(sizeof(T)) + " bytes, " + std::to_string(remaining()) +
                                         " bytes left)");
    }
    std::size_t n = count * sizeof(T);
    need(n);
    std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    if constexpr (std::endian::native == std::endian::big && sizeof(T) > 1) {
      detail::swap_elements(reinterpret_cast<std::byte*>(out), count, sizeof(T));
    }
  }
  std::string get_string() {
    auto n = get<std::uint64_t>();
    need(n);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }
  std::size_t remaining() const { return size_ - pos_; }

 private:
  void need(std::size_t n) const {
    if (n > size_ - pos_) {
      throw Error(ErrorKind::format, "truncated serialised state (needed " + std::to_string(n) +
                                         " more bytes, " + std::to_string(size_ - pos_) + " left)");
    }
  }
  const std::byte* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace ims
