#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/logging.hpp"

namespace ims::cli {

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

bool bar_shown = false;  // only the main thread prints errors; the bar is drawn from one thread at a time

class StderrProgress {
 public:
  explicit StderrProgress(bool terminal) : terminal_(terminal) {}

  void operator()(const Progress& p) {
    if (p.frames_done == 0 && !p.pass_done) {  // a pass starts
      last_ = Clock::now();
      if (terminal_) draw(p);
      return;
    }
    if (p.pass_done) {
      finish(p);
      return;
    }
    const auto now = Clock::now();
    const auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::seconds(5);
    if (now - last_ < interval) return;
    last_ = now;
    if (terminal_) {
      draw(p);
    } else {  // a log file: a line every few seconds, not a bar
      std::fprintf(stderr, "ims: %.*s: %zu/%zu frames, %.1f MB/s, ETA %s\n", static_cast<int>(p.what.size()),
                   p.what.data(), p.frames_done, p.frames_total, rate_mb_s(p), format_duration(eta_seconds(p)).c_str());
    }
  }

 private:
  // The bar is erased: a run ends with one summary line, not a bar per pass.
  void finish(const Progress& p) {
    if (terminal_) clear_progress_line();
    spdlog::debug("{}: {} frames ({:.1f} MB) in {:.2f} s, {:.1f} MB/s", p.what, p.frames_done,
                  static_cast<double>(p.bytes_done) / 1e6, p.elapsed_seconds, rate_mb_s(p));
  }

  static double rate_mb_s(const Progress& p) {
    return p.elapsed_seconds > 0 ? static_cast<double>(p.bytes_done) / 1e6 / p.elapsed_seconds : 0.0;
  }
  static double eta_seconds(const Progress& p) {
    if (p.frames_done == 0 || p.elapsed_seconds <= 0) return -1;
    return p.elapsed_seconds * static_cast<double>(p.frames_total - p.frames_done) / static_cast<double>(p.frames_done);
  }

  static void draw(const Progress& p) {
    constexpr int kWidth = 30;
    const double fraction =
        p.frames_total ? static_cast<double>(p.frames_done) / static_cast<double>(p.frames_total) : 1.0;
    std::string bar(static_cast<std::size_t>(fraction * kWidth), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%.*s [%s] %zu/%zu frames %3.0f%%  %.1f MB/s  ETA %s\033[K", static_cast<int>(p.what.size()),
                 p.what.data(), bar.c_str(), p.frames_done, p.frames_total, fraction * 100.0, rate_mb_s(p),
                 format_duration(eta_seconds(p)).c_str());
    std::fflush(stderr);
    bar_shown = true;
  }

  bool terminal_;
  Clock::time_point last_;
};

}  // namespace

std::function<void(const Progress&)> stderr_progress(bool quiet) {
  if (quiet) return {};
  auto bar = std::make_shared<StderrProgress>(::isatty(STDERR_FILENO) != 0);
  return [bar](const Progress& p) { (*bar)(p); };
}

void clear_progress_line() {
  if (!bar_shown) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  bar_shown = false;
}

}  // namespace ims::cli
