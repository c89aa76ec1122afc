#pragma once
// Comparisons of reducer images with the naive oracles.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "support/oracle.hpp"

namespace ims::test {

template <class Out>
std::vector<Out> values_of(const FrameBuffer& image) {
  std::vector<Out> v(image.shape().pixels());
  EXPECT_EQ(image.dtype(), dtype_of_v<Out>);
  std::memcpy(v.data(), image.data(), image.bytes());
  return v;
}

template <class A, class B>
void expect_identical(const std::vector<A>& got, const std::vector<B>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t p = 0; p < got.size(); ++p) {
    bool both_nan = got[p] != got[p] && want[p] != want[p];
    if (!both_nan) {
      ASSERT_EQ(got[p], static_cast<A>(want[p])) << what << " at pixel " << p;
    }
  }
}

inline void expect_close(const std::vector<double>& got, const std::vector<long double>& want, double rtol,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t p = 0; p < got.size(); ++p) {
    if (std::isnan(got[p]) && std::isnan(static_cast<double>(want[p]))) continue;
    double w = static_cast<double>(want[p]);
    ASSERT_NEAR(got[p], w, rtol * std::abs(w) + 1e-300) << what << " at pixel " << p;
  }
}

/// Checks one reducer's image against the oracle for frames [0, n).
template <class T>
void check_against_oracle(const std::string& name, const FrameBuffer& image, const Stack<T>& s, std::size_t n) {
  if (name == "max" || name == "min") {
    expect_identical(values_of<T>(image), naive_extreme(s, n, name == "max"), name);
  } else if (name == "sum") {
    expect_identical(values_of<double>(image), naive_sum(s, n), name);
  } else if (name == "mean") {
    auto mean = naive_mean(s, n);
    std::vector<float> want(mean.begin(), mean.end());
    expect_identical(values_of<float>(image), want, name);
  } else if (name == "var" || name == "std") {
    auto var = naive_var(s, n);
    if (name == "std") {
      for (auto& v : var) v = std::sqrt(v);
    }
    expect_close(values_of<double>(image), var, 1e-10, name);
  } else if (name == "count") {
    expect_identical(values_of<std::int64_t>(image), naive_count(s, n), name);
  } else {
    FAIL() << "no oracle for " << name;
  }
}

/// The same image by two paths of the engine: bit-equal, except float sums
/// (mean, var...), which may round differently as frames are grouped
/// differently (four frames per call, or a batch): those within 1e-5
/// relative (a var of 0 over values near 2^32 came out 1e-6 in one grouping).
inline void expect_same_image(const FrameBuffer& got, const FrameBuffer& want, const std::string& what) {
  ASSERT_EQ(got.info(), want.info()) << what;
  if (std::memcmp(got.data(), want.data(), want.bytes()) == 0) return;
  ASSERT_TRUE(is_floating(want.dtype())) << what << ": integer results differ";
  visit_dtype(want.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      for (std::size_t i = 0; i < want.shape().pixels(); ++i) {
        const double a = got.as<T>()[i], b = want.as<T>()[i];
        if (std::isnan(b)) {
          ASSERT_TRUE(std::isnan(a)) << what << " pixel " << i;
        } else {
          ASSERT_NEAR(a, b, 1e-5 * (std::abs(b) + 1)) << what << " pixel " << i;
        }
      }
    }
  });
}

}  // namespace ims::test
