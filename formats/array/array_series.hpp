#pragma once
// ArraySeries: frames already in memory (hexrd's 'array' adapter, Thunder's
// fromarray), for the C++ and Python APIs. Frames are used in place.

#include <cstring>
#include <memory>
#include <vector>

#include "core/image_series.hpp"

namespace ims {

class ArraySeries final : public ImageSeries {
 public:
  /// Copies `frames` contiguous C-order frames of `info` from `data`.
  ArraySeries(const void* data, std::size_t frames, FrameInfo info, Metadata metadata = {});
  /// Uses `data` in place; `owner` keeps it alive (e.g. a numpy array).
  ArraySeries(std::shared_ptr<const void> owner, const std::byte* data, std::size_t frames,
              FrameInfo info, Metadata metadata = {});

  /// Copies a vector holding frames * shape.pixels() values.
  template <class T>
  static std::shared_ptr<ArraySeries> from(const std::vector<T>& values, std::size_t frames,
                                           FrameShape shape, Metadata metadata = {}) {
    return std::make_shared<ArraySeries>(values.data(), frames, FrameInfo{shape, dtype_of_v<T>},
                                         std::move(metadata));
  }

  std::size_t size() const override { return frames_; }
  FrameShape frame_shape() const override { return info_.shape; }
  DType dtype() const override { return info_.dtype; }
  const Metadata& metadata() const override { return metadata_; }
  std::string describe() const override;
  bool concurrent_reads() const override { return true; }
  const std::byte* frame_data(std::size_t index) const override;
  void read_frame(std::size_t index, FrameView out) const override;
  /// Copies the region straight out of the frame in memory.
  void read_region(std::size_t index, Region region, FrameView out) const override;
  ReadCost read_cost() const override { return {.cheap_regions = true, .per_byte = 1.0}; }

 private:
  std::shared_ptr<const void> owner_;
  const std::byte* data_ = nullptr;
  std::size_t frames_ = 0;
  FrameInfo info_;
  Metadata metadata_;
};

}  // namespace ims
