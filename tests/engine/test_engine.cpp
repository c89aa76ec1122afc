// The streaming engine end to end, on in-memory series: thread counts,
// nframes, tight memory budgets, errors, cancellation, ops, writers, reports.

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "ims/error.hpp"
#include "engine/plan.hpp"
#include "engine/progress.hpp"
#include "engine/run.hpp"
#include "ops/reduce/registry.hpp"
#include "support/check.hpp"
#include "support/generate.hpp"

namespace ims {
namespace {

using test::Stack;

const std::vector<std::string> kAll = {"max", "min", "sum", "mean", "var", "std", "count"};

/// Wraps a series, hiding zero-copy access so frames go through pooled
/// buffers; optionally serial, optionally failing at one frame.
class CopyingSeries final : public ImageSeries {
 public:
  explicit CopyingSeries(std::shared_ptr<const ImageSeries> inner, bool concurrent = true,
                         std::size_t fail_at = SIZE_MAX)
      : inner_(std::move(inner)), concurrent_(concurrent), fail_at_(fail_at) {}
  std::size_t size() const override { return inner_->size(); }
  FrameShape frame_shape() const override { return inner_->frame_shape(); }
  DType dtype() const override { return inner_->dtype(); }
  const Metadata& metadata() const override { return inner_->metadata(); }
  std::string describe() const override { return "copying:" + inner_->describe(); }
  bool concurrent_reads() const override { return concurrent_; }
  void read_frame(std::size_t i, FrameView out) const override {
    if (i == fail_at_) throw Error(ErrorKind::format, "checksum mismatch").with_stage("test");
    inner_->read_frame(i, out);
  }

 private:
  std::shared_ptr<const ImageSeries> inner_;
  bool concurrent_;
  std::size_t fail_at_;
};

Pipeline pipeline_for(std::shared_ptr<const ImageSeries> source, const std::vector<std::string>& stats) {
  Pipeline p;
  for (const auto& s : stats) p.reducers.push_back(make_reducer(s, source->frame_info()));
  p.source = std::move(source);
  return p;
}

RunOptions with_threads(unsigned threads) {
  RunOptions o;
  o.threads = threads;
  return o;
}

bool same_bytes(const FrameBuffer& a, const FrameBuffer& b) {
  return a.info() == b.info() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

template <class T>
void check_threads_and_oracle() {
  const FrameShape shape{64, 80};
  auto stack = test::random_stack<T>(45, shape, 99);
  auto pipeline = pipeline_for(test::as_series(stack, shape), kAll);
  auto one = run(pipeline, with_threads(1));
  auto two = run(pipeline, with_threads(2));
  for (std::size_t i = 0; i < kAll.size(); ++i) {
    SCOPED_TRACE(kAll[i] + " " + std::string(dtype_name(dtype_of_v<T>)));
    // Tiles are reduced in frame order whatever the thread count: identical bits.
    EXPECT_TRUE(same_bytes(one.images[i], two.images[i]));
    test::check_against_oracle(kAll[i], two.images[i], stack, 45);
  }
}

TEST(Engine, OneAndTwoThreadsGiveIdenticalResultsForEveryDtype) {
  for (DType d : kAllDTypes) visit_dtype(d, [](auto tag) { check_threads_and_oracle<decltype(tag)>(); });
}

TEST(Engine, NframesUsesTheFirstFramesLikeHexrd) {
  const FrameShape shape{20, 30};
  auto stack = test::random_stack<std::uint16_t>(30, shape, 5);
  auto pipeline = pipeline_for(test::as_series(stack, shape), kAll);
  RunOptions o;
  o.nframes = 7;
  auto result = run(pipeline, o);
  EXPECT_EQ(result.report.frames, 7u);
  for (std::size_t i = 0; i < kAll.size(); ++i) test::check_against_oracle(kAll[i], result.images[i], stack, 7);
  o.nframes = 1000;  // more than there are: all of them, as hexrd's min(len, nframes)
  EXPECT_EQ(run(pipeline, o).report.frames, 30u);
}

TEST(Engine, SingleFrameSeries) {
  const FrameShape shape{9, 7};
  auto stack = test::random_stack<float>(1, shape, 8);
  auto result = run(pipeline_for(test::as_series(stack, shape), kAll));
  for (std::size_t i = 0; i < kAll.size(); ++i) test::check_against_oracle(kAll[i], result.images[i], stack, 1);
}

TEST(Engine, SeriesLargerThanTheBufferPoolRecyclesBuffers) {
  const FrameShape shape{64, 80};
  auto stack = test::random_stack<std::int32_t>(61, shape, 6);
  auto source = std::make_shared<CopyingSeries>(test::as_series(stack, shape));
  auto pipeline = pipeline_for(source, {"max", "mean", "var"});
  RunOptions o;
  o.threads = 2;
  const std::uint64_t state = shape.pixels() * (4 + 4 + 8 + 4 + 16 + 8);
  o.memory = state + 3 * source->frame_bytes() + 100;  // room for three frames in flight
  auto result = run(pipeline, o);
  const Plan& plan = result.report.plan;
  EXPECT_FALSE(plan.zero_copy);
  EXPECT_LE(plan.slots * plan.batch_frames, 3u);
  EXPECT_LE(plan.buffer_bytes() + plan.state_bytes, o.memory);
  EXPECT_EQ(result.report.frames, 61u);
  test::check_against_oracle("max", result.images[0], stack, 61);
  test::check_against_oracle("mean", result.images[1], stack, 61);
  test::check_against_oracle("var", result.images[2], stack, 61);
}

TEST(Engine, CopyingAndZeroCopySourcesAgree) {
  const FrameShape shape{33, 17};
  auto stack = test::random_stack<double>(20, shape, 7);
  auto in_place = test::as_series(stack, shape);
  auto serial_copy = std::make_shared<CopyingSeries>(in_place, false);
  auto a = run(pipeline_for(in_place, kAll));
  auto b = run(pipeline_for(serial_copy, kAll));
  EXPECT_TRUE(a.report.plan.zero_copy);
  EXPECT_FALSE(b.report.plan.parallel_reads);
  for (std::size_t i = 0; i < kAll.size(); ++i) EXPECT_TRUE(same_bytes(a.images[i], b.images[i])) << kAll[i];
}

TEST(Engine, TooSmallABudgetSaysWhatWouldWork) {
  const FrameShape shape{100, 100};
  auto stack = test::random_stack<std::uint16_t>(4, shape, 1);
  RunOptions o;
  o.memory = 30000;
  try {
    run(pipeline_for(test::as_series(stack, shape), {"mean"}), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::resource);
    EXPECT_NE(std::string(e.what()).find("too small"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at least --memory"), std::string::npos) << e.what();
  }
}

TEST(Engine, ReadErrorNamesTheFrameAndStopsTheRun) {
  const FrameShape shape{16, 16};
  auto stack = test::random_stack<std::uint16_t>(200, shape, 2);
  for (bool concurrent : {false, true}) {
    auto source = std::make_shared<CopyingSeries>(test::as_series(stack, shape), concurrent, 123);
    try {
      run(pipeline_for(source, {"max"}), with_threads(2));
      FAIL() << "the run should fail";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::format);
      EXPECT_EQ(e.frame(), 123u);
      EXPECT_STREQ(e.what(), "test: frame 123: checksum mismatch");
    }
  }
}

TEST(Engine, EmptySeriesIsAnError) {
  auto empty = ArraySeries::from(std::vector<std::uint16_t>{}, 0, FrameShape{4, 4});
  EXPECT_THROW(run(pipeline_for(empty, {"max"})), Error);
}

TEST(Engine, CancellationStopsWithAnInterruptedError) {
  const FrameShape shape{16, 16};
  auto stack = test::random_stack<std::uint16_t>(50, shape, 2);
  std::atomic<bool> cancel{true};
  RunOptions o;
  o.cancel = &cancel;
  try {
    run(pipeline_for(test::as_series(stack, shape), {"max"}), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::interrupted);
  }
}

/// out = 2 * in, as float32: changes the dtype, so plan-time propagation shows.
class DoubleOp final : public FrameOp {
 public:
  std::string name() const override { return "double"; }
  FrameInfo output_info(const FrameInfo& in) const override {
    if (in.dtype != DType::uint16) throw Error(ErrorKind::usage, "needs uint16 frames");
    return {in.shape, DType::float32};
  }
  void apply(ConstFrameView in, FrameView out) const override {
    for (std::size_t i = 0; i < in.pixels(); ++i) out.as<float>()[i] = 2.0f * in.as<std::uint16_t>()[i];
  }
};

/// out = first half of the rows (shape changes).
class TopHalfOp final : public FrameOp {
 public:
  std::string name() const override { return "top-half"; }
  FrameInfo output_info(const FrameInfo& in) const override { return {{in.shape.rows / 2, in.shape.cols}, in.dtype}; }
  void apply(ConstFrameView in, FrameView out) const override { std::memcpy(out.data(), in.data(), out.bytes()); }
};

TEST(Engine, OpChainRunsBeforeTheReducers) {
  const FrameShape shape{20, 10};
  auto stack = test::random_stack<std::uint16_t>(25, shape, 4);
  Pipeline p;
  p.source = test::as_series(stack, shape);
  p.ops = {std::make_shared<DoubleOp>(), std::make_shared<TopHalfOp>()};
  p.reducers.push_back(make_reducer("max", FrameInfo{{10, 10}, DType::float32}));
  auto result = run(p, with_threads(2));
  auto want = test::naive_extreme(stack, 25, true);
  auto got = test::values_of<float>(result.images[0]);
  ASSERT_EQ(got.size(), 100u);
  for (std::size_t px = 0; px < 100; ++px) EXPECT_EQ(got[px], 2.0f * want[px]);
  EXPECT_GE(result.report.stages.ops, 0.0);
}

TEST(Engine, OpErrorsSurfaceAtPlanTimeNamingTheOp) {
  const FrameShape shape{4, 4};
  auto stack = test::random_stack<float>(3, shape, 4);
  Pipeline p;
  p.source = test::as_series(stack, shape);
  p.ops = {std::make_shared<TopHalfOp>(), std::make_shared<DoubleOp>()};
  try {
    make_plan(p, resolve_options({}, *p.source));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "ops[1].double: needs uint16 frames");
  }
}

/// Records what a writer is given.
class RecordingWriter final : public SeriesWriter {
 public:
  void begin(const SeriesInfo& info) override { info_ = info; }
  void write(const FrameBatch& batch, PreparedBatch*) override {
    EXPECT_EQ(batch.first, frames.size() / info_.frame.shape.pixels()) << "batches arrive in order";
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const auto* f = batch.pixels_as<std::uint16_t>(k, 0);
      frames.insert(frames.end(), f, f + info_.frame.shape.pixels());
    }
  }
  void commit() override { committed = true; }
  std::string describe() const override { return "recording"; }
  std::vector<std::string> destinations() const override { return {}; }
  std::vector<std::uint16_t> frames;
  bool committed = false;
  SeriesInfo info_;
};

TEST(Engine, WritersReceiveEveryFrameInOrderThenCommit) {
  const FrameShape shape{8, 8};
  auto stack = test::random_stack<std::uint16_t>(77, shape, 9);
  auto writer = std::make_shared<RecordingWriter>();
  Pipeline p;
  p.source = std::make_shared<CopyingSeries>(test::as_series(stack, shape));
  p.writers = {writer};
  RunOptions o;
  o.threads = 2;
  o.batch_frames = 3;
  run(p, o);
  EXPECT_TRUE(writer->committed);
  EXPECT_EQ(writer->info_.frames, 77u);
  EXPECT_EQ(writer->frames, stack.values);
}

TEST(Engine, FailedRunDoesNotCommitWriters) {
  const FrameShape shape{8, 8};
  auto stack = test::random_stack<std::uint16_t>(40, shape, 9);
  auto writer = std::make_shared<RecordingWriter>();
  Pipeline p;
  p.source = std::make_shared<CopyingSeries>(test::as_series(stack, shape), true, 30);
  p.writers = {writer};
  EXPECT_THROW(run(p), Error);
  EXPECT_FALSE(writer->committed);
}

class CountingProgress final : public ProgressSink {
 public:
  void start(std::string_view, std::size_t total, std::uint64_t) override { total_ = total; }
  void advance(std::size_t done) override {
    EXPECT_GT(done, last);
    last = done;
  }
  void finish(bool ok) override { finished_ok = ok; }
  std::size_t total_ = 0, last = 0;
  bool finished_ok = false;
};

TEST(Engine, ReportAndProgressDescribeTheRun) {
  const FrameShape shape{32, 32};
  auto stack = test::random_stack<std::uint16_t>(40, shape, 9);
  CountingProgress progress;
  RunOptions o;
  o.progress = std::shared_ptr<ProgressSink>(&progress, [](ProgressSink*) {});  // not owned
  o.threads = 2;
  auto result = run(pipeline_for(test::as_series(stack, shape), {"max", "mean"}), o);
  const RunReport& r = result.report;
  EXPECT_EQ(r.frames, 40u);
  EXPECT_EQ(r.bytes, 40u * 32 * 32 * 2);
  EXPECT_EQ(r.statistics, (std::vector<std::string>{"max", "mean"}));
  EXPECT_GT(r.wall_seconds, 0.0);
  EXPECT_GT(r.peak_rss_bytes, 0u);
  EXPECT_EQ(r.plan.threads, 2u);
  EXPECT_EQ(progress.total_, 40u);
  EXPECT_EQ(progress.last, 40u);
  EXPECT_TRUE(progress.finished_ok);
  EXPECT_NE(r.to_json().find("\"peak_rss_bytes\""), std::string::npos);
  EXPECT_NE(r.to_text().find("plan"), std::string::npos);
}

}  // namespace
}  // namespace ims

namespace ims {
namespace {

TEST(QuantileRun, TheReportTextIsRenderedFromWhatRan) {
  EXPECT_EQ(QuantileRun{}.describe(), "") << "no quantile ran";
  QuantileRun one{.method = QuantileMethod::memory, .reason = "every value fits the budget", .bands = 1};
  EXPECT_EQ(one.describe(), "memory, one band (every value fits the budget)");
  QuantileRun banded = one;
  banded.bands = 4;
  banded.band_rows = 512;
  banded.band_bytes = 3ull << 20;
  banded.results_held_bytes = 2ull << 20;
  const std::string text = banded.describe();
  EXPECT_EQ(text.rfind("memory, 4 bands of 512 rows (", 0), 0u) << text;
  EXPECT_NE(text.find("; each band's budget is --memory less the whole results ("), std::string::npos) << text;
  QuantileRun equal{.method = QuantileMethod::histogram, .reason = "r", .passes = 1};
  EXPECT_EQ(equal.describe(), "histogram (r): 1 pass (every pixel's values are equal)");
  QuantileRun digits{.method = QuantileMethod::histogram, .reason = "r", .passes = 3, .digit_bits = 11, .groups = 2};
  EXPECT_EQ(digits.describe().rfind("histogram (r): 3 passes, 11-bit digits, 2 pixel groups (state ", 0), 0u)
      << digits.describe();
}

}  // namespace
}  // namespace ims
