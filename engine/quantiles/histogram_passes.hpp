#pragma once
// The reducers of the histogram method's passes (see histogram_select.hpp).
// They are private to the method (not registered): their states merge by
// addition (and min/max), so the standard engine runs them over tiles in
// parallel and partial states from other threads, processes or nodes merge,
// but their results go to a shared Selection rather than to an image:
//
// - KeyRangeReducer<T> (pass 1): per pixel the smallest order key, the
//   largest non-NaN key and the NaN count; finalize() stores them in a
//   KeyRanges for its pixel range.
// - DigitReducer<T, C> (every further pass): per pixel and target (a quantile
//   reducer x pixel) a histogram of 2^d counters of type C over the values
//   whose key starts with the target's prefix, binned by the next d bits (and,
//   on the last pass, the smallest key above the prefix's range). finalize()
//   walks the bins, extends the target's prefix by d bits and its count of
//   values below it; after the last pass the prefix is the key of rank `rank`
//   and `above` the key of rank `rank + 1`.
//
// Threading: a pass's Selection is read by update() and written only by
// finalize(), which the engine calls after every update of the pass, for
// disjoint pixel ranges concurrently.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "ims/error.hpp"
#include "ops/reduce/holistic/order_key.hpp"
#include "ops/reduce/holistic/quantile_math.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims::histogram {

/// Per pixel of the frame, from pass 1.
template <class K>
struct KeyRanges {
  explicit KeyRanges(std::size_t pixels) : lo(pixels), hi(pixels), nans(pixels) {}
  std::vector<K> lo;                ///< smallest key (NaN key only when every value is NaN)
  std::vector<K> hi;                ///< largest non-NaN key
  std::vector<std::uint32_t> nans;  ///< NaN values (floats only)
};

/// A quantile to find at every pixel: numpy's q = percent / 100 and whether NaNs are omitted.
struct TargetSpec {
  double fraction = 0.5;
  bool omit = false;
};

/// What one digit pass resolves: bits [shift, shift + bits) of the keys of
/// the group's pixels, given that every key counted shares the target's
/// prefix in the bits that `high_mask` keeps.
template <class K>
struct DigitPass {
  PixelRange group;  ///< the pixels this pass works on
  int shift = 0;
  int bits = 1;
  K high_mask = 0;
  bool last = false;  ///< also finds the successor (shift is then 0)
  std::size_t bins() const { return std::size_t{1} << bits; }
};

/// The state of the selection, shared by the passes: index [p * targets + t]
/// for pixel p and target t.
template <class K>
struct Selection {
  std::size_t pixels = 0;
  std::uint64_t frames = 0;
  std::vector<TargetSpec> specs;
  std::vector<std::uint32_t> nans;   ///< per pixel
  std::vector<K> prefix;             ///< the key resolved so far (unresolved bits zero)
  std::vector<std::uint32_t> below;  ///< values with keys below the prefix's range
  std::vector<K> above;              ///< after the last pass: the key of rank `rank + 1`
  DigitPass<K> pass;                 ///< the pass running now

  std::size_t targets() const { return specs.size(); }

  /// Where target t falls at pixel p; false when the result is NaN (a NaN
  /// under NanPolicy::propagate, or no value left).
  bool position(std::size_t p, std::size_t t, QuantilePosition& at) const {
    const std::uint64_t nan = nans[p];
    const bool omit = specs[t].omit;
    const std::uint64_t n = omit ? frames - nan : frames;
    if (n == 0 || (nan > 0 && !omit)) return false;
    at = quantile_position(n, specs[t].fraction);
    return true;
  }
};

// ---------------------------------------------------------------------------
// Pass 1: key ranges.

template <class T>
class KeyRangeReducer final : public Reducer {
 public:
  using K = OrderKey<T>;
  static constexpr bool kFloat = std::is_floating_point_v<T>;

  KeyRangeReducer(FrameInfo input, std::shared_ptr<KeyRanges<K>> out)
      : Reducer("histogram key range", input, DType::uint8), out_(std::move(out)) {}

  // The state and the shared copy it is finalised into.
  std::size_t state_bytes_per_pixel() const override {
    return 2 * (2 * sizeof(K) + sizeof(std::uint32_t));
  }

 protected:
  struct State final : ReducerState {
    explicit State(PixelRange r)
        : lo(r.size(), std::numeric_limits<K>::max()), hi(r.size(), 0), nans(r.size(), 0) {
      range = r;
    }
    std::vector<K> lo, hi;
    std::vector<std::uint32_t> nans;
  };

  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    return std::make_unique<State>(range);
  }

  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    auto& s = static_cast<State&>(state);
    const std::size_t width = s.range.size();
    K* __restrict lo = s.lo.data();
    K* __restrict hi = s.hi.data();
    std::uint32_t* __restrict nans = s.nans.data();
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const T* __restrict row = batch.pixels_as<T>(k, s.range.begin);
      for (std::size_t p = 0; p < width; ++p) {
        const K v = to_key(row[p]);
        lo[p] = v < lo[p] ? v : lo[p];
        if constexpr (kFloat) {
          const bool is_nan = v == kNanKey<K>;
          const K valid = is_nan ? K(0) : v;
          hi[p] = valid > hi[p] ? valid : hi[p];
          nans[p] += is_nan;
        } else {
          hi[p] = v > hi[p] ? v : hi[p];
        }
      }
    }
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    auto& a = static_cast<State&>(into);
    const auto& b = static_cast<const State&>(from);
    for (std::size_t p = 0; p < a.lo.size(); ++p) {
      a.lo[p] = std::min(a.lo[p], b.lo[p]);
      a.hi[p] = std::max(a.hi[p], b.hi[p]);
      a.nans[p] += b.nans[p];
    }
  }

  void do_finalize(const ReducerState& state, FrameView) const override {
    const auto& s = static_cast<const State&>(state);
    std::copy(s.lo.begin(), s.lo.end(), out_->lo.begin() + s.range.begin);
    std::copy(s.hi.begin(), s.hi.end(), out_->hi.begin() + s.range.begin);
    std::copy(s.nans.begin(), s.nans.end(), out_->nans.begin() + s.range.begin);
  }

  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    const auto& s = static_cast<const State&>(state);
    out.put_array(s.lo.data(), s.lo.size());
    out.put_array(s.hi.data(), s.hi.size());
    out.put_array(s.nans.data(), s.nans.size());
  }

  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    auto& s = static_cast<State&>(state);
    in.get_array(s.lo.data(), s.lo.size());
    in.get_array(s.hi.data(), s.hi.size());
    in.get_array(s.nans.data(), s.nans.size());
  }

 private:
  std::shared_ptr<KeyRanges<K>> out_;
};

// ---------------------------------------------------------------------------
// Digit passes.

template <class T, class C>
class DigitReducer final : public Reducer {
 public:
  using K = OrderKey<T>;
  // Bytes of counters a block of pixels keeps in cache while every frame of
  // a batch is counted into it.
  static constexpr std::size_t kBlockBytes = 64 * 1024;

  /// `state_bytes_per_pixel`: what the planner counts per pixel of the frame
  /// for this pass (its counters over the group plus the shared selection).
  DigitReducer(FrameInfo input, std::shared_ptr<Selection<K>> selection,
               std::size_t state_bytes_per_pixel)
      : Reducer("histogram select", input, DType::uint8),
        sel_(std::move(selection)),
        pass_(sel_->pass),
        state_bytes_(state_bytes_per_pixel) {}

  std::size_t state_bytes_per_pixel() const override { return state_bytes_; }

 protected:
  struct State final : ReducerState {
    PixelRange part;        // the range's pixels in the pass's group
    std::vector<C> counts;  // [(p - part.begin) * targets + t][bin]
    std::vector<K> above;   // [(p - part.begin) * targets + t]: smallest key above the prefix's
                            // range (last pass)
  };

  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    auto s = std::make_unique<State>();
    s->range = range;
    s->part = {std::max(range.begin, pass_.group.begin), std::min(range.end, pass_.group.end)};
    if (s->part.end < s->part.begin) s->part = {range.begin, range.begin};
    const std::size_t slots = s->part.size() * sel_->targets();
    s->counts.assign(slots * pass_.bins(), 0);
    if (pass_.last) s->above.assign(slots, std::numeric_limits<K>::max());
    return s;
  }

  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    auto& s = static_cast<State&>(state);
    const std::size_t targets = sel_->targets();
    const std::size_t bins = pass_.bins();
    const std::size_t block = std::max<std::size_t>(
        16, kBlockBytes / (targets * (bins * sizeof(C) + (pass_.last ? sizeof(K) : 0))));
    // Block by block of pixels, every frame of the batch: a block's counters
    // stay in cache while the batch's frames are counted into them.
    for (std::size_t b0 = s.part.begin; b0 < s.part.end; b0 += block) {
      const std::size_t b1 = std::min(s.part.end, b0 + block);
      for (std::size_t k = 0; k < batch.size(); ++k) {
        if (pass_.last) {
          count_block<true>(s, batch.pixels_as<T>(k, b0), b0, b1);
        } else {
          count_block<false>(s, batch.pixels_as<T>(k, b0), b0, b1);
        }
      }
    }
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    auto& a = static_cast<State&>(into);
    const auto& b = static_cast<const State&>(from);
    for (std::size_t i = 0; i < a.counts.size(); ++i) a.counts[i] += b.counts[i];
    for (std::size_t i = 0; i < a.above.size(); ++i) a.above[i] = std::min(a.above[i], b.above[i]);
  }

  /// Extends the prefix of every target of the state's pixels by the bin
  /// holding its rank (and, on the last pass, finds the successor).
  void do_finalize(const ReducerState& state, FrameView) const override {
    const auto& s = static_cast<const State&>(state);
    Selection<K>& sel = *sel_;
    const std::size_t targets = sel.targets();
    const std::size_t bins = pass_.bins();
    for (std::size_t p = s.part.begin; p < s.part.end; ++p) {
      for (std::size_t t = 0; t < targets; ++t) {
        QuantilePosition at;
        if (!sel.position(p, t, at)) continue;
        const std::size_t i = p * targets + t;
        const std::size_t local = (p - s.part.begin) * targets + t;
        const C* h = s.counts.data() + local * bins;
        std::uint64_t below = sel.below[i];
        std::size_t bin = 0;
        while (bin < bins && below + h[bin] <= at.rank) below += h[bin++];
        if (bin == bins) {
          throw Error(
              ErrorKind::internal,
              "histogram select: the rank left the prefix's range at pixel " + std::to_string(p));
        }
        const K a = K(sel.prefix[i] | K(K(bin) << pass_.shift));
        sel.prefix[i] = a;
        sel.below[i] = static_cast<std::uint32_t>(below);
        if (!pass_.last) continue;
        // The last pass's bins are single keys: the successor is `a` again
        // when it repeats, else the next non-empty bin, else the smallest
        // key above the whole range.
        if (below + h[bin] > at.rank + 1) {
          sel.above[i] = a;
          continue;
        }
        std::size_t next = bin + 1;
        while (next < bins && h[next] == 0) ++next;
        sel.above[i] = next < bins ? K(a + K(next - bin)) : s.above[local];
      }
    }
  }

  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    const auto& s = static_cast<const State&>(state);
    out.put<std::uint64_t>(s.part.begin);
    out.put<std::uint64_t>(s.part.end);
    out.put_array(s.counts.data(), s.counts.size());
    out.put_array(s.above.data(), s.above.size());
  }

  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    auto& s = static_cast<State&>(state);
    const auto begin = in.get<std::uint64_t>();
    const auto end = in.get<std::uint64_t>();
    if (begin != s.part.begin || end != s.part.end) {
      throw Error(ErrorKind::format, "histogram state of another pixel group");
    }
    in.get_array(s.counts.data(), s.counts.size());
    in.get_array(s.above.data(), s.above.size());
  }

 private:
  template <bool kLast>
  // `values` holds pixels [b0, b1) of a frame.
  void count_block(State& s, const T* __restrict values, std::size_t b0, std::size_t b1) const {
    const std::size_t targets = sel_->targets();
    const std::size_t bins = pass_.bins();
    const K* __restrict prefix = sel_->prefix.data();
    const K high = pass_.high_mask;
    const int shift = pass_.shift;
    const K digit_mask = K(bins - 1);
    C* __restrict counts = s.counts.data();
    K* __restrict above = s.above.data();
    for (std::size_t p = b0; p < b1; ++p) {
      const K key = to_key(values[p - b0]);
      const std::size_t local = (p - s.part.begin) * targets;
      for (std::size_t t = 0; t < targets; ++t) {
        const K pre = prefix[p * targets + t];
        // Branch-free: whether a key matches is data, so a branch would
        // mispredict; a non-matching key adds 0.
        const bool match = K((key ^ pre) & high) == 0;
        counts[(local + t) * bins + (K(key >> shift) & digit_mask)] += C(match);
        if constexpr (kLast) {
          const K candidate = (!match && key > pre) ? key : std::numeric_limits<K>::max();
          above[local + t] = candidate < above[local + t] ? candidate : above[local + t];
        }
      }
    }
  }

  std::shared_ptr<Selection<K>> sel_;
  DigitPass<K> pass_;  // a copy: the selection's pass changes between runs
  std::size_t state_bytes_;
};

}  // namespace ims::histogram
