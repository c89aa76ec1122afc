#include "formats/metadata_json.hpp"

#include <cstring>

#include "ims/error.hpp"

namespace ims {

namespace {

nlohmann::ordered_json array_to_json(const NdArray& a) {
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (is_floating(a.dtype)) {
      data.push_back(a.at<double>(i));
    } else {
      data.push_back(a.at<std::int64_t>(i));
    }
  }
  return {{"dtype", std::string(dtype_name(a.dtype))}, {"shape", a.shape}, {"data", data}};
}

NdArray array_from_json(const nlohmann::ordered_json& j, const std::string& where) {
  NdArray a;
  a.dtype = parse_dtype(j.at("dtype").get<std::string>());
  a.shape = j.at("shape").get<std::vector<std::size_t>>();
  const auto& data = j.at("data");
  if (!data.is_array() || data.size() != a.size()) {
    throw Error(ErrorKind::format, "array '" + where + "' has " + std::to_string(data.size()) +
                                       " values for shape of " + std::to_string(a.size()));
  }
  a.data.resize(a.size() * dtype_size(a.dtype));
  visit_dtype(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (std::size_t i = 0; i < a.size(); ++i) {
      T v = data[i].get<T>();
      std::memcpy(a.data.data() + i * sizeof(T), &v, sizeof(T));
    }
  });
  return a;
}

bool is_array_object(const nlohmann::ordered_json& j) {
  return j.is_object() && j.size() == 3 && j.contains("dtype") && j.contains("shape") && j.contains("data");
}

MetaValue value_from_json(const nlohmann::ordered_json& j, const std::string& where) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean: return j.get<bool>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return j.get<std::int64_t>();
    case nlohmann::json::value_t::number_float: return j.get<double>();
    case nlohmann::json::value_t::string: return j.get<std::string>();
    case nlohmann::json::value_t::object:
      if (is_array_object(j)) return array_from_json(j, where);
      return metadata_from_json(j, where);
    default:
      throw Error(ErrorKind::format, "metadata entry '" + where + "' has an unsupported JSON type (" +
                                         std::string(j.type_name()) + ")");
  }
}

}  // namespace

nlohmann::ordered_json metadata_to_json(const Metadata& metadata) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    const MetaValue& v = metadata.value(i);
    auto& slot = j[metadata.keys()[i]];
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, NdArray>) {
            slot = array_to_json(x);
          } else if constexpr (std::is_same_v<X, Metadata>) {
            slot = metadata_to_json(x);
          } else {
            slot = x;
          }
        },
        v.variant());
  }
  return j;
}

Metadata metadata_from_json(const nlohmann::ordered_json& json, const std::string& where) {
  if (!json.is_object()) throw Error(ErrorKind::format, "metadata '" + where + "' is not a JSON object");
  Metadata m;
  for (auto it = json.begin(); it != json.end(); ++it) {
    std::string path = where.empty() ? it.key() : where + "." + it.key();
    try {
      m.set(it.key(), value_from_json(it.value(), path));
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorKind::format, "metadata entry '" + path + "' is malformed (" + e.what() + ")");
    }
  }
  return m;
}

}  // namespace ims
