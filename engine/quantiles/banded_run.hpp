#pragma once
// Band-by-band runs: the reducers' images computed over bands of rows, each
// band streamed on its own through region reads, so that the values of one
// band (not of the whole frame) must fit the budget.

#include <vector>

#include "engine/quantiles/quantile_plan.hpp"
#include "engine/run_parts.hpp"

namespace ims {

/// Runs `pipeline` (no ops, no writers, reducers made from specs) over bands
/// of `plan.band_rows` rows of its source, in the caller's task arena.
StagedImages run_bands(const Pipeline& pipeline, const QuantilePlan& plan, const RunOptions& options);

}  // namespace ims
