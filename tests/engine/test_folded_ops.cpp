// Ops folded into the reducers: when a chain is one dark whose difference is
// in the dark's dtype (uint16 - uint16, uint16 - float32; after trailing
// moves and whole-frame rectangles leave it) and every reducer folds pixel
// maps, the reducers get the source frames and subtract the dark inside
// their loops (Plan::ops_folded). The results must be those of the tile path
// and of whole processed frames, for every statistic that folds, pixel
// type, dark dtype and mode, thread count and source kind; and the planner
// must fold only then.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

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

enum class Path { whole_frames, by_tile, folded };

RunResult run_path(std::shared_ptr<const ImageSeries> source, const OpList& ops,
                   const std::vector<std::string>& stats, unsigned threads, Path path) {
  Pipeline p;
  p.source = std::move(source);
  p.ops = ops;
  const FrameInfo out = OpChain(ops, p.source->frame_info()).output();
  for (const auto& s : stats) p.reducers.push_back(make_reducer(s, out));
  RunOptions o;
  o.threads = threads;
  o.ops_by_tile = path != Path::whole_frames;
  o.fold_pixel_maps = path == Path::folded;
  return run(p, o);
}

/// A dark of the frames' type with the edges of its range (and a NaN for
/// floats): differences that clamp, saturate and wrap.
template <class T>
FrameBuffer edgy_dark(FrameShape shape) {
  FrameBuffer dark = random_frame<T>(shape, 72);
  T* d = dark.view().as<T>();
  d[2] = std::numeric_limits<T>::max();
  d[3] = std::numeric_limits<T>::lowest();
  d[4] = T{0};
  if constexpr (std::is_floating_point_v<T>) d[5] = std::numeric_limits<T>::quiet_NaN();
  return dark;
}

template <class T>
class FoldedOps : public ::testing::Test {};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(FoldedOps, PixelTypes);

TYPED_TEST(FoldedOps, EqualTheTilePathAndWholeProcessedFrames) {
  // 70 rows: several tiles, the last one short; 37 frames: several batches
  // and a pass of fewer than four frames.
  const FrameShape shape{70, 33};
  auto stack = test::random_stack<TypeParam>(37, shape, 71);
  if constexpr (std::is_floating_point_v<TypeParam>) stack.values[9 * shape.pixels() + 40] = NAN;
  const auto in_memory = test::as_series(stack, shape);
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(edgy_dark<TypeParam>(shape));
  images.by_name["dark32"] = std::make_shared<FrameBuffer>(edgy_dark<float>(shape));
  images.by_name["dark64"] = std::make_shared<FrameBuffer>(edgy_dark<double>(shape));
  // numpy's promotion keeps a float32 dark's dtype for 8- and 16-bit
  // integers, a float64 one's for integers of up to 32 bits: the reducers
  // then fold the conversion too. Other mixes run by tile.
  using T = TypeParam;
  constexpr bool kSmallInt = std::is_integral_v<T> && sizeof(T) <= 2;
  constexpr bool kInt32 = std::is_integral_v<T> && sizeof(T) <= 4;
  struct Chain {
    std::vector<std::string> ops;
    bool folded;
  };
  const std::vector<Chain> chains = {
      {{"dark=dark"}, true},
      {{"dark=dark;mode=wrap"}, true},
      {{"rectangle=0:70,0:33", "dark=dark"}, true},  // keeps the whole frame: nothing
      {{"dark=dark", "flip=v"}, true},               // the flip moves to the results
      {{"dark=dark32"}, kSmallInt || std::is_same_v<T, float>},
      {{"dark=dark64;mode=wrap"}, kInt32 || std::is_same_v<T, double>},
  };
  const std::vector<std::string> stats = {"max", "min", "sum", "mean", "var", "std", "count"};
  for (const auto& [texts, folds] : chains) {
    const OpList ops = make_ops(texts, in_memory->frame_info(), images);
    const RunResult want = run_path(in_memory, ops, stats, 1, Path::whole_frames);
    ASSERT_FALSE(want.report.plan.ops_folded);
    for (const std::shared_ptr<const ImageSeries>& source :
         {std::shared_ptr<const ImageSeries>(in_memory),
          std::shared_ptr<const ImageSeries>(std::make_shared<test::CopiedSeries>(in_memory))}) {
      for (unsigned threads : {1u, 2u}) {
        const RunResult tiled = run_path(source, ops, stats, threads, Path::by_tile);
        const RunResult folded = run_path(source, ops, stats, threads, Path::folded);
        ASSERT_TRUE(tiled.report.plan.ops_by_tile);
        ASSERT_FALSE(tiled.report.plan.ops_folded);
        EXPECT_EQ(folded.report.plan.ops_folded, folds) << texts.front();
        for (std::size_t s = 0; s < stats.size(); ++s) {
          const std::string what = texts.front() + " ... " + texts.back() + ", " + stats[s] + ", " +
                                   source->describe() + ", " + std::to_string(threads) + " threads";
          test::expect_same_image(folded.images[s], want.images[s], what + " (folded vs whole frames)");
          test::expect_same_image(folded.images[s], tiled.images[s], what + " (folded vs by tile)");
        }
      }
    }
  }
}

TEST(FoldedOpsPlan, OnlyADarkInItsOwnDtypeThatEveryReducerFolds) {
  const FrameShape shape{64, 48};
  auto stack = test::random_stack<std::uint16_t>(6, shape, 9);
  const auto source = test::as_series(stack, shape);
  Images images;
  images.by_name["dark16"] = std::make_shared<FrameBuffer>(random_frame<std::uint16_t>(shape, 10));
  images.by_name["dark32"] = std::make_shared<FrameBuffer>(random_frame<float>(shape, 11));
  images.by_name["dark8"] = std::make_shared<FrameBuffer>(random_frame<std::uint8_t>(shape, 12));
  auto plan_of = [&](const std::vector<std::string>& texts, const std::vector<std::string>& stats,
                     bool fold = true) {
    Pipeline p;
    p.source = source;
    p.ops = make_ops(texts, source->frame_info(), images);
    for (const auto& s : stats)
      p.reducers.push_back(make_reducer(s, OpChain(p.ops, source->frame_info()).output()));
    RunOptions o;
    o.threads = 1;
    o.fold_pixel_maps = fold;
    return run(p, o).report.plan;
  };
  const Plan folded = plan_of({"dark=dark16"}, {"max", "mean", "std", "count"});
  EXPECT_TRUE(folded.ops_folded);
  EXPECT_NE(folded.explain().find("ops folded into the reducers"), std::string::npos)
      << folded.explain();
  EXPECT_EQ(folded.frame_cost, shape.pixels() * 2) << "no processed frame in flight";
  EXPECT_TRUE(plan_of({"dark=dark16;mode=wrap", "rectangle=0:64,0:48"}, {"min"}).ops_folded);
  EXPECT_TRUE(plan_of({"dark=dark16", "flip=h"}, {"sum"}).ops_folded)
      << "the flip moves to the results";
  EXPECT_FALSE(plan_of({"dark=dark16"}, {"max", "median"}).ops_folded)
      << "a quantile gathers values";
  EXPECT_TRUE(plan_of({"dark=dark32"}, {"max"}).ops_folded)
      << "uint16 - float32: the folds convert";
  EXPECT_FALSE(plan_of({"dark=dark8"}, {"max"}).ops_folded)
      << "uint16 - uint8 is not in the dark's dtype";
  EXPECT_FALSE(plan_of({"dark=dark16", "clip;max=100"}, {"max"}).ops_folded) << "two ops";
  EXPECT_FALSE(plan_of({"add=1"}, {"max"}).ops_folded) << "not a pixel map";
  EXPECT_FALSE(plan_of({"dark=dark16"}, {"max"}, false).ops_folded)
      << "RunOptions::fold_pixel_maps";
  EXPECT_TRUE(plan_of({"dark=dark16"}, {"max"}, false).ops_by_tile);
}

/// update() must refuse `batch` with an internal error whose text has `needle`.
void expect_refused(const Reducer& reducer, const FrameBatch& batch, const std::string& needle) {
  auto state = reducer.make_state({0, batch.info.shape.pixels()});
  try {
    reducer.update(*state, batch);
    FAIL() << reducer.name() << " folded a map it cannot take";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(FoldedOpsReducers, AReducerThatDoesNotFoldMapsRejectsMappedFrames) {
  const FrameShape shape{4, 4};
  auto stack = test::random_stack<std::uint16_t>(2, shape, 3);
  const FrameBuffer dark = random_frame<std::uint16_t>(shape, 4);
  const PixelMap map{PixelMap::Kind::dark_clamp, dark.view(), DType::uint16};
  const std::byte* frames[] = {
      reinterpret_cast<const std::byte*>(stack.values.data()),
      reinterpret_cast<const std::byte*>(stack.values.data() + shape.pixels())};
  FrameBatch batch{0, frames, {shape, DType::uint16}};
  batch.map = &map;
  const auto median = make_reducer("median", {shape, DType::uint16});
  ASSERT_FALSE(median->folds_pixel_maps());
  expect_refused(*median, batch, "pixel map");
  // Nor does a folding reducer take a map it has no kernel for.
  const auto max64 = make_reducer("max", {shape, DType::float64});
  const FrameBuffer dark64 = random_frame<double>(shape, 5);
  const PixelMap from_int64{PixelMap::Kind::dark_clamp, dark64.view(), DType::int64};
  ASSERT_FALSE(folds_pixel_map(DType::int64, DType::float64));
  FrameBatch int64_batch{0, frames, {shape, DType::float64}};
  int64_batch.map = &from_int64;
  expect_refused(*max64, int64_batch, "pixel map from int64");
  // A reducer that folds maps folds the mapped values: max(frame - dark, 0).
  const auto max = make_reducer("max", {shape, DType::uint16});
  auto max_state = max->make_state({0, shape.pixels()});
  max->update(*max_state, batch);
  ASSERT_EQ(max_state->frames, 2u);
  FrameBuffer out(FrameInfo{shape, DType::uint16});
  max->finalize(*max_state, out.view());
  const std::uint16_t* d = dark.view().as<std::uint16_t>();
  for (std::size_t i = 0; i < shape.pixels(); ++i) {
    const auto a = stack.values[i], b = stack.values[shape.pixels() + i];
    const int want = std::max({int(a) - int(d[i]), int(b) - int(d[i]), 0});
    EXPECT_EQ(out.view().as<std::uint16_t>()[i], want) << "pixel " << i;
  }
}

}  // namespace
}  // namespace ims
