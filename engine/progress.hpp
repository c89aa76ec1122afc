#pragma once
// How the engine reports progress: the ProgressSink interface. The public
// API adapts it to Settings::on_progress (api/run_settings.cpp); the
// terminal's bar is the `ims` command's (cli/progress_bar.cpp).

#include <cstddef>
#include <cstdint>
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

}  // namespace ims
