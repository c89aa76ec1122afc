#pragma once
// One streaming pass over the frames of a pipeline: plan it, begin its
// writers, stream it through the graph with progress, finalise its reducers.
// Every way of running is made of passes: a whole run is one, a banded run
// one per band of rows, the spill method one to the scratch file and then
// bands, the histogram method a few.

#include <string>
#include <vector>

#include "engine/accumulation.hpp"
#include "engine/graph.hpp"

namespace ims {

/// What one pass gives.
struct PassResult {
  std::vector<FrameBuffer> images;  ///< one per reducer, of the pass's frames
  StageSeconds stages;
  Plan plan;
  Accumulation accumulation;  ///< the reducer states the images came from
};

/// Whether a pass commits its writers: the histogram method leaves them open
/// until every pass has succeeded.
enum class PassWriters { commit, leave_open };

/// Runs one pass in the caller's task arena. `options` are resolved
/// (resolve_options); progress is reported under `label`.
PassResult run_pass(const Pipeline& pipeline, const RunOptions& options, const std::string& label,
                    PassWriters writers = PassWriters::commit);

/// What progress bars call a pass over `pipeline`: options.label, else the source.
std::string progress_label(const Pipeline& pipeline, const RunOptions& options);

}  // namespace ims
