// Ops by tile: when every op of a chain maps rows and only reducers consume
// the frames, each tile of the reducer states computes its own rows of the
// processed frames (Plan::ops_by_tile). The results must be those of the
// plain path (whole processed frames, RunOptions::ops_by_tile = false) for
// every statistic, pixel type and thread count; runtime op errors must still
// name their frame; and the planner must fall back whenever the chain or
// the pipeline does not allow it.
//
// Pixel-moving ops at the end of a chain (flip, rectangle, subsample) apply
// once to each result instead of to every frame (RunOptions::move_pixel_ops):
// the same results again, for every statistic, and only when it pays.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "ops/reduce/registry.hpp"
#include "support/check.hpp"
#include "support/ops.hpp"

namespace ims {
namespace {

using test::Images;
using test::make_ops;
using test::random_frame;

struct Outcome {
  std::vector<FrameBuffer> images;
  bool ops_by_tile = false;
  std::string ops_on_results;
};

Outcome run_stats(std::shared_ptr<const ImageSeries> source, const OpList& ops,
                  const std::vector<std::string>& stats, unsigned threads, bool by_tile,
                  QuantileMethod method = QuantileMethod::automatic, bool move_pixel_ops = false) {
  Pipeline p;
  p.source = source;
  p.ops = ops;
  const FrameInfo out = OpChain(ops, source->frame_info()).output();
  for (const auto& s : stats) p.reducers.push_back(make_reducer(s, out));
  RunOptions o;
  o.threads = threads;
  o.ops_by_tile = by_tile;
  o.quantile_method = method;
  o.move_pixel_ops = move_pixel_ops;
  auto result = run(p, o);
  return {std::move(result.images), result.report.plan.ops_by_tile, result.report.plan.ops_on_results};
}

template <class T>
class OpsByTile : public ::testing::Test {};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t,
                                    std::int64_t, float, double>;
TYPED_TEST_SUITE(OpsByTile, PixelTypes);

TYPED_TEST(OpsByTile, EqualWholeProcessedFramesForEveryStatistic) {
  // 70 rows: several tiles, the last one short; 37 frames: several batches
  // and a pass of fewer than four frames.
  const FrameShape shape{70, 33};
  const std::size_t frames = 37;
  auto stack = test::random_stack<TypeParam>(frames, shape, 41);
  const auto in_memory = test::as_series(stack, shape);
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>(shape, 42));
  images.by_name["mask"] = std::make_shared<FrameBuffer>(random_frame<std::uint8_t>({62, 28}, 43));
  const std::vector<std::vector<std::string>> chains = {
      {"dark=dark", "flip=v", "rectangle=0:70,0:33"},
      {"flip=h", "dark=dark", "rectangle=5:-3,2:30", "mask=mask", "flip=r180"},  // mask: 62x28
      {"clip;min=-20;max=90", "astype=float64", "threshold=3"},
  };
  const std::vector<std::string> stats = {"max", "min", "sum", "mean", "var", "std", "count", "median",
                                          "percentile:90", "nanmedian"};
  for (const auto& texts : chains) {
    const OpList ops = make_ops(texts, in_memory->frame_info(), images);
    const Outcome want = run_stats(in_memory, ops, stats, 1, false);
    ASSERT_FALSE(want.ops_by_tile);
    for (const std::shared_ptr<const ImageSeries>& source :
         {std::shared_ptr<const ImageSeries>(in_memory), std::shared_ptr<const ImageSeries>(std::make_shared<test::CopiedSeries>(in_memory))}) {
      for (unsigned threads : {1u, 2u}) {
        const Outcome got = run_stats(source, ops, stats, threads, true);
        EXPECT_TRUE(got.ops_by_tile) << texts.front();
        for (std::size_t s = 0; s < stats.size(); ++s) {
          test::expect_same_image(got.images[s], want.images[s],
                      texts.front() + " ... " + texts.back() + ", " + stats[s] + ", " + source->describe() + ", " +
                          std::to_string(threads) + " threads");
        }
      }
    }
  }
}

/// Maps rows, and fails on any frame holding 7777.
class FailsOnSentinelOp final : public FrameOp {
 public:
  std::string name() const override { return "picky"; }
  FrameInfo output_info(const FrameInfo& in) const override { return in; }
  std::optional<RowSource> row_source(const FrameInfo&) const override { return kSameRows; }
  void apply(ConstFrameView in, FrameView out) const override {
    for (std::size_t i = 0; i < in.pixels(); ++i) {
      if (in.as<std::uint16_t>()[i] == 7777) throw Error(ErrorKind::format, "sentinel value");
    }
    std::memcpy(out.data(), in.data(), in.bytes());
  }
};

TEST(OpsByTile, HistogramQuantilePassesCountTheTilesRows) {
  const FrameShape shape{70, 33};
  auto stack = test::random_stack<std::uint16_t>(29, shape, 51);
  const auto source = test::as_series(stack, shape);
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<std::uint16_t>(shape, 52));
  const OpList ops = make_ops({"dark=dark", "flip=vh", "rectangle=3:60,:"}, source->frame_info(), images);
  const std::vector<std::string> stats = {"median", "percentile:90"};
  const Outcome want = run_stats(source, ops, stats, 1, false, QuantileMethod::memory);
  for (unsigned threads : {1u, 2u}) {
    const Outcome got = run_stats(source, ops, stats, threads, true, QuantileMethod::histogram);
    EXPECT_TRUE(got.ops_by_tile);
    for (std::size_t s = 0; s < stats.size(); ++s) test::expect_same_image(got.images[s], want.images[s], stats[s]);
  }
}

TEST(OpsByTileErrors, ARuntimeOpErrorNamesItsFrameAndOp) {
  const FrameShape shape{40, 16};
  auto stack = test::random_stack<std::uint16_t>(23, shape, 5);
  for (auto& v : stack.values) v = static_cast<std::uint16_t>(v % 1000);
  stack.values[14 * shape.pixels() + 3 * 16 + 7] = 7777;  // frame 14, inside a pass of four
  Pipeline p;
  p.source = test::as_series(stack, shape);
  p.ops = {std::make_shared<FailsOnSentinelOp>(), std::make_shared<FailsOnSentinelOp>()};
  p.reducers.push_back(make_reducer("max", p.source->frame_info()));
  for (unsigned threads : {1u, 2u}) {
    try {
      run(p, RunOptions{.threads = threads});
      FAIL() << "the sentinel went through";
    } catch (const Error& e) {
      EXPECT_EQ(e.frame(), std::optional<std::size_t>(14)) << e.what();
      EXPECT_NE(std::string(e.what()).find("ops[0].picky"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("sentinel value"), std::string::npos) << e.what();
    }
  }
}

/// Records nothing: a writer only has to be there.
class NullWriter final : public SeriesWriter {
 public:
  void begin(const SeriesInfo&) override {}
  void write(const FrameBatch&, PreparedBatch*) override {}
  void commit() override {}
  std::string describe() const override { return "null"; }
  std::vector<std::string> destinations() const override { return {}; }
};

TEST(OpsByTilePlan, OnlyRowMappingChainsFeedingReducersAlone) {
  const FrameShape shape{64, 48};
  auto stack = test::random_stack<std::uint16_t>(3, shape, 9);
  const auto source = test::as_series(stack, shape);
  Images images;
  auto plan_of = [&](const std::vector<std::string>& texts, bool writer) {
    Pipeline p;
    p.source = source;
    p.ops = make_ops(texts, source->frame_info(), images);
    p.reducers.push_back(make_reducer("max", OpChain(p.ops, source->frame_info()).output()));
    if (writer) p.writers.push_back(std::make_shared<NullWriter>());
    RunOptions o;
    o.threads = 1;
    o.move_pixel_ops = false;  // else trailing flips and crops leave the chain
    return run(p, o).report.plan;
  };
  const Plan tiled = plan_of({"flip=h", "add=1", "rectangle=3:50,:"}, false);
  EXPECT_TRUE(tiled.ops_by_tile);
  EXPECT_NE(tiled.explain().find("ops computed tile by tile"), std::string::npos) << tiled.explain();
  EXPECT_EQ(tiled.frame_cost, shape.pixels() * 2) << "no processed frame in flight";
  EXPECT_FALSE(plan_of({"flip=h", "flip=t"}, false).ops_by_tile) << "a transpose mixes rows";
  EXPECT_FALSE(plan_of({"gaussian_filter=1"}, false).ops_by_tile) << "a filter mixes rows";
  EXPECT_FALSE(plan_of({"flip=h"}, true).ops_by_tile) << "a writer needs whole processed frames";
  EXPECT_FALSE(plan_of({}, false).ops_by_tile) << "no ops";
}

TYPED_TEST(OpsByTile, TrailingPixelMovesOnResultsEqualMovesOnEveryFrame) {
  const FrameShape shape{70, 33};
  auto stack = test::random_stack<TypeParam>(21, shape, 61);
  const auto source = test::as_series(stack, shape);
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>(shape, 62));
  const std::vector<std::string> stats = {"max", "min", "sum", "mean", "var", "std", "count", "median",
                                          "percentile:90", "nanmedian"};
  struct Case {
    std::vector<std::string> ops;
    std::string moved;  // the plan's ops_on_results
  };
  const std::vector<Case> cases = {
      {{"dark=dark", "flip=v", "rectangle=0:70,0:33"}, "flip=v, rectangle=0:70,0:33"},
      {{"dark=dark", "flip=r90", "rectangle=0:20,:"}, "flip=r90, rectangle=0:20,:"},  // keeps 20 of 33 rows
      {{"flip=t", "dark=dark;mode=wrap"}, ""},                                      // nothing after the dark
      {{"flip=h", "subsample=2"}, ""},        // a quarter of the pixels: cheaper on every frame
      {{"flip=h", "subsample=1,2", "flip=vh"}, "flip=h, subsample=1,2, flip=vh"},  // half
  };
  for (const Case& c : cases) {
    const FrameInfo input = source->frame_info();
    Images with_transposed = images;
    with_transposed.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>({33, 70}, 62));
    const OpList ops = make_ops(c.ops, input, c.ops.front() == "flip=t" ? with_transposed : images);
    const Outcome want = run_stats(source, ops, stats, 1, true, QuantileMethod::automatic, false);
    ASSERT_EQ(want.ops_on_results, "");
    for (unsigned threads : {1u, 2u}) {
      const Outcome got = run_stats(source, ops, stats, threads, true, QuantileMethod::automatic, true);
      EXPECT_EQ(got.ops_on_results, c.moved) << c.ops.front();
      for (std::size_t s = 0; s < stats.size(); ++s) {
        test::expect_same_image(got.images[s], want.images[s], c.ops.front() + " ... " + c.ops.back() + ", " + stats[s]);
      }
    }
  }
}

TEST(PixelMoves, NotWithWritersAndSaidInThePlan) {
  const FrameShape shape{16, 8};
  auto stack = test::random_stack<std::uint16_t>(5, shape, 3);
  Pipeline p;
  p.source = test::as_series(stack, shape);
  Images images;
  p.ops = make_ops({"add=1", "flip=r270"}, p.source->frame_info(), images);
  p.reducers.push_back(make_reducer("max", OpChain(p.ops, p.source->frame_info()).output()));
  const auto moved = run(p, RunOptions{.threads = 1});
  EXPECT_EQ(moved.report.plan.ops_on_results, "flip=r270");
  EXPECT_NE(moved.report.plan.explain().find("flip=r270 applied once to each result"), std::string::npos)
      << moved.report.plan.explain();
  ASSERT_EQ(moved.ops_on_results.size(), 1u);
  EXPECT_EQ(moved.images[0].shape(), (FrameShape{8, 16}));
  EXPECT_EQ(moved.report.plan.frame.shape, (FrameShape{16, 8})) << "the frames streamed: before the flip";
  p.writers.push_back(std::make_shared<NullWriter>());
  EXPECT_EQ(run(p, RunOptions{.threads = 1}).report.plan.ops_on_results, "") << "a writer needs the flipped frames";
}

TEST(Tiles, WholeRowsUnlessARowIsWiderThanATile) {
  for (const FrameShape shape : {FrameShape{2048, 2048}, FrameShape{70, 33}, FrameShape{3, 5}, FrameShape{1, 7},
                                 FrameShape{517, 3001}, FrameShape{16, 3000}}) {
    for (const DType dtype : {DType::uint8, DType::uint16, DType::float64}) {
      const std::size_t tile = tile_pixels_for({shape, dtype});
      EXPECT_EQ(tile % shape.cols, 0u) << to_string(shape) << " " << dtype_name(dtype);
      EXPECT_LE(tile, shape.pixels());
      EXPECT_GT(tile, 0u);
    }
  }
  EXPECT_EQ(tile_pixels_for({{2048, 2048}, DType::uint16}), 16u * 2048) << "64 KiB of whole rows";
  EXPECT_EQ(tile_pixels_for({{10, 100000}, DType::uint16}), 32768u) << "rows wider than 64 KiB are cut";
}

}  // namespace
}  // namespace ims
