#include "api/memory_series.hpp"

#include <cstring>

#include "api/run_settings.hpp"
#include "core/checked.hpp"

namespace ims::api {

void check_layout(const void* data, const MemoryLayout& layout) {
  check_series_bytes(layout.frames, layout.rows, layout.cols, layout.dtype, "memory", "caller's array");
  if (data == nullptr && layout.frames * layout.rows * layout.cols > 0) {
    throw Error(ErrorKind::usage, "from_memory: no data for " + std::to_string(layout.frames) + " frames");
  }
}

namespace {

MemoryLayout with_c_strides(MemoryLayout layout) {
  if (layout.strides == std::array<std::ptrdiff_t, 3>{0, 0, 0}) {
    const auto item = static_cast<std::ptrdiff_t>(dtype_size(layout.dtype));
    const auto cols = static_cast<std::ptrdiff_t>(layout.cols), rows = static_cast<std::ptrdiff_t>(layout.rows);
    layout.strides = {rows * cols * item, cols * item, item};
  }
  return layout;
}

}  // namespace

StridedMemorySeries::StridedMemorySeries(const void* data, const MemoryLayout& layout,
                                         std::shared_ptr<const void> owner, Metadata metadata)
    : data_(static_cast<const std::byte*>(data)),
      layout_(with_c_strides(layout)),
      owner_(std::move(owner)),
      metadata_(std::move(metadata)) {
  check_layout(data, layout);
}

const std::byte* StridedMemorySeries::frame_start(std::size_t index) const {
  return data_ + static_cast<std::ptrdiff_t>(index) * layout_.strides[0];
}

bool StridedMemorySeries::contiguous_frames() const {
  const auto item = static_cast<std::ptrdiff_t>(dtype_size(layout_.dtype));
  return layout_.strides[2] == item &&
         (layout_.rows <= 1 || layout_.strides[1] == static_cast<std::ptrdiff_t>(layout_.cols) * item);
}

const std::byte* StridedMemorySeries::frame_data(std::size_t index) const {
  return contiguous_frames() ? frame_start(index) : nullptr;
}

void StridedMemorySeries::read_frame(std::size_t index, FrameView out) const {
  check_frame_index(*this, index);
  check_frame_view(*this, out, frame_shape());
  const std::size_t item = dtype_size(layout_.dtype);
  const std::byte* frame = frame_start(index);
  std::byte* to = out.data();
  for (std::size_t r = 0; r < layout_.rows; ++r) {
    const std::byte* row = frame + static_cast<std::ptrdiff_t>(r) * layout_.strides[1];
    if (layout_.strides[2] == static_cast<std::ptrdiff_t>(item)) {
      std::memcpy(to, row, layout_.cols * item);
      to += layout_.cols * item;
      continue;
    }
    for (std::size_t c = 0; c < layout_.cols; ++c, to += item) {
      std::memcpy(to, row + static_cast<std::ptrdiff_t>(c) * layout_.strides[2], item);
    }
  }
}

CallbackSeries::CallbackSeries(CallbackSource source) : source_(std::move(source)) {
  if (!source_.read) throw Error(ErrorKind::usage, "from_callback: no read function");
  check_series_bytes(source_.frames, source_.rows, source_.cols, source_.dtype, source_.name, "");
}

void CallbackSeries::read_frame(std::size_t index, FrameView out) const {
  check_frame_index(*this, index);
  check_frame_view(*this, out, frame_shape());
  std::size_t wrote = 0;
  try {
    wrote =
        calling_user(source_.name, [&] { return source_.read(index, std::span<std::byte>(out.data(), out.bytes())); });
  } catch (Error& e) {
    e.with_frame(index);
    throw;
  }
  if (wrote != out.bytes()) {
    throw Error(ErrorKind::format, "the read function wrote " + std::to_string(wrote) + " bytes of frame " +
                                       std::to_string(index) + ", which has " + std::to_string(out.bytes()))
        .with_stage(source_.name)
        .with_frame(index);
  }
}

}  // namespace ims::api
