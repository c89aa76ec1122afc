#include "engine/quantiles/histogram_select.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <limits>
#include <optional>

#include "engine/budget.hpp"
#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/strings.hpp"
#include "engine/quantiles/histogram_passes.hpp"
#include "engine/progress.hpp"
#include "ops/reduce/holistic/quantile.hpp"

namespace ims {

namespace {

using Clock = std::chrono::steady_clock;
using histogram::DigitPass;
using histogram::DigitReducer;
using histogram::KeyRangeReducer;
using histogram::KeyRanges;
using histogram::Selection;
using histogram::TargetSpec;

constexpr int kMaxDigitBits = 8;
// More passes than this over the whole series is never what the user wants:
// ask for more memory (or another method) instead.
constexpr std::size_t kMaxPasses = 64;
// Pixels per block when the final images are computed.
constexpr std::size_t kImageBlock = 4096;

std::uint64_t low_mask(int bits) {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

std::size_t ceil_div(std::size_t a, std::size_t b) {
  return (a + b - 1) / b;
}

/// Digit width and pixel groups of the digit passes.
struct DigitPlan {
  int bits = 4;
  std::size_t groups = 1;
  std::size_t group_pixels = 0;
  std::size_t passes = 0;         ///< digit passes (estimated from the widest group)
  std::uint64_t state_bytes = 0;  ///< counters of one pass (the largest)
};

struct DigitSizes {
  std::size_t pixels = 0, targets = 0, counter_bytes = 0, key_bytes = 0;
  int key_bits_differing = 0;    ///< the most over the frame
  std::uint64_t persistent = 0;  ///< the selection and every result image
  std::uint64_t budget = 0;
  std::uint64_t in_flight = 0;  ///< kept for frames in flight
  std::uint64_t frames = 0;
  double pass_read_ns = 0;  ///< reading (and the ops on) every frame once
  std::uint64_t per_pixel(int bits) const {
    return targets * ((std::uint64_t{1} << bits) * counter_bytes + key_bytes);
  }
};

// The cost model of a digit pass, in nanoseconds of one core (measured on
// 100 frames of 1024x1024 uint16 from the page cache, two targets): copying
// a byte of a frame from the page cache, counting a value for a target, and a
// byte of counters (allocation, first touch, cache misses, the walk of the
// bins). Wide digits mean fewer passes but counters past a cache line per
// pixel: 8-bit digits cost 3x 4-bit ones for 16-bit keys when reading is cheap.
constexpr double kCopyNsPerByte = 0.1;
constexpr double kCountNsPerValue = 1.0;
constexpr double kStateNsPerByte = 1.0;

/// The cheapest digit width by the cost model among those whose counters fit
/// the budget beside the selection and the frames in flight: per D in 1..8,
/// the pixels whose counters fit make a group, and the passes are groups x
/// ceil(bits / D).
DigitPlan choose_digits(const DigitSizes& s) {
  const std::uint64_t fixed = s.persistent + s.in_flight;
  const std::uint64_t room = s.budget > fixed ? s.budget - fixed : 0;
  const std::size_t bits_to_resolve = static_cast<std::size_t>(s.key_bits_differing);
  DigitPlan best, fewest;
  double best_cost = 0;
  bool found = false, fits = false;
  for (int bits = 1; bits <= kMaxDigitBits; ++bits) {
    const std::uint64_t per_pixel = s.per_pixel(bits);
    if (room < per_pixel) continue;
    DigitPlan p;
    p.bits = bits;
    p.group_pixels = static_cast<std::size_t>(std::min<std::uint64_t>(s.pixels, room / per_pixel));
    p.groups = ceil_div(s.pixels, p.group_pixels);
    p.group_pixels = ceil_div(s.pixels, p.groups);  // balanced
    p.groups = ceil_div(s.pixels, p.group_pixels);
    p.passes = p.groups * ceil_div(bits_to_resolve, static_cast<std::size_t>(bits));
    p.state_bytes = p.group_pixels * per_pixel;
    if (!fits || p.passes < fewest.passes) fewest = p;
    fits = true;
    if (p.passes > kMaxPasses) continue;
    const double per_pass =
        s.pass_read_ns +
        kCountNsPerValue * static_cast<double>(s.frames * p.group_pixels * s.targets) +
        kStateNsPerByte * static_cast<double>(p.state_bytes);
    const double cost = static_cast<double>(p.passes) * per_pass;
    if (!found || cost < best_cost) {
      best = p;
      best_cost = cost;
    }
    found = true;
  }
  if (found) return best;
  const std::uint64_t wanted = fixed + s.pixels * s.per_pixel(4);
  throw Error(
      ErrorKind::resource,
      "--memory " + format_bytes(s.budget) + " is too small for the histogram method: " +
          (fits ? "it would need " + std::to_string(fewest.passes + 1) + " passes over the series"
                : "its per-pixel selection and results need " + format_bytes(s.persistent)) +
          "; give at least --memory " + format_bytes(wanted));
}

/// The quantile reducers of a pipeline and the distinct quantiles they ask for.
struct Targets {
  std::vector<std::size_t> quantile_index;  ///< in pipeline.reducers
  std::vector<std::size_t> other_index;
  std::vector<TargetSpec> specs;
  std::vector<std::size_t> target_of;  ///< per quantile reducer, its spec
};

Targets targets_of(const Pipeline& pipeline, bool floats) {
  Targets t;
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    const Reducer& r = *pipeline.reducers[i];
    if (!r.needs_every_value()) {
      t.other_index.push_back(i);
      continue;
    }
    const std::optional<QuantileSpec> spec = quantile_spec_of(r);
    if (!spec) {
      throw Error(ErrorKind::usage, "the histogram method cannot compute '" + r.name() + "'");
    }
    // numpy's q = percent / 100, computed once as numpy does; without NaNs
    // the NaN policy makes no difference.
    const TargetSpec target{spec->percent / 100.0, floats && spec->nans == NanPolicy::omit};
    std::size_t k = 0;
    while (k < t.specs.size() &&
           (t.specs[k].fraction != target.fraction || t.specs[k].omit != target.omit))
      ++k;
    if (k == t.specs.size()) t.specs.push_back(target);
    t.quantile_index.push_back(i);
    t.target_of.push_back(k);
  }
  return t;
}

/// The digit passes over every group, for counters of type C.
template <class T, class C>
void run_digit_passes(const Pipeline& pipeline, const RunOptions& options,
                      const std::shared_ptr<Selection<OrderKey<T>>>& shared, const DigitPlan& plan,
                      const std::vector<int>& group_bits, const DigitSizes& sizes,
                      std::size_t total_passes, StageSeconds& stages) {
  using K = OrderKey<T>;
  const FrameInfo frame = pipeline.reducers.front()->input();
  std::size_t pass_number = 2;
  for (std::size_t g = 0; g < plan.groups; ++g) {
    const PixelRange group{g * plan.group_pixels,
                           std::min(sizes.pixels, (g + 1) * plan.group_pixels)};
    const int bits = group_bits[g];
    const int passes = (bits + plan.bits - 1) / plan.bits;
    for (int i = 0; i < passes; ++i) {
      DigitPass<K> pass;
      pass.group = group;
      pass.shift = (passes - 1 - i) * plan.bits;
      pass.bits = i == 0 ? bits - (passes - 1) * plan.bits : plan.bits;
      pass.high_mask = K(~low_mask(pass.shift + pass.bits));
      pass.last = i + 1 == passes;
      shared->pass = pass;
      const std::uint64_t counters =
          group.size() * sizes.targets * (pass.bins() * sizeof(C) + (pass.last ? sizeof(K) : 0));
      const std::size_t per_pixel = ceil_div(counters + sizes.persistent, sizes.pixels);
      Pipeline digits;
      digits.source = pipeline.source;
      digits.ops = pipeline.ops;
      digits.reducers.push_back(std::make_shared<DigitReducer<T, C>>(frame, shared, per_pixel));
      const std::string label = "histogram pass " + std::to_string(pass_number) + "/" + std::to_string(total_passes) +
                                " of " + progress_label(pipeline, options);
      const PassResult out = run_pass(digits, options, label, PassWriters::leave_open);
      add_stages(stages, out.stages);
      ++pass_number;
    }
  }
}

template <class T>
StagedImages run_typed(const Pipeline& pipeline, const RunOptions& options) {
  using K = OrderKey<T>;
  constexpr bool kFloat = std::is_floating_point_v<T>;
  const FrameInfo frame = pipeline.reducers.front()->input();
  const std::size_t pixels = frame.shape.pixels();
  const Targets targets = targets_of(pipeline, kFloat);
  const std::size_t frames = options.nframes;
  if (frames > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(
        ErrorKind::usage,
        "the histogram method counts at most 2^32 - 1 frames; use --method memory or spill");
  }

  DigitSizes sizes;
  sizes.pixels = pixels;
  sizes.targets = targets.specs.size();
  sizes.counter_bytes = frames <= std::numeric_limits<std::uint16_t>::max() ? 2 : 4;
  sizes.key_bytes = sizeof(K);
  sizes.budget = options.memory;
  sizes.persistent =
      pixels * (sizeof(std::uint32_t) + sizes.targets * (2 * sizeof(K) + sizeof(std::uint32_t)));
  for (const auto& r : pipeline.reducers)
    sizes.persistent += pixels * dtype_size(r->output_dtype());
  sizes.frames = frames;
  {
    // As the quantile planner counts them: a few frames, or an eighth of the budget.
    const std::uint64_t frame_cost =
        pipeline.source->frame_bytes() + (pipeline.ops.empty() ? 0 : frame.bytes());
    sizes.in_flight = std::max<std::uint64_t>(4 * frame_cost, sizes.budget / 8);
    const double per_byte =
        pipeline.source->read_cost().per_byte + (pipeline.ops.empty() ? 0.0 : 1.0);
    sizes.pass_read_ns =
        kCopyNsPerByte * per_byte * static_cast<double>(frames * pipeline.source->frame_bytes());
  }
  // Before reading a frame: the selection and the narrowest digits for one
  // pixel at a time must fit (the pass count is checked once the keys' ranges
  // are known).
  sizes.key_bits_differing = 1;
  choose_digits(sizes);

  // Pass 1: the key range of every pixel, with the other reducers and the writers.
  auto ranges = std::make_shared<KeyRanges<K>>(pixels);
  Pipeline first;
  first.source = pipeline.source;
  first.ops = pipeline.ops;
  first.writers = pipeline.writers;
  for (std::size_t i : targets.other_index) first.reducers.push_back(pipeline.reducers[i]);
  first.reducers.push_back(std::make_shared<KeyRangeReducer<T>>(frame, ranges));
  PassResult range_pass = run_pass(first, options, "histogram pass 1 (key ranges) of " + progress_label(pipeline, options),
                                   PassWriters::leave_open);

  StagedImages result;
  result.images.resize(pipeline.reducers.size());
  for (std::size_t k = 0; k < targets.other_index.size(); ++k) {
    result.images[targets.other_index[k]] = std::move(range_pass.images[k]);
  }
  result.stages = range_pass.stages;
  result.first_plan = range_pass.plan;
  const auto select_start = Clock::now();

  // The selection: every target starts from its pixel's key range.
  auto shared = std::make_shared<Selection<K>>();
  Selection<K>& sel = *shared;
  const std::size_t nt = targets.specs.size();
  sel.pixels = pixels;
  sel.frames = range_pass.plan.frames;
  sel.specs = targets.specs;
  sel.nans = std::move(ranges->nans);
  std::vector<char> active(pixels, 0);
  K differing_all = 0;
  for (std::size_t p = 0; p < pixels; ++p) {
    QuantilePosition at;
    for (std::size_t t = 0; t < nt && !active[p]; ++t) active[p] = sel.position(p, t, at);
    if (active[p]) differing_all |= K(ranges->lo[p] ^ ranges->hi[p]);
  }

  sizes.key_bits_differing = std::bit_width(differing_all);
  const DigitPlan plan = choose_digits(sizes);

  // Per group, the bits its keys differ in; every target's prefix keeps the
  // bits above them.
  std::vector<int> group_bits(plan.groups, 0);
  sel.prefix.resize(pixels * nt);
  sel.below.assign(pixels * nt, 0);
  std::size_t digit_passes = 0;
  for (std::size_t g = 0; g < plan.groups; ++g) {
    const std::size_t begin = g * plan.group_pixels,
                      end = std::min(pixels, begin + plan.group_pixels);
    K differing = 0;
    for (std::size_t p = begin; p < end; ++p) {
      if (active[p]) differing |= K(ranges->lo[p] ^ ranges->hi[p]);
    }
    group_bits[g] = std::bit_width(differing);
    const K high = K(~low_mask(group_bits[g]));
    for (std::size_t p = begin; p < end; ++p) {
      for (std::size_t t = 0; t < nt; ++t) sel.prefix[p * nt + t] = K(ranges->lo[p] & high);
    }
    digit_passes +=
        ceil_div(static_cast<std::size_t>(group_bits[g]), static_cast<std::size_t>(plan.bits));
  }
  sel.above = sel.prefix;  // the successor when the values are equal (no pass)
  ranges.reset();
  active = {};
  result.stages.finalize += seconds_since(select_start);

  const std::size_t total_passes = 1 + digit_passes;
  result.source_passes = total_passes;
  result.first_plan.quantiles.passes = total_passes;
  if (digit_passes != 0) {
    result.first_plan.quantiles.digit_bits = plan.bits;
    result.first_plan.quantiles.groups = plan.groups;
    result.first_plan.quantiles.state_bytes = plan.state_bytes;
    if (sizes.counter_bytes == 2) {
      run_digit_passes<T, std::uint16_t>(pipeline, options, shared, plan, group_bits, sizes,
                                         total_passes, result.stages);
    } else {
      run_digit_passes<T, std::uint32_t>(pipeline, options, shared, plan, group_bits, sizes,
                                         total_passes, result.stages);
    }
  }

  // The images, exactly as QuantileReducer::select_block computes them.
  const auto images_start = Clock::now();
  for (std::size_t k = 0; k < targets.quantile_index.size(); ++k) {
    const Reducer& r = *pipeline.reducers[targets.quantile_index[k]];
    const std::size_t t = targets.target_of[k];
    FrameBuffer image(r.output_info());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pixels, kImageBlock),
                      [&](const tbb::blocked_range<std::size_t>& block) {
                        std::vector<double> values(block.size());
                        for (std::size_t p = block.begin(); p < block.end(); ++p) {
                          QuantilePosition at;
                          double& v = values[p - block.begin()];
                          if (!sel.position(p, t, at)) {
                            v = std::numeric_limits<double>::quiet_NaN();
                            continue;
                          }
                          const T a = from_key<T>(sel.prefix[p * nt + t]);
                          v = at.weight > 0.0
                                  ? numpy_lerp(a, from_key<T>(sel.above[p * nt + t]), at.weight)
                                  : static_cast<double>(a);
                        }
                        write_pixels(values.data(), PixelRange{block.begin(), block.end()},
                                     image.view(), [](double v) { return v; });
                      });
    result.images[targets.quantile_index[k]] = std::move(image);
  }
  result.stages.finalize += seconds_since(images_start);
  return result;
}

}  // namespace

StagedImages run_histogram(const Pipeline& pipeline, const RunOptions& options) {
  if (!pipeline.source) throw Error(ErrorKind::internal, "pipeline has no source");
  const auto quantile =
      std::find_if(pipeline.reducers.begin(), pipeline.reducers.end(),
                   [](const auto& r) { return r->needs_every_value(); });
  if (quantile == pipeline.reducers.end()) {
    throw Error(ErrorKind::internal, "the histogram method runs without quantile reducers");
  }
  StagedImages result = visit_dtype((*quantile)->input().dtype, [&](auto tag) {
    using T = decltype(tag);
    return run_typed<T>(pipeline, options);
  });
  // Every pass succeeded: the writers' outputs may appear.
  for_each_writer(pipeline, [](SeriesWriter& w) { w.commit(); });
  return result;
}

}  // namespace ims
