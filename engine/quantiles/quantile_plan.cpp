#include "engine/quantiles/quantile_plan.hpp"

#include <algorithm>
#include <cmath>

#include "engine/accumulation.hpp"
#include "engine/budget.hpp"
#include "core/checked.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"
#include "engine/plan.hpp"

namespace ims {

namespace {

// Cost of spilling a byte (Blosc-LZ4 compress, write, read back, decompress)
// relative to copying it from the page cache; measured with bench/bm_codecs.
constexpr double kSpillCostPerByte = 2.5;
// Histogram passes over 16-bit data with 4-bit digits, plus the range and
// successor passes: a typical count for comparing costs.
constexpr double kHistogramPasses = 5.0;

FrameInfo output_frame(const Pipeline& pipeline) {
  return pipeline.reducers.empty() ? pipeline.source->frame_info() : pipeline.reducers.front()->input();
}

std::uint64_t output_bytes_per_pixel(const Pipeline& pipeline) {
  std::uint64_t bytes = 0;
  for (const auto& r : pipeline.reducers) bytes += dtype_size(r->output_dtype());
  return bytes;
}

bool bands_possible(const Pipeline& pipeline) {
  return pipeline.ops.empty() && pipeline.writers.empty() &&
         std::all_of(pipeline.reducers.begin(), pipeline.reducers.end(),
                     [](const auto& r) { return !r->spec().empty(); });
}

struct Sizes {
  std::uint64_t budget = 0, outputs = 0, values = 0, in_flight = 0, per_row = 0;
  std::size_t rows = 0;
};

Sizes sizes_of(const Pipeline& pipeline, const RunOptions& options) {
  Sizes s;
  const FrameInfo frame = output_frame(pipeline);
  const std::size_t frames = options.nframes;
  s.budget = options.memory;
  s.rows = frame.shape.rows;
  // Saturating: a size too large for any budget must read as such, not wrap.
  s.outputs = saturating_mul(frame.shape.pixels(), output_bytes_per_pixel(pipeline));
  s.per_row = saturating_mul(frame.shape.cols, state_bytes_per_pixel(pipeline, frames));
  s.values = saturating_mul(s.per_row, s.rows);
  // Frames in flight: at least a few whole source frames, or an eighth of the budget.
  s.in_flight = std::max<std::uint64_t>(saturating_mul(4, pipeline.source->frame_bytes()), s.budget / 8);
  return s;
}

/// Splits the rows into the fewest equal bands whose states fit.
void choose_bands(const Sizes& s, QuantilePlan& plan) {
  const std::uint64_t fixed = saturating_add(s.outputs, s.in_flight);
  const std::uint64_t room = s.budget > fixed ? s.budget - fixed : 0;
  // A band holds its values and its own rows of the results (pasted into the
  // whole results, which stay held throughout).
  const std::uint64_t row_cost = saturating_add(s.per_row, s.outputs / s.rows);
  const std::size_t fitting_rows = static_cast<std::size_t>(std::min<std::uint64_t>(room / row_cost, s.rows));
  if (fitting_rows == 0) {
    throw Error(ErrorKind::resource, "--memory " + format_bytes(s.budget) +
                                         " is too small for these quantiles: one row of every " + "frame needs " +
                                         format_bytes(s.per_row) + " and the results " + format_bytes(s.outputs) +
                                         "; give at least --memory " + format_bytes(saturating_add(fixed, row_cost)));
  }
  plan.bands = (s.rows + fitting_rows - 1) / fitting_rows;
  plan.band_rows = (s.rows + plan.bands - 1) / plan.bands;
  plan.band_bytes = plan.band_rows * s.per_row;
}

QuantileMethod automatic_method(const Pipeline& pipeline, const Sizes& s, std::string& why) {
  const ReadCost cost = pipeline.source->read_cost();
  if (saturating_add(s.values, saturating_add(s.outputs, s.in_flight)) <= s.budget) {
    why = "every value fits the budget";
    return QuantileMethod::memory;
  }
  if (!bands_possible(pipeline)) {
    why = "the values exceed the budget and ops or writers need whole frames";
    return QuantileMethod::histogram;
  }
  if (cost.cheap_regions) {
    why = "the values exceed the budget and the source reads regions cheaply, so bands of rows read it once";
    return QuantileMethod::memory;
  }
  if (cost.per_byte + kSpillCostPerByte < kHistogramPasses * cost.per_byte) {
    why = "the values exceed the budget, regions cost whole frames and decoding is expensive: "
          "decode once into a compressed scratch file";
    return QuantileMethod::spill;
  }
  why = "the values exceed the budget and re-reading the source is cheaper than spilling it";
  return QuantileMethod::histogram;
}

}  // namespace

bool has_quantiles(const Pipeline& pipeline) {
  return std::any_of(pipeline.reducers.begin(), pipeline.reducers.end(),
                     [](const auto& r) { return r->needs_every_value(); });
}

std::uint64_t state_bytes_per_pixel(const Pipeline& pipeline, std::size_t frames) {
  const auto owners = state_owners(pipeline.reducers);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    if (owners[i] != i) continue;
    const Reducer& r = *pipeline.reducers[i];
    bytes = saturating_add(
        bytes, saturating_add(r.state_bytes_per_pixel(), saturating_mul(frames, r.state_bytes_per_pixel_per_frame())));
  }
  return bytes;
}

QuantilePlan plan_quantiles(const Pipeline& pipeline, const RunOptions& options) {
  const Sizes s = sizes_of(pipeline, options);
  QuantilePlan plan;
  plan.method = options.quantile_method;
  if (plan.method == QuantileMethod::automatic) {
    plan.method = automatic_method(pipeline, s, plan.reason);
  } else {
    plan.reason = "--method " + std::string(quantile_method_name(plan.method));
  }
  if (plan.method == QuantileMethod::memory || plan.method == QuantileMethod::spill) {
    choose_bands(s, plan);
    if (plan.bands > 1 && !bands_possible(pipeline)) {
      throw Error(ErrorKind::usage, "--method " + std::string(quantile_method_name(plan.method)) +
                                        " needs " + std::to_string(plan.bands) +
                                        " bands of rows, which ops and writers cannot take (they need whole " +
                                        "frames); raise --memory or use --method histogram");
    }
  }
  return plan;
}

std::string_view quantile_method_name(QuantileMethod method) {
  switch (method) {
    case QuantileMethod::automatic: return "auto";
    case QuantileMethod::memory: return "memory";
    case QuantileMethod::histogram: return "histogram";
    case QuantileMethod::spill: return "spill";
  }
  return "?";
}

namespace {

constexpr QuantileMethod kQuantileMethods[] = {QuantileMethod::automatic, QuantileMethod::memory,
                                               QuantileMethod::histogram, QuantileMethod::spill};

}  // namespace

std::vector<std::string> quantile_method_names() {
  std::vector<std::string> names;
  for (auto m : kQuantileMethods) names.emplace_back(quantile_method_name(m));
  return names;
}

QuantileMethod parse_quantile_method(std::string_view name) {
  for (auto m : kQuantileMethods) {
    if (quantile_method_name(m) == name) return m;
  }
  throw Error(ErrorKind::usage, unknown_name_message("method", name, quantile_method_names()));
}

}  // namespace ims
