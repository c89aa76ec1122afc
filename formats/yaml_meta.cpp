#include "formats/yaml_meta.hpp"

#include <yaml-cpp/yaml.h>

#include <sstream>

#include "core/logging.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/posix_file.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

MetaValue scalar_value(const YAML::Node& node) {
  const std::string text = node.Scalar();
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return MetaValue(text);  // quoted
  std::int64_t i = 0;
  if (YAML::convert<std::int64_t>::decode(node, i)) return MetaValue(i);
  double d = 0;
  if (YAML::convert<double>::decode(node, d)) return MetaValue(d);
  bool b = false;
  if (YAML::convert<bool>::decode(node, b)) return MetaValue(b);
  return MetaValue(text);
}

std::optional<MetaValue> list_value(const YAML::Node& node) {
  std::vector<double> values;
  bool integers = true;
  for (const auto& item : node) {
    if (!item.IsScalar()) return std::nullopt;
    const MetaValue v = scalar_value(item);
    if (v.is<std::int64_t>()) {
      values.push_back(static_cast<double>(v.as<std::int64_t>()));
    } else if (v.is<double>()) {
      values.push_back(v.as<double>());
      integers = false;
    } else {
      return std::nullopt;
    }
  }
  if (integers) {
    std::vector<std::int64_t> ints(values.begin(), values.end());
    return MetaValue(NdArray::from(ints, {ints.size()}));
  }
  return MetaValue(NdArray::from(values, {values.size()}));
}

}  // namespace

NdArray read_npy_array(const std::string& path) {
  const PosixFile file = PosixFile::open_read(path, "npy");
  std::vector<std::byte> head(std::min<std::uint64_t>(file.size(), 1 << 16));
  file.pread_exact(head.data(), head.size(), 0);
  const std::size_t header_bytes = npy_header_bytes(head.data(), head.size(), path);
  if (header_bytes > head.size()) {
    head.resize(std::min<std::uint64_t>(header_bytes, file.size()));
    file.pread_exact(head.data(), head.size(), 0);
  }
  const NpyHeader h = parse_npy_header(head.data(), head.size(), path);
  if (h.fortran_order && h.shape.size() > 1) {
    throw Error(ErrorKind::unsupported, "a Fortran-order array as metadata").with_stage("npy").with_file(path);
  }
  if (file.size() < h.data_offset + h.data_bytes()) {
    throw Error(ErrorKind::format,
                "truncated: its header promises " + std::to_string(h.data_bytes()) + " bytes of data")
        .with_stage("npy")
        .with_file(path);
  }
  NdArray a{h.dtype, h.shape, std::vector<std::byte>(h.data_bytes())};
  file.pread_exact(a.data.data(), a.data.size(), h.data_offset);
  if (h.byte_order != kNativeByteOrder) byteswap_inplace(a.data.data(), a.size(), dtype_size(a.dtype));
  return a;
}

Metadata read_yaml_meta(const YAML::Node& meta, const std::filesystem::path& base, const std::string& file) {
  Metadata out;
  if (!meta || meta.IsNull()) return out;
  if (!meta.IsMap()) throw Error(ErrorKind::format, "meta is not a mapping").with_stage("yaml").with_file(file);
  for (const auto& item : meta) {
    const std::string key = item.first.as<std::string>();
    const YAML::Node& value = item.second;
    if (value.IsScalar()) {
      const std::string text = value.Scalar();
      const std::vector<std::string> parts = words(text);
      if (parts.size() >= 2 && parts[0] == "!") {  // hexrd's trigger
        if (parts[1] != "load-numpy-array" || parts.size() < 3) {
          spdlog::warn("{}: meta '{}': '{}' is not a command ims (or hexrd) knows; the key is dropped", file, key,
                       text);
          continue;
        }
        const std::filesystem::path sidecar = base / parts[2];
        try {
          out.set(key, read_npy_array(sidecar.string()));
        } catch (Error& e) {
          throw e.with_stage("yaml: " + file + ": meta '" + key + "'");
        }
        continue;
      }
      if (text == "++np.array") {  // hexrd's legacy form: the values are under KEY-array
        const YAML::Node values = meta[key + "-array"];
        if (auto array = values ? list_value(values) : std::nullopt) out.set(key, std::move(*array));
        continue;
      }
      if (key.size() > 6 && key.ends_with("-array") && meta[key.substr(0, key.size() - 6)] &&
          meta[key.substr(0, key.size() - 6)].Scalar() == "++np.array") {
        continue;  // consumed by its key
      }
      out.set(key, scalar_value(value));
    } else if (value.IsSequence()) {
      if (auto array = list_value(value)) {
        out.set(key, std::move(*array));
      } else {
        spdlog::warn("{}: meta '{}': a list that is not all numbers; skipped", file, key);
      }
    } else if (value.IsMap()) {
      out.set(key, read_yaml_meta(value, base, file));
    }
  }
  return out;
}

}  // namespace ims
