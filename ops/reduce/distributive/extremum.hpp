#pragma once
// max and min: one accumulator per pixel in the input dtype, merged by the
// same operation. Like numpy (and hexrd's np.maximum fold), a NaN in any frame
// makes the pixel NaN.

#include <cmath>
#include <limits>
#include <type_traits>

#include "ops/process/pixel_map.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

template <class T, bool kMax>
class Extremum final : public Reducer {
 public:
  using Reducer::Reducer;
  using State = ArrayState<T>;

  std::size_t state_bytes_per_pixel() const override { return sizeof(T); }
  bool folds_pixel_maps() const override { return true; }

 protected:
  // Picks the new accumulator value; written so compilers vectorise it
  // (compare + blend), NaN from `x` wins and a NaN accumulator stays. The
  // bitwise | matters: a short-circuit || kept GCC from vectorising (20x slower).
  static T pick(T acc, T x) {
    if constexpr (std::is_floating_point_v<T>) {
      const bool take = (kMax ? (x > acc) : (x < acc)) | (x != x);
      return take ? x : acc;
    } else {
      return (kMax ? x > acc : x < acc) ? x : acc;
    }
  }

  static T identity() {
    if constexpr (std::is_floating_point_v<T>) {
      return kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    } else {
      return kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    }
  }

  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    return std::make_unique<State>(range, identity());
  }

  // Four frames per pass over the tile: a quarter of the accumulator traffic,
  // and four long streams the hardware prefetchers follow (see SumState).
  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    auto& s = static_cast<State&>(state);
    const std::size_t n = s.range.size(), at = s.range.begin;
    with_folded_values<T>(batch.map, [&](auto folded) {
      using In = typename decltype(folded)::In;
      folded = folded.from(at);
      std::size_t k = 0;
      for (; k + 4 <= batch.size(); k += 4) {
        fold4(s.values.data(), batch.pixels_as<In>(k, at), batch.pixels_as<In>(k + 1, at),
              batch.pixels_as<In>(k + 2, at), batch.pixels_as<In>(k + 3, at), n, folded);
      }
      for (; k < batch.size(); ++k) fold(s.values.data(), batch.pixels_as<In>(k, at), n, folded);
    });
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    auto& a = static_cast<State&>(into);
    fold(a.values.data(), static_cast<const State&>(from).values.data(), a.values.size(),
         PixelsAsTheyAre<T>{});
  }

  // Out of line so GCC keeps the restrict qualifiers and vectorises.
  // `value(x, i)` is the value to fold for pixel i (FrameBatch::map).
  template <class Values>
  [[gnu::noinline]] static void fold(T* __restrict acc, InputPixels<Values> __restrict x,
                                     std::size_t n, Values value) {
    for (std::size_t i = 0; i < n; ++i) acc[i] = pick(acc[i], value(x[i], i));
  }
  template <class Values>
  [[gnu::noinline]] static void fold4(T* __restrict acc, InputPixels<Values> __restrict a,
                                      InputPixels<Values> __restrict b,
                                      InputPixels<Values> __restrict c,
                                      InputPixels<Values> __restrict d, std::size_t n,
                                      Values value) {
    // Folded one after the other: GCC vectorises this chain but not a tree of picks.
    for (std::size_t i = 0; i < n; ++i) {
      acc[i] = pick(pick(pick(pick(acc[i], value(a[i], i)), value(b[i], i)), value(c[i], i)),
                    value(d[i], i));
    }
  }

  void do_finalize(const ReducerState& state, FrameView out) const override {
    const auto& s = static_cast<const State&>(state);
    write_pixels(s.values.data(), s.range, out, [](T v) { return v; });
  }

  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    static_cast<const State&>(state).write(out);
  }
  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    static_cast<State&>(state).read(in);
  }
};

template <bool kMax>
std::unique_ptr<Reducer> make_extremum(const ReducerConfig& config) {
  return visit_dtype(config.input.dtype, [&](auto tag) -> std::unique_ptr<Reducer> {
    using T = decltype(tag);
    return std::make_unique<Extremum<T, kMax>>(kMax ? "max" : "min", config.input,
                                               config.output_dtype.value_or(config.input.dtype));
  });
}

}  // namespace ims
