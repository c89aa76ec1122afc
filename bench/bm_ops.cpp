// Frame ops on 2048x2048 frames held in RAM, beside a memcpy of the same
// bytes measured in the same run (the bandwidth yardstick). Reports bytes/s
// (of input frames) and frames/s.
//
// Each benchmark runs over `frames` distinct frames, one after the other:
// frames:1 keeps the frame (8 MiB in uint16, plus the output) in the last
// level cache, where memcpy is at its fastest; frames:32 (256 MiB) makes
// every frame come from and go to DRAM, as when the engine streams a series.
//
// The target: r90 and transpose at >= 0.5x memcpy bandwidth.

#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "ops/process/op_registry.hpp"

namespace ims {
namespace {

constexpr FrameShape kShape{2048, 2048};

/// `count` frames of `info` in one buffer, touched once outside the timing.
struct Frames {
  Frames(FrameInfo frame, std::size_t count)
      : info(frame), n(count), buffer(count * frame.bytes()) {
    for (std::size_t i = 0; i < buffer.size(); ++i)
      buffer.data()[i] = static_cast<std::byte>(i * 131 % 251);
  }
  ConstFrameView view(std::size_t i) const {
    return {buffer.data() + i * info.bytes(), info.shape, info.dtype};
  }
  FrameView view(std::size_t i) {
    return {buffer.data() + i * info.bytes(), info.shape, info.dtype};
  }

  FrameInfo info;
  std::size_t n;
  AlignedBuffer buffer;
};

void set_rates(benchmark::State& state, const Frames& in) {
  const auto frames =
      static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(in.n);
  state.SetBytesProcessed(frames * static_cast<std::int64_t>(in.info.bytes()));
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

void BM_Memcpy(benchmark::State& state, DType dtype) {
  const Frames in({kShape, dtype}, static_cast<std::size_t>(state.range(0)));
  Frames out(in.info, in.n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < in.n; ++i)
      std::memcpy(out.view(i).data(), in.view(i).data(), in.info.bytes());
    benchmark::ClobberMemory();
  }
  set_rates(state, in);
}

void BM_Op(benchmark::State& state, const std::string& text, DType dtype) {
  const Frames in({kShape, dtype}, static_cast<std::size_t>(state.range(0)));
  auto op = make_op(parse_op_text(text), in.info, {}, text);
  Frames out(op->output_info(in.info), in.n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < in.n; ++i) op->apply(in.view(i), out.view(i));
    benchmark::ClobberMemory();
  }
  set_rates(state, in);
}

void configure(benchmark::internal::Benchmark* b) {
  b->ArgName("frames")->Arg(1)->Arg(32)->Unit(benchmark::kMicrosecond)->UseRealTime();
}

void register_benchmarks() {
  configure(benchmark::RegisterBenchmark("memcpy/uint16", BM_Memcpy, DType::uint16));
  // The pair first, then the other flips and geometry ops (uint16),
  // then the transpose of every pixel size.
  for (const char* text :
       {"flip=r90", "flip=t", "flip=r270", "flip=y", "flip=x", "flip=r180",
        "rectangle=512:1536,512:1536", "add-row=1024", "add-column=1024", "subsample=2"}) {
    const std::string name = std::string(text) + "/uint16";
    configure(benchmark::RegisterBenchmark(name.c_str(), BM_Op, text, DType::uint16));
  }
  for (DType dtype : {DType::uint8, DType::float32, DType::float64}) {
    const std::string name = "flip=t/" + std::string(dtype_name(dtype));
    configure(benchmark::RegisterBenchmark(name.c_str(), BM_Op, "flip=t", dtype));
  }
}

}  // namespace
}  // namespace ims

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  ims::register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
