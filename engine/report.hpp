#pragma once
// The run report: what ran, how much, how fast, how much memory.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/plan.hpp"

namespace ims {

/// Busy seconds per stage, summed over threads.
struct StageSeconds {
  double read = 0;      ///< source reads (and decoding)
  double ops = 0;       ///< the op chain
  double reduce = 0;    ///< reducer updates
  double write = 0;     ///< series writers
  double finalize = 0;  ///< turning states into result images
};

/// A run made before the main one to compute an op's image
/// (dark=median;frames=0:100).
struct ImageRun {
  std::string what;  ///< "ops[0].dark = median of frames 0:100"
  std::size_t frames = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
};

struct RunReport {
  std::string source;
  std::vector<std::string> statistics;
  std::vector<std::string> outputs;
  std::size_t frames = 0;
  std::uint64_t bytes = 0;  ///< source bytes streamed, over every pass
  double wall_seconds = 0;    ///< the whole command, including writing results
  double engine_seconds = 0;  ///< run(): plan, stream, finalise (part of wall_seconds)
  double cpu_seconds = 0;
  StageSeconds stages;
  std::uint64_t peak_rss_bytes = 0;
  Plan plan;
  std::vector<ImageRun> image_runs;  ///< counted in bytes and stages too

  /// Counts the run that computed an op's image: its bytes and stage
  /// seconds are added to this report's, and it is listed in image_runs.
  void add_image_run(const std::string& what, const RunReport& run);

  double throughput_mb_s() const;
  std::string to_json() const;  ///< the --report file
  std::string to_text() const;  ///< the full report (-v)
  std::string summary() const;  ///< one line, printed after a successful run
};

}  // namespace ims
