#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "ims/error.hpp"
#include "formats/registry.hpp"

namespace ims {
namespace {

std::vector<std::byte> frame(const ImageSeries& s, std::size_t i) {
  FrameBuffer b(s.frame_shape(), s.dtype());
  s.read_frame(i, b.view());
  return {b.data(), b.data() + b.bytes()};
}

TEST(Random, FramesDependOnlyOnSeedAndIndex) {
  auto a = open_series("", "random", {"frames=5", "rows=16", "cols=8", "dtype=uint16", "mode=uniform"});
  auto b = open_series("", "random", {"frames=5", "rows=16", "cols=8", "dtype=uint16", "mode=uniform"});
  auto c = open_series("", "random", {"frames=5", "rows=16", "cols=8", "dtype=uint16", "mode=uniform", "seed=1"});
  EXPECT_EQ(frame(*a, 3), frame(*b, 3));
  auto later = frame(*a, 4);
  auto first = frame(*a, 0);
  EXPECT_EQ(frame(*a, 4), later) << "reading order does not matter";
  EXPECT_NE(first, later);
  EXPECT_NE(frame(*a, 3), frame(*c, 3));
  EXPECT_TRUE(a->concurrent_reads());
}

TEST(Random, ThunderDefaultsAndEveryDtype) {
  auto s = open_series("", "random");
  EXPECT_EQ(s->size(), 10u);
  EXPECT_EQ(s->frame_shape(), (FrameShape{50, 50}));
  EXPECT_EQ(s->dtype(), DType::float64);
  for (DType d : kAllDTypes) {
    for (const char* mode : {"normal", "uniform", "detector"}) {
      auto t = open_series("", "random", {"dtype=" + std::string(dtype_name(d)), std::string("mode=") + mode});
      EXPECT_EQ(t->dtype(), d);
      EXPECT_EQ(frame(*t, 9).size(), 50u * 50 * dtype_size(d));
    }
  }
}

TEST(Random, DetectorModeHasAPoissonBackgroundAndBrightSpots) {
  auto s = open_series("", "random", {"mode=detector", "rows=256", "cols=256", "dtype=float64",
                                      "background=100", "spots=0"});
  FrameBuffer b(s->frame_shape(), s->dtype());
  s->read_frame(0, b.view());
  double sum = 0, sum2 = 0;
  const std::size_t n = b.shape().pixels();
  for (std::size_t i = 0; i < n; ++i) {
    double v = b.as<double>()[i];
    EXPECT_EQ(v, std::floor(v)) << "Poisson counts are integers";
    sum += v;
    sum2 += v * v;
  }
  double mean = sum / static_cast<double>(n), var = sum2 / static_cast<double>(n) - mean * mean;
  EXPECT_NEAR(mean, 100.0, 0.2);  // 65536 samples: sd of the mean is 0.04
  EXPECT_NEAR(var, 100.0, 3.0);   // Poisson: variance == mean
  auto spotted = open_series("", "random", {"mode=detector", "rows=256", "cols=256", "dtype=uint16",
                                            "spots=5", "spot_intensity=5000"});
  FrameBuffer u(spotted->frame_shape(), spotted->dtype());
  spotted->read_frame(0, u.view());
  auto max = *std::max_element(u.as<std::uint16_t>(), u.as<std::uint16_t>() + n);
  EXPECT_GT(max, 1000) << "spots stand out of the background";
}

TEST(Random, BadOptionsAreUsageErrors) {
  EXPECT_THROW(open_series("", "random", {"frames=0"}), Error);
  EXPECT_THROW(open_series("", "random", {"mode=gaussian"}), Error);
  EXPECT_THROW(open_series("", "random", {"dtype=int8"}), Error);
  EXPECT_THROW(open_series("", "random", {"background=-1"}), Error);
  EXPECT_THROW(open_series("", "random", {"rows=abc"}), Error);
}

}  // namespace
}  // namespace ims
