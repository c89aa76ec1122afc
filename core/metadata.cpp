#include "ims/metadata.hpp"

#include <sstream>

#include "ims/error.hpp"

namespace ims {

std::size_t NdArray::size() const {
  std::size_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

bool Metadata::contains(std::string_view key) const { return find(key) != nullptr; }

const MetaValue* Metadata::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &values_[i];
  }
  return nullptr;
}

const MetaValue& Metadata::at(std::string_view key) const {
  if (const auto* v = find(key)) return *v;
  throw Error(ErrorKind::not_found, "no metadata entry '" + std::string(key) + "'");
}

void Metadata::set(std::string key, MetaValue value) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      values_[i] = std::move(value);
      return;
    }
  }
  keys_.push_back(std::move(key));
  values_.push_back(std::move(value));
}

bool Metadata::erase(std::string_view key) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(i));
      values_.erase(values_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

bool Metadata::operator==(const Metadata& other) const {
  return keys_ == other.keys_ && values_ == other.values_;
}

std::string_view MetaValue::type_name() const {
  switch (value_.index()) {
    case 0: return "bool";
    case 1: return "int";
    case 2: return "float";
    case 3: return "string";
    case 4: return "array";
    default: return "map";
  }
}

namespace {

std::string array_summary(const NdArray& a) {
  std::ostringstream out;
  out << dtype_name(a.dtype) << " array, shape (";
  for (std::size_t i = 0; i < a.shape.size(); ++i) out << (i ? ", " : "") << a.shape[i];
  if (a.shape.size() == 1) out << ",";
  out << ")";
  std::size_t n = a.size();
  constexpr std::size_t kShown = 6;
  out << " [";
  for (std::size_t i = 0; i < std::min(n, kShown); ++i) {
    if (i) out << ", ";
    if (is_floating(a.dtype)) {
      out << a.at<double>(i);
    } else {
      out << a.at<std::int64_t>(i);
    }
  }
  if (n > kShown) out << ", ...";
  out << "]";
  return out.str();
}

}  // namespace

std::string to_text(const Metadata& metadata, int indent) {
  std::ostringstream out;
  std::string pad(static_cast<std::size_t>(indent), ' ');
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    const auto& key = metadata.keys()[i];
    const auto& v = metadata.value(i);
    out << pad << key << ":";
    if (v.is<Metadata>()) {
      out << "\n" << to_text(v.as<Metadata>(), indent + 2);
      continue;
    }
    out << " ";
    if (v.is<bool>()) out << (v.as<bool>() ? "true" : "false");
    if (v.is<std::int64_t>()) out << v.as<std::int64_t>();
    if (v.is<double>()) out << v.as<double>();
    if (v.is<std::string>()) out << "'" << v.as<std::string>() << "'";
    if (v.is<NdArray>()) out << array_summary(v.as<NdArray>());
    out << "\n";
  }
  return out.str();
}

}  // namespace ims
