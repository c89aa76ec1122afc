#pragma once
// The accumulator of sum and mean. Integer sums are exact: int64 for inputs of
// up to 32 bits (exact for 2^31 frames of uint32 pixels), 128-bit for int64
// input. Floating-point inputs accumulate in float64, frame by frame in frame
// order (what hexrd's stats.sum does, so results match it bit for bit).

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "ops/process/pixel_map.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

__extension__ using int128_t = __int128;

template <class T>
using sum_accumulator_t =
    std::conditional_t<std::is_floating_point_v<T>, double,
                       std::conditional_t<std::is_same_v<T, std::int64_t>, int128_t, std::int64_t>>;

/// Pixel types narrow enough to sum a batch exactly in 32-bit lanes first
/// (65536 frames of 16-bit values fit), halving the traffic to the 64-bit
/// accumulators and doubling the SIMD width.
template <class T>
inline constexpr bool kNarrowInteger = std::is_integral_v<T> && sizeof(T) <= 2;

template <class T>
using batch_lane_t = std::conditional_t<std::is_signed_v<T>, std::int32_t, std::uint32_t>;

/// Per-pixel running sums of frames of type T.
template <class T>
class SumState final : public ArrayState<sum_accumulator_t<T>> {
 public:
  using Acc = sum_accumulator_t<T>;
  explicit SumState(PixelRange r) : ArrayState<Acc>(r, Acc{0}) {}

  void add(const FrameBatch& batch) {
    with_folded_values<T>(batch.map, [&](auto folded) {
      if constexpr (kNarrowInteger<T>) {
        add_in_blocks(batch, folded);
      } else {
        add_in_order(batch, folded);
      }
    });
  }

  void add(const SumState& other) {
    accumulate(this->values.data(), other.values.data(), this->values.size(),
               PixelsAsTheyAre<Acc>{});
  }

 private:
  template <class Values>
  void add_in_order(const FrameBatch& batch, Values folded) {
    const std::size_t n = this->range.size(), at = this->range.begin;
    using In = typename Values::In;
    folded = folded.from(at);
    std::size_t k = 0;
    for (; k + 4 <= batch.size(); k += 4) {
      accumulate4_in_order(this->values.data(), batch.pixels_as<In>(k, at),
                           batch.pixels_as<In>(k + 1, at), batch.pixels_as<In>(k + 2, at),
                           batch.pixels_as<In>(k + 3, at), n, folded);
    }
    for (; k < batch.size(); ++k)
      accumulate(this->values.data(), batch.pixels_as<In>(k, at), n, folded);
  }

  // Sums the batch in 32-bit lanes, then adds the lanes to the 64-bit sums
  // once. Each frame is read in one run over the whole tile: long runs keep
  // the hardware prefetchers streaming (short runs measured 2x slower).
  template <class Values>
  void add_in_blocks(const FrameBatch& batch, Values folded) {
    using Lane = batch_lane_t<T>;
    constexpr std::size_t kMaxFrames = 65536;  // keeps 32-bit lane sums exact
    const std::size_t n = this->range.size(), at = this->range.begin;
    using In = typename Values::In;
    folded = folded.from(at);
    thread_local std::vector<Lane> scratch;
    if (scratch.size() < n) scratch.resize(n);
    Lane* lanes = scratch.data();
    for (std::size_t f0 = 0; f0 < batch.size(); f0 += kMaxFrames) {
      const std::size_t f1 = std::min(batch.size(), f0 + kMaxFrames);
      std::fill(lanes, lanes + n, Lane{0});
      std::size_t k = f0;
      for (; k + 4 <= f1; k += 4) {
        accumulate4(lanes, batch.pixels_as<In>(k, at), batch.pixels_as<In>(k + 1, at),
                    batch.pixels_as<In>(k + 2, at), batch.pixels_as<In>(k + 3, at), n, folded);
      }
      for (; k < f1; ++k) accumulate(lanes, batch.pixels_as<In>(k, at), n, folded);
      accumulate(this->values.data(), lanes, n, PixelsAsTheyAre<Lane>{});
    }
  }

  // Kept out of line on purpose: inlined into the loops above, GCC 12 loses
  // the restrict qualifiers and runs a scalar version (measured 3x slower).
  // Four frames per pass: a quarter of the lane traffic, four long streams.
  // `value(x, i)` is the value to add for pixel i (FrameBatch::map).
  template <class Lane, class Values>
  [[gnu::noinline]] static void accumulate4(Lane* __restrict to, InputPixels<Values> __restrict a,
                                            InputPixels<Values> __restrict b,
                                            InputPixels<Values> __restrict c,
                                            InputPixels<Values> __restrict d, std::size_t n,
                                            Values value) {
    for (std::size_t i = 0; i < n; ++i) {
      to[i] += (static_cast<Lane>(value(a[i], i)) + static_cast<Lane>(value(b[i], i))) +
               (static_cast<Lane>(value(c[i], i)) + static_cast<Lane>(value(d[i], i)));
    }
  }

  // Four frames per pass, added one after the other: the same rounding as
  // frame-by-frame float sums (bit-identical to hexrd's stats.sum).
  template <class Values>
  [[gnu::noinline]] static void accumulate4_in_order(Acc* __restrict to,
                                                     InputPixels<Values> __restrict a,
                                                     InputPixels<Values> __restrict b,
                                                     InputPixels<Values> __restrict c,
                                                     InputPixels<Values> __restrict d,
                                                     std::size_t n, Values value) {
    for (std::size_t i = 0; i < n; ++i) {
      to[i] = (((to[i] + static_cast<Acc>(value(a[i], i))) + static_cast<Acc>(value(b[i], i))) +
               static_cast<Acc>(value(c[i], i))) +
              static_cast<Acc>(value(d[i], i));
    }
  }

  template <class To, class From, class Values>
  [[gnu::noinline]] static void accumulate(To* __restrict to, const From* __restrict from,
                                           std::size_t n, Values value) {
    for (std::size_t i = 0; i < n; ++i) to[i] += static_cast<To>(value(from[i], i));
  }
};

/// sum and mean share everything but the final division.
template <class T, bool kMean>
class SumLike final : public Reducer {
 public:
  using Reducer::Reducer;
  using State = SumState<T>;

  std::size_t state_bytes_per_pixel() const override { return sizeof(typename State::Acc); }
  bool folds_pixel_maps() const override { return true; }

 protected:
  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    return std::make_unique<State>(range);
  }
  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    static_cast<State&>(state).add(batch);
  }
  void do_combine(ReducerState& into, const ReducerState& from) const override {
    static_cast<State&>(into).add(static_cast<const State&>(from));
  }
  void do_finalize(const ReducerState& state, FrameView out) const override {
    const auto& s = static_cast<const State&>(state);
    const double n = static_cast<double>(s.frames);
    write_pixels(s.values.data(), s.range, out, [n](typename State::Acc v) {
      return kMean ? static_cast<double>(v) / n : static_cast<double>(v);
    });
  }
  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    static_cast<const State&>(state).write(out);
  }
  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    static_cast<State&>(state).read(in);
  }
};

template <bool kMean>
std::unique_ptr<Reducer> make_sum_like(const ReducerConfig& config) {
  // hexrd: sum -> float64, average -> float32.
  DType fallback = kMean ? DType::float32 : DType::float64;
  return visit_dtype(config.input.dtype, [&](auto tag) -> std::unique_ptr<Reducer> {
    using T = decltype(tag);
    return std::make_unique<SumLike<T, kMean>>(kMean ? "mean" : "sum", config.input,
                                               config.output_dtype.value_or(fallback));
  });
}

}  // namespace ims
