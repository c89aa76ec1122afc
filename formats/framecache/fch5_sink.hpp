#pragma once
// The fch5 frame-cache as it is written: each frame's entries appended to
// the extendible `data` and `indices` datasets in frame order (so frame_ids
// are contiguous and increasing), the header and metadata at commit.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/output_file.hpp"
#include "core/series_writer.hpp"
#include "formats/framecache/sparse_frame.hpp"

namespace ims {

class Fch5Sink {
 public:
  Fch5Sink(std::string path, DType dtype);
  ~Fch5Sink();

  void add(const SparseFrame& frame);
  void commit(const SeriesInfo& info);

 private:
  struct Datasets;
  std::string path_;
  DType dtype_;
  AtomicOutput output_;
  std::unique_ptr<Datasets> h5_;
  std::vector<std::uint64_t> frame_ids_;
  std::uint64_t entries_ = 0;
};

}  // namespace ims
