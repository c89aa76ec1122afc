#include "core/frame.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace ims {

std::string to_string(FrameShape shape) {
  return std::to_string(shape.rows) + "x" + std::to_string(shape.cols);
}

namespace {
// Large buffers (frames of megabytes) are placed on 2 MiB boundaries and
// offered transparent huge pages: first touching them then costs one fault
// per 2 MiB instead of one per 4 KiB.
constexpr std::size_t kHugePage = 2 << 20;
constexpr std::size_t kHugeThreshold = 4 << 20;
}  // namespace

AlignedBuffer::AlignedBuffer(std::size_t bytes) : size_(bytes) {
  const std::size_t alignment = bytes >= kHugeThreshold ? kHugePage : kBufferAlignment;
  // aligned_alloc wants a size that is a multiple of the alignment.
  std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  if (rounded == 0) rounded = alignment;
  void* p = std::aligned_alloc(alignment, rounded);
  if (!p) throw std::bad_alloc();
  if (alignment == kHugePage) ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint; harmless if refused
  data_.reset(static_cast<std::byte*>(p));
}

void AlignedBuffer::Free::operator()(std::byte* p) const { std::free(p); }

FrameBuffer::FrameBuffer(FrameShape shape, DType dtype)
    : buffer_(shape.pixels() * dtype_size(dtype)), shape_(shape), dtype_(dtype) {}

}  // namespace ims
