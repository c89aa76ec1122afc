#include "formats/framecache/yml_sidecars.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <limits>

#include "core/output_file.hpp"
#include "formats/framecache/npz_members.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

void write_sidecar(const std::filesystem::path& path, const MetaValue& array) {
  AtomicOutput output(path);
  PosixFile file = PosixFile::create(output.temp_path().string(), "frame-cache", path.string());
  const std::string bytes = npy_bytes_of(array);
  file.write_all(bytes.data(), bytes.size());
  file.close();
  output.commit();
}

/// `metadata` into the YAML map being emitted, keys sorted as
/// yaml.safe_dump sorts them; arrays become sidecar triggers.
void emit_meta(YAML::Emitter& out, const Metadata& metadata, const std::filesystem::path& sidecars,
               const std::string& stem) {
  std::vector<std::size_t> order(metadata.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return metadata.keys()[a] < metadata.keys()[b]; });
  out << YAML::BeginMap;
  for (std::size_t i : order) {
    const std::string& key = metadata.keys()[i];
    const MetaValue& value = metadata.value(i);
    out << YAML::Key << key << YAML::Value;
    if (value.is<NdArray>()) {
      const std::string name = stem + "-" + key + ".npy";
      write_sidecar(sidecars / name, value);
      out << YAML::SingleQuoted << ("! load-numpy-array " + name);
    } else if (value.is<Metadata>()) {
      emit_meta(out, value.as<Metadata>(), sidecars, stem + "-" + key);
    } else if (value.is<std::string>()) {
      out << value.as<std::string>();
    } else if (value.is<double>()) {
      out << value.as<double>();
    } else if (value.is<std::int64_t>()) {
      out << value.as<std::int64_t>();
    } else if (value.is<bool>()) {
      out << value.as<bool>();
    }
  }
  out << YAML::EndMap;
}

}  // namespace

void write_cache_yaml(const std::string& yaml, const std::string& cache_file, const std::string& cache_path,
                      const SeriesInfo& info) {
  YAML::Emitter out;
  out.SetDoublePrecision(std::numeric_limits<double>::max_digits10);
  out << YAML::BeginMap;
  out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "dtype" << YAML::Value << std::string(dtype_name(info.frame.dtype));
  out << YAML::Key << "file" << YAML::Value << cache_file;
  out << YAML::Key << "nframes" << YAML::Value << info.frames;
  out << YAML::Key << "shape" << YAML::Value << YAML::BeginSeq << info.frame.shape.rows << info.frame.shape.cols
      << YAML::EndSeq;
  out << YAML::EndMap;
  out << YAML::Key << "meta" << YAML::Value;
  emit_meta(out, info.metadata, std::filesystem::path(cache_path).parent_path(),
            std::filesystem::path(yaml).stem().string());
  out << YAML::EndMap;
  write_text_atomically(yaml, std::string(out.c_str()) + "\n");
}

}  // namespace ims
