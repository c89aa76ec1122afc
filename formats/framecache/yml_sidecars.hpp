#pragma once
// The YAML style's files beside its npz: the YAML itself and one .npy
// sidecar per array of metadata, as hexrd's reader expects them.

#include <string>

#include "core/series_writer.hpp"

namespace ims {

/// Writes `yaml` (naming `cache_file` as given) and its sidecars
/// "<npz directory>/<YAML stem>-<key>.npy", each atomically. Call once the
/// npz is in place.
void write_cache_yaml(const std::string& yaml, const std::string& cache_file, const std::string& cache_path,
                      const SeriesInfo& info);

}  // namespace ims
