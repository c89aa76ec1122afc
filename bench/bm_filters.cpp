// Filter ops (gaussian_filter, gauss_laplace, uniform_filter, median_filter)
// on one 2048x2048 frame held in RAM: FrameOp::apply, the work the engine
// does per frame. Reports bytes/s (input bytes) and frames/s.
//
// The engine runs frames in parallel, one per worker thread; ->Threads(2)
// runs two benchmark threads, each filtering its own frame, which is the
// 2-core throughput (Google Benchmark sums the bytes of both threads).
//
// --data=FILE.npy filters frame 0 of that series instead of a generated one;
// --op=TEXT (with --dtype=D, default float32) times that op only.
// bench/compare_filters.py uses both to time ims and scipy on the same frame.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/convert.hpp"
#include "formats/registry.hpp"
#include "ops/process/op_registry.hpp"

namespace ims {
namespace {

constexpr std::size_t kRows = 2048, kCols = 2048;

std::string g_data_path;  // --data=FILE.npy
std::string g_op;         // --op=TEXT
DType g_dtype = DType::float32;

/// The frame to filter, in `dtype`: frame 0 of --data, else ~N(1000, 100)
/// noise (a detector background).
FrameBuffer make_frame(DType dtype) {
  if (!g_data_path.empty()) {
    auto series = open_series(g_data_path);
    FrameBuffer raw(series->frame_info());
    series->read_frame(0, raw.view());
    if (raw.dtype() == dtype) return raw;
    FrameBuffer converted(raw.shape(), dtype);
    convert_pixels(raw.data(), raw.dtype(), converted.data(), dtype, raw.shape().pixels());
    return converted;
  }
  FrameBuffer values(FrameShape{kRows, kCols}, DType::float64);
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(1000.0, 100.0);
  for (std::size_t p = 0; p < kRows * kCols; ++p) values.as<double>()[p] = noise(rng);
  FrameBuffer frame(values.shape(), dtype);
  convert_pixels(values.data(), DType::float64, frame.data(), dtype, values.shape().pixels());
  return frame;
}

void BM_Filter(benchmark::State& state, std::string op_text, DType dtype) {
  const FrameBuffer in = make_frame(dtype);  // per thread: each filters its own frame
  auto op = make_op(parse_op_text(op_text), in.info(), {}, "bench");
  FrameBuffer out(op->output_info(in.info()));
  op->apply(in.view(), out.view());  // first touch of the output outside the timing
  for (auto _ : state) {
    op->apply(in.view(), out.view());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.bytes()));
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void register_benchmarks() {
  std::vector<std::pair<std::string, DType>> cases = {
      {"gaussian_filter=2", DType::float32}, {"gaussian_filter=2", DType::uint16},
      {"gaussian_filter=2", DType::float64}, {"gauss_laplace=1.5", DType::float32},
      {"uniform_filter=5", DType::float32},  {"median_filter=3", DType::uint16},
      {"median_filter=3", DType::float32},
  };
  if (!g_op.empty()) {
    make_op(parse_op_text(g_op), FrameInfo{{8, 8}, g_dtype}, {},
            "--op");  // a bad op fails here, not mid-run
    cases = {{g_op, g_dtype}};
  }
  for (const auto& [op, dtype] : cases) {
    const std::string name = op + "/" + std::string(dtype_name(dtype));
    benchmark::RegisterBenchmark(name.c_str(), BM_Filter, op, dtype)
        ->Threads(1)
        ->Threads(2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
}

}  // namespace
}  // namespace ims

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // removes the flags it knows
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--data=", 0) == 0) {
      ims::g_data_path = arg.substr(7);
    } else if (arg.rfind("--op=", 0) == 0) {
      ims::g_op = arg.substr(5);
    } else if (arg.rfind("--dtype=", 0) == 0) {
      ims::g_dtype = ims::parse_dtype(arg.substr(8));
    } else {
      std::fprintf(
          stderr,
          "bm_filters: unknown argument '%s' (--data=FILE.npy, --op=TEXT, --dtype=D or Google "
          "Benchmark flags)\n",
          argv[i]);
      return 2;
    }
  }
  try {
    ims::register_benchmarks();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bm_filters: %s\n", e.what());
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
