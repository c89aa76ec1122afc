#include "formats/array/array_series.hpp"

#include "core/checked.hpp"
#include "core/region_series.hpp"
#include "formats/builtin.hpp"

namespace ims {

ArraySeries::ArraySeries(const void* data, std::size_t frames, FrameInfo info, Metadata metadata)
    : frames_(frames), info_(info), metadata_(std::move(metadata)) {
  check_series_bytes(frames, info.shape.rows, info.shape.cols, info.dtype, "array", "");
  auto buffer = std::make_shared<AlignedBuffer>(frames * info.bytes());
  if (buffer->size()) std::memcpy(buffer->data(), data, buffer->size());
  data_ = buffer->data();
  owner_ = std::move(buffer);
}

ArraySeries::ArraySeries(std::shared_ptr<const void> owner, const std::byte* data, std::size_t frames, FrameInfo info,
                         Metadata metadata)
    : owner_(std::move(owner)), data_(data), frames_(frames), info_(info), metadata_(std::move(metadata)) {
  check_series_bytes(frames, info.shape.rows, info.shape.cols, info.dtype, "array", "");
}

std::string ArraySeries::describe() const {
  return "array:" + std::to_string(frames_) + "x" + to_string(info_.shape) + " " +
         std::string(dtype_name(info_.dtype));
}

const std::byte* ArraySeries::frame_data(std::size_t index) const {
  return index < frames_ ? data_ + index * info_.bytes() : nullptr;
}

void ArraySeries::read_frame(std::size_t index, FrameView out) const {
  check_frame_index(*this, index);
  check_frame_view(*this, out, info_.shape);
  std::memcpy(out.data(), frame_data(index), info_.bytes());
}

void ArraySeries::read_region(std::size_t index, Region region, FrameView out) const {
  check_frame_index(*this, index);
  check_region_view(*this, region, out);
  copy_region(ConstFrameView(frame_data(index), info_.shape, info_.dtype), region, out);
}

FormatInfo array_format() {
  FormatInfo f;
  f.name = "array";
  f.summary = "frames already in memory (C++ ims::ArraySeries; the Python module's arrays); "
              "not readable from a path";
  f.needs_path = false;
  return f;
}

}  // namespace ims
