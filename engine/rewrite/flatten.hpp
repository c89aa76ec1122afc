#pragma once
// The first rewrite of a run: a source that is a ProcessedImageSeries (hexrd's
// processed series, ims::process) is unwrapped into its base and its ops, so
// that the engine runs the ops in its op stage, in parallel, and can fold
// them into the reducers or run them tile by tile.

#include "engine/pipeline.hpp"

namespace ims {

/// The pipeline with every ProcessedImageSeries source unwrapped into its
/// base and ops (ahead of the pipeline's own ops).
Pipeline flatten(Pipeline pipeline);

}  // namespace ims
