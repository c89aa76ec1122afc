#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/convert.hpp"

namespace ims {
namespace {

TEST(Convert, FloatToIntegerTruncatesAndSaturates) {
  EXPECT_EQ((convert_value<std::uint16_t>(2.9)), 2);
  EXPECT_EQ((convert_value<std::int16_t>(-2.9)), -2);
  EXPECT_EQ((convert_value<std::uint16_t>(-5.0)), 0);
  EXPECT_EQ((convert_value<std::uint16_t>(1e9)), 65535);
  EXPECT_EQ((convert_value<std::int64_t>(1e30)), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ((convert_value<std::int64_t>(-1e30)), std::numeric_limits<std::int64_t>::lowest());
  EXPECT_EQ((convert_value<std::int32_t>(std::nan(""))), 0);
  EXPECT_EQ((convert_value<std::uint8_t>(std::numeric_limits<float>::infinity())), 255);
}

TEST(Convert, IntegerToIntegerWrapsLikeNumpy) {
  EXPECT_EQ((convert_value<std::uint8_t>(std::int32_t{300})), 44);
  EXPECT_EQ((convert_value<std::uint16_t>(std::int16_t{-1})), 65535);
}

TEST(Convert, PixelsThroughTheDispatch) {
  const double in[] = {1.5, -1.0, 70000.0};
  std::uint16_t out[3];
  convert_pixels(in, DType::float64, out, DType::uint16, 3);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 0);
  EXPECT_EQ(out[2], 65535);
  float f[3];
  convert_pixels(in, DType::float64, f, DType::float32, 3);
  EXPECT_FLOAT_EQ(f[2], 70000.0f);
  double same[3];
  convert_pixels(in, DType::float64, same, DType::float64, 3);
  EXPECT_EQ(same[1], -1.0);
}

}  // namespace
}  // namespace ims
