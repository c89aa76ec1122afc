#pragma once
// FrameListSeries: frames of another series picked by index (hexrd's
// frame_list: a subset, a new order, repeats). Frame k is the source's frame
// indices[k]. Like hexrd, an `omega` array in the metadata (one row per
// source frame) is subset to the listed frames; other metadata is the
// source's.

#include <memory>
#include <string>
#include <vector>

#include "core/image_series.hpp"

namespace ims {

class FrameListSeries final : public ImageSeries {
 public:
  /// Throws an out_of_range ims::Error naming the first index past the
  /// source's frames, and a usage error for an empty list.
  FrameListSeries(std::shared_ptr<const ImageSeries> source, std::vector<std::size_t> indices);

  std::size_t size() const override { return indices_.size(); }
  FrameShape frame_shape() const override { return source_->frame_shape(); }
  DType dtype() const override { return source_->dtype(); }
  const Metadata& metadata() const override { return metadata_; }
  /// "npy:/a.npy[frames 36,0,5]" (long lists shortened).
  std::string describe() const override;
  std::vector<std::string> files() const override { return source_->files(); }
  bool concurrent_reads() const override { return source_->concurrent_reads(); }
  ReadCost read_cost() const override { return source_->read_cost(); }

  void read_frame(std::size_t index, FrameView out) const override;
  void read_region(std::size_t index, Region region, FrameView out) const override;
  const std::byte* frame_data(std::size_t index) const override;
  // prefetch/release: the listed frames need not be contiguous in the
  // source, so hints go frame by frame.
  void prefetch(std::size_t first, std::size_t count) const override;
  void release(std::size_t first, std::size_t count) const override;

  const ImageSeries& source() const { return *source_; }
  const std::vector<std::size_t>& indices() const { return indices_; }

 private:
  std::size_t source_index(std::size_t index) const;

  std::shared_ptr<const ImageSeries> source_;
  std::vector<std::size_t> indices_;
  Metadata metadata_;
};

/// Parses "36,0,5" (non-negative indices, repeats allowed); negative
/// indices count from the end of a `length`-frame series, as numpy's.
std::vector<std::size_t> parse_frame_list(std::string_view text, std::size_t length);

}  // namespace ims
