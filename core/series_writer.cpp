#include "core/series_writer.hpp"

namespace ims {

std::unique_ptr<PreparedBatch> SeriesWriter::prepare(const FrameBatch&) const { return nullptr; }
std::size_t SeriesWriter::prepared_bytes_per_frame(const FrameInfo&) const { return 0; }

}  // namespace ims
