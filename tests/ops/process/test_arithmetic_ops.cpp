// The arithmetic ops (dark, add, subtract, clip, threshold, astype, scale,
// mask) x every pixel type (and every image pixel type) against naive
// oracles: numpy's rules written out pixel by pixel, in exact integer or
// double arithmetic, then cast the way numpy casts. Also numpy's promotion
// table, the ops' errors through make_op, and hexrd's own outputs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "core/convert.hpp"
#include "ims/error.hpp"
#include "formats/registry.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/op_chain.hpp"
#include "ops/process/op_registry.hpp"
#include "support/oracle.hpp"
#include "support/hexrd_fixtures.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

using test::int128;
__extension__ using uint128 = unsigned __int128;

constexpr FrameShape kShape{7, 13};  // 91 pixels: vectorised loops and their tails

// ------------------------------------------------------------------ support

FrameBuffer copy_of(const FrameBuffer& b) {
  FrameBuffer c(b.info());
  std::memcpy(c.data(), b.data(), b.bytes());
  return c;
}

template <class T>
FrameBuffer frame_of(const std::vector<T>& values, FrameShape shape = kShape) {
  FrameBuffer b(shape, dtype_of_v<T>);
  std::memcpy(b.data(), values.data(), b.bytes());
  return b;
}

template <class T>
std::vector<T> pixels_of(const FrameBuffer& b) {
  std::vector<T> v(b.shape().pixels());
  std::memcpy(v.data(), b.data(), b.bytes());
  return v;
}

/// Values of T that matter, then random ones: extremes, zeros, small counts
/// around a dark level; NaN, infinities, -0.0, subnormals for floats.
template <class T>
std::vector<T> sample_values(std::uint64_t seed, std::size_t n = kShape.pixels()) {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {T{0},
                      T{1},
                      T{2},
                      T{3},
                      T{40},
                      T{45},
                      L::max(),
                      L::lowest(),
                      static_cast<T>(L::max() - 1),
                      static_cast<T>(L::lowest() + 1)};
  if constexpr (std::is_floating_point_v<T>) {
    for (T x : {L::quiet_NaN(), L::infinity(), -L::infinity(), T(-0.0), L::denorm_min(),
                -L::denorm_min(), T(2.5), T(-2.5), T(0.1), T(16777217), T(-40.75), T(1e-3)}) {
      v.push_back(x);
    }
  }
  std::mt19937_64 rng(seed);
  while (v.size() < n) {
    if constexpr (std::is_floating_point_v<T>) {
      v.push_back(static_cast<T>(std::normal_distribution<double>(40.0, 200.0)(rng)));
    } else if (v.size() % 2) {
      v.push_back(static_cast<T>(rng()));  // the whole range
    } else {
      v.push_back(static_cast<T>(rng() % 100));  // counts near a dark level
    }
  }
  v.resize(n);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

/// A number as op text, exactly (17 digits; "inf", "-inf").
std::string number_text(double v) {
  std::ostringstream s;
  s << std::setprecision(17) << v;
  return s.str();
}

template <class T>
FrameBuffer sample_frame(std::uint64_t seed) {
  return frame_of(sample_values<T>(seed));
}

/// An ImageResolver serving in-memory images by name (what the engine's
/// resolver does with files and statistics).
std::shared_ptr<const FrameBuffer> held(FrameBuffer image) {
  return std::make_shared<const FrameBuffer>(std::move(image));
}

ImageResolver resolver_of(std::map<std::string, std::shared_ptr<const FrameBuffer>> images) {
  return [images](const std::string& text, FrameInfo, const Params&) {
    auto it = images.find(text);
    if (it == images.end()) throw Error(ErrorKind::usage, "no test image '" + text + "'");
    return LazyImage::of(text, copy_of(*it->second));
  };
}

std::shared_ptr<const FrameOp> op_for(const std::string& text, FrameInfo input,
                                      const ImageResolver& images = {}) {
  return make_op(parse_op_text(text), input, images, "ops[0]");
}

FrameBuffer run_op(const std::string& text, const FrameBuffer& in,
                   const ImageResolver& images = {}) {
  auto op = op_for(text, in.info(), images);
  FrameBuffer out(op->output_info(in.info()));
  op->prepare();
  op->apply(in.view(), out.view());
  return out;
}

/// Bit-for-bit equality (NaN payloads and the sign of zero included).
template <class T>
void expect_bits(const FrameBuffer& got, const std::vector<T>& want, const FrameBuffer& input,
                 const std::string& what) {
  ASSERT_EQ(got.dtype(), dtype_of_v<T>) << what;
  ASSERT_EQ(got.shape().pixels(), want.size()) << what;
  const auto g = pixels_of<T>(got);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::memcmp(&g[i], &want[i], sizeof(T)) != 0) {
      visit_dtype(input.dtype(), [&](auto tag) {
        using In = decltype(tag);
        ADD_FAILURE() << what << ": pixel " << i << " (input " << +input.as<In>()[i] << ") is "
                      << +g[i] << ", want " << +want[i];
      });
      return;
    }
  }
}

// The numpy 1.24 table, from
//   import numpy as np; names =
//   ['uint8','uint16','uint32','int16','int32','int64','float32','float64']
//   [[str(np.result_type(np.zeros(1, a), np.zeros(1, b))) for b in names] for a in names]
// rows and columns in kAllDTypes order.
using D = DType;
constexpr DType kNumpyPromotion[8][8] = {
    {D::uint8, D::uint16, D::uint32, D::int16, D::int32, D::int64, D::float32, D::float64},
    {D::uint16, D::uint16, D::uint32, D::int32, D::int32, D::int64, D::float32, D::float64},
    {D::uint32, D::uint32, D::uint32, D::int64, D::int64, D::int64, D::float64, D::float64},
    {D::int16, D::int32, D::int64, D::int16, D::int32, D::int64, D::float32, D::float64},
    {D::int32, D::int32, D::int64, D::int32, D::int32, D::int64, D::float64, D::float64},
    {D::int64, D::int64, D::int64, D::int64, D::int64, D::int64, D::float64, D::float64},
    {D::float32, D::float32, D::float64, D::float32, D::float64, D::float64, D::float32,
     D::float64},
    {D::float64, D::float64, D::float64, D::float64, D::float64, D::float64, D::float64,
     D::float64},
};

DType numpy_result(DType a, DType b) {
  return kNumpyPromotion[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
}
DType numpy_result_float(DType a, DType b) {
  return numpy_result(numpy_result(a, b), DType::float32);
}

// ------------------------------------------------------------------ oracles

/// R(x OP y) for floats R, computed in double: exact for +, -, * of two
/// float32 values, so rounding once to float32 is numpy's float32 result.
template <class R>
R float_op(R x, R y, char op) {
  const double a = static_cast<double>(x), b = static_cast<double>(y);
  return static_cast<R>(op == '+' ? a + b : op == '-' ? a - b : a * b);
}

/// hexrd's dark: R(a) - R(b), then ret[ret < 0] = 0; integer differences
/// exact, then wrapped modulo 2^bits (wrap) or clamped to [0, max] (clamp).
template <class R, class A, class B>
R oracle_dark(A a, B b, bool wrap) {
  if constexpr (std::is_floating_point_v<R>) {
    const R d = float_op(static_cast<R>(a), static_cast<R>(b), '-');
    return d < 0 ? R{0} : d;
  } else {
    const int128 exact = static_cast<int128>(a) - static_cast<int128>(b);
    if (wrap) {
      const auto bits = static_cast<std::make_unsigned_t<R>>(static_cast<uint128>(exact));
      const R r = static_cast<R>(bits);
      return r < 0 ? R{0} : r;
    }
    const int128 top = std::numeric_limits<R>::max();
    return static_cast<R>(exact < 0 ? 0 : exact > top ? top : exact);
  }
}

/// numpy's float array + Python float: f64 for a finite value beyond
/// +-3.4e38 (min_scalar_type), else the array's dtype.
DType numpy_scalar_result(DType array, double v) {
  const bool big = std::isfinite(v) && std::fabs(v) >= 3.4e38;
  return array == DType::float32 && big ? DType::float64 : array;
}

/// hexrd's add (op '+') and ims's subtract of a value (op '-'): integer ->
/// float32 first, then the value in the result type.
template <class R, class T>
R oracle_offset(T x, double value, char op) {
  using Staged = std::conditional_t<std::is_floating_point_v<T>, T, float>;
  return float_op(static_cast<R>(static_cast<Staged>(x)), static_cast<R>(value), op);
}

/// The bounds numpy's clip uses for T, the ims way: float bounds rounded to
/// T (finite ones saturated), integer bounds moved inside and saturated.
template <class T>
std::pair<T, T> oracle_clip_bounds(double lo, double hi) {
  using L = std::numeric_limits<T>;
  if constexpr (std::is_floating_point_v<T>) {
    auto fit = [](double v) {
      if (std::isinf(v)) return static_cast<T>(v);
      return static_cast<T>(
          std::clamp(v, -static_cast<double>(L::max()), static_cast<double>(L::max())));
    };
    return {fit(lo), fit(hi)};
  } else {
    auto fit = [](long double v) {
      return static_cast<T>(
          std::clamp(v, static_cast<long double>(L::lowest()), static_cast<long double>(L::max())));
    };
    return {fit(std::ceil(static_cast<long double>(lo))),
            fit(std::floor(static_cast<long double>(hi)))};
  }
}

/// numpy's clip: _NPY_MIN(_NPY_MAX(x, lo), hi), with NaN kept and
/// PyArray_MAX(a, b) = a > b ? a : b, PyArray_MIN(a, b) = a < b ? a : b.
template <class T>
T oracle_clip(T x, T lo, T hi) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  const T m = x > lo ? x : lo;
  return m < hi ? m : hi;
}

/// img[img <= value] = 0: integers compared exactly; floats as numpy does,
/// in T with the value rounded to T, or in float64 for a float32 frame and
/// a value numpy's value-based casting keeps in float64.
template <class T>
T oracle_threshold(T x, double value) {
  bool at_or_below = false;
  if constexpr (std::is_integral_v<T>) {
    at_or_below = static_cast<long double>(x) <= static_cast<long double>(value);
  } else if (numpy_scalar_result(dtype_of_v<T>, value) == dtype_of_v<T>) {
    at_or_below = x <= static_cast<T>(value);
  } else {
    at_or_below = static_cast<double>(x) <= value;
  }
  return at_or_below ? T{0} : x;
}

// ------------------------------------------------------- the typed tests

template <class T>
class ArithmeticOpsTest : public ::testing::Test {
 protected:
  FrameBuffer input_ = sample_frame<T>(20240607);
  std::vector<T> in_ = pixels_of<T>(input_);
};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::int16_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(ArithmeticOpsTest, PixelTypes);

TYPED_TEST(ArithmeticOpsTest, DarkInEveryModeAndDarkDtype) {
  using A = TypeParam;
  for (DType dark_dtype : kAllDTypes) {
    visit_dtype(dark_dtype, [&](auto tag) {
      using B = decltype(tag);
      using R = promote_t<A, B>;
      ASSERT_EQ(dtype_of_v<R>, numpy_result(dtype_of_v<A>, dark_dtype));
      const auto dark = sample_values<B>(7);
      const auto images = resolver_of({{"dark.npy", held(frame_of(dark))}});
      for (const char* mode : {"clamp", "wrap"}) {
        const std::string text = std::string("dark=dark.npy;mode=") + mode;
        std::vector<R> want(this->in_.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
          want[i] = oracle_dark<R>(this->in_[i], dark[i], std::string(mode) == "wrap");
        }
        expect_bits(run_op(text, this->input_, images), want, this->input_,
                    text + " with a " + std::string(dtype_name(dark_dtype)) + " dark");
      }
    });
  }
}

TYPED_TEST(ArithmeticOpsTest, AddAndSubtractValue) {
  using T = TypeParam;
  const DType staged = is_floating(dtype_of_v<T>) ? dtype_of_v<T> : DType::float32;
  for (double value : {2.5, -1.0, 0.1, 0.0, 1e-30, 3.39e38, 1e300, -3.4e38,
                       std::numeric_limits<double>::infinity()}) {
    const DType out = numpy_scalar_result(staged, value);
    visit_dtype(out, [&](auto tag) {
      using R = decltype(tag);
      if constexpr (std::is_floating_point_v<R>) {
        std::vector<R> plus(this->in_.size()), minus(this->in_.size());
        for (std::size_t i = 0; i < plus.size(); ++i) {
          plus[i] = oracle_offset<R>(this->in_[i], value, '+');
          minus[i] = oracle_offset<R>(this->in_[i], value, '-');
        }
        const std::string v = number_text(value);
        expect_bits(run_op("add=" + v, this->input_), plus, this->input_, "add=" + v);
        expect_bits(run_op("subtract=" + v, this->input_), minus, this->input_, "subtract=" + v);
      }
    });
  }
}

TYPED_TEST(ArithmeticOpsTest, SubtractAndScaleImagesOfEveryDtype) {
  using A = TypeParam;
  for (DType image_dtype : kAllDTypes) {
    visit_dtype(image_dtype, [&](auto tag) {
      using B = decltype(tag);
      using R = promote_float_t<A, B>;
      ASSERT_EQ(dtype_of_v<R>, numpy_result_float(dtype_of_v<A>, image_dtype));
      const auto image = sample_values<B>(11);
      const auto images = resolver_of({{"img.npy", held(frame_of(image))}});
      std::vector<R> diff(image.size()), prod(image.size());
      for (std::size_t i = 0; i < image.size(); ++i) {
        diff[i] = float_op(static_cast<R>(this->in_[i]), static_cast<R>(image[i]), '-');
        prod[i] = float_op(static_cast<R>(this->in_[i]), static_cast<R>(image[i]), '*');
      }
      const std::string with =
          std::string(" with a ") + std::string(dtype_name(image_dtype)) + " image";
      expect_bits(run_op("subtract;image=img.npy", this->input_, images), diff, this->input_,
                  "subtract" + with);
      expect_bits(run_op("scale=img.npy", this->input_, images), prod, this->input_,
                  "scale" + with);
    });
  }
}

TYPED_TEST(ArithmeticOpsTest, Clip) {
  using T = TypeParam;
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::tuple<std::string, double, double>> cases = {
      {"clip=10;max=60", 10, 60},
      {"clip=-5.5;max=2.5", -5.5, 2.5},
      {"clip=0", 0, inf},
      {"clip;max=100.7", -inf, 100.7},
      {"clip=-1e300;max=1e300", -1e300, 1e300},
      {"clip=1e10", 1e10, inf},  // above most dtypes: saturates to their max
      {"clip;max=-1e10", -inf, -1e10},
      {"clip=-0.0;max=0.0", -0.0, 0.0},
      {"clip=-inf;max=inf", -inf, inf},
  };
  for (const auto& [text, lo, hi] : cases) {
    const auto [tlo, thi] = oracle_clip_bounds<T>(lo, hi);
    std::vector<T> want(this->in_.size());
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = oracle_clip(this->in_[i], tlo, thi);
    expect_bits(run_op(text, this->input_), want, this->input_, text);
  }
}

TYPED_TEST(ArithmeticOpsTest, Threshold) {
  using T = TypeParam;
  for (double value :
       {0.0, 2.5, 45.0, -1.0, -2.5, 0.1, 1e10, -1e10, 1e300, -1e300, 3.4e38, -3.4e38, 3.39e38,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    std::vector<T> want(this->in_.size());
    for (std::size_t i = 0; i < want.size(); ++i) want[i] = oracle_threshold(this->in_[i], value);
    const std::string text = "threshold=" + number_text(value);
    expect_bits(run_op(text, this->input_), want, this->input_, text);
  }
}

TYPED_TEST(ArithmeticOpsTest, AsTypeToEveryDtype) {
  for (DType to : kAllDTypes) {
    visit_dtype(to, [&](auto tag) {
      using To = decltype(tag);
      std::vector<To> want(this->in_.size());
      for (std::size_t i = 0; i < want.size(); ++i) want[i] = convert_value<To>(this->in_[i]);
      const std::string text = "astype=" + std::string(dtype_name(to));
      expect_bits(run_op(text, this->input_), want, this->input_, text);
    });
  }
}

TYPED_TEST(ArithmeticOpsTest, MaskWithEveryMaskDtypeAndFill) {
  using T = TypeParam;
  using NanOut = std::conditional_t<std::is_floating_point_v<T>, T, float>;
  for (DType mask_dtype : kAllDTypes) {
    visit_dtype(mask_dtype, [&](auto tag) {
      using M = decltype(tag);
      auto mask = sample_values<M>(3);  // zeros, NaN (nonzero: kept), the rest
      for (std::size_t i = 0; i < mask.size(); i += 3) mask[i] = M{0};
      const auto images = resolver_of({{"mask.npy", held(frame_of(mask))}});
      std::vector<T> zero(mask.size());
      std::vector<NanOut> nan(mask.size());
      for (std::size_t i = 0; i < mask.size(); ++i) {
        const bool keep = mask[i] != M{0};
        zero[i] = keep ? this->in_[i] : T{0};
        nan[i] =
            keep ? static_cast<NanOut>(this->in_[i]) : std::numeric_limits<NanOut>::quiet_NaN();
      }
      const std::string with =
          std::string(" with a ") + std::string(dtype_name(mask_dtype)) + " mask";
      expect_bits(run_op("mask=mask.npy", this->input_, images), zero, this->input_, "mask" + with);
      expect_bits(run_op("mask=mask.npy;fill=nan", this->input_, images), nan, this->input_,
                  "mask fill=nan" + with);
    });
  }
}

// -------------------------------------------------------- untyped tests

TEST(ArithmeticOps, PromotionMatchesNumpy) {
  for (DType a : kAllDTypes) {
    for (DType b : kAllDTypes) {
      EXPECT_EQ(promote_types(a, b), numpy_result(a, b))
          << dtype_name(a) << " with " << dtype_name(b);
      EXPECT_EQ(promote_to_float(a, b), numpy_result_float(a, b))
          << dtype_name(a) << " with " << dtype_name(b);
    }
  }
  // The cases hexrd users meet, spelled out.
  static_assert(promote_types(DType::uint16, DType::float32) == DType::float32);
  static_assert(promote_types(DType::uint16, DType::float64) == DType::float64);
  static_assert(promote_types(DType::uint16, DType::uint16) == DType::uint16);
  static_assert(promote_types(DType::uint16, DType::int16) == DType::int32);
  static_assert(promote_types(DType::uint32, DType::float32) == DType::float64);
  static_assert(promote_types(DType::int64, DType::float32) == DType::float64);
}

TEST(ArithmeticOps, PythonFloatValueBasedCasting) {
  // numpy 1.24: (np.zeros(1, np.float32) + v).dtype
  EXPECT_EQ(with_python_float(DType::float32, 2.5), DType::float32);
  EXPECT_EQ(with_python_float(DType::float32, 3.3999999e38), DType::float32);
  EXPECT_EQ(with_python_float(DType::float32, -3.3999e38), DType::float32);
  EXPECT_EQ(with_python_float(DType::float32, 3.4e38), DType::float64);
  EXPECT_EQ(with_python_float(DType::float32, -3.4e38), DType::float64);
  EXPECT_EQ(with_python_float(DType::float32, 1e300), DType::float64);
  EXPECT_EQ(with_python_float(DType::float32, std::numeric_limits<double>::infinity()),
            DType::float32);
  EXPECT_EQ(with_python_float(DType::float32, std::numeric_limits<double>::quiet_NaN()),
            DType::float32);
  EXPECT_EQ(with_python_float(DType::float64, 1e300), DType::float64);
}

TEST(ArithmeticOps, OutputDtypes) {
  const FrameInfo u16{kShape, DType::uint16}, f64{kShape, DType::float64};
  const auto images = resolver_of({{"f32.npy", held(FrameBuffer(kShape, DType::float32))},
                                   {"u16.npy", held(FrameBuffer(kShape, DType::uint16))},
                                   {"i16.npy", held(FrameBuffer(kShape, DType::int16))}});
  auto out = [&](const std::string& text, FrameInfo in) {
    return op_for(text, in, images)->output_info(in).dtype;
  };
  EXPECT_EQ(out("dark=f32.npy", u16), DType::float32);
  EXPECT_EQ(out("dark=u16.npy", u16), DType::uint16);
  EXPECT_EQ(out("dark=i16.npy", u16), DType::int32);
  EXPECT_EQ(out("add=2.5", u16), DType::float32);
  EXPECT_EQ(out("add=2.5", f64), DType::float64);
  EXPECT_EQ(out("add=1e300", u16), DType::float64);  // numpy's value-based casting
  EXPECT_EQ(out("subtract=3", u16), DType::float32);
  EXPECT_EQ(out("subtract;image=u16.npy", u16), DType::float32);
  EXPECT_EQ(out("scale=u16.npy", u16), DType::float32);
  EXPECT_EQ(out("clip=1;max=2", u16), DType::uint16);
  EXPECT_EQ(out("threshold=5", u16), DType::uint16);
  EXPECT_EQ(out("astype=int64", u16), DType::int64);
  EXPECT_EQ(out("mask=u16.npy", u16), DType::uint16);
  EXPECT_EQ(out("mask=u16.npy;fill=nan", u16), DType::float32);
  EXPECT_EQ(out("mask=u16.npy;fill=nan", f64), DType::float64);
}

TEST(ArithmeticOps, DarkWrapAndClampDifferOnlyWhereUnsignedWraps) {
  const FrameBuffer in = frame_of<std::uint16_t>({3, 5, 7, 0, 65535, 100}, {1, 6});
  const auto images =
      resolver_of({{"d", held(frame_of<std::uint16_t>({5, 5, 2, 1, 0, 65535}, {1, 6}))}});
  EXPECT_EQ(pixels_of<std::uint16_t>(run_op("dark=d", in, images)),
            (std::vector<std::uint16_t>{0, 0, 5, 0, 65535, 0}));
  EXPECT_EQ(pixels_of<std::uint16_t>(run_op("dark=d;mode=wrap", in, images)),
            (std::vector<std::uint16_t>{65534, 0, 5, 65535, 65535, 101}));
  // Signed: numpy's int16 subtraction overflows (30000 - -30000 wraps to a
  // negative, then clamped to 0); clamp mode saturates at the top instead.
  const FrameBuffer s = frame_of<std::int16_t>({30000, -5, 10}, {1, 3});
  const auto signed_dark =
      resolver_of({{"d", held(frame_of<std::int16_t>({-30000, 3, 4}, {1, 3}))}});
  EXPECT_EQ(pixels_of<std::int16_t>(run_op("dark=d", s, signed_dark)),
            (std::vector<std::int16_t>{32767, 0, 6}));
  EXPECT_EQ(pixels_of<std::int16_t>(run_op("dark=d;mode=wrap", s, signed_dark)),
            (std::vector<std::int16_t>{0, 0, 6}));
}

TEST(ArithmeticOps, ClipSignedZerosAndNaNAsNumpy) {
  // np.clip(np.array([-0.0], np.float32), 0.0, 1.0) -> [0.]; (x=0.0, -0.0, 1.0) -> [-0.];
  // (x=0.0, None, -0.0) -> [-0.]; NaN stays NaN, -inf is clipped.
  const float nan = std::numeric_limits<float>::quiet_NaN(),
              inf = std::numeric_limits<float>::infinity();
  const FrameBuffer in = frame_of<float>({-0.0f, 0.0f, nan, -inf}, {1, 4});
  const auto a = pixels_of<float>(run_op("clip=0;max=1", in));
  EXPECT_FALSE(std::signbit(a[0]));
  EXPECT_TRUE(std::isnan(a[2]));
  EXPECT_EQ(a[3], 0.0f);
  EXPECT_TRUE(std::signbit(pixels_of<float>(run_op("clip=-0.0;max=1", in))[1]));
  EXPECT_TRUE(std::signbit(pixels_of<float>(run_op("clip;max=-0.0", in))[1]));
}

TEST(ArithmeticOps, ClipIntegerBoundsMoveInsideAndSaturate) {
  const FrameBuffer in = frame_of<std::uint8_t>({0, 10, 11, 200, 255}, {1, 5});
  EXPECT_EQ(pixels_of<std::uint8_t>(run_op("clip=10.5;max=199.9", in)),
            (std::vector<std::uint8_t>{11, 11, 11, 199, 199}));
  EXPECT_EQ(pixels_of<std::uint8_t>(run_op("clip=-7;max=1000", in)),
            (std::vector<std::uint8_t>{0, 10, 11, 200, 255}));
  EXPECT_EQ(pixels_of<std::uint8_t>(run_op("clip=300", in)),
            (std::vector<std::uint8_t>{255, 255, 255, 255, 255}));
}

TEST(ArithmeticOps, AsTypeSaturatesWhereNumpyIsUndefined) {
  const double nan = std::numeric_limits<double>::quiet_NaN(),
               inf = std::numeric_limits<double>::infinity();
  const FrameBuffer in =
      frame_of<double>({nan, inf, -inf, 1e20, -1e20, -1.9, 2.9, 9223372036854775808.0}, {1, 8});
  EXPECT_EQ(
      pixels_of<std::int64_t>(run_op("astype=int64", in)),
      (std::vector<std::int64_t>{0, INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN, -1, 2, INT64_MAX}));
  EXPECT_EQ(pixels_of<std::uint16_t>(run_op("astype=uint16", in)),
            (std::vector<std::uint16_t>{0, 65535, 0, 65535, 0, 0, 2, 65535}));
  // Integer -> integer wraps, as numpy's astype.
  EXPECT_EQ(pixels_of<std::uint16_t>(
                run_op("astype=uint16", frame_of<std::int32_t>({70000, -1}, {1, 2}))),
            (std::vector<std::uint16_t>{4464, 65535}));
}

TEST(ArithmeticOps, DescribeGivesTheOpText) {
  const FrameInfo u16{kShape, DType::uint16};
  const auto images = resolver_of({{"d.npy", held(FrameBuffer(kShape, DType::float32))}});
  EXPECT_EQ(op_for("dark=d.npy;mode=wrap", u16, images)->describe(), "dark=d.npy;mode=wrap");
  EXPECT_EQ(op_for("dark;mode=wrap;image=d.npy", u16, images)->describe(), "dark=d.npy;mode=wrap");
  EXPECT_EQ(op_for("subtract=5", u16)->describe(), "subtract=5");
  EXPECT_EQ(op_for("subtract;image=d.npy", u16, images)->describe(), "subtract;image=d.npy");
  EXPECT_EQ(op_for("clip;max=9", u16)->describe(), "clip;max=9");
  EXPECT_EQ(op_for("astype=float32", u16)->describe(), "astype=float32");
}

TEST(ArithmeticOps, RegisteredWithTheirOriginAndPrimaryParameter) {
  const std::map<std::string, std::pair<OpOrigin, std::string>> want = {
      {"dark", {OpOrigin::hexrd, "image"}},       {"add", {OpOrigin::hexrd, "value"}},
      {"subtract", {OpOrigin::thunder, "value"}}, {"clip", {OpOrigin::thunder, "min"}},
      {"threshold", {OpOrigin::ims, "value"}},    {"astype", {OpOrigin::thunder, "dtype"}},
      {"scale", {OpOrigin::ims, "image"}},        {"mask", {OpOrigin::ims, "image"}}};
  for (const auto& [name, expected] : want) {
    const OpInfo& info = find_op(name);
    EXPECT_EQ(info.origin, expected.first) << name;
    ASSERT_FALSE(info.params.empty()) << name;
    EXPECT_EQ(info.params.front().name, expected.second) << name;
    EXPECT_FALSE(info.summary.empty()) << name;
  }
}

TEST(ArithmeticOps, ChainsPropagateDtypes) {
  const FrameInfo u16{kShape, DType::uint16};
  const auto images = resolver_of({{"d.npy", held(FrameBuffer(kShape, DType::uint16))}});
  OpChain chain({op_for("dark=d.npy", u16, images), op_for("add=0.5", u16),
                 op_for("astype=int32", FrameInfo{kShape, DType::float32})},
                u16);
  EXPECT_EQ(chain.output().dtype, DType::int32);
}

/// make_op's error for `text`: a usage error at stage `where`, its message containing `part`.
void expect_usage_error(const std::string& text, const std::string& where,
                        const std::string& part) {
  const FrameInfo u16{kShape, DType::uint16};
  const auto images =
      resolver_of({{"ok.npy", held(FrameBuffer(kShape, DType::float32))},
                   {"small.npy", held(FrameBuffer(FrameShape{10, 10}, DType::float32))}});
  try {
    make_op(parse_op_text(text), u16, images, where);
    ADD_FAILURE() << text << ": no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text << ": " << e.what();
    EXPECT_EQ(e.stage(), where) << text;
    EXPECT_NE(e.message().find(part), std::string::npos) << text << ": " << e.what();
  }
}

TEST(ArithmeticOps, ErrorsAreUsageErrorsNamingTheOp) {
  expect_usage_error("dark=small.npy", "ops[0].dark", "10x10");
  expect_usage_error("dark=small.npy", "ops[3].dark", "7x13");
  expect_usage_error("dark", "ops[0].dark", "image");
  expect_usage_error("dark=ok.npy;mode=saturate", "ops[1].dark", "clamp, wrap");
  expect_usage_error("dark=ok.npy;mod=wrap", "ops[0].dark", "mode");
  expect_usage_error("subtract=1;image=ok.npy", "ops[0].subtract", "not both");
  expect_usage_error("subtract", "ops[0].subtract", "needs a value");
  expect_usage_error("subtract;image=small.npy", "ops[2].subtract", "10x10");
  expect_usage_error("subtract=abc", "ops[0].subtract", "number");
  expect_usage_error("clip=5;max=3", "ops[0].clip", "greater than max");
  expect_usage_error("clip", "ops[0].clip", "min, max or both");
  expect_usage_error("clip=nan", "ops[0].clip", "NaN");
  expect_usage_error("clip=10.2;max=10.8", "ops[0].clip", "no uint16 value");
  expect_usage_error("clip=1;maximum=3", "ops[0].clip", "maximum");
  expect_usage_error("threshold=nan", "ops[0].threshold", "NaN");
  expect_usage_error("threshold", "ops[0].threshold", "value");
  expect_usage_error("astype=float16", "ops[0].astype", "float32");
  expect_usage_error("scale=small.npy", "ops[0].scale", "gain image small.npy is 10x10");
  expect_usage_error("mask=small.npy", "ops[0].mask", "10x10");
  expect_usage_error("mask=ok.npy;fill=one", "ops[0].mask", "zero, nan");
}

// ---------------------------------------------------------- hexrd's outputs

class ArithmeticOpsHexrd : public test::WithHexrdFixtures<> {
 protected:
  std::vector<FrameBuffer> read_all(const std::string& name) const {
    auto series = open_series((fixtures_ / name).string());
    std::vector<FrameBuffer> frames;
    for (std::size_t i = 0; i < series->size(); ++i) {
      frames.emplace_back(series->frame_info());
      series->read_frame(i, frames.back().view());
    }
    return frames;
  }

  /// Runs `text` on every frame of src_u16.npy with `images`, checking each
  /// against hexrd's frame bit for bit.
  void expect_hexrd(const std::string& text, const ImageResolver& images,
                    const std::string& expected) {
    const auto src = read_all("src_u16.npy");
    const auto want = read_all("proc/" + expected);
    ASSERT_EQ(src.size(), want.size());
    auto op = op_for(text, src[0].info(), images);
    op->prepare();
    for (std::size_t f = 0; f < src.size(); ++f) {
      FrameBuffer out(op->output_info(src[f].info()));
      op->apply(src[f].view(), out.view());
      ASSERT_EQ(out.info(), want[f].info()) << expected << " frame " << f;
      ASSERT_EQ(std::memcmp(out.data(), want[f].data(), out.bytes()), 0)
          << expected << " frame " << f;
    }
  }

};

TEST_F(ArithmeticOpsHexrd, DarkFloat32) {
  const auto dark = read_all("proc/dark_u16_median.npy");
  ASSERT_EQ(dark.size(), 1u);
  ASSERT_EQ(dark[0].dtype(), DType::float32);
  expect_hexrd("dark=median.npy", resolver_of({{"median.npy", held(copy_of(dark[0]))}}),
               "u16_dark_f32.npy");
}

TEST_F(ArithmeticOpsHexrd, DarkUint16WrapsWithModeWrap) {
  // hexrd's dark is the median .astype(uint16): made here by the astype op.
  const FrameBuffer dark = run_op("astype=uint16", read_all("proc/dark_u16_median.npy")[0]);
  const auto images = resolver_of({{"dark16", held(copy_of(dark))}});
  expect_hexrd("dark=dark16;mode=wrap", images, "u16_dark_u16_wraps.npy");

  // The default clamp differs from hexrd exactly where hexrd wrapped.
  const auto src = read_all("src_u16.npy");
  const auto hexrd = read_all("proc/u16_dark_u16_wraps.npy");
  const auto d = pixels_of<std::uint16_t>(dark);
  std::size_t wrapped = 0;
  for (std::size_t f = 0; f < src.size(); ++f) {
    const auto x = pixels_of<std::uint16_t>(src[f]);
    const auto h = pixels_of<std::uint16_t>(hexrd[f]);
    const auto c = pixels_of<std::uint16_t>(run_op("dark=dark16", src[f], images));
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i] >= d[i]) {
        ASSERT_EQ(c[i], h[i]) << "frame " << f << " pixel " << i;
      } else {
        ++wrapped;
        ASSERT_EQ(c[i], 0) << "frame " << f << " pixel " << i;
        ASSERT_EQ(h[i], static_cast<std::uint16_t>(x[i] - d[i]))
            << "hexrd wraps, frame " << f << " pixel " << i;
      }
    }
  }
  EXPECT_GT(wrapped, 1000u) << "the fixture exercises the wrap-around";
}

TEST_F(ArithmeticOpsHexrd, Add2p5) {
  expect_hexrd("add=2.5", {}, "u16_add_2p5.npy");
}

}  // namespace
}  // namespace ims
