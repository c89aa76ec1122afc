#include "engine/sparse_pass.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "engine/budget.hpp"
#include "engine/pass.hpp"
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

/// Per-pixel folds of the kept pixels, in frame order. Only what the
/// statistics need is kept, and touched once per kept pixel: the cost is the
/// kept pixels' scattered writes into these arrays.
template <class T>
struct Totals {
  using Acc = sum_accumulator_t<T>;
  std::size_t pixels;
  std::vector<T> max, min;
  std::vector<Acc> sum;
  /// Frames that keep each pixel: min needs it (a pixel some frame lacks has
  /// a 0 among its values), and so does max when values can be negative.
  std::vector<std::uint32_t> kept;
  std::vector<std::uint32_t> nans;  // allocated at the first NaN

  Totals(std::size_t pixel_count, bool has_max, bool has_min, bool sums) : pixels(pixel_count) {
    // Unsigned values are >= 0: a max that starts at 0 already counts the
    // zeros of the frames that lack the pixel.
    if (has_max) max.assign(pixels, std::is_unsigned_v<T> ? T{0} : std::numeric_limits<T>::lowest());
    if (has_min) min.assign(pixels, std::numeric_limits<T>::max());
    if (has_min || (has_max && !std::is_unsigned_v<T>)) kept.assign(pixels, 0);
    if (sums) sum.assign(pixels, Acc{0});
  }

  /// Folds entries [lo, hi) of `frame`. Runs concurrently for disjoint
  /// rows (a band each); NaN counts are allocated up front (allocate_nans).
  void add(const SparseFrame& frame, std::size_t cols, std::size_t lo, std::size_t hi) {
    const auto* values = reinterpret_cast<const T*>(frame.values.data());
    const std::uint16_t* rows = frame.rows.data();
    const std::uint16_t* columns = frame.cols.data();
    for (std::size_t i = lo; i < hi; ++i) {
      const std::size_t p = static_cast<std::size_t>(rows[i]) * cols + columns[i];
      const T v = values[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) ++nans[p];
      }
      if (!kept.empty()) ++kept[p];
      if (!max.empty() && v > max[p]) max[p] = v;
      if (!min.empty() && v < min[p]) min[p] = v;
      if (!sum.empty()) sum[p] += static_cast<Acc>(v);
    }
  }

  /// Folds the entries of `frame` in rows [row0, row1), in any order.
  void add_rows(const SparseFrame& frame, std::size_t cols, std::size_t row0, std::size_t row1) {
    for (std::size_t i = 0; i < frame.count(); ++i) {
      if (frame.rows[i] >= row0 && frame.rows[i] < row1) add(frame, cols, i, i + 1);
    }
  }

  /// Before frames with NaNs are folded (the bands then share the array).
  void allocate_nans() {
    if (nans.empty()) nans.assign(pixels, 0);
  }

  std::uint32_t nan_count(std::size_t p) const { return nans.empty() ? 0 : nans[p]; }

  /// The image of `kind` over `frames` frames (the pixels no frame kept are 0s).
  FrameBuffer image(Kind kind, std::size_t frames, FrameShape shape) const {
    const double n = static_cast<double>(frames);
    switch (kind) {
      case Kind::max:
      case Kind::min: {
        FrameBuffer out(shape, dtype_of_v<T>);
        T* o = out.as<T>();
        const bool is_max = kind == Kind::max;
        for (std::size_t p = 0; p < pixels; ++p) {
          T v = is_max ? max[p] : min[p];
          if (!kept.empty() && kept[p] < frames) {
            v = kept[p] == 0 ? T{0} : (is_max ? std::max(v, T{0}) : std::min(v, T{0}));
          }
          if constexpr (std::is_floating_point_v<T>) {
            if (nan_count(p) > 0) v = std::numeric_limits<T>::quiet_NaN();
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
        for (std::size_t p = 0; p < pixels; ++p) {
          out.as<float>()[p] = static_cast<float>(static_cast<double>(sum[p]) / n);
        }
        return out;
      }
      case Kind::count: {
        FrameBuffer out(shape, DType::int64);
        for (std::size_t p = 0; p < pixels; ++p) {
          out.as<std::int64_t>()[p] = static_cast<std::int64_t>(frames - nan_count(p));
        }
        return out;
      }
    }
    __builtin_unreachable();
  }
};

/// Entries [lo, hi) of a row-major `frame` (as hexrd writes them) in rows
/// [row0, row1), by binary search.
std::pair<std::size_t, std::size_t> entries_in_rows(const SparseFrame& frame, std::size_t row0, std::size_t row1) {
  const auto* first = frame.rows.data();
  const auto* last = first + frame.count();
  const auto lo = std::lower_bound(first, last, row0);
  const auto hi = std::lower_bound(lo, last, row1);
  return {static_cast<std::size_t>(lo - first), static_cast<std::size_t>(hi - first)};
}

/// Frames are decoded in parallel a batch at a time; then each band of rows
/// folds the batch's frames in frame order, the bands in parallel. A band's
/// accumulators stay in cache across the batch, and float sums keep frame
/// order per pixel.
template <class T>
void fold_in_bands(const SparseStore& store, std::size_t frames, const RunOptions& options, Totals<T>& totals) {
  const FrameShape shape = store.shape;
  const std::size_t batch = 16 * std::max(1u, options.threads);
  // Bands of about 16k pixels: their accumulators (up to 16 bytes a pixel)
  // stay in L2 while the batch's frames fold into them (64k measured slower).
  const std::size_t band_rows = std::max<std::size_t>(1, (std::size_t{1} << 14) / shape.cols);
  const std::size_t bands = (shape.rows + band_rows - 1) / band_rows;
  std::vector<SparseFrame> loaded(batch);
  for (std::size_t first = 0; first < frames; first += batch) {
    if (options.cancel && options.cancel->load()) throw Error(ErrorKind::interrupted, "interrupted");
    const std::size_t count = std::min(batch, frames - first);
    tbb::parallel_for(std::size_t{0}, count, [&](std::size_t k) { store.load(first + k, loaded[k]); });
    if constexpr (std::is_floating_point_v<T>) {
      for (std::size_t k = 0; k < count; ++k) {
        const auto* v = reinterpret_cast<const T*>(loaded[k].values.data());
        if (std::any_of(v, v + loaded[k].count(), [](T x) { return std::isnan(x); })) totals.allocate_nans();
      }
    }
    tbb::parallel_for(std::size_t{0}, bands, [&](std::size_t b) {
      const std::size_t row0 = b * band_rows, row1 = std::min(shape.rows, row0 + band_rows);
      for (std::size_t k = 0; k < count; ++k) {
        if (loaded[k].row_major) {
          const auto [lo, hi] = entries_in_rows(loaded[k], row0, row1);
          totals.add(loaded[k], shape.cols, lo, hi);
        } else {
          totals.add_rows(loaded[k], shape.cols, row0, row1);
        }
      }
    });
    if (options.progress) options.progress->advance(first + count);
  }
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
  bool has_max = false, has_min = false, sums = false;
  for (Kind k : kinds) {
    has_max |= k == Kind::max;
    has_min |= k == Kind::min;
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
  if (options.progress) options.progress->start(progress_label(pipeline, options), frames, plan.source_frame.bytes());
  const auto start = std::chrono::steady_clock::now();
  visit_dtype(store->dtype, [&](auto tag) {
    using T = decltype(tag);
    Totals<T> totals(shape.pixels(), has_max, has_min, sums);
    fold_in_bands(*store, frames, options, totals);
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
