#include "engine/sparse_pass.hpp"

#include <tbb/parallel_pipeline.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "engine/progress.hpp"
#include "formats/framecache/framecache.hpp"
#include "ims/error.hpp"
#include "ops/reduce/reducer.hpp"
#include "ops/reduce/sum_accumulator.hpp"

namespace ims {

namespace {

enum class Kind { max, min, sum, mean, count };

std::optional<Kind> kind_of(const Reducer& r, DType input) {
  const std::string& name = r.name();
  const DType out = r.output_info().dtype;
  if (name == "max" && out == input) return Kind::max;
  if (name == "min" && out == input) return Kind::min;
  if (name == "sum" && out == DType::float64) return Kind::sum;
  if (name == "mean" && out == DType::float32) return Kind::mean;
  if (name == "count" && out == DType::int64) return Kind::count;
  return std::nullopt;
}

/// Per-pixel folds of the kept pixels, in frame order.
template <class T>
struct Totals {
  using Acc = sum_accumulator_t<T>;
  std::vector<T> max, min;
  std::vector<Acc> sum;
  std::vector<std::uint32_t> kept, nans;  // frames that keep the pixel; of those, NaN

  Totals(std::size_t pixels, bool extremes, bool sums) : kept(pixels, 0), nans(pixels, 0) {
    if (extremes) {
      max.assign(pixels, std::numeric_limits<T>::lowest());
      min.assign(pixels, std::numeric_limits<T>::max());
    }
    if (sums) sum.assign(pixels, Acc{0});
  }

  void add(const SparseFrame& frame, std::size_t cols) {
    const auto* values = reinterpret_cast<const T*>(frame.values.data());
    for (std::size_t i = 0; i < frame.count(); ++i) {
      const std::size_t p = static_cast<std::size_t>(frame.rows[i]) * cols + frame.cols[i];
      const T v = values[i];
      ++kept[p];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) ++nans[p];
      }
      if (!max.empty()) {
        if (v > max[p]) max[p] = v;
        if (v < min[p]) min[p] = v;
      }
      if (!sum.empty()) sum[p] += static_cast<Acc>(v);
    }
  }

  /// The image of `kind` over `frames` frames (the pixels no frame kept are 0s).
  FrameBuffer image(Kind kind, std::size_t frames, FrameShape shape) const {
    const std::size_t pixels = shape.pixels();
    const double n = static_cast<double>(frames);
    switch (kind) {
      case Kind::max:
      case Kind::min: {
        FrameBuffer out(shape, dtype_of_v<T>);
        T* o = out.as<T>();
        const bool is_max = kind == Kind::max;
        for (std::size_t p = 0; p < pixels; ++p) {
          T v = is_max ? max[p] : min[p];
          if (kept[p] < frames) v = kept[p] == 0 ? T{0} : (is_max ? std::max(v, T{0}) : std::min(v, T{0}));
          if constexpr (std::is_floating_point_v<T>) {
            if (nans[p] > 0) v = std::numeric_limits<T>::quiet_NaN();
          }
          o[p] = v;
        }
        return out;
      }
      case Kind::sum: {
        FrameBuffer out(shape, DType::float64);
        for (std::size_t p = 0; p < pixels; ++p) out.as<double>()[p] = static_cast<double>(sum[p]);
        return out;
      }
      case Kind::mean: {
        FrameBuffer out(shape, DType::float32);
        for (std::size_t p = 0; p < pixels; ++p)
          out.as<float>()[p] = static_cast<float>(static_cast<double>(sum[p]) / n);
        return out;
      }
      case Kind::count: {
        FrameBuffer out(shape, DType::int64);
        for (std::size_t p = 0; p < pixels; ++p)
          out.as<std::int64_t>()[p] = static_cast<std::int64_t>(frames - nans[p]);
        return out;
      }
    }
    __builtin_unreachable();
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::optional<StagedImages> run_sparse(const Pipeline& pipeline, const RunOptions& options) {
  if (!options.sparse_frames || !pipeline.ops.empty() || !pipeline.writers.empty() || pipeline.reducers.empty()) {
    return std::nullopt;
  }
  const SparseStore* store = sparse_store_of(*pipeline.source);
  if (!store) return std::nullopt;
  std::vector<Kind> kinds;
  for (const auto& r : pipeline.reducers) {
    const auto kind = kind_of(*r, store->dtype);
    if (!kind) return std::nullopt;
    kinds.push_back(*kind);
  }
  const std::size_t frames = options.nframes ? std::min(options.nframes, store->frames) : store->frames;
  const FrameShape shape = store->shape;
  if (frames > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  bool extremes = false, sums = false;
  for (Kind k : kinds) {
    extremes |= k == Kind::max || k == Kind::min;
    sums |= k == Kind::sum || k == Kind::mean;
  }

  StagedImages staged;
  Plan& plan = staged.first_plan;
  plan.frames = frames;
  plan.source_frame = plan.frame = FrameInfo{shape, store->dtype};
  plan.threads = options.threads;
  plan.budget = options.memory;
  plan.parallel_reads = true;
  plan.sparse = true;
  const std::string label = options.label.empty() ? pipeline.source->describe() : options.label;
  if (options.progress) options.progress->start(label, frames, plan.source_frame.bytes());
  const auto start = std::chrono::steady_clock::now();
  visit_dtype(store->dtype, [&](auto tag) {
    using T = decltype(tag);
    Totals<T> totals(shape.pixels(), extremes, sums);
    std::size_t next = 0, done = 0;
    const std::size_t tokens = 4 * std::max(1u, options.threads);
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                            [&](tbb::flow_control& fc) -> std::size_t {
                                              if (next == frames || (options.cancel && options.cancel->load())) {
                                                fc.stop();
                                                return 0;
                                              }
                                              return next++;
                                            }) &
            tbb::make_filter<std::size_t, std::shared_ptr<SparseFrame>>(tbb::filter_mode::parallel,
                                                                        [&](std::size_t i) {
                                                                          auto frame = std::make_shared<SparseFrame>();
                                                                          store->load(i, *frame);
                                                                          return frame;
                                                                        }) &
            tbb::make_filter<std::shared_ptr<SparseFrame>, void>(tbb::filter_mode::serial_in_order,
                                                                 [&](std::shared_ptr<SparseFrame> frame) {
                                                                   totals.add(*frame, shape.cols);
                                                                   ++done;
                                                                   if (options.progress)
                                                                     options.progress->advance(done);
                                                                 }));
    if (options.cancel && options.cancel->load()) throw Error(ErrorKind::interrupted, "interrupted");
    staged.stages.read = seconds_since(start);
    const auto finalize_start = std::chrono::steady_clock::now();
    for (Kind k : kinds) staged.images.push_back(totals.image(k, frames, shape));
    staged.stages.finalize = seconds_since(finalize_start);
  });
  if (options.progress) options.progress->finish(true);
  return staged;
}

}  // namespace ims
