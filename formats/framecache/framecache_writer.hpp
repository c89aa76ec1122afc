#pragma once
// Writing a series as a frame-cache (hexrd's WriteFrameCache).

#include <memory>
#include <string>
#include <vector>

#include "core/series_writer.hpp"
#include "ims/params.hpp"

namespace ims {

std::vector<ParamSpec> framecache_write_params();
std::unique_ptr<SeriesWriter> create_framecache_writer(const std::string& path, const Params& params);

}  // namespace ims
