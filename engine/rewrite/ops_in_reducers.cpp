#include "engine/rewrite/ops_in_reducers.hpp"

#include <algorithm>

namespace ims {

bool ops_run_by_tile(const Pipeline& pipeline, const OpChain& chain, const RunOptions& options, const Plan& plan) {
  return options.ops_by_tile && !chain.empty() && pipeline.writers.empty() && !pipeline.reducers.empty() &&
         plan.tile_pixels % plan.frame.shape.cols == 0 && chain.maps_rows();
}

bool ops_fold_into_reducers(const Pipeline& pipeline, const OpChain& chain, const RunOptions& options,
                            const Plan& plan) {
  return plan.ops_by_tile && options.fold_pixel_maps &&
         std::all_of(pipeline.reducers.begin(), pipeline.reducers.end(),
                     [](const auto& r) { return r->folds_pixel_maps(); }) &&
         chain.pixel_map().has_value();
}

}  // namespace ims
