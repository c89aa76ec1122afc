#include "engine/quantiles/banded_run.hpp"

#include <malloc.h>

#include <cstring>

#include "engine/budget.hpp"
#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/region_series.hpp"
#include "core/strings.hpp"
#include "engine/progress.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

namespace {

/// Copies a band's image into rows [row0, ...) of the whole image.
void paste_band(const FrameBuffer& band, std::size_t row0, FrameBuffer& whole) {
  const std::size_t row_bytes = whole.shape().cols * dtype_size(whole.dtype());
  std::memcpy(whole.data() + row0 * row_bytes, band.data(), band.shape().rows * row_bytes);
}

std::string band_label(const std::string& what, std::size_t band, std::size_t bands, Region rows) {
  return "band " + std::to_string(band + 1) + "/" + std::to_string(bands) + " (rows " + std::to_string(rows.row0) +
         ":" + std::to_string(rows.row1) + ") of " + what;
}

}  // namespace

std::vector<std::shared_ptr<const Reducer>> remake_reducers(
    const std::vector<std::shared_ptr<const Reducer>>& reducers, FrameInfo input) {
  std::vector<std::shared_ptr<const Reducer>> out;
  for (const auto& r : reducers) {
    if (r->spec().empty()) {
      throw Error(ErrorKind::internal, "cannot remake reducer '" + r->name() + "' for a band: it has no spec");
    }
    out.push_back(make_reducer(r->spec(), input, r->output_dtype()));
  }
  return out;
}

void add_stages(StageSeconds& into, const StageSeconds& from) {
  into.read += from.read;
  into.ops += from.ops;
  into.reduce += from.reduce;
  into.write += from.write;
  into.finalize += from.finalize;
}

StagedImages run_bands(const Pipeline& pipeline, const QuantilePlan& plan, const RunOptions& options) {
  const FrameShape shape = pipeline.source->frame_shape();
  StagedImages result;
  for (const auto& r : pipeline.reducers) result.images.emplace_back(r->output_info());
  // The whole images are held while bands run: each band plans its frames
  // in flight from what they leave of the budget (plan_quantiles sized the
  // bands the same way).
  RunOptions band_options = options;
  const std::uint64_t budget = options.memory;
  std::uint64_t held = 0;
  for (const auto& image : result.images) held += image.bytes();
  band_options.memory = budget > held ? budget - held : budget;
  for (std::size_t band = 0; band < plan.bands; ++band) {
    const Region rows{band * plan.band_rows, std::min(shape.rows, (band + 1) * plan.band_rows), 0, shape.cols};
    if (rows.row0 >= rows.row1) break;
    Pipeline part;
    part.source = std::make_shared<RegionSeries>(pipeline.source, rows);
    part.reducers = remake_reducers(pipeline.reducers, part.source->frame_info());
    PassResult pass =
        run_pass(part, band_options, band_label(progress_label(pipeline, options), band, plan.bands, rows));
    if (band == 0) {
      result.first_plan = pass.plan;
      result.first_plan.budget = budget;  // the report states the user's budget
      result.first_plan.quantiles.results_held_bytes = held;
    }
    add_stages(result.stages, pass.stages);
    for (std::size_t i = 0; i < pass.images.size(); ++i) paste_band(pass.images[i], rows.row0, result.images[i]);
    ::malloc_trim(0);  // see spill.cpp
  }
  return result;
}

}  // namespace ims
