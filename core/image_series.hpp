#pragma once
// ImageSeries: the source interface every format implements (hexrd's
// imageseries vocabulary: len, frame shape, dtype, metadata, frame i).

#include <cstddef>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "ims/metadata.hpp"

namespace ims {

/// Rows [row0, row1) and columns [col0, col1) of a frame (hexrd's
/// `((r0, r1), (c0, c1))`, already clamped to the frame).
struct Region {
  std::size_t row0 = 0, row1 = 0, col0 = 0, col1 = 0;
  FrameShape shape() const { return {row1 - row0, col1 - col0}; }
  bool operator==(const Region&) const = default;
};

/// What reading costs, for planners that choose between reading a series
/// again (by region) and keeping or spilling what they read.
struct ReadCost {
  /// read_region costs about the region's bytes, not the whole frame's
  /// (memory-mapped files, chunks of a few rows).
  bool cheap_regions = false;
  /// Time to produce a byte, relative to copying it from the page cache
  /// (1 = raw file; ~3 blosc-lz4; ~20 gzip; generated data above 1).
  double per_byte = 1.0;
};

/// A sequence of equally shaped 2-D frames.
///
/// Threading contract: the accessors (size, frame_shape, dtype, metadata,
/// describe) are safe from any thread. read_frame/read_region/frame_data may be
/// called from several threads at once only when concurrent_reads() is true;
/// otherwise the engine serialises them.
class ImageSeries {
 public:
  virtual ~ImageSeries() = default;

  virtual std::size_t size() const = 0;
  virtual FrameShape frame_shape() const = 0;
  virtual DType dtype() const = 0;
  virtual const Metadata& metadata() const = 0;
  /// Names the source in messages and reports, e.g. "npy:/data/run7.npy".
  virtual std::string describe() const = 0;

  /// Every file a read of the series opens (data files, sidecars, the images
  /// of its ops), so that a run can refuse an output that would overwrite
  /// one of them. Generated and in-memory series read none (the default).
  virtual std::vector<std::string> files() const { return {}; }

  /// Reads frame `index` into `out` (frame_shape(), dtype(), native layout).
  virtual void read_frame(std::size_t index, FrameView out) const = 0;

  /// Reads `region` of frame `index` into `out` (region.shape()). The default
  /// reads the whole frame and copies the region; chunked formats override it
  /// to read only what the region needs.
  virtual void read_region(std::size_t index, Region region, FrameView out) const;

  /// True when read_frame/read_region/frame_data may run concurrently.
  virtual bool concurrent_reads() const { return false; }

  /// How expensive reads are; the default is a whole-frame, raw-speed source.
  virtual ReadCost read_cost() const { return {}; }

  /// Zero-copy access for memory-mapped and in-memory sources: a pointer to
  /// frame `index` in native layout, valid while the series lives, or nullptr
  /// when the source has to copy or convert (then read_frame is used).
  virtual const std::byte* frame_data(std::size_t index) const;

  /// Hints for zero-copy sources: frames [first, first+count) are about to be
  /// read (map them in now, off the critical path) / will not be read again
  /// soon (drop them from resident memory). Both are safe to ignore.
  virtual void prefetch(std::size_t first, std::size_t count) const;
  virtual void release(std::size_t first, std::size_t count) const;

  FrameInfo frame_info() const { return {frame_shape(), dtype()}; }
  std::size_t frame_bytes() const { return frame_info().bytes(); }
};

/// Throws an out_of_range ims::Error naming the series when index >= size().
void check_frame_index(const ImageSeries& series, std::size_t index);

/// Throws when `out` does not have the series' frame shape and dtype.
void check_frame_view(const ImageSeries& series, const FrameView& out, FrameShape expected);

/// Copies `region` of the full frame `frame` into `out`.
void copy_region(ConstFrameView frame, Region region, FrameView out);

}  // namespace ims
