#pragma once
// HDF5 (hexrd's `hdf5` format and any NeXus-style 3-D dataset): reading with
// parallel chunk decoding, writing with parallel chunk compression.

#include <memory>
#include <string>
#include <vector>

#include "core/image_series.hpp"
#include "ims/params.hpp"
#include "core/series_writer.hpp"
#include "formats/registry.hpp"

namespace ims {

std::unique_ptr<ImageSeries> open_hdf5(const std::string& path, const Params& options);
std::unique_ptr<SeriesWriter> create_hdf5_writer(const std::string& path, const Params& options);
void write_hdf5_images(const std::string& path, const std::vector<NamedImage>& images,
                       const Metadata& attributes, const Params& options);

/// The parameter tables (shared by the reader, the writers and `ims list`).
std::vector<ParamSpec> hdf5_read_params();
std::vector<ParamSpec> hdf5_write_params();

}  // namespace ims
