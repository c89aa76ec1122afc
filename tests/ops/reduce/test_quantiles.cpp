// median, percentile:Q, nanmedian, nanpercentile:Q against a naive oracle:
// numpy 1.24's np.percentile(a, q, axis=0) (method 'linear') written out
// again here, one pixel at a time, with the two deviations ims documents
// (signed-integer differences are exact where numpy's b - a wraps; t == 0
// gives the order statistic itself). Every dtype, small and large frame
// counts, the dtype's extremes, NaN and infinities, through the engine at 1
// and 2 threads and small batches, merged and serialised accumulations, and
// quantiles sharing one pipeline with other statistics.

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "ims/error.hpp"
#include "core/region_series.hpp"
#include "engine/plan.hpp"
#include "ops/process/frame_op.hpp"
#include "engine/run.hpp"
#include "ops/reduce/registry.hpp"
#include "support/check.hpp"
#include "support/generate.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

using test::Stack;

// ---------------------------------------------------------------------------
// The oracle.

/// What a `--stat` spec asks for: the percent and whether NaNs are omitted.
struct QuantileAsk {
  double percent = 50.0;
  bool omit = false;
};

QuantileAsk ask_of(const std::string& spec) {
  QuantileAsk ask;
  ask.omit = spec.rfind("nan", 0) == 0;
  const auto colon = spec.find(':');
  if (colon != std::string::npos) ask.percent = std::stod(spec.substr(colon + 1));
  return ask;
}

/// b - a as numpy's _lerp computes it, except that integer differences are
/// exact (numpy's wrap in the input dtype is a documented deviation).
template <class T>
double difference(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    const T d = b - a;  // rounded in the input dtype (float32 for float32)
    return static_cast<double>(d);
  } else {
    return static_cast<double>(static_cast<test::int128>(b) - static_cast<test::int128>(a));
  }
}

/// np.percentile(values, percent) (or np.nanpercentile), method 'linear', in float64.
template <class T>
double oracle_quantile(std::vector<T> values, QuantileAsk ask) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  // Ascending, NaNs last (numpy's sort order).
  std::sort(values.begin(), values.end(), [](T x, T y) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) return false;
      if (std::isnan(y)) return true;
    }
    return x < y;
  });
  std::size_t n = values.size();
  if constexpr (std::is_floating_point_v<T>) {
    std::size_t valid = 0;
    while (valid < n && !std::isnan(values[valid])) ++valid;
    if (valid < n && !ask.omit) return kNan;  // np.percentile: a NaN makes the pixel NaN
    n = valid;                                // np.nanpercentile: ignore them
  }
  if (n == 0) return kNan;
  const double q = ask.percent / 100.0;
  const double v = static_cast<double>(n - 1) * q;
  if (v >= static_cast<double>(n - 1)) return static_cast<double>(values[n - 1]);
  const double i = std::floor(v);
  const double t = v - i;
  const T a = values[static_cast<std::size_t>(i)];
  if (t == 0.0) return static_cast<double>(a);  // ims: a itself, even when the next value is inf
  const T b = values[static_cast<std::size_t>(i) + 1];
  const double d = difference(a, b);
  return t < 0.5 ? static_cast<double>(a) + d * t : static_cast<double>(b) - d * (1.0 - t);
}

template <class T>
std::vector<T> pixel_values(const Stack<T>& s, std::size_t p, std::size_t first, std::size_t last) {
  std::vector<T> v;
  for (std::size_t f = first; f < last; ++f) v.push_back(s.at(f, p));
  return v;
}

/// The oracle for every pixel, over frames [first, last).
template <class T>
std::vector<double> oracle_image(const Stack<T>& s, const std::string& spec, std::size_t first,
                                 std::size_t last) {
  const QuantileAsk ask = ask_of(spec);
  std::vector<double> out(s.pixels);
  for (std::size_t p = 0; p < s.pixels; ++p)
    out[p] = oracle_quantile(pixel_values(s, p, first, last), ask);
  return out;
}

template <class T>
std::string describe_pixel(const Stack<T>& s, std::size_t p, std::size_t first, std::size_t last) {
  std::ostringstream os;
  os.precision(std::is_same_v<T, float> ? 9 : 17);
  auto v = pixel_values(s, p, first, last);
  os << (last - first) << " values {";
  for (std::size_t k = 0; k < v.size() && k < 24; ++k) {
    os << (k ? ", " : "");
    if constexpr (sizeof(T) == 1) {
      os << int(v[k]);
    } else {
      os << v[k];
    }
  }
  os << (v.size() > 24 ? ", ...}" : "}");
  return os.str();
}

bool same_value(double got, double want) {
  return (std::isnan(got) && std::isnan(want)) || got == want;
}

/// Checks `image` (float32 or float64) against oracle values in float64:
/// a float32 image must hold the float64 result rounded once, like astype.
template <class T>
void expect_quantiles(const FrameBuffer& image, const std::vector<double>& want, const Stack<T>& s,
                      std::size_t first, std::size_t last, const std::string& what) {
  ASSERT_EQ(image.shape().pixels(), want.size()) << what;
  int failures = 0;
  for (std::size_t p = 0; p < want.size() && failures < 5; ++p) {
    double got = 0, expected = want[p];
    if (image.dtype() == DType::float32) {
      got = image.as<float>()[p];
      expected = static_cast<float>(want[p]);
    } else {
      ASSERT_EQ(image.dtype(), DType::float64) << what;
      got = image.as<double>()[p];
    }
    if (!same_value(got, expected)) {
      ++failures;
      ADD_FAILURE() << what << " (" << dtype_name(dtype_of_v<T>) << ") at pixel " << p << ": got "
                    << std::setprecision(17) << got << ", want " << expected << " (float64 "
                    << want[p] << "), from " << describe_pixel(s, p, first, last);
    }
  }
}

// ---------------------------------------------------------------------------
// Test data.

template <class T>
constexpr T lowest_v = std::numeric_limits<T>::lowest();
template <class T>
constexpr T max_v = std::numeric_limits<T>::max();

/// A random finite value of T with random bits (every exponent for floats).
template <class T>
T random_bits(std::mt19937_64& rng) {
  if constexpr (std::is_floating_point_v<T>) {
    using K = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    for (;;) {
      T v = std::bit_cast<T>(static_cast<K>(rng()));
      if (std::isfinite(v)) return v;
    }
  } else {
    return static_cast<T>(rng());
  }
}

/// Frames whose pixels follow eight patterns in turn (pixel p: pattern p % 8):
/// full-range random bits, a narrow range with ties, constant, the dtype's
/// lowest and largest values, near the largest, near the lowest, one outlier
/// among equal values, and small detector-like counts (floats: N(50, 200)).
template <class T>
Stack<T> mixed_stack(std::size_t frames, FrameShape shape, std::uint64_t seed) {
  Stack<T> s{frames, shape.pixels(), std::vector<T>(frames * shape.pixels())};
  std::mt19937_64 rng(seed);
  constexpr bool kFloat = std::is_floating_point_v<T>;
  for (std::size_t p = 0; p < s.pixels; ++p) {
    const T base = random_bits<T>(rng);
    const T narrow_base =
        kFloat ? static_cast<T>(static_cast<double>(rng() % 2001) - 1000.0) : base;
    const std::size_t outlier_frame = rng() % frames;
    const T outlier = random_bits<T>(rng);
    for (std::size_t f = 0; f < frames; ++f) {
      T v{};
      switch (p % 8) {
        case 0:
          v = random_bits<T>(rng);
          break;
        case 1:
          if constexpr (kFloat) {
            v = static_cast<T>(narrow_base + static_cast<T>(rng() % 5) * T(0.25));
          } else {
            // base .. base + 4, away from the top so it does not wrap
            v = static_cast<T>(std::min<T>(base, static_cast<T>(max_v<T> - 4)) +
                               static_cast<T>(rng() % 5));
          }
          break;
        case 2:
          v = base;
          break;
        case 3:
          v = (rng() & 1) ? max_v<T> : lowest_v<T>;
          break;
        case 4:
          if constexpr (kFloat) {
            v = static_cast<T>(static_cast<double>(max_v<T>) *
                               (1.0 - static_cast<double>(rng() % 4) * 1e-3));
          } else {
            v = static_cast<T>(max_v<T> - static_cast<T>(rng() % 3));
          }
          break;
        case 5:
          if constexpr (kFloat) {
            // subnormals and tiny values around zero
            v = static_cast<T>(std::numeric_limits<T>::denorm_min() * static_cast<T>(rng() % 7) *
                               ((rng() & 1) ? T(1) : T(-1)));
          } else {
            v = static_cast<T>(lowest_v<T> + static_cast<T>(rng() % 3));
          }
          break;
        case 6:
          v = f == outlier_frame ? outlier : base;
          break;
        default:
          if constexpr (kFloat) {
            v = static_cast<T>(std::normal_distribution<double>(50.0, 200.0)(rng));
          } else {
            v = static_cast<T>(rng() % 16);
          }
          break;
      }
      s.values[f * s.pixels + p] = v;
    }
  }
  return s;
}

/// mixed_stack with NaNs and infinities planted by pixel (p / 8) % 8: none,
/// one NaN, all NaN, half NaN, one +inf, -inf and +inf, NaN and inf, all but
/// one NaN. Pixels p % 8 run through every base pattern for each.
template <class T>
Stack<T> nan_inf_stack(std::size_t frames, FrameShape shape, std::uint64_t seed) {
  auto s = mixed_stack<T>(frames, shape, seed);
  std::mt19937_64 rng(seed + 1);
  constexpr T kNan = std::numeric_limits<T>::quiet_NaN();
  constexpr T kInf = std::numeric_limits<T>::infinity();
  for (std::size_t p = 0; p < s.pixels; ++p) {
    auto at = [&](std::size_t f) -> T& { return s.values[f * s.pixels + p]; };
    const std::size_t f1 = rng() % frames, f2 = rng() % frames;
    switch ((p / 8) % 8) {
      case 0:
        break;
      case 1:
        at(f1) = kNan;
        break;
      case 2:
        for (std::size_t f = 0; f < frames; ++f) at(f) = kNan;
        break;
      case 3:
        for (std::size_t f = 0; f < frames; f += 2) at(f) = kNan;
        break;
      case 4:
        at(f1) = kInf;
        break;
      case 5:
        at(f1) = -kInf;
        at(f2) = kInf;
        break;
      case 6:
        at(f1) = kInf;
        at(f2) = kNan;
        break;
      default:
        for (std::size_t f = 0; f < frames; ++f) {
          if (f != f1) at(f) = kNan;
        }
        break;
    }
  }
  return s;
}

template <class T>
Stack<T> frames_of(const Stack<T>& s, std::size_t first, std::size_t last) {
  return {last - first, s.pixels,
          std::vector<T>(s.values.begin() + static_cast<std::ptrdiff_t>(first * s.pixels),
                         s.values.begin() + static_cast<std::ptrdiff_t>(last * s.pixels))};
}

// ---------------------------------------------------------------------------
// Running the engine.

const std::vector<std::string> kQuantiles = {"median",
                                             "percentile:0",
                                             "percentile:100",
                                             "percentile:50",
                                             "percentile:25",
                                             "percentile:37.5",
                                             "percentile:90",
                                             "percentile:99.9",
                                             "nanmedian",
                                             "nanpercentile:0",
                                             "nanpercentile:100",
                                             "nanpercentile:25",
                                             "nanpercentile:37.5",
                                             "nanpercentile:90",
                                             "nanpercentile:99.9"};

std::vector<std::shared_ptr<const Reducer>> reducers_for(const std::vector<std::string>& specs,
                                                         FrameInfo info,
                                                         std::optional<DType> out = std::nullopt) {
  std::vector<std::shared_ptr<const Reducer>> r;
  for (const auto& s : specs) r.push_back(make_reducer(s, info, out));
  return r;
}

template <class T>
RunResult run_stats(const Stack<T>& s, FrameShape shape, const std::vector<std::string>& specs,
                    unsigned threads, std::size_t batch, std::optional<DType> out = std::nullopt) {
  Pipeline p;
  p.source = test::as_series(s, shape);
  p.reducers = reducers_for(specs, p.source->frame_info(), out);
  RunOptions o;
  o.threads = threads;
  o.batch_frames = batch;
  return run(p, o);
}

bool same_bytes(const FrameBuffer& a, const FrameBuffer& b) {
  return a.info() == b.info() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

/// Runs `specs` at 1 thread (planner's batches) and 2 threads (`batch` frames
/// per batch), checks both give identical bits and match the oracle.
template <class T>
std::vector<FrameBuffer> check_run(const Stack<T>& s, FrameShape shape,
                                   const std::vector<std::string>& specs, std::size_t batch,
                                   std::optional<DType> out = std::nullopt) {
  auto one = run_stats(s, shape, specs, 1, 0, out);
  auto two = run_stats(s, shape, specs, 2, batch, out);
  EXPECT_EQ(one.report.frames, s.frames);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const std::string what = specs[i] + " of " + std::to_string(s.frames) + " frames";
    EXPECT_EQ(two.images[i].dtype(), out.value_or(DType::float32)) << what;
    EXPECT_TRUE(same_bytes(one.images[i], two.images[i])) << what << ": 1 and 2 threads differ";
    expect_quantiles(two.images[i], oracle_image(s, specs[i], 0, s.frames), s, 0, s.frames, what);
  }
  return std::move(two.images);
}

/// An op that changes nothing: its output is still an op buffer.
class CopyOp final : public FrameOp {
 public:
  std::string name() const override { return "copy"; }
  FrameInfo output_info(const FrameInfo& input) const override { return input; }
  void apply(ConstFrameView in, FrameView out) const override { std::memcpy(out.data(), in.data(), in.bytes()); }
};

// ---------------------------------------------------------------------------
// Every dtype.

template <class T>
class QuantileTest : public ::testing::Test {
 protected:
  FrameInfo info(FrameShape shape) const { return {shape, dtype_of_v<T>}; }
};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(QuantileTest, PixelTypes);

TYPED_TEST(QuantileTest, NamesAndOutputDtypes) {
  const FrameInfo info = this->info({4, 5});
  EXPECT_EQ(make_reducer("median", info)->name(), "median");
  EXPECT_EQ(make_reducer("percentile:25", info)->name(), "percentile_25");
  EXPECT_EQ(make_reducer("percentile:37.5", info)->name(), "percentile_37.5");
  EXPECT_EQ(make_reducer("percentile:0", info)->name(), "percentile_0");
  EXPECT_EQ(make_reducer("percentile:100", info)->name(), "percentile_100");
  EXPECT_EQ(make_reducer("nanmedian", info)->name(), "nanmedian");
  EXPECT_EQ(make_reducer("nanpercentile:90", info)->name(), "nanpercentile_90");
  EXPECT_EQ(make_reducer("nanpercentile:99.9", info)->name(), "nanpercentile_99.9");
  for (const auto& spec : kQuantiles) {
    EXPECT_EQ(make_reducer(spec, info)->output_dtype(), DType::float32) << spec;
    EXPECT_EQ(make_reducer(spec, info, DType::float64)->output_dtype(), DType::float64) << spec;
  }
}

TYPED_TEST(QuantileTest, FewFramesEveryQuantile) {
  const FrameShape shape{9, 14};  // two tiles
  for (std::size_t n : {1u, 2u, 3u, 4u, 5u, 8u, 11u}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    auto s = mixed_stack<TypeParam>(n, shape, 1000 + n);
    check_run(s, shape, kQuantiles, n > 2 ? 3 : 1);
  }
}

TYPED_TEST(QuantileTest, HexrdLikeRandomStack) {
  // The shared generator: full-range integers with the dtype's max and min in
  // pixels 0 and 1 of every frame; floats N(50, 200).
  const FrameShape shape{13, 11};
  auto s = test::random_stack<TypeParam>(37, shape, 20240607);
  check_run(s, shape, kQuantiles, 5);
}

TYPED_TEST(QuantileTest, ManyTilesAndSelectionBlocks) {
  // 300x301 frames make 16 tiles (the last ragged); a selection block holds
  // 256 KiB of keys, so with this many frames every dtype's tile splits into
  // blocks with a ragged last one.
  const FrameShape shape{300, 301};
  const std::size_t n = sizeof(TypeParam) == 1 ? 49 : sizeof(TypeParam) == 2 ? 25 : 13;
  auto s = mixed_stack<TypeParam>(n, shape, 77);
  const std::vector<std::string> specs = {"median", "percentile:37.5", "nanpercentile:99.9"};
  check_run(s, shape, specs, 4);
  auto even = frames_of(s, 0, n - 1);
  auto result = run_stats(even, shape, {"percentile:25", "nanmedian"}, 2, 0);
  EXPECT_GT(result.report.plan.tiles, 1u);
  expect_quantiles(result.images[0], oracle_image(even, "percentile:25", 0, n - 1), even, 0, n - 1,
                   "percentile:25");
  expect_quantiles(result.images[1], oracle_image(even, "nanmedian", 0, n - 1), even, 0, n - 1,
                   "nanmedian");
}

TYPED_TEST(QuantileTest, Float64OutputOverride) {
  const FrameShape shape{10, 13};
  for (std::size_t n : {1u, 2u, 6u, 7u}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    auto s = mixed_stack<TypeParam>(n, shape, 500 + n);
    check_run(s, shape, kQuantiles, 2, DType::float64);
  }
}

TYPED_TEST(QuantileTest, ConstantPixelsAndTheDtypeExtremes) {
  using T = TypeParam;
  const FrameShape shape{1, 8};
  constexpr T lo = lowest_v<T>, hi = max_v<T>;
  const T mid = static_cast<T>(lo / 2 + hi / 2);
  const T below_hi = std::is_floating_point_v<T> ? static_cast<T>(hi / 2) : static_cast<T>(hi - 1);
  // Frame-major: 6 frames of 8 pixels, one pattern per pixel.
  const std::vector<std::vector<T>> pixels = {
      {hi, hi, hi, hi, hi, hi},                    // all max (65535 for uint16: the largest key)
      {lo, lo, lo, lo, lo, lo},                    // all lowest
      {lo, hi, lo, hi, lo, hi},                    // alternating
      {hi, lo, lo, lo, lo, lo},                    // one max
      {lo, hi, hi, hi, hi, hi},                    // one lowest
      {hi, below_hi, hi, below_hi, below_hi, hi},  // the top two values
      {mid, mid, mid, mid, mid, mid},              // constant
      {mid, hi, lo, mid, hi, lo},                  // three values, each twice
  };
  Stack<T> s{6, 8, std::vector<T>(48)};
  for (std::size_t p = 0; p < 8; ++p) {
    for (std::size_t f = 0; f < 6; ++f) s.values[f * 8 + p] = pixels[p][f];
  }
  auto images = check_run(s, shape, kQuantiles, 1, DType::float64);
  // Known answers (independent of the oracle): every quantile of a constant
  // pixel is the constant; q = 0 and q = 100 are the extremes themselves.
  for (std::size_t i = 0; i < kQuantiles.size(); ++i) {
    const double* got = images[i].template as<double>();
    EXPECT_EQ(got[0], static_cast<double>(hi)) << kQuantiles[i];
    EXPECT_EQ(got[1], static_cast<double>(lo)) << kQuantiles[i];
    EXPECT_EQ(got[6], static_cast<double>(mid)) << kQuantiles[i];
    const QuantileAsk ask = ask_of(kQuantiles[i]);
    if (ask.percent == 0.0) {
      EXPECT_EQ(got[2], static_cast<double>(lo)) << kQuantiles[i];
    }
    if (ask.percent == 100.0) {
      EXPECT_EQ(got[2], static_cast<double>(hi)) << kQuantiles[i];
    }
  }
}

TYPED_TEST(QuantileTest, NframesTakesTheFirstFrames) {
  const FrameShape shape{6, 7};
  auto s = mixed_stack<TypeParam>(20, shape, 31);
  Pipeline p;
  p.source = test::as_series(s, shape);
  p.reducers = reducers_for({"median", "percentile:90"}, p.source->frame_info());
  RunOptions o;
  o.threads = 2;
  o.nframes = 7;
  auto result = run(p, o);
  EXPECT_EQ(result.report.frames, 7u);
  expect_quantiles(result.images[0], oracle_image(s, "median", 0, 7), s, 0, 7, "median");
  expect_quantiles(result.images[1], oracle_image(s, "percentile:90", 0, 7), s, 0, 7,
                   "percentile:90");
}

const std::vector<std::string> kMixed = {
    "max", "median", "mean", "percentile:90", "nanpercentile:37.5", "percentile:0"};

TYPED_TEST(QuantileTest, PartialRunsMergeIntoOneRun) {
  const FrameShape shape{40, 50};  // 16 tiles
  const std::size_t n = 23;
  auto s = mixed_stack<TypeParam>(n, shape, 4242);
  const FrameInfo info = this->info(shape);
  auto whole = run_stats(s, shape, kMixed, 2, 4);
  auto part = [&](std::size_t first, std::size_t last) {
    return run_stats(frames_of(s, first, last), shape, kMixed, 2, 3).accumulation;
  };
  Accumulation merged = part(0, 9);
  merged.merge(part(9, 10));
  merged.merge(part(10, n));
  merged.merge(Accumulation(reducers_for(kMixed, info)));  // nothing: changes nothing
  EXPECT_EQ(merged.frames(), n);
  EXPECT_GT(merged.tiles().size(), 1u);
  auto images = merged.finalize();
  // In another order: quantiles do not depend on the order of the frames.
  Accumulation reversed = part(10, n);
  reversed.merge(part(0, 10));
  auto images_reversed = reversed.finalize();
  for (std::size_t i = 0; i < kMixed.size(); ++i) {
    SCOPED_TRACE(kMixed[i]);
    if (kMixed[i] == "mean" && std::is_floating_point_v<TypeParam>)
      continue;  // float sums: up to rounding
    EXPECT_TRUE(same_bytes(images[i], whole.images[i])) << "merged differs from one run";
    EXPECT_TRUE(same_bytes(images_reversed[i], whole.images[i]))
        << "merged in reverse differs from one run";
  }
  for (std::size_t i : {1u, 3u, 4u, 5u}) {
    expect_quantiles(images[i], oracle_image(s, kMixed[i], 0, n), s, 0, n, kMixed[i] + " merged");
  }
}

TYPED_TEST(QuantileTest, AccumulationSerialisesAndReadsBack) {
  const FrameShape shape{40, 50};
  const std::size_t n = 11;
  auto s = mixed_stack<TypeParam>(n, shape, 99);
  const FrameInfo info = this->info(shape);
  Accumulation a = run_stats(s, shape, kMixed, 2, 3).accumulation;
  const auto bytes = a.serialize();
  Accumulation b = Accumulation::deserialize(reducers_for(kMixed, info), bytes);
  EXPECT_EQ(b.frames(), n);
  auto x = a.finalize(), y = b.finalize();
  for (std::size_t i = 0; i < kMixed.size(); ++i) EXPECT_TRUE(same_bytes(x[i], y[i])) << kMixed[i];
  // A deserialised accumulation still merges with another run.
  b.merge(run_stats(s, shape, kMixed, 1, 0).accumulation);
  EXPECT_EQ(b.frames(), 2 * n);
  auto doubled = b.finalize();
  Stack<TypeParam> twice{2 * n, s.pixels, s.values};
  twice.values.insert(twice.values.end(), s.values.begin(), s.values.end());
  expect_quantiles(doubled[1], oracle_image(twice, "median", 0, 2 * n), twice, 0, 2 * n,
                   "median of doubled");
  // The quantiles share one gather: it is serialised once.
  const auto one_quantile = run_stats(s, shape, {"median"}, 1, 0).accumulation.serialize();
  const auto three =
      run_stats(s, shape, {"median", "percentile:90", "nanmedian"}, 1, 0).accumulation.serialize();
  EXPECT_EQ(three.size(), one_quantile.size());
  // Truncated, or read by reducers over another dtype: refused.
  auto truncated = bytes;
  truncated.resize(truncated.size() - 5);
  EXPECT_THROW(Accumulation::deserialize(reducers_for(kMixed, info), truncated), Error);
  const DType other = dtype_of_v<TypeParam> == DType::float64 ? DType::float32 : DType::float64;
  EXPECT_THROW(Accumulation::deserialize(reducers_for(kMixed, {shape, other}), bytes), Error);
}

TYPED_TEST(QuantileTest, ReducerStatesCombineAndSerialise) {
  // The reducer interface directly: states over disjoint frames and a pixel
  // range that is not a whole frame.
  const FrameShape shape{13, 11};
  const std::size_t n = 17;
  auto s = mixed_stack<TypeParam>(n, shape, 5);
  auto r = make_reducer("percentile:37.5", this->info(shape), DType::float64);
  const PixelRange range{7, 100};
  auto fold = [&](std::size_t first, std::size_t last) {
    auto state = r->make_state(range);
    std::vector<const std::byte*> ptrs;
    for (std::size_t f = first; f < last; ++f) {
      ptrs.assign(1, reinterpret_cast<const std::byte*>(s.values.data() + f * s.pixels));
      r->update(*state, FrameBatch{f, ptrs, this->info(shape)});
    }
    return state;
  };
  auto a = fold(0, 6);
  r->combine(*a, *fold(6, n));
  r->combine(*a, *r->make_state(range));
  EXPECT_EQ(a->frames, n);
  ByteWriter out;
  r->serialize(*a, out);
  ByteReader in(out.bytes());
  auto back = r->deserialize(in);
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_EQ(back->range, range);
  EXPECT_EQ(back->frames, n);
  FrameBuffer x(r->output_info()), y(r->output_info());
  std::memset(x.data(), 0, x.bytes());
  std::memset(y.data(), 0, y.bytes());
  r->finalize(*a, x.view());
  r->finalize(*back, y.view());
  EXPECT_TRUE(same_bytes(x, y));
  auto want = oracle_image(s, "percentile:37.5", 0, n);
  for (std::size_t p = 0; p < s.pixels; ++p) {
    if (p < range.begin || p >= range.end) {
      EXPECT_EQ(x.as<double>()[p], 0.0) << "pixel " << p << " outside the range was written";
    } else {
      ASSERT_TRUE(same_value(x.as<double>()[p], want[p]))
          << "pixel " << p << ": got " << x.as<double>()[p] << ", want " << want[p];
    }
  }
  // Another quantile reducer over the same input may use this state (shared gather).
  auto median = make_reducer("median", this->info(shape));
  EXPECT_TRUE(r->shares_state_with(*median));
  EXPECT_FALSE(r->shares_state_with(*make_reducer("max", this->info(shape))));
  EXPECT_FALSE(r->shares_state_with(*make_reducer("median", this->info({11, 13}))));
}

TYPED_TEST(QuantileTest, WithOtherStatisticsEqualsEachAlone) {
  const FrameShape shape{30, 37};
  auto s = mixed_stack<TypeParam>(14, shape, 8);
  const std::vector<std::string> specs = {"max",    "percentile:25",     "mean",
                                          "median", "nanmedian",         "percentile:99.9",
                                          "min",    "nanpercentile:37.5"};
  auto together = run_stats(s, shape, specs, 2, 3);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto alone = run_stats(s, shape, {specs[i]}, 2, 5);
    EXPECT_TRUE(same_bytes(together.images[i], alone.images[0])) << specs[i];
  }
  // One gather for the five quantiles, max/mean/min their own states.
  const auto owners = state_owners(reducers_for(specs, this->info(shape)));
  EXPECT_EQ(owners, (std::vector<std::size_t>{0, 1, 2, 1, 1, 1, 6, 1}));
}

TYPED_TEST(QuantileTest, ValuesKeptInPlaceOrCopiedGiveTheSameBits) {
  // An in-memory source's frames are kept in place by unsigned quantiles
  // (their values are their keys); the same frames seen through a
  // RegionSeries (no frame_data) are copied. Both must agree, and the kept
  // frames must outlive the pipeline that read them.
  const FrameShape shape{21, 33};
  const std::size_t n = 13;
  auto s = mixed_stack<TypeParam>(n, shape, 17);
  const std::vector<std::string> specs = {"median", "percentile:90", "max"};
  auto in_place = run_stats(s, shape, specs, 2, 3);
  EXPECT_EQ(in_place.report.plan.frames_kept_in_place, std::is_unsigned_v<TypeParam>);
  Pipeline copied;
  copied.source = std::make_shared<RegionSeries>(test::as_series(s, shape), Region{0, shape.rows, 0, shape.cols});
  copied.reducers = reducers_for(specs, copied.source->frame_info());
  RunOptions o;
  o.threads = 2;
  RunResult by_copy = run(copied, o);
  EXPECT_FALSE(by_copy.report.plan.frames_kept_in_place);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_TRUE(same_bytes(in_place.images[i], by_copy.images[i])) << specs[i];
  }
  // run_stats' pipeline, and with it its only handle on the source, is gone:
  // the kept state still serialises and finalises (ASan checks the reads).
  auto again = Accumulation::deserialize(reducers_for(specs, this->info(shape)),
                                         in_place.accumulation.serialize()).finalize();
  for (std::size_t i = 0; i < specs.size(); ++i) EXPECT_TRUE(same_bytes(in_place.images[i], again[i])) << specs[i];
  // With ops the frames are the op chain's buffers, never kept.
  Pipeline with_ops = copied;
  with_ops.source = test::as_series(s, shape);
  with_ops.ops.push_back(std::make_shared<CopyOp>());
  EXPECT_FALSE(make_plan(with_ops, resolve_options(o, *with_ops.source)).frames_kept_in_place);
}

TYPED_TEST(QuantileTest, BandsOfRowsAndSpillGiveTheSameBits) {
  // A budget that holds about half the values: the planner splits the rows
  // into bands (memory, over region reads) or spills to a scratch file first.
  using T = TypeParam;
  const FrameShape shape{60, 70};
  const std::size_t n = 9;
  auto s = mixed_stack<T>(n, shape, 123);
  const std::vector<std::string> specs = {"median", "percentile:37.5", "nanpercentile:99.9"};
  auto whole = run_stats(s, shape, specs, 2, 0);
  const std::uint64_t values = shape.pixels() * n * sizeof(T);
  const std::uint64_t outputs = shape.pixels() * 4 * specs.size();
  for (QuantileMethod method : {QuantileMethod::memory, QuantileMethod::spill}) {
    const std::string what(quantile_method_name(method));
    Pipeline p;
    p.source = test::as_series(s, shape);
    p.reducers = reducers_for(specs, p.source->frame_info());
    RunOptions o;
    o.threads = 2;
    o.memory = outputs + 4 * shape.pixels() * sizeof(T) + values / 2;
    o.quantile_method = method;
    o.scratch_dir = test::scratch_dir("quantile-spill").string();
    auto result = run(p, o);
    EXPECT_GT(result.report.plan.quantiles.bands, 1u) << what << ": " << result.report.plan.quantiles.describe();
    EXPECT_NE(result.report.plan.quantiles.describe().find(" bands of "), std::string::npos)
        << what << ": " << result.report.plan.quantiles.describe();
    EXPECT_EQ(result.report.plan.budget, o.memory) << what << ": the report states the user's budget";
    EXPECT_EQ(result.report.bytes, values) << what << ": the source is streamed once";
    for (std::size_t i = 0; i < specs.size(); ++i) {
      EXPECT_TRUE(same_bytes(result.images[i], whole.images[i])) << specs[i] << ", " << what;
      expect_quantiles(result.images[i], oracle_image(s, specs[i], 0, n), s, 0, n,
                       specs[i] + ", " + what);
    }
  }
}

// ---------------------------------------------------------------------------
// Counters, NaN, infinities, wide integers, known answers.

template <class T>
void check_many_frames(std::size_t n, std::uint64_t seed, FrameShape shape,
                       const std::vector<std::string>& specs) {
  Stack<T> s{n, shape.pixels(), std::vector<T>(n * shape.pixels())};
  std::mt19937_64 rng(seed);
  for (std::size_t p = 0; p < s.pixels; ++p) {
    for (std::size_t f = 0; f < n; ++f) {
      T v{};
      switch (p % 5) {
        case 0:
          v = static_cast<T>(rng() % 3);
          break;  // long runs of ties
        case 1:
          v = static_cast<T>(rng());
          break;  // full range
        case 2:
          v = f % 97 == 5 ? max_v<T> : lowest_v<T>;
          break;  // mostly the lowest
        case 3:
          v = f % 89 == 1 ? lowest_v<T> : max_v<T>;
          break;  // mostly the largest
        default:
          v = static_cast<T>(f % 2 ? lowest_v<T> + 1 : max_v<T>);
          break;
      }
      s.values[f * s.pixels + p] = v;
    }
  }
  check_run(s, shape, specs, n > 1000 ? 16 : 7);
}

TEST(Quantiles, Uint8CountsOverMoreThan255Frames) {
  // 8-bit counters are summed in chunks of 255 frames.
  for (std::size_t n : {255u, 256u, 511u, 600u}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    check_many_frames<std::uint8_t>(n, n, FrameShape{6, 11}, kQuantiles);  // two tiles
  }
}

TEST(Quantiles, SixteenBitCountsOverMoreThan65535Frames) {
  // 16-bit counters are summed in chunks of 65535 frames.
  const std::vector<std::string> specs = {"median", "percentile:0", "percentile:99.9",
                                          "nanpercentile:37.5"};
  check_many_frames<std::uint16_t>(65537, 1, FrameShape{1, 5}, specs);
  check_many_frames<std::int16_t>(65600, 2, FrameShape{1, 5}, specs);
}

template <class T>
void check_nan_and_inf() {
  const FrameShape shape{8, 16};  // every NaN pattern over every base pattern
  for (std::size_t n : {1u, 2u, 3u, 4u, 9u, 10u}) {
    SCOPED_TRACE("N = " + std::to_string(n));
    check_run(nan_inf_stack<T>(n, shape, 60 + n), shape, kQuantiles, 2);
    check_run(nan_inf_stack<T>(n, shape, 70 + n), shape,
              {"median", "nanmedian", "nanpercentile:37.5"}, 3, DType::float64);
  }
}

TEST(Quantiles, NanAndInfinityFloat32) {
  check_nan_and_inf<float>();
}
TEST(Quantiles, NanAndInfinityFloat64) {
  check_nan_and_inf<double>();
}

/// Runs `specs` over one pixel holding `values` (one per frame), float64 output.
template <class T>
std::vector<double> one_pixel(const std::vector<T>& values, const std::vector<std::string>& specs) {
  Stack<T> s{values.size(), 1, values};
  auto images = check_run(s, FrameShape{1, 1}, specs, 1, DType::float64);
  std::vector<double> out;
  for (const auto& image : images) out.push_back(image.template as<double>()[0]);
  return out;
}

TEST(Quantiles, KnownAnswers) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto expect = [](const std::vector<double>& got, const std::vector<double>& want,
                   const std::string& what) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_TRUE(same_value(got[i], want[i]))
          << what << " #" << i << ": got " << got[i] << ", want " << want[i];
    }
  };
  // v = 3 q: 25 -> 0.75 between 1 and 2; 50 -> 1.5; 90 -> 2.7 (t >= 0.5: b - d (1 - t)).
  expect(one_pixel<std::uint16_t>({4, 1, 3, 2}, {"percentile:25", "median", "percentile:90",
                                                 "percentile:0", "percentile:100"}),
         {1.75, 2.5, 4.0 - 1.0 * (1.0 - (2.7 - 2.0)), 1.0, 4.0}, "uint16 {1, 2, 3, 4}");
  // median/nanmedian with one NaN; all NaN.
  expect(one_pixel<float>({1.0f, std::nanf(""), 3.0f, 2.0f},
                          {"median", "nanmedian", "nanpercentile:100"}),
         {nan, 2.0, 3.0}, "float32 {1, NaN, 3, 2}");
  expect(one_pixel<double>({nan, nan, nan}, {"median", "nanmedian", "nanpercentile:25"}),
         {nan, nan, nan}, "all NaN");
  // Infinities: a finite a with b = inf gives inf below t = 0.5 and NaN above
  // (numpy's inf - inf); t == 0 gives a itself (numpy: NaN, a documented deviation).
  expect(
      one_pixel<double>({1.0, inf}, {"percentile:25", "median", "percentile:0", "percentile:100"}),
      {inf, nan, 1.0, inf}, "float64 {1, inf}");
  expect(one_pixel<float>({-static_cast<float>(inf), 1.0f, 2.0f},
                          {"percentile:0", "median", "percentile:75"}),
         {-inf, 1.0, 1.5}, "float32 {-inf, 1, 2}");
  // t == 0 also when d = b - a overflows to inf between finite values (numpy: NaN).
  constexpr double dmax = std::numeric_limits<double>::max();
  expect(one_pixel<double>({dmax, -dmax, -dmax},
                           {"median", "percentile:25", "percentile:75", "percentile:0"}),
         {-dmax, -dmax, -inf, -dmax}, "float64 {-max, -max, max}");  // 75: max - inf * 0.5
  // The signed-integer deviation: numpy's int16 b - a wraps (60000 -> -5536, median 32768); ims is
  // exact.
  expect(one_pixel<std::int16_t>({-30000, 30000}, {"median", "percentile:25"}), {0.0, -15000.0},
         "int16 {-30000, 30000}");
  expect(one_pixel<std::int32_t>(
             {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()},
             {"median"}),
         {-0.5}, "int32 {min, max}");
  // int64 over its whole range: d = 2^64 - 1 is exact before its rounding to float64.
  constexpr auto i64min = std::numeric_limits<std::int64_t>::min();
  constexpr auto i64max = std::numeric_limits<std::int64_t>::max();
  expect(one_pixel<std::int64_t>({i64max, i64min}, {"median", "percentile:25", "percentile:100"}),
         {static_cast<double>(i64max) - 18446744073709551615.0 * 0.5,
          static_cast<double>(i64min) + 18446744073709551615.0 * 0.25, static_cast<double>(i64max)},
         "int64 {min, max}");
  // float32 differences are rounded in float32: 3e7 - 1 = 29999999 rounds to 3e7.
  expect(one_pixel<float>({1.0f, 3.0e7f}, {"median", "percentile:25"}),
         {3.0e7 - 3.0e7 * 0.5, 1.0 + 3.0e7 * 0.25}, "float32 {1, 3e7}");
  // median == percentile:50 for floats (numpy's np.median averages instead);
  // t = 0.5 takes the b - d (1 - t) branch.
  expect(one_pixel<float>({0.1f, 0.7f}, {"median", "percentile:50"}),
         {static_cast<double>(0.7f) - static_cast<double>(0.7f - 0.1f) * 0.5,
          static_cast<double>(0.7f) - static_cast<double>(0.7f - 0.1f) * 0.5},
         "float32 {0.1, 0.7}");
}

TEST(Quantiles, Int64NearItsLimits) {
  // Pixels spread over all 64 bits, or within a few units of either limit.
  const FrameShape shape{7, 9};
  std::mt19937_64 rng(64);
  for (std::size_t n : {2u, 5u, 6u, 33u}) {
    Stack<std::int64_t> s{n, shape.pixels(), std::vector<std::int64_t>(n * shape.pixels())};
    for (std::size_t p = 0; p < s.pixels; ++p) {
      for (std::size_t f = 0; f < n; ++f) {
        const auto r = rng();
        std::int64_t v = static_cast<std::int64_t>(r);
        if (p % 3 == 1) v = max_v<std::int64_t> - static_cast<std::int64_t>(r % 1000);
        if (p % 3 == 2)
          v = (r & 1) ? lowest_v<std::int64_t> + static_cast<std::int64_t>(r % 7)
                      : max_v<std::int64_t> - static_cast<std::int64_t>(r % 7);
        s.values[f * s.pixels + p] = v;
      }
    }
    SCOPED_TRACE("N = " + std::to_string(n));
    check_run(s, shape, kQuantiles, 2, DType::float64);
    check_run(s, shape, {"median", "percentile:99.9"}, 4);
  }
}

// ---------------------------------------------------------------------------
// Parse errors.

TEST(Quantiles, BadArgumentsAreUsageErrors) {
  const FrameInfo info{{4, 4}, DType::uint16};
  for (const char* spec :
       {"percentile", "nanpercentile", "percentile:", "percentile:101", "percentile:-1",
        "percentile:abc", "percentile:100.0001", "percentile:nan", "percentile:inf",
        "percentile:5x", "nanpercentile:-0.5", "median:5", "nanmedian:50", "median:"}) {
    try {
      make_reducer(spec, info);
      ADD_FAILURE() << spec << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << spec << ": " << e.what();
    }
  }
  try {
    make_reducer("percentile:101", info);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[0, 100]"), std::string::npos) << e.what();
  }
  // Valid edge cases.
  EXPECT_EQ(make_reducer("percentile:0", info)->name(), "percentile_0");
  EXPECT_EQ(make_reducer("percentile:100", info)->name(), "percentile_100");
  EXPECT_EQ(make_reducer("percentile:50.0", info)->name(), "percentile_50");
  EXPECT_EQ(make_reducer("percentile: 12.5 ", info)->name(), "percentile_12.5");
}

}  // namespace
}  // namespace ims
