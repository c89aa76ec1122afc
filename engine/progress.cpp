#include "engine/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/logging.hpp"

namespace ims {

namespace {

using Clock = std::chrono::steady_clock;

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 359999) return "--:--";
  auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

class StderrProgress final : public ProgressSink {
 public:
  explicit StderrProgress(bool terminal) : terminal_(terminal) {}

  void start(std::string_view what, std::size_t total, std::uint64_t bytes_per_frame) override {
    what_ = std::string(what);
    total_ = total;
    bytes_per_frame_ = bytes_per_frame;
    start_ = last_ = Clock::now();
    done_ = 0;
    if (terminal_) draw();
  }

  void advance(std::size_t frames_done) override {
    done_ = frames_done;
    auto now = Clock::now();
    auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5);
    if (now - last_ < interval) return;
    last_ = now;
    if (terminal_) {
      draw();
    } else {  // a log file: a line every few seconds, not a bar
      std::fprintf(stderr, "ims: %s: %zu/%zu frames, %.1f MB/s, ETA %s\n", what_.c_str(), done_, total_, rate_mb_s(),
                   format_duration(eta_seconds()).c_str());
    }
  }

  // The bar is erased: a run ends with one summary line, not a bar per pass.
  void finish(bool success) override {
    if (terminal_) {
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
    }
    spdlog::debug("{}: {} {} frames ({:.1f} MB) in {:.2f} s, {:.1f} MB/s", what_, success ? "done," : "stopped at",
                  done_, static_cast<double>(done_ * bytes_per_frame_) / 1e6, elapsed(), rate_mb_s());
  }

 private:
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double rate_mb_s() const {
    double t = elapsed();
    return t > 0 ? static_cast<double>(done_ * bytes_per_frame_) / 1e6 / t : 0.0;
  }
  double eta_seconds() const {
    double t = elapsed();
    if (done_ == 0 || t <= 0) return -1;
    return t * static_cast<double>(total_ - done_) / static_cast<double>(done_);
  }

  void draw() {
    constexpr int kWidth = 30;
    double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %zu/%zu frames %3.0f%%  %.1f MB/s  ETA %s\033[K",
                 what_.c_str(), bar.c_str(), done_, total_, fraction * 100.0, rate_mb_s(),
                 format_duration(eta_seconds()).c_str());
    std::fflush(stderr);
  }

  bool terminal_;
  std::string what_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  std::uint64_t bytes_per_frame_ = 0;
  Clock::time_point start_, last_;
};

class SilentProgress final : public ProgressSink {
 public:
  void start(std::string_view, std::size_t, std::uint64_t) override {}
  void advance(std::size_t) override {}
  void finish(bool) override {}
};

}  // namespace

std::unique_ptr<ProgressSink> make_stderr_progress(bool quiet) {
  if (quiet) return std::make_unique<SilentProgress>();
  return std::make_unique<StderrProgress>(::isatty(STDERR_FILENO) != 0);
}

}  // namespace ims
