#pragma once
// run(): the engine's entry point. Plans, streams, finalises, reports.

#include <vector>

#include "engine/accumulation.hpp"
#include "engine/pipeline.hpp"
#include "engine/report.hpp"

namespace ims {

struct RunResult {
  RunReport report;
  /// The reducer states after the last frame (mergeable with other runs),
  /// over the frames before ops_on_results.
  Accumulation accumulation;
  /// Pixel-moving ops the run applied to the finalised images rather than
  /// to every frame: apply them (apply_to_results) after finalising merged
  /// states too.
  OpList ops_on_results;
  /// One image per reducer, in pipeline order.
  std::vector<FrameBuffer> images;
};

/// Runs `pipeline`: validates and plans it (errors before any frame is read),
/// streams its frames on options.threads threads within options.memory,
/// commits its writers and finalises its reducers. Throws ims::Error; a failed
/// run commits nothing.
RunResult run(const Pipeline& pipeline, const RunOptions& options = {});

}  // namespace ims
