// Accumulations from separate runs over disjoint frames merge into the result
// of one run over all of them, and survive serialisation: what MPI will need.

#include <gtest/gtest.h>

#include <cstring>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "ops/reduce/registry.hpp"
#include "support/check.hpp"
#include "support/generate.hpp"

namespace ims {
namespace {

const std::vector<std::string> kStats = {"max", "min", "sum", "mean", "var", "std", "count"};

std::vector<std::shared_ptr<const Reducer>> reducers_for(FrameInfo info) {
  std::vector<std::shared_ptr<const Reducer>> r;
  for (const auto& s : kStats) r.push_back(make_reducer(s, info));
  return r;
}

Accumulation accumulate(const test::Stack<std::int32_t>& s, FrameShape shape, std::size_t first, std::size_t last) {
  std::vector<std::int32_t> part(s.values.begin() + static_cast<std::ptrdiff_t>(first * s.pixels),
                                 s.values.begin() + static_cast<std::ptrdiff_t>(last * s.pixels));
  Pipeline p;
  p.source = ArraySeries::from(part, last - first, shape);
  p.reducers = reducers_for(p.source->frame_info());
  return run(p).accumulation;
}

TEST(Accumulation, PartialRunsMergeIntoTheWholeResult) {
  const FrameShape shape{300, 200};  // several tiles
  auto stack = test::random_stack<std::int32_t>(50, shape, 11);
  Accumulation merged = accumulate(stack, shape, 0, 20);
  merged.merge(accumulate(stack, shape, 20, 33));
  merged.merge(accumulate(stack, shape, 33, 50));
  EXPECT_EQ(merged.frames(), 50u);
  EXPECT_GT(merged.tiles().size(), 1u);
  auto images = merged.finalize();
  for (std::size_t i = 0; i < kStats.size(); ++i) test::check_against_oracle(kStats[i], images[i], stack, 50);
}

TEST(Accumulation, SerialisesAndReadsBack) {
  const FrameShape shape{300, 200};
  auto stack = test::random_stack<std::int32_t>(12, shape, 12);
  Accumulation a = accumulate(stack, shape, 0, 12);
  auto bytes = a.serialize();
  Accumulation b = Accumulation::deserialize(reducers_for({shape, DType::int32}), bytes);
  EXPECT_EQ(b.frames(), 12u);
  auto x = a.finalize(), y = b.finalize();
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(std::memcmp(x[i].data(), y[i].data(), x[i].bytes()), 0) << kStats[i];
  }
  auto wrong = reducers_for({shape, DType::uint16});
  EXPECT_THROW(Accumulation::deserialize(wrong, bytes), Error);
  bytes.resize(bytes.size() / 2);
  EXPECT_THROW(Accumulation::deserialize(reducers_for({shape, DType::int32}), bytes), Error);
}

TEST(Accumulation, MergingDifferentStatisticsIsRefused) {
  const FrameShape shape{10, 10};
  Accumulation a({make_reducer("max", {shape, DType::uint16})});
  Accumulation b({make_reducer("min", {shape, DType::uint16})});
  EXPECT_THROW(a.merge(b), Error);
}

}  // namespace
}  // namespace ims
