#include "core/slice.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

FrameSlice parse_slice(std::string_view text, std::size_t length, std::string_view what) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::usage, "invalid " + std::string(what) + " '" + std::string(text) + "': " + why +
                                       " (expected START:STOP[:STEP], e.g. 0:100 or 10::2)");
  };
  auto parts = split(text, ':');
  if (parts.size() < 2 || parts.size() > 3) throw bad("not a slice");
  std::int64_t values[3] = {0, static_cast<std::int64_t>(length), 1};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string p = trim(parts[i]);
    if (p.empty()) continue;
    if (!parse_int(p, values[i])) throw bad("'" + p + "' is not an integer");
  }
  if (values[2] <= 0) throw bad("the step must be positive");
  const auto n = static_cast<std::int64_t>(length);
  auto clamp = [n](std::int64_t v) { return std::clamp(v < 0 ? v + n : v, std::int64_t{0}, n); };
  const std::int64_t start = clamp(values[0]), stop = clamp(values[1]), step = values[2];
  FrameSlice s;
  s.start = static_cast<std::size_t>(start);
  s.step = static_cast<std::size_t>(step);
  s.count = stop > start ? static_cast<std::size_t>((stop - start + step - 1) / step) : 0;
  return s;
}

}  // namespace ims
