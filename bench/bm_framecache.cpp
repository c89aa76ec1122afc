// Statistics over a frame-cache: the sparse pass (kept pixels folded, zeros
// skipped) against the dense pass (every frame densified, then reduced), on
// the same 2048x2048 uint16 npz frame-cache with ~1% of its pixels kept, at
// 1 and 2 threads. Also the cost of densifying alone (what reading frames
// costs a caller that wants them dense).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "engine/run.hpp"
#include "formats/registry.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {
namespace {

constexpr std::size_t kFrames = 50;

/// The frame-cache of `random` detector frames (Poisson(100) + spots) above 123.
const std::string& cache_path() {
  static const std::string path = [] {
    const auto file = std::filesystem::temp_directory_path() / "ims-bm-framecache.npz";
    Pipeline p;
    p.source = open_series(
        "", "random", {"mode=detector", "frames=" + std::to_string(kFrames), "rows=2048", "cols=2048", "dtype=uint16"});
    p.writers.push_back(create_writer(file.string(), "frame-cache", {"threshold=123"}));
    run(p);
    return file.string();
  }();
  return path;
}

void BM_Statistics(benchmark::State& state, bool sparse, std::vector<const char*> names) {
  std::shared_ptr<const ImageSeries> source = open_series(cache_path());
  Pipeline p;
  p.source = source;
  for (const char* name : names) p.reducers.push_back(make_reducer(name, source->frame_info()));
  RunOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  options.sparse_frames = sparse;
  for (auto _ : state) {
    RunResult r = run(p, options);
    if (r.report.plan.sparse != sparse) state.SkipWithError("the run did not take the path asked for");
    benchmark::DoNotOptimize(r.images.front().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));  // frames/s
}
BENCHMARK_CAPTURE(BM_Statistics, max_sparse, true, {"max"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, max_dense, false, {"max"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, min_sparse, true, {"min"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, min_dense, false, {"min"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, mean_sparse, true, {"mean"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, mean_dense, false, {"mean"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, count_sparse, true, {"count"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, count_dense, false, {"count"})->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, five_sparse, true, {"max", "min", "sum", "mean", "count"})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Statistics, five_dense, false, {"max", "min", "sum", "mean", "count"})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ims
BENCHMARK_MAIN();
