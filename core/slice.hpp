#pragma once
// Python slice syntax over frame indices: "start:stop:step", any part may be
// omitted, negative start/stop count from the end, out-of-range bounds clamp
// (as numpy does). Steps must be positive.

#include <cstddef>
#include <string_view>

namespace ims {

struct FrameSlice {
  std::size_t start = 0;
  std::size_t count = 0;
  std::size_t step = 1;
  std::size_t at(std::size_t i) const { return start + i * step; }
};

/// Resolves `text` against a sequence of `length` items; a usage ims::Error
/// names `what` when the text is not a slice.
FrameSlice parse_slice(std::string_view text, std::size_t length, std::string_view what);

}  // namespace ims
