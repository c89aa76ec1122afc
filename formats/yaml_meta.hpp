#pragma once
// hexrd's YAML metadata (yamlmeta, shared by the frame-cache YAML and, with
// issue 14, image-files): plain values, and "! load-numpy-array FILE"
// triggers that load an .npy sidecar.

#include <filesystem>
#include <string>

#include "ims/metadata.hpp"

namespace YAML {
class Node;
}

namespace ims {

/// The `meta` mapping of a hexrd YAML file as Metadata:
/// - numbers, booleans and strings as they are; lists of numbers as 1-D arrays;
/// - "! load-numpy-array FILE" loads FILE (relative paths start at `base`);
/// - any other "! COMMAND ..." drops the key, as hexrd does;
/// - hexrd's legacy KEY: '++np.array' with KEY-array: [...] gives an array.
/// `file` names the YAML file in errors; a missing sidecar is a not_found error.
Metadata read_yaml_meta(const YAML::Node& meta, const std::filesystem::path& base, const std::string& file);

/// Any numeric .npy file (any shape, either byte order) as an NdArray.
NdArray read_npy_array(const std::string& path);

}  // namespace ims
