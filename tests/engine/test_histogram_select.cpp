// The histogram (radix select) method against the in-memory method: every
// dtype, NaN policy and quantile, NaN and infinities, constant pixels, the
// dtypes' extremes, one and two threads, small budgets that force narrow
// digits and pixel groups, and other statistics and writers in the same run.
// Images must be bit-identical.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <cctype>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/accumulation.hpp"
#include "ims/error.hpp"
#include "engine/quantiles/histogram_passes.hpp"
#include "engine/progress.hpp"
#include "engine/run.hpp"
#include "ops/reduce/registry.hpp"
#include "support/generate.hpp"

namespace ims {
namespace {

using test::Stack;

const std::vector<std::string> kStats = {"median",
                                         "percentile:0",
                                         "percentile:25",
                                         "percentile:90",
                                         "percentile:100",
                                         "percentile:37.5",
                                         "nanmedian",
                                         "nanpercentile:25",
                                         "nanpercentile:100",
                                         "max",
                                         "mean"};

enum class Data { narrow, full, special, constant };

const char* data_name(Data d) {
  switch (d) {
    case Data::narrow:
      return "narrow";
    case Data::full:
      return "full";
    case Data::special:
      return "special";
    case Data::constant:
      return "constant";
  }
  return "?";
}

/// frames x pixels values of one kind.
template <class T>
Stack<T> make_stack(Data data, std::size_t frames, FrameShape shape, std::uint64_t seed) {
  constexpr bool kFloat = std::is_floating_point_v<T>;
  const std::size_t pixels = shape.pixels();
  if (data == Data::full) {
    Stack<T> s = test::random_stack<T>(frames, shape, seed);
    if constexpr (kFloat) {
      // Huge, tiny and subnormal magnitudes, both signs: every key bit differs.
      std::mt19937_64 rng(seed + 1);
      for (std::size_t i = 0; i < s.values.size(); i += 3) {
        const int span = sizeof(T) == 4 ? 300 : 2200;  // past the type's range both ways: inf and 0
        const int e = static_cast<int>(rng() % static_cast<std::uint64_t>(span)) - span / 2;
        const double v = std::ldexp(1.0 + static_cast<double>(rng() % 1000) / 1000.0, e);
        s.values[i] = static_cast<T>((rng() & 1) ? v : -v);
      }
      s.values[0] = std::numeric_limits<T>::denorm_min();
      if (s.values.size() > 1) s.values[1] = -std::numeric_limits<T>::max();
    }
    return s;
  }
  Stack<T> s{frames, pixels, std::vector<T>(frames * pixels)};
  std::mt19937_64 rng(seed);
  for (std::size_t f = 0; f < frames; ++f) {
    for (std::size_t p = 0; p < pixels; ++p) {
      T& v = s.values[f * pixels + p];
      const std::uint64_t r = rng();
      if (data == Data::constant) {
        // Per pixel one value (some pixels two), different across pixels.
        const std::uint64_t base = p * 2654435761u + seed;
        const std::uint64_t value = (p % 4 == 3 && (r & 1)) ? base + 1 : base;
        if constexpr (kFloat) {
          v = static_cast<T>(static_cast<double>(value % 2000) - 1000.0);
        } else {
          v = static_cast<T>(value);
        }
        continue;
      }
      // Detector-like counts: 12 bits around a per-pixel offset (signed types
      // cross zero), floats with fractions.
      if constexpr (kFloat) {
        v = static_cast<T>(static_cast<double>(r % 4096) / 8.0 - 100.0);
      } else if constexpr (sizeof(T) == 1) {
        v = static_cast<T>(r);
      } else if constexpr (std::is_signed_v<T>) {
        v = static_cast<T>(static_cast<std::int64_t>(r % 4096) - 2048 +
                           static_cast<std::int64_t>(p % 7));
      } else {
        v = static_cast<T>(r % 4089 + p % 7);  // 12 bits
      }
      if (data == Data::special) {
        if constexpr (kFloat) {
          constexpr T inf = std::numeric_limits<T>::infinity();
          constexpr T nan = std::numeric_limits<T>::quiet_NaN();
          if (p % 5 == 0 && f % 3 == 1) v = nan;               // some NaNs
          if (p % 7 == 0) v = nan;                             // all NaN
          if (p % 3 == 0 && f % 4 == 0) v = inf;               // +inf
          if (p % 11 == 2 && f % 2 == 0) v = -inf;             // -inf
          if (p % 13 == 1) v = (f % 2) ? T(0.0) : T(-0.0);     // signed zeros
          if (p % 17 == 4) v = (f % 3 == 0) ? nan : inf;       // NaN and inf only
          if (p % 19 == 5) v = std::numeric_limits<T>::max();  // constant max
        } else {
          if (p % 5 == 0) v = std::numeric_limits<T>::max();
          if (p % 7 == 0) v = std::numeric_limits<T>::lowest();
          if (p % 3 == 0 && f % 2 == 0) v = std::numeric_limits<T>::max();
          if (p % 11 == 2 && f % 2 == 1) v = std::numeric_limits<T>::lowest();
        }
      }
    }
  }
  return s;
}

Pipeline pipeline_for(std::shared_ptr<const ImageSeries> source,
                      const std::vector<std::string>& stats,
                      std::optional<DType> output = std::nullopt) {
  Pipeline p;
  for (const auto& s : stats) {
    const bool quantile =
        s.find("median") != std::string::npos || s.find("percentile") != std::string::npos;
    p.reducers.push_back(make_reducer(s, source->frame_info(), quantile ? output : std::nullopt));
  }
  p.source = std::move(source);
  return p;
}

RunOptions options_for(QuantileMethod method, unsigned threads, std::uint64_t memory = 0) {
  RunOptions o;
  o.quantile_method = method;
  o.threads = threads;
  o.memory = memory;
  return o;
}

/// The number just before `suffix` in `text` (e.g. "4" of "4 passes"), or
/// `missing` when the suffix is absent. (Plain scanning: <regex> trips GCC 12's
/// maybe-uninitialized warning in the sanitizer build.)
/// What the histogram passes found, as the report records it.
std::size_t passes_of(const RunResult& r) { return r.report.plan.quantiles.passes; }
int digit_bits_of(const RunResult& r) { return r.report.plan.quantiles.digit_bits; }
std::size_t groups_of(const RunResult& r) { return r.report.plan.quantiles.groups; }

bool same_bytes(const FrameBuffer& a, const FrameBuffer& b) {
  return a.info() == b.info() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

/// Runs `pipeline` by both methods and expects identical images; returns the histogram run.
RunResult expect_same_as_memory(const Pipeline& pipeline, unsigned threads,
                                std::uint64_t memory = 0) {
  const RunResult want = run(pipeline, options_for(QuantileMethod::memory, threads));
  RunResult got = run(pipeline, options_for(QuantileMethod::histogram, threads, memory));
  EXPECT_EQ(got.images.size(), pipeline.reducers.size());
  for (std::size_t i = 0; i < pipeline.reducers.size() && i < got.images.size(); ++i) {
    EXPECT_TRUE(same_bytes(got.images[i], want.images[i]))
        << pipeline.reducers[i]->name() << " differs (" << got.report.plan.quantiles.describe() << ")";
  }
  EXPECT_EQ(got.report.plan.quantiles.method, QuantileMethod::histogram) << got.report.plan.quantiles.describe();
  EXPECT_EQ(got.report.plan.quantiles.describe().rfind("histogram (", 0), 0u) << got.report.plan.quantiles.describe();
  return got;
}

template <class T>
class HistogramSelect : public ::testing::Test {};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(HistogramSelect, PixelTypes);

TYPED_TEST(HistogramSelect, EqualsTheMemoryMethodBitForBit) {
  using T = TypeParam;
  const FrameShape shape{20, 37};  // small frames: 16 tiles
  for (Data data : {Data::narrow, Data::full, Data::special, Data::constant}) {
    for (std::size_t n : {1u, 2u, 7u, 10u}) {
      SCOPED_TRACE(std::string(data_name(data)) + ", N = " + std::to_string(n));
      const auto s = make_stack<T>(data, n, shape, 100 * n + static_cast<std::uint64_t>(data));
      const auto pipeline = pipeline_for(test::as_series(s, shape), kStats);
      const RunResult got = expect_same_as_memory(pipeline, n % 2 ? 1 : 2);
      EXPECT_GE(passes_of(got), 1u);
    }
  }
}

TYPED_TEST(HistogramSelect, Float64OutputsAndTwoThreads) {
  using T = TypeParam;
  const FrameShape shape{16, 33};
  const auto s = make_stack<T>(Data::special, 9, shape, 7);
  const auto pipeline =
      pipeline_for(test::as_series(s, shape),
                   {"median", "percentile:37.5", "nanpercentile:90", "min"}, DType::float64);
  expect_same_as_memory(pipeline, 2);
}

TYPED_TEST(HistogramSelect, SmallBudgetsForceNarrowDigitsAndPixelGroups) {
  using T = TypeParam;
  const FrameShape shape{30, 64};
  const auto s = make_stack<T>(Data::full, 6, shape, 11);
  const auto pipeline =
      pipeline_for(test::as_series(s, shape), {"median", "nanpercentile:25", "max", "mean"});
  const RunResult roomy = expect_same_as_memory(pipeline, 2);
  // Ever smaller budgets: narrower digits, then pixel groups, until the
  // method gives up with a resource error.
  std::size_t last_passes = passes_of(roomy);
  int last_bits = digit_bits_of(roomy);
  bool grouped = false, refused = false;
  std::uint64_t memory = 1u << 20;
  for (int i = 0; i < 40 && !refused && !::testing::Test::HasFailure();
       ++i, memory = memory * 4 / 5) {
    SCOPED_TRACE("memory " + std::to_string(memory));
    try {
      const RunResult got = expect_same_as_memory(pipeline, 2, memory);
      EXPECT_GE(passes_of(got), last_passes) << got.report.plan.quantiles.describe();
      EXPECT_TRUE(digit_bits_of(got) <= last_bits || groups_of(got) > 1)
          << got.report.plan.quantiles.describe();
      last_passes = passes_of(got);
      last_bits = digit_bits_of(got);
      grouped |= groups_of(got) > 1;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::resource) << e.what();
      refused = true;
    }
  }
  EXPECT_TRUE(grouped) << "no budget made pixel groups";
  EXPECT_TRUE(refused) << "no budget was too small";
  EXPECT_GT(last_passes, passes_of(roomy));
}

TEST(HistogramSelectPlan, TwelveBitDetectorDataPassesFollowTheDigits) {
  // Keys of 12-bit counts differ in 12 bits: the range pass, then
  // ceil(12 / D) digit passes per pixel group.
  const FrameShape shape{64, 64};
  const auto s = make_stack<std::uint16_t>(Data::narrow, 16, shape, 3);
  const auto pipeline = pipeline_for(test::as_series(s, shape), {"median", "percentile:90", "max"});
  for (std::uint64_t memory : {0u, 2u << 20, 1u << 20, 600u << 10, 400u << 10}) {
    SCOPED_TRACE("memory " + std::to_string(memory));
    const RunResult got = expect_same_as_memory(pipeline, 2, memory);
    const int bits = digit_bits_of(got);
    ASSERT_GT(bits, 0) << got.report.plan.quantiles.describe();
    EXPECT_EQ(passes_of(got), 1 + groups_of(got) * static_cast<std::size_t>((12 + bits - 1) / bits))
        << got.report.plan.quantiles.describe();
    EXPECT_EQ(got.report.bytes, passes_of(got) * s.values.size() * sizeof(std::uint16_t)) << "every pass streams";
    if (memory == 0) {
      EXPECT_LE(passes_of(got), 5u) << got.report.plan.quantiles.describe();
    }
  }
}

TEST(HistogramSelectPlan, ConstantSeriesNeedOnlyTheRangePass) {
  const FrameShape shape{8, 9};
  const std::vector<std::int32_t> values(5 * shape.pixels(), -17);
  const auto pipeline = pipeline_for(ArraySeries::from(values, 5, shape),
                                     {"median", "percentile:90", "nanpercentile:10", "mean"});
  const RunResult got = expect_same_as_memory(pipeline, 2);
  EXPECT_EQ(passes_of(got), 1u) << got.report.plan.quantiles.describe();
  EXPECT_EQ(got.images[0].as<float>()[0], -17.0f);
}

TEST(HistogramSelectPlan, FullRangeUint16AndInt64Extremes) {
  const FrameShape shape{4, 4};
  std::vector<std::uint16_t> u(6 * 16);
  std::vector<std::int64_t> w(6 * 16);
  for (std::size_t i = 0; i < u.size(); ++i) {
    u[i] = (i % 3 == 0) ? 65535 : (i % 3 == 1) ? 0 : static_cast<std::uint16_t>(i * 2731);
    w[i] = (i % 3 == 0)   ? std::numeric_limits<std::int64_t>::max()
           : (i % 3 == 1) ? std::numeric_limits<std::int64_t>::lowest()
                          : static_cast<std::int64_t>(i) * 1000003 - 40000000;
  }
  const std::vector<std::string> stats = {"median", "percentile:25", "percentile:90",
                                          "percentile:100", "max"};
  const RunResult a = expect_same_as_memory(pipeline_for(ArraySeries::from(u, 6, shape), stats), 1);
  EXPECT_GE(passes_of(a), 3u);  // 16 bits differ
  const RunResult b = expect_same_as_memory(pipeline_for(ArraySeries::from(w, 6, shape), stats), 2);
  EXPECT_GE(passes_of(b), 9u);  // 64 bits differ: 8 passes of 8-bit digits at least
}

TEST(HistogramSelectPlan, ThirtyTwoBitCountersOverMoreThan65535Frames) {
  const FrameShape shape{2, 3};
  const auto s = make_stack<std::uint16_t>(Data::special, 70000, shape, 8);
  const auto pipeline =
      pipeline_for(test::as_series(s, shape), {"median", "percentile:99.5", "min"});
  const RunResult got = expect_same_as_memory(pipeline, 2);
  EXPECT_GE(passes_of(got), 2u) << got.report.plan.quantiles.describe();
}

TEST(HistogramSelectPlan, OtherStatisticsAreComputedInTheFirstPass) {
  const FrameShape shape{12, 10};
  const auto s = make_stack<float>(Data::special, 8, shape, 5);
  const auto pipeline =
      pipeline_for(test::as_series(s, shape), {"mean", "median", "max", "var", "count"});
  const RunResult got = run(pipeline, options_for(QuantileMethod::histogram, 2));
  Pipeline others = pipeline_for(test::as_series(s, shape), {"mean", "max", "var", "count"});
  const RunResult alone = run(others, options_for(QuantileMethod::memory, 2));
  EXPECT_TRUE(same_bytes(got.images[0], alone.images[0]));
  EXPECT_TRUE(same_bytes(got.images[2], alone.images[1]));
  EXPECT_TRUE(same_bytes(got.images[3], alone.images[2]));
  EXPECT_TRUE(same_bytes(got.images[4], alone.images[3]));
  EXPECT_EQ(got.report.frames, 8u);
}

/// Frames [first, end) of `s` folded into `acc`.
template <class T>
void fold(Accumulation& acc, const Stack<T>& s, FrameInfo info, std::size_t first,
          std::size_t end) {
  std::vector<const std::byte*> frames;
  for (std::size_t f = first; f < end; ++f) {
    frames.push_back(reinterpret_cast<const std::byte*>(s.values.data() + f * s.pixels));
  }
  const FrameBatch batch{first, std::span<const std::byte* const>(frames.data(), frames.size()),
                         info};
  for (std::size_t t = 0; t < acc.tiles().size(); ++t) acc.update_tile(t, batch);
  acc.count_frames(batch.size());
}

/// Every pass's states from two halves of the frames, one half serialised
/// and read back, merged: the selection ends on the order statistics.
TEST(HistogramSelectPlan, PassStatesMergeAndSerialise) {
  using K = std::uint16_t;
  const FrameShape shape{7, 9};
  const FrameInfo info{shape, DType::int16};
  const std::size_t pixels = shape.pixels(), n = 11, half = 4;
  const auto s = make_stack<std::int16_t>(Data::special, n, shape, 21);
  auto merged = [&](const std::shared_ptr<const Reducer>& r) {
    Accumulation a({r}), b({r});
    fold(a, s, info, 0, half);
    fold(b, s, info, half, n);
    a.merge(Accumulation::deserialize({r}, b.serialize()));
    EXPECT_EQ(a.frames(), n);
    a.finalize();
  };
  auto ranges = std::make_shared<histogram::KeyRanges<K>>(pixels);
  merged(std::make_shared<histogram::KeyRangeReducer<std::int16_t>>(info, ranges));

  auto sel = std::make_shared<histogram::Selection<K>>();
  sel->pixels = pixels;
  sel->frames = n;
  sel->specs = {{0.25, false}, {0.37, false}, {0.0, false}};  // two between ranks
  const std::size_t nt = sel->specs.size();
  sel->nans = ranges->nans;
  K differing = 0;
  for (std::size_t p = 0; p < pixels; ++p) differing |= K(ranges->lo[p] ^ ranges->hi[p]);
  const int bits = std::bit_width(differing);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t t = 0; t < nt; ++t) {
      sel->prefix.push_back(bits >= 16 ? K(0) : K(ranges->lo[p] & ~((1u << bits) - 1)));
    }
  }
  sel->below.assign(pixels * nt, 0);
  sel->above = sel->prefix;
  const int digit = 3;
  const int passes = (bits + digit - 1) / digit;
  for (int i = 0; i < passes; ++i) {
    histogram::DigitPass<K> pass;
    pass.group = {0, pixels};
    pass.shift = (passes - 1 - i) * digit;
    pass.bits = i == 0 ? bits - (passes - 1) * digit : digit;
    const int high_bits = pass.shift + pass.bits;
    pass.high_mask = high_bits >= 16 ? K(0) : K(~((1u << high_bits) - 1));
    pass.last = i + 1 == passes;
    sel->pass = pass;
    merged(std::make_shared<histogram::DigitReducer<std::int16_t, std::uint32_t>>(info, sel, 0));
  }
  for (std::size_t p = 0; p < pixels; ++p) {
    std::vector<std::int16_t> v;
    for (std::size_t f = 0; f < n; ++f) v.push_back(s.at(f, p));
    std::sort(v.begin(), v.end());
    for (std::size_t t = 0; t < nt; ++t) {
      const QuantilePosition at = quantile_position(n, sel->specs[t].fraction);
      EXPECT_EQ(from_key<std::int16_t>(sel->prefix[p * nt + t]), v[at.rank])
          << "pixel " << p << " target " << t;
      if (at.weight > 0.0) {
        EXPECT_EQ(from_key<std::int16_t>(sel->above[p * nt + t]), v[at.rank + 1]) << "pixel " << p;
      }
    }
  }
}

/// uint16 -> float32 of the top half of the rows: (v - 2000) / 3.
class ScaleTopHalfOp final : public FrameOp {
 public:
  std::string name() const override { return "scale-top-half"; }
  FrameInfo output_info(const FrameInfo& in) const override {
    return {{in.shape.rows / 2, in.shape.cols}, DType::float32};
  }
  void apply(ConstFrameView in, FrameView out) const override {
    for (std::size_t i = 0; i < out.pixels(); ++i) {
      out.as<float>()[i] = (static_cast<float>(in.as<std::uint16_t>()[i]) - 2000.0f) / 3.0f;
    }
  }
};

TEST(HistogramSelectPlan, EveryPassRunsTheOps) {
  const FrameShape shape{12, 10};
  const auto s = make_stack<std::uint16_t>(Data::narrow, 9, shape, 4);
  Pipeline p;
  p.source = test::as_series(s, shape);
  p.ops = {std::make_shared<ScaleTopHalfOp>()};
  const FrameInfo after{{6, 10}, DType::float32};
  for (const char* stat : {"median", "percentile:90", "nanpercentile:10", "max"}) {
    p.reducers.push_back(make_reducer(stat, after));
  }
  const RunResult got = expect_same_as_memory(p, 2);
  EXPECT_GE(passes_of(got), 3u) << got.report.plan.quantiles.describe();
}

/// Records every start and finish.
class RecordingProgress final : public ProgressSink {
 public:
  void start(std::string_view what, std::size_t frames, std::uint64_t) override {
    labels.emplace_back(what);
    total_frames += frames;
  }
  void advance(std::size_t) override {}
  void finish(bool ok) override { finished += ok; }
  std::vector<std::string> labels;
  std::size_t total_frames = 0;
  std::size_t finished = 0;
};

TEST(HistogramSelectPlan, EveryPassReportsProgressAndNframesApplies) {
  const FrameShape shape{10, 10};
  const auto s = make_stack<std::uint16_t>(Data::narrow, 12, shape, 9);
  const auto pipeline = pipeline_for(test::as_series(s, shape), {"median"});
  RecordingProgress progress;
  RunOptions o = options_for(QuantileMethod::histogram, 2);
  o.nframes = 9;
  o.progress = std::shared_ptr<ProgressSink>(&progress, [](ProgressSink*) {});  // not owned
  const RunResult got = run(pipeline, o);
  const std::size_t passes = passes_of(got);
  ASSERT_EQ(progress.labels.size(), passes);
  EXPECT_EQ(progress.finished, passes);
  EXPECT_EQ(progress.total_frames, 9 * passes);
  EXPECT_NE(progress.labels[0].find("histogram pass 1"), std::string::npos) << progress.labels[0];
  EXPECT_NE(progress.labels.back().find("histogram pass " + std::to_string(passes) + "/" +
                                        std::to_string(passes)),
            std::string::npos)
      << progress.labels.back();
  RunOptions m = options_for(QuantileMethod::memory, 1);
  m.nframes = 9;
  EXPECT_TRUE(same_bytes(got.images[0], run(pipeline, m).images[0]));
}

TEST(HistogramSelectPlan, CancellationStopsTheRun) {
  const FrameShape shape{10, 10};
  const auto s = make_stack<std::uint16_t>(Data::narrow, 12, shape, 9);
  const auto pipeline = pipeline_for(test::as_series(s, shape), {"median"});
  std::atomic<bool> cancel{true};
  RunOptions o = options_for(QuantileMethod::histogram, 2);
  o.cancel = &cancel;
  try {
    run(pipeline, o);
    FAIL() << "expected an interrupted error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
  }
}

/// Records what a writer is given; optionally fails on a pass after the first.
class RecordingWriter final : public SeriesWriter {
 public:
  void begin(const SeriesInfo& info) override {
    info_ = info;
    ++begun;
  }
  void write(const FrameBatch& batch, PreparedBatch*) override { frames += batch.size(); }
  void commit() override { ++committed; }
  std::string describe() const override { return "recording"; }
  std::vector<std::string> destinations() const override { return {}; }
  SeriesInfo info_;
  int begun = 0, committed = 0;
  std::size_t frames = 0;
};

/// Copies frames out (no zero copy); throws when frame `fail_frame` is read
/// for the `fail_read`-th time (the pass it belongs to).
class PassCountingSeries final : public ImageSeries {
 public:
  PassCountingSeries(std::shared_ptr<const ImageSeries> inner, int fail_read)
      : inner_(std::move(inner)), fail_read_(fail_read) {}
  std::size_t size() const override { return inner_->size(); }
  FrameShape frame_shape() const override { return inner_->frame_shape(); }
  DType dtype() const override { return inner_->dtype(); }
  const Metadata& metadata() const override { return inner_->metadata(); }
  std::string describe() const override { return "counting"; }
  bool concurrent_reads() const override { return true; }
  void read_frame(std::size_t i, FrameView out) const override {
    if (i == 3 && ++reads_ == fail_read_) throw Error(ErrorKind::format, "checksum mismatch");
    inner_->read_frame(i, out);
  }

 private:
  std::shared_ptr<const ImageSeries> inner_;
  int fail_read_;
  mutable std::atomic<int> reads_{0};
};

TEST(HistogramSelectPlan, WritersGetEveryFrameOnceAndCommitAfterTheLastPass) {
  const FrameShape shape{9, 10};
  const auto s = make_stack<std::uint16_t>(Data::narrow, 11, shape, 2);
  for (int fail_read : {0, 2, 3}) {
    SCOPED_TRACE("failing read " + std::to_string(fail_read));
    auto writer = std::make_shared<RecordingWriter>();
    Pipeline p =
        pipeline_for(std::make_shared<PassCountingSeries>(test::as_series(s, shape), fail_read),
                     {"median", "max"});
    p.writers = {writer};
    if (fail_read == 0) {
      const RunResult got = run(p, options_for(QuantileMethod::histogram, 2));
      EXPECT_GE(passes_of(got), 3u);
      EXPECT_EQ(writer->begun, 1);
      EXPECT_EQ(writer->frames, 11u);
      EXPECT_EQ(writer->committed, 1);
      Pipeline m = pipeline_for(test::as_series(s, shape), {"median", "max"});
      const RunResult want = run(m, options_for(QuantileMethod::memory, 1));
      EXPECT_TRUE(same_bytes(got.images[0], want.images[0]));
      EXPECT_TRUE(same_bytes(got.images[1], want.images[1]));
    } else {
      EXPECT_THROW(run(p, options_for(QuantileMethod::histogram, 2)), Error);
      EXPECT_EQ(writer->committed, 0);
    }
  }
}

}  // namespace
}  // namespace ims
