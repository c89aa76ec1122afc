#pragma once
// RegionSeries: the same region of every frame of another series, seen as a
// series of its own. Planners use it to stream a band of rows (or any tile)
// of a series too large to hold, through the source's read_region.
//
// Also the region checks every read_region override shares.

#include <memory>
#include <string>

#include "core/image_series.hpp"

namespace ims {

/// "rows 0:512, cols 0:2048" (half-open, numpy's slices).
std::string to_string(Region region);

/// Throws an out_of_range ims::Error naming `series` when `region` is empty
/// or reaches past its frames.
void check_region(const ImageSeries& series, Region region);

/// check_region, then an internal error when `out` is not region.shape() of
/// the series' dtype (the caller sized it wrongly).
void check_region_view(const ImageSeries& series, Region region, const FrameView& out);

/// Frames are `region` of the source's frames; everything else (length,
/// dtype, metadata, concurrency, read cost) is the source's.
///
/// Threading: as the source (concurrent_reads() passes through).
class RegionSeries final : public ImageSeries {
 public:
  /// Throws internal for a null source and out_of_range for a region that is
  /// empty or outside the source's frames.
  RegionSeries(std::shared_ptr<const ImageSeries> source, Region region);

  std::size_t size() const override { return source_->size(); }
  FrameShape frame_shape() const override { return region_.shape(); }
  DType dtype() const override { return source_->dtype(); }
  const Metadata& metadata() const override { return source_->metadata(); }
  /// The source's, with the region appended: "npy:/a.npy[rows 0:512, cols 0:2048]".
  std::string describe() const override;
  std::vector<std::string> files() const override { return source_->files(); }
  bool concurrent_reads() const override { return source_->concurrent_reads(); }
  ReadCost read_cost() const override { return source_->read_cost(); }

  void read_frame(std::size_t index, FrameView out) const override;
  /// `region` is relative to this series' frames (it is offset into the source's).
  void read_region(std::size_t index, Region region, FrameView out) const override;

  // frame_data stays nullptr (the base's): a region of a frame is not
  // contiguous in the source. prefetch stays a no-op: forwarding it would map
  // in whole frames, which band-wise reading exists to avoid.

  /// Forwarded: dropping the source's whole frames drops the region's pages
  /// (the rest are not resident, or are as cheap to fault in again).
  void release(std::size_t first, std::size_t count) const override { source_->release(first, count); }

  const ImageSeries& source() const { return *source_; }
  Region region() const { return region_; }

 private:
  std::shared_ptr<const ImageSeries> source_;
  Region region_;
};

}  // namespace ims
