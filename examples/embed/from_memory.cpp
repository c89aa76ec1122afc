// Frames a program already has: an array in memory (zero-copy) and a
// reader function, reduced like files. Prints what it checks and exits 1
// when a result is not what a plain loop gives.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <vector>

#include <ims/ims.hpp>

int main() {
  constexpr std::size_t frames = 50, rows = 32, cols = 48;
  std::vector<std::uint16_t> stack(frames * rows * cols);
  for (std::size_t i = 0; i < stack.size(); ++i) stack[i] = static_cast<std::uint16_t>((i * 2654435761u) % 4096);

  try {
    // In place: the vector must outlive the series.
    const ims::Series in_memory = ims::from_memory(stack.data(), {frames, rows, cols, ims::DType::uint16});
    const ims::Results r = ims::stats(in_memory, {"max"});

    // The same frames from a reader function, e.g. a detector SDK's.
    ims::CallbackSource source{.frames = frames, .rows = rows, .cols = cols, .dtype = ims::DType::uint16};
    source.read = [&](std::size_t index, std::span<std::byte> out) {
      std::memcpy(out.data(), stack.data() + index * rows * cols, out.size());
      return out.size();
    };
    const ims::Results c = ims::stats(ims::from_callback(source), {"max"});

    for (std::size_t p = 0; p < rows * cols; ++p) {
      std::uint16_t expected = 0;
      for (std::size_t i = 0; i < frames; ++i) expected = std::max(expected, stack[i * rows * cols + p]);
      if (r["max"].values<std::uint16_t>()[p] != expected || c["max"].values<std::uint16_t>()[p] != expected) {
        std::cerr << "from_memory: pixel " << p << " differs from the loop's max " << expected << "\n";
        return 1;
      }
    }
    std::cout << "max of " << frames << " frames in memory and from a reader: as the loop says\n";
  } catch (const ims::Error& e) {
    std::cerr << "from_memory: " << e.what() << "\n";
    return ims::exit_code_for(e.kind());
  }
  return 0;
}
