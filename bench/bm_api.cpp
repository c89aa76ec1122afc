// The cost of a call through the public API, not of pixels: ims::stats on a
// small series (10 frames of 64x64, as an embedding program reducing many
// small regions would), beside the same loop written by hand. The embedding
// issue's target is under 1 ms per call.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "ims/ims.hpp"

namespace {

constexpr std::size_t kFrames = 10, kRows = 64, kCols = 64;

std::vector<std::uint16_t> small_series() {
  std::vector<std::uint16_t> values(kFrames * kRows * kCols);
  std::iota(values.begin(), values.end(), std::uint16_t{0});
  return values;
}

void BM_StatsCall(benchmark::State& state, const char* statistic) {
  const auto values = small_series();
  const auto series = ims::from_memory(values.data(), {kFrames, kRows, kCols, ims::DType::uint16});
  const ims::Settings settings{.threads = static_cast<unsigned>(state.range(0))};
  for (auto _ : state) {
    ims::Results r = ims::stats(series, {statistic}, settings);
    benchmark::DoNotOptimize(r[statistic].data());
  }
  state.SetItemsProcessed(state.iterations());  // calls/s
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * values.size() * sizeof(std::uint16_t)));
}
BENCHMARK_CAPTURE(BM_StatsCall, max, "max")->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_StatsCall, median, "median")->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// The floor: the per-pixel max as a plain loop, no engine.
void BM_HandLoopMax(benchmark::State& state) {
  const auto values = small_series();
  std::vector<std::uint16_t> out(kRows * kCols);
  for (auto _ : state) {
    std::copy_n(values.begin(), out.size(), out.begin());
    for (std::size_t i = 1; i < kFrames; ++i) {
      const std::uint16_t* frame = values.data() + i * out.size();
      for (std::size_t p = 0; p < out.size(); ++p) out[p] = std::max(out[p], frame[p]);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * values.size() * sizeof(std::uint16_t)));
}
BENCHMARK(BM_HandLoopMax)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
