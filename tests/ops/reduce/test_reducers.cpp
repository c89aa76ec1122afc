// Every reducer x every pixel type against the naive oracles: batches of any
// size, states split across frames and merged, states serialised and read back.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "ims/error.hpp"
#include "ops/reduce/registry.hpp"
#include "support/generate.hpp"
#include "support/check.hpp"
#include "support/oracle.hpp"

namespace ims {
namespace {

using test::Stack;
using test::check_against_oracle;
using test::expect_close;
using test::values_of;

constexpr FrameShape kShape{13, 11};
constexpr std::size_t kFrames = 37;

template <class T>
FrameBatch batch_of(const Stack<T>& s, std::size_t first, std::size_t count,
                    std::vector<const std::byte*>& pointers) {
  pointers.clear();
  for (std::size_t f = first; f < first + count; ++f) {
    pointers.push_back(reinterpret_cast<const std::byte*>(s.values.data() + f * s.pixels));
  }
  return {first, pointers, FrameInfo{kShape, dtype_of_v<T>}};
}

/// Folds frames [first, last) into a state over `range`, `batch` frames per call.
template <class T>
std::unique_ptr<ReducerState> fold(const Reducer& r, const Stack<T>& s, PixelRange range,
                                   std::size_t first, std::size_t last, std::size_t batch) {
  auto state = r.make_state(range);
  std::vector<const std::byte*> pointers;
  for (std::size_t f = first; f < last; f += batch) {
    r.update(*state, batch_of(s, f, std::min(batch, last - f), pointers));
  }
  return state;
}

/// Finalises states covering the whole frame into one image.
FrameBuffer finalize_all(const Reducer& r, const std::vector<std::unique_ptr<ReducerState>>& states) {
  FrameBuffer out(r.output_info());
  for (const auto& s : states) r.finalize(*s, out.view());
  return out;
}

const std::vector<std::string> kReducers = {"max", "min", "sum", "mean", "var", "std", "count"};

template <class T>
class ReducerTest : public ::testing::Test {
 protected:
  Stack<T> stack_ = test::random_stack<T>(kFrames, kShape, 20240607);
  FrameInfo info_{kShape, dtype_of_v<T>};
  PixelRange all_{0, kShape.pixels()};
};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::int16_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(ReducerTest, PixelTypes);

TYPED_TEST(ReducerTest, DefaultOutputTypesFollowHexrd) {
  const DType in = dtype_of_v<TypeParam>;
  EXPECT_EQ(make_reducer("max", this->info_)->output_dtype(), in);
  EXPECT_EQ(make_reducer("min", this->info_)->output_dtype(), in);
  EXPECT_EQ(make_reducer("sum", this->info_)->output_dtype(), DType::float64);
  EXPECT_EQ(make_reducer("mean", this->info_)->output_dtype(), DType::float32);
  EXPECT_EQ(make_reducer("average", this->info_)->name(), "mean");
  EXPECT_EQ(make_reducer("var", this->info_)->output_dtype(), DType::float64);
  EXPECT_EQ(make_reducer("std", this->info_)->output_dtype(), DType::float64);
  EXPECT_EQ(make_reducer("count", this->info_)->output_dtype(), DType::int64);
  EXPECT_EQ(make_reducer("mean", this->info_, DType::float64)->output_dtype(), DType::float64);
}

TYPED_TEST(ReducerTest, EveryBatchSizeMatchesTheOracle) {
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, this->info_);
    for (std::size_t batch : {1u, 3u, 16u, 37u}) {
      std::vector<std::unique_ptr<ReducerState>> states;
      states.push_back(fold(*r, this->stack_, this->all_, 0, kFrames, batch));
      EXPECT_EQ(states[0]->frames, kFrames);
      SCOPED_TRACE(name + " batch " + std::to_string(batch));
      check_against_oracle(name, finalize_all(*r, states), this->stack_, kFrames);
    }
  }
}

TYPED_TEST(ReducerTest, PixelTilesFinalizeIntoOneImage) {
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, this->info_);
    std::vector<std::unique_ptr<ReducerState>> states;
    for (std::size_t begin = 0; begin < kShape.pixels(); begin += 40) {
      states.push_back(fold(*r, this->stack_, {begin, std::min(kShape.pixels(), begin + 40)}, 0, kFrames, 5));
    }
    SCOPED_TRACE(name);
    check_against_oracle(name, finalize_all(*r, states), this->stack_, kFrames);
  }
}

TYPED_TEST(ReducerTest, StatesOverDisjointFramesCombine) {
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, this->info_);
    auto a = fold(*r, this->stack_, this->all_, 0, 10, 4);
    auto b = fold(*r, this->stack_, this->all_, 10, 29, 7);
    auto c = fold(*r, this->stack_, this->all_, 29, kFrames, 16);
    r->combine(*a, *b);
    r->combine(*a, *c);
    r->combine(*a, *r->make_state(this->all_));  // merging an empty state changes nothing
    EXPECT_EQ(a->frames, kFrames);
    std::vector<std::unique_ptr<ReducerState>> states;
    states.push_back(std::move(a));
    FrameBuffer image = finalize_all(*r, states);
    SCOPED_TRACE(name);
    if (std::is_floating_point_v<TypeParam> && (name == "sum" || name == "mean")) {
      // Float sums merge in another association: equal up to rounding.
      auto want = test::naive_sum(this->stack_, kFrames);
      std::vector<long double> w(want.begin(), want.end());
      if (name == "mean") {
        for (auto& v : w) v /= kFrames;
        auto got = values_of<float>(image);
        expect_close(std::vector<double>(got.begin(), got.end()), w, 1e-6, name);
      } else {
        expect_close(values_of<double>(image), w, 1e-12, name);
      }
    } else {
      check_against_oracle(name, image, this->stack_, kFrames);
    }
  }
}

TYPED_TEST(ReducerTest, SerialisedStatesReadBackIdentical) {
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, this->info_);
    auto state = fold(*r, this->stack_, {7, 100}, 0, kFrames, 8);
    ByteWriter out;
    r->serialize(*state, out);
    ByteReader in(out.bytes());
    auto back = r->deserialize(in);
    EXPECT_EQ(in.remaining(), 0u);
    EXPECT_EQ(back->range, state->range);
    EXPECT_EQ(back->frames, state->frames);
    FrameBuffer x(r->output_info()), y(r->output_info());
    std::memset(x.data(), 0, x.bytes());
    std::memset(y.data(), 0, y.bytes());
    r->finalize(*state, x.view());
    r->finalize(*back, y.view());
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.bytes()), 0) << name;
  }
}

TYPED_TEST(ReducerTest, OutputDtypeOverrideConvertsTheResult) {
  auto r = make_reducer("max", this->info_, DType::float64);
  std::vector<std::unique_ptr<ReducerState>> states;
  states.push_back(fold(*r, this->stack_, this->all_, 0, kFrames, 8));
  auto got = values_of<double>(finalize_all(*r, states));
  auto want = test::naive_extreme(this->stack_, kFrames, true);
  for (std::size_t p = 0; p < got.size(); ++p) EXPECT_EQ(got[p], static_cast<double>(want[p]));
}

TEST(Reducers, NanPropagatesLikeNumpyAndIsNotCounted) {
  auto stack = test::random_stack<float>(9, kShape, 1);
  stack.values[3 * stack.pixels + 5] = std::nanf("");
  FrameInfo info{kShape, DType::float32};
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, info);
    std::vector<std::unique_ptr<ReducerState>> states;
    states.push_back(fold(*r, stack, {0, kShape.pixels()}, 0, 9, 4));
    FrameBuffer image = finalize_all(*r, states);
    SCOPED_TRACE(name);
    check_against_oracle(name, image, stack, 9);
    double at5 = 0;
    visit_dtype(image.dtype(), [&](auto tag) { at5 = static_cast<double>(image.as<decltype(tag)>()[5]); });
    if (name == "count") {
      EXPECT_EQ(at5, 8.0);
    } else {
      EXPECT_TRUE(std::isnan(at5));
    }
  }
}

TEST(Reducers, SingleFrameStatistics) {
  auto stack = test::random_stack<std::uint16_t>(1, kShape, 3);
  FrameInfo info{kShape, DType::uint16};
  for (const auto& name : kReducers) {
    auto r = make_reducer(name, info);
    std::vector<std::unique_ptr<ReducerState>> states;
    states.push_back(fold(*r, stack, {0, kShape.pixels()}, 0, 1, 1));
    SCOPED_TRACE(name);
    check_against_oracle(name, finalize_all(*r, states), stack, 1);
  }
}

TEST(Reducers, RegistryErrorsAreUsageErrorsWithSuggestions) {
  FrameInfo info{kShape, DType::uint16};
  try {
    make_reducer("meen", info);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("did you mean 'mean'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_reducer("max:3", info), Error);
  EXPECT_THROW(split_stat_list("max,,mean"), Error);
  EXPECT_EQ(split_stat_list(" max , mean"), (std::vector<std::string>{"max", "mean"}));
}

// Reducers declare their parameters as ParamSpecs, like ops: the primary one
// by `name:VALUE`, any by `;KEY=VALUE`, each checked once.
TEST(Reducers, ParametersAreDeclaredAndCheckedLikeOps) {
  FrameInfo info{kShape, DType::uint16};
  const auto& percentile = find_reducer("percentile");
  ASSERT_EQ(percentile.params.size(), 1u);
  EXPECT_EQ(percentile.params[0].name, "q");
  EXPECT_TRUE(percentile.params[0].required);
  EXPECT_EQ(make_reducer("percentile:90", info)->name(), "percentile_90");
  EXPECT_EQ(make_reducer("percentile;q=90", info)->name(), "percentile_90");
  auto message = [&](const char* spec) {
    try {
      make_reducer(spec, info);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("percentile").find("needs an argument: percentile:Q"), std::string::npos);
  EXPECT_NE(message("percentile:90;q=80").find("q"), std::string::npos);
  EXPECT_NE(message("percentile:90;level=3").find("level"), std::string::npos);
  EXPECT_NE(message("percentile:ninety").find("ninety"), std::string::npos);
  EXPECT_NE(message("percentile:90;q").find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(stat_usage().find("percentile:Q"), std::string::npos);
  EXPECT_EQ(stat_usage().find("median:"), std::string::npos);
}

TEST(Reducers, FinalizingAnEmptyStateIsAnError) {
  auto r = make_reducer("mean", FrameInfo{kShape, DType::uint16});
  FrameBuffer out(r->output_info());
  EXPECT_THROW(r->finalize(*r->make_state({0, kShape.pixels()}), out.view()), Error);
}

TEST(Reducers, DeserializingAnotherReducersStateIsRefused) {
  FrameInfo info{kShape, DType::uint16};
  auto max = make_reducer("max", info);
  auto min = make_reducer("min", info);
  ByteWriter out;
  max->serialize(*max->make_state({0, 10}), out);
  ByteReader in(out.bytes());
  EXPECT_THROW(min->deserialize(in), Error);
  ByteReader truncated(out.bytes().data(), out.bytes().size() - 3);
  EXPECT_THROW(max->deserialize(truncated), Error);
}

}  // namespace
}  // namespace ims
