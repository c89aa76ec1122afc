#include "core/image_series.hpp"

#include <cstring>

#include "ims/error.hpp"

namespace ims {

void ImageSeries::read_region(std::size_t index, Region region, FrameView out) const {
  FrameBuffer full(frame_shape(), dtype());
  read_frame(index, full.view());
  copy_region(full.view(), region, out);
}

const std::byte* ImageSeries::frame_data(std::size_t) const { return nullptr; }
void ImageSeries::prefetch(std::size_t, std::size_t) const {}
void ImageSeries::release(std::size_t, std::size_t) const {}

void check_frame_index(const ImageSeries& series, std::size_t index) {
  if (index >= series.size()) {
    throw Error(ErrorKind::out_of_range,
                "frame index out of range (the series has " + std::to_string(series.size()) + " frames)")
        .with_frame(index)
        .with_source(series.describe());
  }
}

void check_frame_view(const ImageSeries& series, const FrameView& out, FrameShape expected) {
  if (out.shape() != expected || out.dtype() != series.dtype()) {
    throw Error(ErrorKind::internal, "destination frame is " + to_string(out.shape()) + " " +
                                         std::string(dtype_name(out.dtype())) + ", expected " + to_string(expected) +
                                         " " + std::string(dtype_name(series.dtype())))
        .with_source(series.describe());
  }
}

void copy_region(ConstFrameView frame, Region region, FrameView out) {
  const std::size_t px = dtype_size(frame.dtype());
  const std::size_t row_bytes = (region.col1 - region.col0) * px;
  for (std::size_t r = region.row0; r < region.row1; ++r) {
    const std::byte* src = frame.data() + (r * frame.shape().cols + region.col0) * px;
    std::memcpy(out.data() + (r - region.row0) * row_bytes, src, row_bytes);
  }
}

}  // namespace ims
