#pragma once
// Several series with the same frame shape and dtype, one after the other: a
// scan split over files (Eiger and Dexela write one file per block of frames).

#include <memory>
#include <vector>

#include "core/image_series.hpp"

namespace ims {

class ConcatSeries final : public ImageSeries {
 public:
  /// Throws a format ims::Error naming the first part whose frame shape or
  /// dtype differs from the first part's.
  explicit ConcatSeries(std::vector<std::unique_ptr<ImageSeries>> parts);

  std::size_t size() const override { return starts_.back(); }
  FrameShape frame_shape() const override { return parts_.front()->frame_shape(); }
  DType dtype() const override { return parts_.front()->dtype(); }
  /// The first part's: files of one scan share their metadata.
  const Metadata& metadata() const override { return parts_.front()->metadata(); }
  std::string describe() const override;
  std::vector<std::string> files() const override;
  bool concurrent_reads() const override { return concurrent_; }
  void read_frame(std::size_t index, FrameView out) const override;
  void read_region(std::size_t index, Region region, FrameView out) const override;
  /// Cheap regions only if every part's are; the slowest part's cost per byte.
  ReadCost read_cost() const override { return cost_; }
  const std::byte* frame_data(std::size_t index) const override;
  void prefetch(std::size_t first, std::size_t count) const override;
  void release(std::size_t first, std::size_t count) const override;

 private:
  /// The part holding series frame `index`, and the frame's index in it.
  std::pair<const ImageSeries*, std::size_t> locate(std::size_t index) const;
  template <class F>
  void for_each_part_in(std::size_t first, std::size_t count, F&& f) const;

  std::vector<std::unique_ptr<ImageSeries>> parts_;
  std::vector<std::size_t> starts_;  // starts_[k]: first frame of part k; back(): the total
  bool concurrent_ = true;
  bool in_place_ = true;
  ReadCost cost_{.cheap_regions = true, .per_byte = 0.0};  // folded over the parts
};

}  // namespace ims
