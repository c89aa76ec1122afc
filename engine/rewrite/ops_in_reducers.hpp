#pragma once
// Rewrites that run a pipeline's ops inside its reduction instead of as a
// stage of their own: tile by tile of the reducer states (the processed
// frames then never exist whole), or folded into the reducers' loops as a
// per-pixel map (the frames then stream as if there were no op). The plan
// records the decisions (Plan::ops_by_tile, Plan::ops_folded); the graph
// carries them out.

#include "engine/plan.hpp"
#include "ops/process/op_chain.hpp"

namespace ims {

/// Whether the op chain can run inside the reduction, tile by tile: only
/// reducers, no writers, whole-row tiles and ops that map rows.
bool ops_run_by_tile(const Pipeline& pipeline, const OpChain& chain, const RunOptions& options, const Plan& plan);

/// Whether the op chain is one per-pixel map that every reducer folds.
bool ops_fold_into_reducers(const Pipeline& pipeline, const OpChain& chain, const RunOptions& options,
                            const Plan& plan);

}  // namespace ims
