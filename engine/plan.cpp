#include "engine/plan.hpp"

#include <algorithm>
#include <sstream>

#include "engine/accumulation.hpp"
#include "engine/budget.hpp"
#include "core/checked.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"
#include "engine/rewrite/ops_in_reducers.hpp"
#include "ops/process/op_chain.hpp"

namespace ims {

namespace {

// Frames per batch at most: enough to amortise a pass over the reducer state
// of a tile, few enough that a tile of every frame of a batch stays in cache.
constexpr std::size_t kMaxBatchFrames = 16;
// A conversion (writers, no reducers) gains nothing from big batches: each
// writer stores frame by frame. Keeping its batches near this size keeps its
// memory that of a few frames whatever the budget (a 2048x2048 frame-cache
// conversion peaked at 540 MB with 16-frame batches).
constexpr std::uint64_t kConversionBatchBytes = 32ull << 20;
// Bytes of each frame a tile covers. Reducers read four frames per pass over
// a tile, so runs of 64 KiB already stream well; larger tiles gained nothing
// for max and mean and cost var (16 bytes of state per pixel) its L2 residency
// (measured with bench/bm_reduce, 2048x2048 frames: 64 KiB vs 256 KiB).
constexpr std::size_t kTileBytes = 64 * 1024;
constexpr std::size_t kTilesOnSmallFrames = 16;

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }
std::size_t round_up(std::size_t a, std::size_t b) { return ceil_div(a, b) * b; }

void check_reducers(const Pipeline& pipeline, FrameInfo frame) {
  for (const auto& r : pipeline.reducers) {
    if (r->input() != frame) {
      throw Error(ErrorKind::internal,
                  "reducer expects " + to_string(r->input().shape) + " " +
                      std::string(dtype_name(r->input().dtype)) + " frames, the pipeline yields " +
                      to_string(frame.shape) + " " + std::string(dtype_name(frame.dtype)))
          .with_stage(r->name());
    }
  }
}

std::uint64_t state_bytes(const Pipeline& pipeline, FrameInfo frame, std::size_t frames) {
  const auto owners = state_owners(pipeline.reducers);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    const Reducer& r = *pipeline.reducers[i];
    std::uint64_t per_pixel = dtype_size(r.output_dtype());
    if (owners[i] == i) {
      per_pixel = saturating_add(
          per_pixel,
          saturating_add(r.state_bytes_per_pixel(), saturating_mul(frames, r.state_bytes_per_pixel_per_frame())));
    }
    bytes = saturating_add(bytes, saturating_mul(frame.shape.pixels(), per_pixel));
  }
  return bytes;
}

}  // namespace

std::size_t tile_pixels_for(FrameInfo frame) {
  const std::size_t rows = std::max<std::size_t>(frame.shape.rows, 1);
  const std::size_t cols = std::max<std::size_t>(frame.shape.cols, 1);
  const std::size_t large = kTileBytes / dtype_size(frame.dtype);
  if (cols > large) {
    // Rows wider than a tile: tiles cut rows (ops then run on whole frames).
    const std::size_t pixels = rows * cols;
    return pixels >= large * kTilesOnSmallFrames ? large
                                                 : std::min(pixels, round_up(ceil_div(pixels, kTilesOnSmallFrames), 64));
  }
  // Whole rows, so that a chain of row-mapping ops can compute a tile alone
  // (Plan::ops_by_tile). Small frames: a few tiles of at least a cache line
  // or so each, so threads still share the work.
  std::size_t tile_rows = large / cols;
  if (rows < tile_rows * kTilesOnSmallFrames) {
    tile_rows = std::max(ceil_div(rows, kTilesOnSmallFrames), ceil_div(64, cols));
  }
  return std::min(tile_rows, rows) * cols;
}

RunOptions resolve_options(RunOptions options, const ImageSeries& source) {
  if (options.threads == 0) options.threads = default_thread_count();
  if (options.memory == 0) options.memory = default_memory_budget();
  options.nframes = options.nframes == 0 ? source.size() : std::min(options.nframes, source.size());
  return options;
}

Plan make_plan(const Pipeline& pipeline, const RunOptions& options) {
  if (!pipeline.source) throw Error(ErrorKind::internal, "pipeline has no source");
  if (options.threads == 0 || options.memory == 0) {
    throw Error(ErrorKind::internal, "make_plan: the run options are not resolved (resolve_options)");
  }
  const ImageSeries& source = *pipeline.source;
  Plan plan;
  plan.frames = std::min(source.size(), options.nframes);
  if (plan.frames == 0) {
    throw Error(ErrorKind::format, "the series has no frames").with_source(source.describe());
  }
  plan.source_frame = source.frame_info();
  // Readers refuse headers whose sizes overflow; this catches any other source.
  try {
    check_series_bytes(plan.frames, plan.source_frame.shape.rows, plan.source_frame.shape.cols, plan.source_frame.dtype,
                       "", "");
  } catch (Error& e) {
    throw e.with_source(source.describe());
  }
  if (plan.source_frame.shape.pixels() == 0) {
    throw Error(ErrorKind::format, "frames have no pixels (shape " + to_string(plan.source_frame.shape) + ")")
        .with_source(source.describe());
  }
  const OpChain chain(pipeline.ops, plan.source_frame);
  plan.frame = chain.output();
  try {
    check_series_bytes(plan.frames, plan.frame.shape.rows, plan.frame.shape.cols, plan.frame.dtype, "", "");
  } catch (Error& e) {
    throw e.with_source(source.describe());
  }
  check_reducers(pipeline, plan.frame);

  plan.threads = options.threads;
  plan.budget = options.memory;
  plan.parallel_reads = source.concurrent_reads();
  plan.zero_copy = source.frame_data(0) != nullptr;
  plan.frames_kept_in_place =
      plan.zero_copy && pipeline.ops.empty() &&
      std::any_of(pipeline.reducers.begin(), pipeline.reducers.end(),
                  [](const auto& r) { return r->keeps_frames_in_place(); });
  plan.tile_pixels = tile_pixels_for(plan.frame);
  plan.tiles = (plan.frame.shape.pixels() + plan.tile_pixels - 1) / plan.tile_pixels;
  plan.ops_by_tile = ops_run_by_tile(pipeline, chain, options, plan);
  plan.ops_folded = ops_fold_into_reducers(pipeline, chain, options, plan);
  plan.state_bytes = state_bytes(pipeline, plan.frame, plan.frames);
  // A frame in flight costs its source bytes (a pooled copy, or mapped pages),
  // its processed copy when there are ops not run by tile, and what writers
  // prepare (compressed chunks) ahead of writing.
  const bool processed_frames = !pipeline.ops.empty() && !plan.ops_by_tile;
  plan.frame_cost = saturating_add(plan.source_frame.bytes(), processed_frames ? plan.frame.bytes() : 0);
  for (const auto& w : pipeline.writers) {
    plan.frame_cost = saturating_add(plan.frame_cost, w->prepared_bytes_per_frame(plan.frame));
  }

  const std::uint64_t minimum = saturating_add(plan.state_bytes, saturating_mul(2, plan.frame_cost));
  if (plan.budget < minimum) {
    throw Error(ErrorKind::resource,
                "--memory " + format_bytes(plan.budget) + " is too small for this run: reducer " +
                    "states and results need " + format_bytes(plan.state_bytes) +
                    " and two frames in flight need " + format_bytes(2 * plan.frame_cost) +
                    "; give at least --memory " + format_bytes(minimum));
  }
  const std::size_t in_flight = static_cast<std::size_t>(
      std::min<std::uint64_t>((plan.budget - plan.state_bytes) / plan.frame_cost, 1u << 20));

  std::size_t batch = options.batch_frames > 0 ? options.batch_frames
                                               : std::min(kMaxBatchFrames, in_flight / 2);
  if (pipeline.reducers.empty() && options.batch_frames == 0) {
    batch = std::min<std::size_t>(batch, std::max<std::uint64_t>(1, kConversionBatchBytes / plan.frame_cost));
  }
  batch = std::clamp<std::size_t>(batch, 1, std::min(in_flight, plan.frames));
  plan.batch_frames = batch;
  const std::size_t batches = (plan.frames + batch - 1) / batch;
  // One slot being reduced, one per reading thread, one ready: more buys nothing.
  const std::size_t useful_slots = plan.threads + 2;
  plan.slots = std::max<std::size_t>(1, std::min({in_flight / batch, useful_slots, batches}));
  return plan;
}

std::string QuantileRun::describe() const {
  if (!ran()) return "";
  std::string text(quantile_method_name(method));
  if (method == QuantileMethod::histogram) {
    text += " (" + reason + "): " + std::to_string(passes) + (passes == 1 ? " pass" : " passes");
    if (digit_bits == 0) return text + " (every pixel's values are equal)";
    return text + ", " + std::to_string(digit_bits) + "-bit digits" +
           (groups > 1 ? ", " + std::to_string(groups) + " pixel groups" : "") + " (state " +
           format_bytes(state_bytes) + ")";
  }
  text += bands == 1 ? ", one band" : ", " + std::to_string(bands) + " bands of " + std::to_string(band_rows) +
                                          " rows (" + format_bytes(band_bytes) + " of values each)";
  text += " (" + reason + ")";
  if (results_held_bytes > 0) {
    text += "; each band's budget is --memory less the whole results (" + format_bytes(results_held_bytes) + ")";
  }
  return text;
}

std::string Plan::explain() const {
  std::ostringstream out;
  if (sparse) {
    out << frames << " frames of " << to_string(frame.shape) << " " << dtype_name(frame.dtype) << " on " << threads
        << " thread" << (threads == 1 ? "" : "s")
        << "; sparse: the frame-cache's kept pixels folded into the statistics, its zeros skipped (no frame "
           "densified), frames decoded in parallel";
    return out.str();
  }
  out << frames << " frames of " << to_string(frame.shape) << " " << dtype_name(frame.dtype)
      << " on " << threads << " thread" << (threads == 1 ? "" : "s") << "; budget "
      << format_bytes(budget) << ": reducer states " << format_bytes(state_bytes) << ", "
      << slots << " batch" << (slots == 1 ? "" : "es") << " of " << batch_frames
      << " frame" << (batch_frames == 1 ? "" : "s") << " in flight (" << format_bytes(buffer_bytes())
      << "); " << tiles << " tile" << (tiles == 1 ? "" : "s") << " of " << tile_pixels
      << " pixels; " << (zero_copy ? "frames used in place (no copy)" : "frames copied into pooled buffers")
      << (frames_kept_in_place ? ", values kept in place for the quantiles" : "")
      << (ops_folded    ? ", ops folded into the reducers' loops (the frames streamed once, as without ops)"
          : ops_by_tile ? ", ops computed tile by tile inside the reduction"
                        : "")
      << ", " << (parallel_reads ? "parallel" : "serial") << " reads";
  if (!ops_on_results.empty()) {
    out << "; " << ops_on_results << " applied once to each result (statistics are per pixel)";
  }
  if (quantiles.ran()) out << "; quantiles: " << quantiles.describe();
  return out.str();
}

}  // namespace ims
