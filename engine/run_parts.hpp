#pragma once
// The pieces run() assembles a run from: one whole pass over the series,
// band-by-band passes, spilling and histogram passes all return images and
// the time they spent per stage. Each runs in the caller's task arena.

#include <vector>

#include "engine/accumulation.hpp"
#include "engine/graph.hpp"

namespace ims {

struct StagedImages {
  std::vector<FrameBuffer> images;  ///< one per reducer, whole frames
  StageSeconds stages;
  Plan first_plan;                  ///< the plan of the first pass (for the report)
  std::size_t source_passes = 1;    ///< times every source frame was read (histogram: one per pass)
};

/// One pass over every frame: writers begin, stream, writers commit, reducers
/// finalise. When `keep` is given, the reducer states are moved into it.
StagedImages run_whole(const Pipeline& pipeline, const RunOptions& options, Accumulation* keep = nullptr);

/// The reducers of `reducers` remade for frames of `input` from their specs.
std::vector<std::shared_ptr<const Reducer>> remake_reducers(
    const std::vector<std::shared_ptr<const Reducer>>& reducers, FrameInfo input);

/// Adds every stage of `from` into `into`.
void add_stages(StageSeconds& into, const StageSeconds& from);

/// What progress bars call a pass over `pipeline`: options.label, else the source.
std::string progress_label(const Pipeline& pipeline, const RunOptions& options);

}  // namespace ims
