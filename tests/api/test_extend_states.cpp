// A registered statistic's states as the engine drives them (the adapter of
// api/user_statistic.cpp): updates with the frames' indices, and combine()
// over disjoint frames, which a single-process run never needs but merging
// accumulations (and scale-out) does. This program registers through
// libims and reaches the engine's Reducer through its internal headers.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ims/extend.hpp"
#include "ops/reduce/registry.hpp"

namespace {

constexpr std::size_t kPixels = 11;

/// Per pixel, the first frame holding its largest value (NaN never counts).
class FirstPeak final : public ims::Statistic {
 public:
  struct Peaks final : State {
    std::vector<float> value;
    std::vector<std::int64_t> frame;
  };
  ims::DType output_dtype() const override { return ims::DType::int64; }
  std::size_t state_bytes_per_pixel() const override { return 12; }
  std::unique_ptr<State> make_state(std::size_t pixels) const override {
    auto s = std::make_unique<Peaks>();
    s->value.assign(pixels, 0.0f);
    s->frame.assign(pixels, -1);
    return s;
  }
  void update(State& state, std::span<const ims::ConstPixels> frames, std::size_t first) const override {
    auto& s = static_cast<Peaks&>(state);
    for (std::size_t k = 0; k < frames.size(); ++k) {
      const auto v = frames[k].values<float>();
      for (std::size_t i = 0; i < v.size(); ++i) take(s, i, v[i], static_cast<std::int64_t>(first + k));
    }
  }
  void combine(State& into, const State& from) const override {
    const auto& b = static_cast<const Peaks&>(from);
    for (std::size_t i = 0; i < b.frame.size(); ++i) {
      if (b.frame[i] >= 0) take(static_cast<Peaks&>(into), i, b.value[i], b.frame[i]);
    }
  }
  void finalize(const State& state, ims::Pixels out) const override {
    const auto& f = static_cast<const Peaks&>(state).frame;
    std::copy(f.begin(), f.end(), out.values<std::int64_t>().begin());
  }

 private:
  static void take(Peaks& s, std::size_t i, float v, std::int64_t frame) {
    if (std::isnan(v)) return;
    if (s.frame[i] < 0 || v > s.value[i] || (v == s.value[i] && frame < s.frame[i])) {
      s.value[i] = v;
      s.frame[i] = frame;
    }
  }
};

}  // namespace

TEST(ExtendStates, UpdatesSeeFrameIndicesAndStatesOverDisjointFramesCombine) {
  ims::register_statistic({.name = "first_peak", .make = [](const ims::StatisticContext&) {
                             return std::make_shared<FirstPeak>();
                           }});
  const ims::FrameInfo info{{1, kPixels}, ims::DType::float32};
  const auto reducer = ims::make_reducer("first_peak", info);
  constexpr std::size_t kFrames = 9;
  std::vector<std::vector<float>> frames(kFrames, std::vector<float>(kPixels));
  for (std::size_t f = 0; f < kFrames; ++f) {
    for (std::size_t p = 0; p < kPixels; ++p) frames[f][p] = static_cast<float>((f * 5 + p * 3) % 7);
  }
  frames[2][4] = std::numeric_limits<float>::quiet_NaN();
  frames[6][5] = std::numeric_limits<float>::infinity();
  std::vector<const std::byte*> pointers;
  for (const auto& f : frames) pointers.push_back(reinterpret_cast<const std::byte*>(f.data()));
  // Pixels [2, 9) only: the adapter hands the statistic the state's range.
  const ims::PixelRange range{2, 9};
  auto batch = [&](std::size_t first, std::size_t count) {
    return ims::FrameBatch{first, std::span<const std::byte* const>(pointers.data() + first, count), info, {}};
  };
  // Frames 5..8 first, then 0..4 in another state merged into it: combine
  // must keep the earlier frame on ties.
  auto late = reducer->make_state(range);
  reducer->update(*late, batch(5, 4));
  auto early = reducer->make_state(range);
  reducer->update(*early, batch(0, 3));
  reducer->update(*early, batch(3, 2));
  reducer->combine(*late, *early);
  std::vector<std::int64_t> out(kPixels, 99);
  reducer->finalize(*late, ims::FrameView(reinterpret_cast<std::byte*>(out.data()), info.shape, ims::DType::int64));
  for (std::size_t p = 0; p < kPixels; ++p) {
    std::int64_t expected = 99;  // outside the range: untouched
    if (p >= range.begin && p < range.end) {
      float best = 0;
      expected = -1;
      for (std::size_t f = 0; f < kFrames; ++f) {
        const float v = frames[f][p];
        if (!std::isnan(v) && (expected < 0 || v > best)) best = v, expected = static_cast<std::int64_t>(f);
      }
    }
    EXPECT_EQ(out[p], expected) << "pixel " << p;
  }
  EXPECT_EQ(late->frames, kFrames);
}
