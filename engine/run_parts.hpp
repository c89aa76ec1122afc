#pragma once
// The pieces run() assembles a run from: one whole pass over the series,
// band-by-band passes, spilling and histogram passes (each made of
// run_pass(), pass.hpp) all return images and the time they spent per
// stage. Each runs in the caller's task arena.

#include <vector>

#include "engine/accumulation.hpp"
#include "engine/graph.hpp"
#include "engine/pass.hpp"

namespace ims {

struct StagedImages {
  std::vector<FrameBuffer> images;  ///< one per reducer, whole frames
  StageSeconds stages;
  Plan first_plan;                  ///< the plan of the first pass (for the report)
  std::size_t source_passes = 1;    ///< times every source frame was read (histogram: one per pass)
};

/// The reducers of `reducers` remade for frames of `input` from their specs.
std::vector<std::shared_ptr<const Reducer>> remake_reducers(
    const std::vector<std::shared_ptr<const Reducer>>& reducers, FrameInfo input);

/// Adds every stage of `from` into `into`.
void add_stages(StageSeconds& into, const StageSeconds& from);


}  // namespace ims
