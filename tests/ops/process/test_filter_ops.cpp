// The filter ops (gauss_laplace, gaussian_filter, uniform_filter,
// median_filter):
// * every op x every pixel type x every boundary mode against naive oracles
//   (the textbook formula in long double: weights exp(-x^2 / 2 sigma^2) / sum,
//   a window sum, a full sort; boundaries by repeated reflection), on
//   ordinary and tiny frames (1xN, Nx1, kernels wider than the frame);
// * scipy 1.10.1's own outputs on small frames, bit for bit;
// * hexrd's gauss_laplace fixtures, bit for bit (skipped without them);
// * parameter errors: usage errors staged "ops[0].<op>".

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ims/error.hpp"
#include "formats/registry.hpp"
#include "ops/process/op_registry.hpp"
#include "support/hexrd_fixtures.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

using Real = long double;

const std::vector<std::string> kModes = {"reflect", "constant", "nearest", "mirror", "wrap"};

// ---------------------------------------------------------------------------
// Test frames and running ops

/// A frame of T: integers spread over a good part of the type's range (int64
/// limited to +-2^40 so that double arithmetic stays exact enough for the
/// oracle's +-1), floats ~ N(50, 200).
template <class T>
FrameBuffer random_frame(FrameShape shape, std::uint64_t seed) {
  FrameBuffer f(shape, dtype_of_v<T>);
  std::mt19937_64 rng(seed);
  for (std::size_t p = 0; p < shape.pixels(); ++p) {
    T v;
    if constexpr (std::is_floating_point_v<T>) {
      v = static_cast<T>(std::normal_distribution<double>(50.0, 200.0)(rng));
    } else if constexpr (sizeof(T) == 8) {
      v = static_cast<T>(std::uniform_int_distribution<std::int64_t>(-(1LL << 40), 1LL << 40)(rng));
    } else {
      v = static_cast<T>(rng());
    }
    f.as<T>()[p] = v;
  }
  return f;
}

FrameBuffer run_op(const std::string& text, const FrameBuffer& in) {
  const OpSpec spec = parse_op_text(text);
  auto op = make_op(spec, in.info(), {}, "ops[0]." + spec.name);
  FrameBuffer out(op->output_info(in.info()));
  op->apply(in.view(), out.view());
  return out;
}

template <class T>
std::vector<T> pixels_of(const FrameBuffer& f) {
  EXPECT_EQ(f.dtype(), dtype_of_v<T>);
  return std::vector<T>(f.as<T>(), f.as<T>() + f.shape().pixels());
}

template <class T>
FrameBuffer frame_of(FrameShape shape, const std::vector<T>& values) {
  FrameBuffer f(shape, dtype_of_v<T>);
  std::copy(values.begin(), values.end(), f.as<T>());
  return f;
}

// ---------------------------------------------------------------------------
// The oracle: images of long doubles, filtered the obvious way.

struct Image {
  FrameShape shape;
  std::vector<Real> v;
  Real at(std::size_t r, std::size_t c) const { return v[r * shape.cols + c]; }
};

template <class T>
Image image_of(const FrameBuffer& f) {
  Image im{f.shape(), {}};
  for (std::size_t p = 0; p < f.shape().pixels(); ++p)
    im.v.push_back(static_cast<Real>(f.as<T>()[p]));
  return im;
}

/// Index read at position i of a line of n under `mode`, by unfolding the
/// reflections one at a time; -1 = the constant.
long source_index(long i, long n, const std::string& mode) {
  if (mode == "constant") return (i < 0 || i >= n) ? -1 : i;
  if (mode == "nearest") return std::clamp(i, 0L, n - 1);
  if (mode == "wrap") return ((i % n) + n) % n;
  if (mode == "mirror" && n == 1) return 0;
  while (i < 0 || i >= n) {
    if (mode == "reflect") i = i < 0 ? -i - 1 : 2 * n - 1 - i;
    if (mode == "mirror") i = i < 0 ? -i : 2 * n - 2 - i;
  }
  return i;
}

/// Correlation along `axis` with weights w[0..m) whose first tap sits at
/// offset -(m/2) (scipy's origin 0: even windows reach further back).
Image correlate(const Image& in, int axis, const std::vector<Real>& w, const std::string& mode,
                Real cval) {
  Image out = in;
  const long m = static_cast<long>(w.size());
  const long len = static_cast<long>(axis == 0 ? in.shape.rows : in.shape.cols);
  for (std::size_t r = 0; r < in.shape.rows; ++r) {
    for (std::size_t c = 0; c < in.shape.cols; ++c) {
      const long pos = static_cast<long>(axis == 0 ? r : c);
      Real sum = 0;
      for (long j = 0; j < m; ++j) {
        const long s = source_index(pos - m / 2 + j, len, mode);
        const Real x = s < 0 ? cval
                             : (axis == 0 ? in.at(static_cast<std::size_t>(s), c)
                                          : in.at(r, static_cast<std::size_t>(s)));
        sum += w[static_cast<std::size_t>(j)] * x;
      }
      out.v[r * in.shape.cols + c] = sum;
    }
  }
  return out;
}

/// The value stored as T: floats rounded, integers truncated and wrapped.
/// A value within rounding of an integer is that integer: the exact result
/// of a filter on a constant region is the constant, which long double
/// arithmetic misses by an ulp (and truncation would turn into one less).
template <class T>
Real store(Real x) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<Real>(static_cast<T>(x));
  } else {
    const Real nearest = std::round(x);
    if (std::fabs(x - nearest) <= 1e-15L * std::max<Real>(1, std::fabs(x))) x = nearest;
    return static_cast<Real>(
        static_cast<T>(static_cast<std::uint64_t>(static_cast<std::int64_t>(std::trunc(x)))));
  }
}

template <class T>
Image stored(Image im) {
  for (auto& x : im.v) x = store<T>(x);
  return im;
}

std::vector<Real> gaussian_weights(Real sigma, Real truncate, int order) {
  const long r = static_cast<long>(truncate * sigma + 0.5L);
  std::vector<Real> w;
  Real total = 0;
  for (long x = -r; x <= r; ++x) {
    w.push_back(std::exp(-static_cast<Real>(x * x) / (2 * sigma * sigma)));
    total += w.back();
  }
  for (long x = -r; x <= r; ++x) {
    auto& wx = w[static_cast<std::size_t>(x + r)];
    wx /= total;
    if (order == 2)
      wx *= static_cast<Real>(x * x) / (sigma * sigma * sigma * sigma) - 1 / (sigma * sigma);
  }
  return w;
}

struct Gaussian {
  std::array<Real, 2> sigma;
  Real truncate = 4;
  std::array<int, 2> order{0, 0};
};

/// scipy's gaussian_filter: axis 0, stored as Out, axis 1, stored as Out.
template <class Out>
Image oracle_gaussian(Image im, const Gaussian& g, const std::string& mode, Real cval) {
  for (int axis = 0; axis < 2; ++axis) {
    if (g.sigma[static_cast<std::size_t>(axis)] <= 1e-15L) continue;
    im = stored<Out>(correlate(im, axis,
                               gaussian_weights(g.sigma[static_cast<std::size_t>(axis)], g.truncate,
                                                g.order[static_cast<std::size_t>(axis)]),
                               mode, cval));
  }
  return im;
}

/// scipy's gaussian_laplace: the two second-derivative terms added in Out.
template <class Out>
Image oracle_laplace(const Image& im, Real sigma, const std::string& mode, Real cval) {
  Image a = oracle_gaussian<Out>(im, {{sigma, sigma}, 4, {2, 0}}, mode, cval);
  const Image b = oracle_gaussian<Out>(im, {{sigma, sigma}, 4, {0, 2}}, mode, cval);
  for (std::size_t p = 0; p < a.v.size(); ++p) {
    if constexpr (std::is_floating_point_v<Out>) {
      a.v[p] =
          static_cast<Real>(static_cast<Out>(static_cast<Out>(a.v[p]) + static_cast<Out>(b.v[p])));
    } else {
      a.v[p] = store<Out>(
          static_cast<Real>(static_cast<std::int64_t>(a.v[p]) + static_cast<std::int64_t>(b.v[p])));
    }
  }
  return a;
}

template <class Out>
Image oracle_uniform(Image im, std::array<long, 2> size, const std::string& mode, Real cval) {
  for (int axis = 0; axis < 2; ++axis) {
    const long s = size[static_cast<std::size_t>(axis)];
    if (s > 1)
      im = stored<Out>(correlate(
          im, axis, std::vector<Real>(static_cast<std::size_t>(s), 1.0L / static_cast<Real>(s)),
          mode, cval));
  }
  return im;
}

/// Element (rows*cols)/2 of the sorted window, NaNs last; cval as a T first.
template <class T>
std::vector<T> oracle_median(const FrameBuffer& in, std::array<long, 2> size,
                             const std::string& mode, double cval) {
  const auto shape = in.shape();
  const T outside = static_cast<T>(store<T>(static_cast<Real>(cval)));
  std::vector<T> out(shape.pixels()), window;
  for (std::size_t r = 0; r < shape.rows; ++r) {
    for (std::size_t c = 0; c < shape.cols; ++c) {
      window.clear();
      for (long a = 0; a < size[0]; ++a) {
        for (long b = 0; b < size[1]; ++b) {
          const long sr = source_index(static_cast<long>(r) - size[0] / 2 + a,
                                       static_cast<long>(shape.rows), mode);
          const long sc = source_index(static_cast<long>(c) - size[1] / 2 + b,
                                       static_cast<long>(shape.cols), mode);
          window.push_back(sr < 0 || sc < 0 ? outside
                                            : in.as<T>()[static_cast<std::size_t>(sr) * shape.cols +
                                                         static_cast<std::size_t>(sc)]);
        }
      }
      std::sort(window.begin(), window.end(), [](T x, T y) {
        if constexpr (std::is_floating_point_v<T>)
          return x < y || (std::isnan(y) && !std::isnan(x));
        return x < y;
      });
      out[r * shape.cols + c] = window[window.size() / 2];
    }
  }
  return out;
}

/// got against the oracle: floats within `atol`, integers within +-1 modulo
/// 2^bits (a value a hair below an integer truncates one lower).
template <class T>
void expect_near_oracle(const FrameBuffer& got, const Image& want, Real atol,
                        const std::string& what) {
  ASSERT_EQ(got.dtype(), dtype_of_v<T>) << what;
  ASSERT_EQ(got.shape(), want.shape) << what;
  for (std::size_t p = 0; p < want.v.size(); ++p) {
    const T g = got.as<T>()[p];
    if constexpr (std::is_floating_point_v<T>) {
      ASSERT_NEAR(static_cast<double>(g), static_cast<double>(want.v[p]), static_cast<double>(atol))
          << what << " pixel " << p;
    } else {
      const auto diff =
          static_cast<std::uint64_t>(g) -
          static_cast<std::uint64_t>(static_cast<T>(static_cast<std::int64_t>(want.v[p])));
      const auto mask = sizeof(T) == 8 ? ~0ULL : (1ULL << (8 * sizeof(T))) - 1;
      const auto d = diff & mask;
      ASSERT_TRUE(d == 0 || d == 1 || d == mask) << what << " pixel " << p << ": got " << +g
                                                 << ", want " << static_cast<double>(want.v[p]);
    }
  }
}

/// A tolerance for float results: a few ulps of the data's magnitude.
template <class T>
Real tolerance(const FrameBuffer& in, Real scale = 1) {
  Real biggest = 1;
  for (std::size_t p = 0; p < in.shape().pixels(); ++p) {
    biggest = std::max(biggest, std::fabs(static_cast<Real>(in.as<T>()[p])));
  }
  const Real eps = std::is_same_v<T, float> ? 1e-6L : 1e-13L;
  return 8 * eps * biggest * scale;
}

template <class F>
void for_each_dtype(F&& f) {
  for (DType d : kAllDTypes) {
    SCOPED_TRACE(std::string(dtype_name(d)));
    visit_dtype(d, [&](auto tag) { f(tag); });
  }
}

const std::vector<FrameShape> kShapes = {{23, 19}, {1, 9}, {9, 1}, {1, 1}, {3, 2}};

// ---------------------------------------------------------------------------
// Against the oracles

TEST(FilterOps, GaussianFilterMatchesOracle) {
  for_each_dtype([](auto tag) {
    using T = decltype(tag);
    for (FrameShape shape : kShapes) {
      const FrameBuffer in = random_frame<T>(shape, 7);
      for (const auto& mode : kModes) {
        struct Case {
          std::string text;
          Gaussian g;
          double cval;
        };
        const Case cases[] = {
            {"gaussian_filter=1.5", {{1.5, 1.5}}, 0},
            {"gaussian_filter=2,0.6;cval=3.5", {{2, 0.6}}, 3.5},
            {"gaussian_filter=0,1", {{0, 1}}, 0},
            {"gaussian_filter=3;truncate=2", {{3, 3}, 2}, 0},
            {"gaussian_filter=5", {{5, 5}}, 0},  // radius 20: wider than every frame here
        };
        for (const auto& c : cases) {
          const std::string text = c.text + ";mode=" + mode;
          SCOPED_TRACE(text + " on " + to_string(shape));
          const Image want =
              oracle_gaussian<T>(image_of<T>(in), c.g, mode, static_cast<Real>(c.cval));
          expect_near_oracle<T>(run_op(text, in), want, tolerance<T>(in), text);
        }
      }
    }
  });
}

TEST(FilterOps, GaussLaplaceMatchesOracle) {
  for_each_dtype([](auto tag) {
    using T = decltype(tag);
    for (FrameShape shape : kShapes) {
      const FrameBuffer in = random_frame<T>(shape, 11);
      for (const auto& mode : kModes) {
        for (double sigma : {0.7, 1.5, 4.0}) {
          const std::string text =
              "gauss_laplace=" + std::to_string(sigma) + ";mode=" + mode + ";cval=2";
          SCOPED_TRACE(text + " on " + to_string(shape));
          const Real scale = 1 / (static_cast<Real>(sigma) * static_cast<Real>(sigma));
          if constexpr (std::is_floating_point_v<T>) {
            const Image want =
                oracle_laplace<T>(image_of<T>(in), static_cast<Real>(sigma), mode, 2);
            expect_near_oracle<T>(run_op(text, in), want, tolerance<T>(in, scale), text);
          } else {
            // Default: float32. dtype=input: the input dtype, wrapping as hexrd.
            const Image want =
                oracle_laplace<float>(image_of<T>(in), static_cast<Real>(sigma), mode, 2);
            const FrameBuffer got = run_op(text, in);
            Real biggest = 1;
            for (Real x : image_of<T>(in).v) biggest = std::max(biggest, std::fabs(x));
            expect_near_oracle<float>(got, want, 8e-6L * biggest * scale, text);
            const Image wrapped =
                oracle_laplace<T>(image_of<T>(in), static_cast<Real>(sigma), mode, 2);
            expect_near_oracle<T>(run_op(text + ";dtype=input", in), wrapped, 0,
                                  text + ";dtype=input");
          }
        }
      }
    }
  });
}

TEST(FilterOps, UniformFilterMatchesOracle) {
  for_each_dtype([](auto tag) {
    using T = decltype(tag);
    for (FrameShape shape : kShapes) {
      const FrameBuffer in = random_frame<T>(shape, 13);
      for (const auto& mode : kModes) {
        for (std::array<long, 2> size :
             {std::array<long, 2>{3, 3}, {4, 5}, {1, 6}, {2, 1}, {1, 1}, {12, 25}}) {
          const std::string text = "uniform_filter=" + std::to_string(size[0]) + "," +
                                   std::to_string(size[1]) + ";mode=" + mode + ";cval=-1.25";
          SCOPED_TRACE(text + " on " + to_string(shape));
          const Image want = oracle_uniform<T>(image_of<T>(in), size, mode, -1.25L);
          expect_near_oracle<T>(run_op(text, in), want, tolerance<T>(in), text);
        }
      }
    }
  });
}

TEST(FilterOps, MedianFilterMatchesOracleExactly) {
  for_each_dtype([](auto tag) {
    using T = decltype(tag);
    for (FrameShape shape : kShapes) {
      FrameBuffer in = random_frame<T>(shape, 17);
      if constexpr (std::is_integral_v<T>) {
        // Few distinct values: ties everywhere.
        for (std::size_t p = 0; p < shape.pixels(); ++p)
          in.as<T>()[p] = static_cast<T>(in.as<T>()[p] % 5);
      }
      for (const auto& mode : kModes) {
        for (std::array<long, 2> size :
             {std::array<long, 2>{3, 3}, {2, 2}, {1, 2}, {4, 5}, {5, 1}, {1, 1}, {7, 9}, {12, 3}}) {
          const std::string text = "median_filter=" + std::to_string(size[0]) + "," +
                                   std::to_string(size[1]) + ";mode=" + mode + ";cval=3";
          SCOPED_TRACE(text + " on " + to_string(shape));
          const auto want = oracle_median<T>(in, size, mode, 3.0);
          const auto got = pixels_of<T>(run_op(text, in));
          for (std::size_t p = 0; p < want.size(); ++p) {
            if constexpr (std::is_floating_point_v<T>) {
              if (std::isnan(want[p]) && std::isnan(got[p])) continue;
            }
            ASSERT_EQ(got[p], want[p]) << "pixel " << p;
          }
        }
      }
    }
  });
}

TEST(FilterOps, MedianFilterSortsNaNLastAndInt64Exactly) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // 3x3 windows at the centre of a 3x3 frame: 4 NaNs out of 9 -> rank 4 is the largest number.
  const auto f = frame_of<float>({3, 3}, {nan, 1, nan, 2, 5, 3, nan, 4, nan});
  EXPECT_EQ(pixels_of<float>(run_op("median_filter=3", f))[4], 5.0f);
  const auto all_nan = frame_of<float>({1, 3}, {nan, nan, nan});
  EXPECT_TRUE(std::isnan(pixels_of<float>(run_op("median_filter=1,3", all_nan))[1]));
  // Beyond 2^53 scipy rounds through double; ims selects the int64 itself.
  const std::int64_t big = (1LL << 62) + 1;
  const auto i = frame_of<std::int64_t>({1, 3}, {big, big + 2, big + 4});
  EXPECT_EQ(pixels_of<std::int64_t>(run_op("median_filter=1,3", i))[1], big + 2);
}

TEST(FilterOps, EmptyFrames) {
  for (FrameShape shape : {FrameShape{0, 5}, FrameShape{5, 0}}) {
    const FrameBuffer in(shape, DType::uint16);
    for (const char* text :
         {"gaussian_filter=2", "gauss_laplace=1.5", "uniform_filter=5", "median_filter=3"}) {
      EXPECT_EQ(run_op(text, in).shape(), shape) << text;
    }
  }
}

TEST(FilterOps, ConcurrentApplyGivesTheSameFrames) {
  const FrameBuffer in = random_frame<float>({64, 80}, 3);
  for (const char* text :
       {"gaussian_filter=2", "gauss_laplace=1.5", "uniform_filter=5", "median_filter=3"}) {
    SCOPED_TRACE(text);
    const OpSpec spec = parse_op_text(text);
    auto op = make_op(spec, in.info(), {}, "ops[0]");
    FrameBuffer reference(op->output_info(in.info()));
    op->apply(in.view(), reference.view());
    std::vector<FrameBuffer> outs;
    for (int t = 0; t < 4; ++t) outs.emplace_back(op->output_info(in.info()));
    std::vector<std::thread> threads;
    for (auto& out : outs) {
      threads.emplace_back([&op, &in, &out] {
        for (int rep = 0; rep < 5; ++rep) op->apply(in.view(), out.view());
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& out : outs)
      EXPECT_EQ(std::memcmp(out.data(), reference.data(), out.bytes()), 0);
  }
}

// ---------------------------------------------------------------------------
// scipy 1.10.1's outputs (computed once with scipy.ndimage; float results
// that depend on the kernel's exp were checked to be the same with numpy's
// and the C library's exp).

TEST(FilterOps, GaussianFilterMatchesScipyDocExample) {
  std::vector<std::int64_t> a;
  for (int v = 0; v < 50; v += 2) a.push_back(v);
  const auto got =
      pixels_of<std::int64_t>(run_op("gaussian_filter=1", frame_of<std::int64_t>({5, 5}, a)));
  const std::vector<std::int64_t> want = {4,  6,  8,  9,  11, 10, 12, 14, 15, 17, 20, 22, 24,
                                          25, 27, 29, 31, 33, 34, 36, 35, 37, 39, 40, 42};
  EXPECT_EQ(got, want);
}

TEST(FilterOps, GaussianFilterMatchesScipyOnUint8) {
  const auto g =
      frame_of<std::uint8_t>({4, 4}, {0, 255, 17, 3, 99, 100, 101, 250, 7, 7, 7, 7, 1, 2, 3, 4});
  EXPECT_EQ(
      pixels_of<std::uint8_t>(run_op("gaussian_filter=1,0.5;mode=constant;cval=3.5", g)),
      (std::vector<std::uint8_t>{33, 105, 45, 53, 43, 90, 58, 85, 25, 38, 33, 53, 7, 9, 9, 14}));
  EXPECT_EQ(
      pixels_of<std::uint8_t>(run_op("gaussian_filter=1.3;mode=mirror", g)),
      (std::vector<std::uint8_t>{86, 86, 85, 85, 71, 72, 73, 73, 43, 44, 46, 48, 29, 30, 32, 34}));
}

TEST(FilterOps, GaussLaplaceMatchesScipyBitForBit) {
  const auto a =
      frame_of<float>({4, 5}, {1, 5, 2, 8, 3, 7, 0, 4, 6, 9, 2, 2, 8, 1, 0, 5, 3, 7, 9, 4});
  const std::vector<std::uint32_t> want = {
      0x3fdf5d64, 0xbe4f67d5, 0x3fbeb4ff, 0xc03e2c4c, 0x3fc470ca, 0xc036f665, 0x4036a581,
      0x3f1c65ef, 0xbfe59da8, 0xc06e6426, 0x3fa3ec36, 0x402249c7, 0xc015e8f9, 0x402e872e,
      0x40a7737e, 0xbf5df4e8, 0x3fbdcfaf, 0xc05d29a6, 0xc0871a16, 0x3f606a1c};
  const auto got = pixels_of<float>(run_op("gauss_laplace=0.8", a));
  for (std::size_t p = 0; p < want.size(); ++p)
    EXPECT_EQ(std::bit_cast<std::uint32_t>(got[p]), want[p]) << p;

  const auto i16 =
      frame_of<std::int16_t>({3, 4}, {-300, 200, -100, 50, 30000, -30000, 12, -12, 5, 6, 7, 8});
  EXPECT_EQ(pixels_of<std::int16_t>(run_op("gauss_laplace=0.9;dtype=input", i16)),
            (std::vector<std::int16_t>{-2792, 5067, -396, -1802, -15906, 12912, 4817, -1856, -3015,
                                       5166, -407, -1789}));
  const std::vector<std::uint32_t> want32 = {0xc52e7cb3, 0x459e5bbf, 0xc3c57f74, 0xc4e1636d,
                                             0xc6788ccc, 0x4649c910, 0x45968fa0, 0xc4e80970,
                                             0xc53c6d7a, 0x45a16ffe, 0xc3cbeb48, 0xc4dfb394};
  const auto got32 = pixels_of<float>(run_op("gauss_laplace=0.9", i16));
  for (std::size_t p = 0; p < want32.size(); ++p)
    EXPECT_EQ(std::bit_cast<std::uint32_t>(got32[p]), want32[p]) << p;
}

TEST(FilterOps, UniformFilterMatchesScipyBitForBit) {
  // scipy's uniform_filter1d docstring example (integer output truncates).
  const auto line = frame_of<std::int64_t>({1, 8}, {2, 8, 0, 4, 1, 9, 9, 0});
  EXPECT_EQ(pixels_of<std::int64_t>(run_op("uniform_filter=1,3", line)),
            (std::vector<std::int64_t>{4, 3, 4, 1, 4, 6, 6, 3}));
  const auto f =
      frame_of<double>({3, 4}, {0.1, 0.2, 0.3, 0.4, 1.5, -2.5, 3.25, 7.0, 1e3, 2e-3, 5.5, -0.7});
  const std::vector<double> want = {
      0x1.4d55810624dd3p+7, 0x1.4f5e098ead65cp+7, 0x1.e6921735ee4abp-1, 0x1.4f33333333334p+7,
      0x1.1ddddddddddefp+0, 0x1.e6666666666abp-2, 0x1.7111111111111p+0, 0x1.0bbbbbbbbbbc4p+1,
      0x1.4f19c54a69217p+7, 0x1.4fead65b7a328p+7, 0x1.0bc6a7ef9db00p+1, 0x1.52d9999999999p+7};
  EXPECT_EQ(pixels_of<double>(run_op("uniform_filter=2,3;mode=wrap", f)), want);
}

TEST(FilterOps, MedianFilterMatchesScipy) {
  const auto u =
      frame_of<std::uint16_t>({3, 4}, {10, 200, 30, 4000, 5, 60, 700, 8, 900, 1, 20, 300});
  // Even windows: rank size/2 of the sorted window (the upper middle value).
  EXPECT_EQ(pixels_of<std::uint16_t>(run_op("median_filter=2", u)),
            (std::vector<std::uint16_t>{10, 200, 200, 4000, 10, 60, 200, 700, 900, 60, 60, 300}));
  EXPECT_EQ(pixels_of<std::uint16_t>(run_op("median_filter=2,3;mode=constant;cval=7", u)),
            (std::vector<std::uint16_t>{7, 10, 30, 7, 10, 60, 200, 30, 7, 60, 60, 20}));
}

// ---------------------------------------------------------------------------
// hexrd's fixtures: ProcessedImageSeries(src, [('gauss_laplace', 1.5)]).

class FilterOpsHexrd : public test::WithHexrdFixtures<> {
 protected:
  /// Every frame of src through `op_text` equals hexrd's frame, byte for byte.
  void expect_frames_equal(const std::string& src, const std::string& op_text,
                           const std::string& expected) {
    auto source = open_series((fixtures_ / src).string());
    auto want = open_series((fixtures_ / "proc" / expected).string());
    ASSERT_EQ(source->size(), want->size());
    auto op = make_op(parse_op_text(op_text), source->frame_info(), {}, "ops[0].gauss_laplace");
    ASSERT_EQ(op->output_info(source->frame_info()), want->frame_info())
        << "hexrd's shape and dtype";
    FrameBuffer in(source->frame_info()), got(want->frame_info()), expect(want->frame_info());
    for (std::size_t i = 0; i < source->size(); ++i) {
      source->read_frame(i, in.view());
      want->read_frame(i, expect.view());
      op->apply(in.view(), got.view());
      ASSERT_EQ(std::memcmp(got.data(), expect.data(), got.bytes()), 0)
          << expected << " frame " << i;
    }
  }

};

TEST_F(FilterOpsHexrd, GaussLaplaceFloat32) {
  expect_frames_equal("src_f32.npy", "gauss_laplace=1.5", "f32_gauss_laplace_s1p5.npy");
}

TEST_F(FilterOpsHexrd, GaussLaplaceUint16WrapsWithDtypeInput) {
  expect_frames_equal("src_u16.npy", "gauss_laplace=1.5;dtype=input", "u16_gauss_laplace_s1p5.npy");
}

// ---------------------------------------------------------------------------
// Registry, output dtypes, describe(), parameter errors

TEST(FilterOps, RegisteredWithTheirPrimaryParameter) {
  for (const auto& [name, primary] :
       std::vector<std::pair<std::string, std::string>>{{"gauss_laplace", "sigma"},
                                                        {"gaussian_filter", "sigma"},
                                                        {"uniform_filter", "size"},
                                                        {"median_filter", "size"}}) {
    const OpInfo& info = find_op(name);
    ASSERT_FALSE(info.params.empty());
    EXPECT_EQ(info.params.front().name, primary);
    EXPECT_EQ(parse_op_text(name + "=3").key_values, std::vector<std::string>{primary + "=3"});
  }
  EXPECT_EQ(find_op("gauss_laplace").origin, OpOrigin::hexrd);
  EXPECT_EQ(find_op("gaussian_filter").origin, OpOrigin::thunder);
}

TEST(FilterOps, OutputDtypes) {
  auto out = [](const std::string& text, DType in) {
    return make_op(parse_op_text(text), FrameInfo{{8, 8}, in}, {}, "ops[0]")
        ->output_info({{8, 8}, in})
        .dtype;
  };
  EXPECT_EQ(out("gauss_laplace=1", DType::uint16), DType::float32);
  EXPECT_EQ(out("gauss_laplace=1", DType::int64), DType::float32);
  EXPECT_EQ(out("gauss_laplace=1;dtype=input", DType::uint16), DType::uint16);
  EXPECT_EQ(out("gauss_laplace=1", DType::float64), DType::float64);
  EXPECT_EQ(out("gauss_laplace=1", DType::float32), DType::float32);
  for (DType d : kAllDTypes) {
    EXPECT_EQ(out("gaussian_filter=1", d), d);
    EXPECT_EQ(out("uniform_filter=3", d), d);
    EXPECT_EQ(out("median_filter=3", d), d);
  }
}

TEST(FilterOps, Describe) {
  auto describe = [](const std::string& text) {
    return make_op(parse_op_text(text), FrameInfo{{8, 8}, DType::float32}, {}, "ops[0]")
        ->describe();
  };
  EXPECT_EQ(describe("gaussian_filter=2"), "gaussian_filter=2");
  EXPECT_EQ(describe("gaussian_filter=2,0.5;truncate=3;mode=constant;cval=1.5"),
            "gaussian_filter=2,0.5;truncate=3;mode=constant;cval=1.5");
  EXPECT_EQ(describe("gauss_laplace=1.5;dtype=input"), "gauss_laplace=1.5;dtype=input");
  EXPECT_EQ(describe("uniform_filter=3,3;mode=wrap"), "uniform_filter=3;mode=wrap");
  EXPECT_EQ(describe("median_filter=4,2"), "median_filter=4,2");
}

TEST(FilterOps, ParameterErrorsAreUsageErrorsNamingTheOp) {
  const std::vector<std::string> bad = {
      "gaussian_filter",  // sigma is required
      "gaussian_filter=-1",
      "gaussian_filter=abc",
      "gaussian_filter=1,2,3",
      "gaussian_filter=nan",
      "gaussian_filter=1;truncate=-1",
      "gaussian_filter=1e9",  // kernel radius 4e9
      "gaussian_filter=1;mode=bogus",
      "gaussian_filter=1;cval=x",
      "gaussian_filter=1;order=2",
      "gauss_laplace=0",
      "gauss_laplace=1,0",
      "gauss_laplace=1;dtype=float64",
      "uniform_filter=0",
      "uniform_filter=2.5",
      "uniform_filter=3,-1",
      "median_filter=0",
      "median_filter=",
      "median_filter=5000,5000",
  };
  for (const auto& text : bad) {
    SCOPED_TRACE(text);
    const std::string name = text.substr(0, text.find('='));
    try {
      make_op(parse_op_text(text), FrameInfo{{8, 8}, DType::uint16}, {}, "ops[0]." + name);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
      EXPECT_EQ(e.stage(), "ops[0]." + name) << e.what();
      EXPECT_NE(e.message().find("'" + name + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace ims
