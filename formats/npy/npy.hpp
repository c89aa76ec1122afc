#pragma once
// .npy: numpy's own array file. Read memory-mapped (frames used in place when
// the file is C-ordered and native-endian), written frame by frame.

#include <memory>
#include <string>
#include <vector>

#include "core/image_series.hpp"
#include "core/series_writer.hpp"

namespace ims {

/// Opens a 3-D (frames, rows, cols) or 2-D (one frame) .npy file.
std::unique_ptr<ImageSeries> open_npy(const std::string& path);

/// Writes a series as a 3-D C-ordered native-endian .npy file.
std::unique_ptr<SeriesWriter> create_npy_writer(const std::string& path);

}  // namespace ims
