#pragma once
// A run of consecutive frames handed to reducers and writers in one call.

#include <cstddef>
#include <memory>
#include <span>

#include "core/frame.hpp"

namespace ims {

struct PixelMap;

/// Frames [first, first + size()) of a run, in native layout (C order, native
/// byte order, `info` shape and dtype). Each pointer addresses pixel
/// `window_begin` of its frame: usually 0, the whole frame; when the engine
/// computes a chain of ops tile by tile of the reducer states, only the
/// window of pixels of the state being updated (read them with pixels_as).
/// The pointers stay valid only for the duration of the call that receives the
/// batch, unless `owner` is set.
struct FrameBatch {
  std::size_t first = 0;
  std::span<const std::byte* const> frames;
  FrameInfo info;
  /// Set when the frames are the source's own memory (a memory-mapped or
  /// in-memory series read in place, no ops): they then stay valid and
  /// unchanged for as long as `owner` lives, so a reducer may keep pointers
  /// to them, holding `owner`, instead of copying them.
  std::shared_ptr<const void> owner;
  /// The flat pixel index the frame pointers address.
  std::size_t window_begin = 0;
  /// Set when the frames are an op's input and the reducers fold the op's
  /// output, mapping each pixel inside their folds (ops/process/pixel_map.hpp;
  /// only reducers whose folds_pixel_maps() is true get such batches).
  const PixelMap* map = nullptr;

  std::size_t size() const { return frames.size(); }
  /// Frame k from flat pixel `pixel` on (at least window_begin).
  template <class T>
  const T* pixels_as(std::size_t k, std::size_t pixel) const {
    return reinterpret_cast<const T*>(frames[k]) + (pixel - window_begin);
  }
};

}  // namespace ims
