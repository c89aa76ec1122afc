#pragma once

#include <memory>
#include <string>

#include "core/image_series.hpp"
#include "ims/params.hpp"
#include "core/series_writer.hpp"

namespace ims {

std::unique_ptr<ImageSeries> open_binary(const std::string& path, const Params& options);
std::unique_ptr<SeriesWriter> create_binary_writer(const std::string& path, const Params& options);

}  // namespace ims
