#pragma once
// Every statistic is per pixel (a reducer's states cover ranges of pixels
// over frames), so ops at the end of a chain that only move or select pixels
// (flip, rectangle, subsample: FrameOp::moves_pixels) commute with them: the
// max of flipped frames is the flipped max. A run then streams the frames
// before those ops and applies them once to each result, instead of to every
// frame.

#include <vector>

#include "engine/pipeline.hpp"

namespace ims {

struct ResultOps {
  Pipeline pipeline;  ///< what to stream: the ops before the moved ones, reducers for their frames
  OpList after;       ///< applied, in order, to each result image
};

/// Moves the pixel-moving ops at the end of `pipeline`'s chain to the
/// results, when the pipeline has reducers, no writers (they need the
/// processed frames), reducers made from specs, and the ops keep at least
/// half of the pixels (else reducing the frames before a small crop costs
/// more than the ops save). Otherwise returns the pipeline as it is.
ResultOps move_pixel_ops_to_results(Pipeline pipeline, const RunOptions& options);

/// `ops` applied to each image (empty `ops`: the images as they are).
std::vector<FrameBuffer> apply_to_results(const OpList& ops, std::vector<FrameBuffer> images);

/// "flip=v, rectangle=0:512,:": the ops as the plan text names them.
std::string ops_text(const OpList& ops);

}  // namespace ims
