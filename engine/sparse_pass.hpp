#pragma once
// Statistics over a frame-cache without densifying it: max, min, sum, mean
// and count fold only the kept pixels of each frame (typically 1% of them)
// and account for the zeros at the end, with the same results, bit for bit,
// as the dense pass (float sums stay in frame order; adding a zero changes
// no sum).

#include <optional>

#include "engine/pipeline.hpp"
#include "engine/run_parts.hpp"

namespace ims {

/// The images of `pipeline` by the sparse pass, or nullopt when it does not
/// apply: the source is not a frame-cache, or there are ops or writers, or a
/// statistic is not one of max, min, sum, mean, count with its default
/// output dtype, or options.sparse_frames is false.
std::optional<StagedImages> run_sparse(const Pipeline& pipeline, const RunOptions& options);

}  // namespace ims
