#pragma once
// Engine sources behind ims::from_memory and ims::from_callback: frames in
// caller memory with any strides (numpy views, Fortran order, flipped), and
// frames a caller's function produces.

#include <memory>
#include <mutex>

#include "core/image_series.hpp"
#include "ims/series.hpp"

namespace ims::api {

/// Frames at data + i*strides[0] + r*strides[1] + c*strides[2] (bytes).
/// Frames whose rows are C-contiguous are used in place.
class StridedMemorySeries final : public ImageSeries {
 public:
  StridedMemorySeries(const void* data, const MemoryLayout& layout, std::shared_ptr<const void> owner,
                      Metadata metadata);

  std::size_t size() const override { return layout_.frames; }
  FrameShape frame_shape() const override { return {layout_.rows, layout_.cols}; }
  DType dtype() const override { return layout_.dtype; }
  const Metadata& metadata() const override { return metadata_; }
  std::string describe() const override { return "memory"; }
  bool concurrent_reads() const override { return true; }
  ReadCost read_cost() const override { return {.cheap_regions = true, .per_byte = 1.0}; }
  const std::byte* frame_data(std::size_t index) const override;
  void read_frame(std::size_t index, FrameView out) const override;

 private:
  const std::byte* frame_start(std::size_t index) const;
  bool contiguous_frames() const;

  const std::byte* data_;
  MemoryLayout layout_;
  std::shared_ptr<const void> owner_;
  Metadata metadata_;
};

/// Frames from CallbackSource::read, checked for their size; its exceptions
/// come out as ims::Errors of kind callback naming the frame.
class CallbackSeries final : public ImageSeries {
 public:
  explicit CallbackSeries(CallbackSource source);

  std::size_t size() const override { return source_.frames; }
  FrameShape frame_shape() const override { return {source_.rows, source_.cols}; }
  DType dtype() const override { return source_.dtype; }
  const Metadata& metadata() const override { return source_.metadata; }
  std::string describe() const override { return source_.name; }
  bool concurrent_reads() const override { return source_.concurrent; }
  void read_frame(std::size_t index, FrameView out) const override;

 private:
  CallbackSource source_;
};

/// Checks a layout a caller gives (sizes that overflow, no data).
void check_layout(const void* data, const MemoryLayout& layout);

}  // namespace ims::api
