#pragma once
// Progress reporting: a bar on a terminal, periodic log lines otherwise.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace ims {

/// Threading contract: the engine calls start, advance and finish from one
/// thread at a time (the ordered stage), never concurrently.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void start(std::string_view what, std::size_t total_frames,
                     std::uint64_t bytes_per_frame) = 0;
  /// `frames_done` frames are complete (monotonic).
  virtual void advance(std::size_t frames_done) = 0;
  virtual void finish(bool success) = 0;
};

/// A bar on stderr (frames done, MB/s, ETA) when stderr is a terminal,
/// erased when the pass ends; otherwise a line every 5 seconds (a short run
/// prints none). Nothing when `quiet`.
std::unique_ptr<ProgressSink> make_stderr_progress(bool quiet);

}  // namespace ims
