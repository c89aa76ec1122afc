#pragma once
/// How a run may use the machine, and how the caller follows and stops it:
/// ims::Settings, ims::Progress, ims::CancelToken.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ims {

/// Where a run is, as the progress callback sees it.
struct Progress {
  std::string_view what;         ///< the pass: the source, or "ops[0].dark = median of frames 0:100"
  std::size_t frames_done = 0;   ///< of this pass, monotonic
  std::size_t frames_total = 0;  ///< of this pass
  std::uint64_t bytes_done = 0;  ///< source bytes of this pass so far
  double elapsed_seconds = 0;    ///< since this pass started
  /// The last call of a pass (a run may make several: an op's statistic
  /// image first, quantile bands); false while frames stream.
  bool pass_done = false;
};

/// Stops a run from another thread (a GUI's Cancel button, a signal
/// handler). The run checks it before every batch of frames and throws an
/// ims::Error of kind interrupted; nothing it was writing is left behind.
///
/// Threading contract: cancel() and cancelled() are safe from any thread and
/// from a signal handler.
class CancelToken {
 public:
  /// Returns whether it was cancelled before (a second Ctrl-C may then
  /// end a program at once).
  bool cancel() noexcept { return flag_.exchange(true); }
  bool cancelled() const noexcept { return flag_.load(); }
  void reset() noexcept { flag_.store(false); }
  /// The flag the engine polls.
  const std::atomic<bool>& flag() const noexcept { return flag_; }

 private:
  std::atomic<bool> flag_{false};
};

/// How a run (stats, write, process with a statistic image) may use the
/// machine. Every field has a default; designated initializers read well:
/// `{.memory = "2G", .threads = 8, .on_progress = cb, .cancel = &token}`.
struct Settings {
  /// The memory budget: "2G", "512M", "1.5GiB", bytes; empty: a quarter of RAM.
  std::string memory;
  /// Worker threads; 0: every core the process may use.
  unsigned threads = 0;
  /// Called as frames complete, from one thread at a time (never
  /// concurrently), but not necessarily the caller's thread. Keep it short.
  /// An exception it throws stops the run and reaches the caller nested in
  /// an ims::Error of kind callback.
  std::function<void(const Progress&)> on_progress;
  /// Checked before every batch; null: the run cannot be cancelled.
  const CancelToken* cancel = nullptr;
  /// How median and percentiles get every value of a pixel: "auto",
  /// "memory", "histogram" or "spill" (`ims list` describes them).
  std::string quantile_method = "auto";
  /// Where the spill method writes its scratch file; empty: the system's
  /// temporary directory.
  std::string scratch_dir;
  /// Use only the first N frames (hexrd's nframes); 0: all.
  std::size_t nframes = 0;
};

}  // namespace ims
