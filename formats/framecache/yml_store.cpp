// The deprecated YAML style (§2.8): a YAML file naming the npz that holds
// the frames (relative to the YAML's directory), with the header repeated
// and the metadata in `meta` (hexrd's yamlmeta, .npy sidecars).

#include <yaml-cpp/yaml.h>

#include "formats/framecache/framecache.hpp"
#include "formats/posix_file.hpp"
#include "formats/yaml_meta.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

Error yml_error(ErrorKind kind, const std::string& file, const std::string& message) {
  return Error(kind, message).with_stage("frame-cache").with_file(file);
}

YAML::Node load_yaml(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw yml_error(ErrorKind::not_found, path, "no such file");
  check_not_special(path, "frame-cache");
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw yml_error(ErrorKind::format, path, std::string("not valid YAML: ") + e.what());
  }
}

YAML::Node required(const YAML::Node& data, const char* key, const std::string& path) {
  const YAML::Node node = data[key];
  if (!node) {
    throw yml_error(ErrorKind::format, path,
                    std::string("no data.") + key +
                        " (hexrd's frame-cache YAML needs data: {file, nframes, shape, "
                        "dtype} and meta)");
  }
  return node;
}

/// The header the YAML repeats must be the npz's.
void check_agrees(const YAML::Node& data, const SparseStore& npz, const std::string& path) {
  try {
    const auto nframes = required(data, "nframes", path).as<std::size_t>();
    const auto shape = required(data, "shape", path).as<std::vector<std::size_t>>();
    const auto dtype = required(data, "dtype", path).as<std::string>();
    if (nframes != npz.frames) {
      throw yml_error(ErrorKind::format, path,
                      "data.nframes is " + std::to_string(nframes) + ", but " + npz.files.front() + " holds " +
                          std::to_string(npz.frames));
    }
    if (shape.size() != 2 || shape[0] != npz.shape.rows || shape[1] != npz.shape.cols) {
      throw yml_error(ErrorKind::format, path, "data.shape disagrees with the shape of " + npz.files.front());
    }
    if (find_dtype(dtype) != npz.dtype) {
      throw yml_error(ErrorKind::format, path,
                      "data.dtype '" + dtype + "' disagrees with " + npz.files.front() + " (" +
                          std::string(dtype_name(npz.dtype)) + ")");
    }
  } catch (const YAML::Exception& e) {
    throw yml_error(ErrorKind::format, path, std::string("data: ") + e.what());
  }
}

}  // namespace

SparseStore open_yml_store(const std::string& path, MetaPaths meta_paths) {
  const YAML::Node root = load_yaml(path);
  if (!root.IsMap() || !root["data"] || !root["data"].IsMap()) {
    throw yml_error(ErrorKind::format, path,
                    "no data mapping (hexrd's frame-cache YAML needs data: {file, "
                    "nframes, shape, dtype} and meta)");
  }
  const YAML::Node data = root["data"];
  const std::string named = required(data, "file", path).as<std::string>();
  // data.file is relative to the YAML's directory, as hexrd resolves it.
  const std::filesystem::path cache = std::filesystem::path(named).is_absolute()
                                          ? std::filesystem::path(named)
                                          : std::filesystem::path(path).parent_path() / named;
  SparseStore store = open_npz_store(cache.lexically_normal().string());
  check_agrees(data, store, path);
  // hexrd resolves sidecars against dirname(data.file) as written, i.e. from
  // the working directory; ims from the npz's directory (where hexrd's writer
  // puts them), unless asked for hexrd's.
  const std::filesystem::path base =
      meta_paths == MetaPaths::cwd ? std::filesystem::path(named).parent_path() : cache.parent_path();
  store.metadata = read_yaml_meta(root["meta"], base, path);
  store.describe = "frame-cache:" + path;
  store.files.insert(store.files.begin(), path);
  return store;
}

}  // namespace ims
