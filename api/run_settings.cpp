#include "api/run_settings.hpp"

#include <chrono>

#include "core/strings.hpp"
#include "engine/progress.hpp"

namespace ims::api {

namespace {

/// Progress for a caller's callback: one call per completed batch.
class CallbackProgress final : public ProgressSink {
 public:
  explicit CallbackProgress(std::function<void(const Progress&)> callback) : callback_(std::move(callback)) {}

  void start(std::string_view what, std::size_t total_frames, std::uint64_t bytes_per_frame) override {
    what_ = std::string(what);
    total_ = total_frames;
    bytes_per_frame_ = bytes_per_frame;
    start_ = std::chrono::steady_clock::now();
    done_ = 0;
    report(0);
  }
  void advance(std::size_t frames_done) override {
    done_ = frames_done;
    report(frames_done);
  }
  void finish(bool success) override {
    if (success) {
      report(done_, true);
      return;
    }
    try {  // the run is failing already: its error is the one to report
      report(done_, true);
    } catch (...) {
    }
  }

 private:
  void report(std::size_t done, bool pass_done = false) {
    const Progress progress{what_,
                            done,
                            total_,
                            done * bytes_per_frame_,
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(),
                            pass_done};
    calling_user("on_progress", [&] { callback_(progress); });
  }

  std::function<void(const Progress&)> callback_;
  std::string what_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  std::uint64_t bytes_per_frame_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

RunOptions run_options(const Settings& settings) {
  RunOptions options;
  options.threads = settings.threads;
  if (!settings.memory.empty()) {
    options.memory = parse_size(settings.memory, "memory budget");
    if (options.memory == 0) throw Error(ErrorKind::usage, "the memory budget must be larger than 0");
  }
  options.nframes = settings.nframes;
  options.quantile_method = parse_quantile_method(settings.quantile_method);
  options.scratch_dir = settings.scratch_dir;
  if (settings.on_progress) options.progress = std::make_shared<CallbackProgress>(settings.on_progress);
  if (settings.cancel) options.cancel = &settings.cancel->flag();
  return options;
}

}  // namespace ims::api
