#pragma once
// The histogram method: exact quantiles by radix select in a few streaming
// passes over the source, with a small per-pixel state that merges by
// addition (so frames can be split across threads, processes and nodes).

#include "engine/run_parts.hpp"

namespace ims {

/// Runs `pipeline` with its quantile reducers computed by histogram passes;
/// the other reducers (and writers) run in the first pass. Images are in the
/// pipeline's reducer order. In the caller's task arena.
StagedImages run_histogram(const Pipeline& pipeline, const RunOptions& options);

}  // namespace ims
