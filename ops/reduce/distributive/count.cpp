// count: how many frames contributed a value to each pixel. For integer input
// that is the frame count everywhere; for floating-point input NaN values are
// not counted (numpy: np.count_nonzero(~np.isnan(a), axis=0)).

#include <cmath>
#include <type_traits>

#include "ops/process/pixel_map.hpp"
#include "ops/reduce/builtin.hpp"

namespace ims {

namespace {

template <class T>
class Count final : public Reducer {
 public:
  using Reducer::Reducer;
  static constexpr bool kPerPixel = std::is_floating_point_v<T>;
  using State = ArrayState<std::uint64_t>;

  std::size_t state_bytes_per_pixel() const override { return kPerPixel ? 8 : 0; }
  bool folds_pixel_maps() const override { return true; }

 protected:
  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    auto state = std::make_unique<State>(range, 0);
    if (!kPerPixel) state->values.clear();  // the frame count says it all
    return state;
  }
  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    if constexpr (kPerPixel) {
      auto& s = static_cast<State&>(state);
      with_folded_values<T>(batch.map, [&](auto folded) {
        using In = typename decltype(folded)::In;
        const auto value = folded.from(s.range.begin);
        std::uint64_t* __restrict c = s.values.data();
        for (std::size_t k = 0; k < batch.size(); ++k) {
          const In* __restrict x = batch.pixels_as<In>(k, s.range.begin);
          for (std::size_t i = 0; i < s.range.size(); ++i) {
            const T v = value(x[i], i);
            c[i] += (v == v) ? 1 : 0;
          }
        }
      });
    }
  }
  void do_combine(ReducerState& into, const ReducerState& from) const override {
    auto& a = static_cast<State&>(into);
    const auto& b = static_cast<const State&>(from);
    for (std::size_t i = 0; i < a.values.size(); ++i) a.values[i] += b.values[i];
  }
  void do_finalize(const ReducerState& state, FrameView out) const override {
    const auto& s = static_cast<const State&>(state);
    if constexpr (kPerPixel) {
      write_pixels(s.values.data(), s.range, out, [](std::uint64_t v) { return v; });
    } else {
      const std::uint64_t frames = s.frames;
      visit_dtype(out.dtype(), [&](auto tag) {
        using Out = decltype(tag);
        Out* dst = out.as<Out>() + s.range.begin;
        std::fill(dst, dst + s.range.size(), convert_value<Out>(frames));
      });
    }
  }
  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    static_cast<const State&>(state).write(out);
  }
  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    static_cast<State&>(state).read(in);
  }
};

}  // namespace

ReducerInfo count_reducer_info() {
  return {.name = "count",
          .aliases = {},
          .group = ReducerGroup::distributive,
          .summary = "per-pixel number of frames with a value (NaN not counted)",
          .default_output = "int64",
          .make = [](const ReducerConfig& config) {
            return visit_dtype(config.input.dtype, [&](auto tag) -> std::unique_ptr<Reducer> {
              return std::make_unique<Count<decltype(tag)>>(
                  "count", config.input, config.output_dtype.value_or(DType::int64));
            });
          }};
}

}  // namespace ims
