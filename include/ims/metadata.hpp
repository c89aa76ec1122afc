#pragma once
// Metadata: a typed, insertion-ordered dictionary that readers fill and writers
// store (HDF5 group attributes, npz members, YAML, ...). hexrd keeps e.g.
// `omega` (an n x 2 float64 array), `panel` (a string) and nested dicts here.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ims/dtype.hpp"

namespace ims {

/// An n-dimensional numeric array in native byte order, C order.
struct NdArray {
  DType dtype = DType::float64;
  std::vector<std::size_t> shape;  // empty = 0-d (a numpy scalar array)
  std::vector<std::byte> data;

  std::size_t size() const;  // number of elements
  template <class T>
  static NdArray from(const std::vector<T>& values, std::vector<std::size_t> shape);
  template <class T>
  T at(std::size_t flat_index) const;  // converts from dtype to T
  bool operator==(const NdArray&) const = default;
};

class MetaValue;

/// Keys keep their insertion order (as HDF5 attributes and npz members do).
class Metadata {
 public:
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }
  bool contains(std::string_view key) const;
  /// Throws a not_found ims::Error when the key is missing.
  const MetaValue& at(std::string_view key) const;
  const MetaValue* find(std::string_view key) const;
  /// Inserts or replaces.
  void set(std::string key, MetaValue value);
  bool erase(std::string_view key);

  const std::vector<std::string>& keys() const { return keys_; }
  const MetaValue& value(std::size_t i) const { return values_[i]; }

  bool operator==(const Metadata& other) const;

 private:
  std::vector<std::string> keys_;
  std::vector<MetaValue> values_;
};

class MetaValue {
 public:
  using Variant = std::variant<bool, std::int64_t, double, std::string, NdArray, Metadata>;

  MetaValue() : value_(false) {}
  MetaValue(bool v) : value_(v) {}  // NOLINT(google-explicit-constructor)
  MetaValue(int v) : value_(std::int64_t{v}) {}  // NOLINT
  MetaValue(std::int64_t v) : value_(v) {}  // NOLINT
  MetaValue(double v) : value_(v) {}  // NOLINT
  MetaValue(std::string v) : value_(std::move(v)) {}  // NOLINT
  MetaValue(const char* v) : value_(std::string(v)) {}  // NOLINT
  MetaValue(NdArray v) : value_(std::move(v)) {}  // NOLINT
  MetaValue(Metadata v) : value_(std::move(v)) {}  // NOLINT

  template <class T>
  bool is() const {
    return std::holds_alternative<T>(value_);
  }
  template <class T>
  const T& as() const {
    return std::get<T>(value_);
  }
  const Variant& variant() const { return value_; }
  /// "bool", "int", "float", "string", "array", "map".
  std::string_view type_name() const;
  bool operator==(const MetaValue&) const = default;

 private:
  Variant value_;
};

/// Human-readable rendering for `ims info`: one `key: value` line per entry,
/// nested maps indented, arrays summarised (dtype, shape, first values).
std::string to_text(const Metadata& metadata, int indent = 0);

// ---- template definitions ----

template <class T>
NdArray NdArray::from(const std::vector<T>& values, std::vector<std::size_t> shape) {
  NdArray a;
  a.dtype = dtype_of_v<T>;
  a.shape = std::move(shape);
  a.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

template <class T>
T NdArray::at(std::size_t flat_index) const {
  return visit_dtype(dtype, [&](auto tag) {
    using S = decltype(tag);
    S v;
    std::memcpy(&v, data.data() + flat_index * sizeof(S), sizeof(S));
    return static_cast<T>(v);
  });
}

}  // namespace ims
