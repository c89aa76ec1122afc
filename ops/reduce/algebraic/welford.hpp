#pragma once
// var and std: per-pixel mean and sum of squared deviations (M2), updated a
// batch at a time and merged with Chan et al.'s pairwise formula. Numerically
// stable (never a sum of squares); ddof = 0 like numpy's default.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "ops/process/pixel_map.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

class WelfordState final : public ReducerState {
 public:
  explicit WelfordState(PixelRange r) : mean(r.size(), 0.0), m2(r.size(), 0.0) { range = r; }
  std::vector<double> mean;
  std::vector<double> m2;

  /// Merges (count nb, mean mb, M2 qb) of pixels [offset, offset + m) into
  /// this state, which holds `na` frames so far.
  void merge(std::size_t offset, std::size_t m, double na, double nb, const double* mb,
             const double* qb) {
    double* __restrict mu = mean.data() + offset;
    double* __restrict q = m2.data() + offset;
    if (na == 0) {
      std::copy(mb, mb + m, mu);
      std::copy(qb, qb + m, q);
      return;
    }
    const double n = na + nb;
    const double wb = nb / n;
    const double wab = na * nb / n;
    for (std::size_t i = 0; i < m; ++i) {
      const double delta = mb[i] - mu[i];
      mu[i] += delta * wb;
      q[i] += qb[i] + delta * delta * wab;
    }
  }
};

template <class T, bool kStd>
class Welford final : public Reducer {
 public:
  using Reducer::Reducer;

  std::size_t state_bytes_per_pixel() const override { return 2 * sizeof(double); }
  bool folds_pixel_maps() const override { return true; }

 protected:
  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    return std::make_unique<WelfordState>(range);
  }

  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    with_folded_values<T>(batch.map, [&](auto folded) {
      if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
        update_exact(static_cast<WelfordState&>(state), batch, folded);
      } else {
        update_two_pass(static_cast<WelfordState&>(state), batch, folded);
      }
    });
  }

  // 8- and 16-bit integers: a batch's sum and sum of squares are exact in
  // 64-bit integers, so its mean and M2 = (K*S2 - S1^2) / K come out with a
  // single rounding, in one pass; then the usual Chan merge. Frames are read
  // four at a time in long runs (see SumState).
  template <class Values>
  void update_exact(WelfordState& s, const FrameBatch& batch, Values folded) const {
    using In = typename Values::In;
    constexpr std::size_t kMaxFrames = 16384;  // K * S2 and S1^2 stay below 2^62
    constexpr std::size_t kRun = 16384;        // pixels per run: scratch stays in L2
    const std::size_t n = s.range.size();
    thread_local std::vector<std::int64_t> s1, s2;
    thread_local std::vector<double> mb, qb;
    s1.resize(kRun), s2.resize(kRun), mb.resize(kRun), qb.resize(kRun);
    for (std::size_t f0 = 0; f0 < batch.size(); f0 += kMaxFrames) {
      const std::size_t f1 = std::min(batch.size(), f0 + kMaxFrames);
      const auto frames = static_cast<std::int64_t>(f1 - f0);
      const double inv = 1.0 / static_cast<double>(frames);
      for (std::size_t b0 = 0; b0 < n; b0 += kRun) {
        const std::size_t m = std::min(kRun, n - b0), at = s.range.begin + b0;
        std::fill_n(s1.begin(), m, 0);
        std::fill_n(s2.begin(), m, 0);
        std::size_t k = f0;
        for (; k + 4 <= f1; k += 4) {
          moments4(s1.data(), s2.data(), batch.pixels_as<In>(k, at), batch.pixels_as<In>(k + 1, at),
                   batch.pixels_as<In>(k + 2, at), batch.pixels_as<In>(k + 3, at), m,
                   folded.from(at));
        }
        for (; k < f1; ++k)
          moments4(s1.data(), s2.data(), batch.pixels_as<In>(k, at), nullptr, nullptr, nullptr, m,
                   folded.from(at));
        for (std::size_t i = 0; i < m; ++i) {
          mb[i] = static_cast<double>(s1[i]) * inv;
          qb[i] = static_cast<double>(frames * s2[i] - s1[i] * s1[i]) * inv;
        }
        s.merge(b0, m, static_cast<double>(s.frames + f0), static_cast<double>(frames), mb.data(),
                qb.data());
      }
    }
  }

  // Adds up to four frames (b, c, d may be null) to the exact moments.
  // `value(x, i)` is the value to fold for pixel i (FrameBatch::map).
  template <class Values>
  [[gnu::noinline]] static void moments4(std::int64_t* __restrict s1, std::int64_t* __restrict s2,
                                         InputPixels<Values> __restrict a,
                                         InputPixels<Values> __restrict b,
                                         InputPixels<Values> __restrict c,
                                         InputPixels<Values> __restrict d, std::size_t m,
                                         Values value) {
    if (!b) {
      for (std::size_t i = 0; i < m; ++i) {
        const std::int64_t v = value(a[i], i);
        s1[i] += v;
        s2[i] += v * v;
      }
      return;
    }
    for (std::size_t i = 0; i < m; ++i) {
      const std::int64_t va = value(a[i], i), vb = value(b[i], i), vc = value(c[i], i),
                         vd = value(d[i], i);
      s1[i] += (va + vb) + (vc + vd);
      s2[i] += (va * va + vb * vb) + (vc * vc + vd * vd);
    }
  }

  // Wider integers and floats: the batch mean, then the batch M2 around it
  // (two passes over the batch's runs, the second from cache), merged.
  template <class Values>
  void update_two_pass(WelfordState& s, const FrameBatch& batch, Values folded) const {
    using In = typename Values::In;
    constexpr std::size_t kRun = 8192;  // a batch's run of pixels stays in L2 between passes
    const std::size_t n = s.range.size();
    const std::size_t frames = batch.size();
    const double inv = 1.0 / static_cast<double>(frames);
    thread_local std::vector<double> mb, qb;
    mb.resize(kRun), qb.resize(kRun);
    for (std::size_t b0 = 0; b0 < n; b0 += kRun) {
      const std::size_t m = std::min(kRun, n - b0), at = s.range.begin + b0;
      std::fill_n(mb.begin(), m, 0.0);
      std::fill_n(qb.begin(), m, 0.0);
      for (std::size_t k = 0; k < frames; ++k)
        add_values(mb.data(), batch.pixels_as<In>(k, at), m, folded.from(at));
      for (std::size_t i = 0; i < m; ++i) mb[i] *= inv;
      for (std::size_t k = 0; k < frames; ++k)
        add_squared_deviations(qb.data(), mb.data(), batch.pixels_as<In>(k, at), m,
                               folded.from(at));
      s.merge(b0, m, static_cast<double>(s.frames), static_cast<double>(frames), mb.data(),
              qb.data());
    }
  }

  template <class Values>
  [[gnu::noinline]] static void add_values(double* __restrict sum, InputPixels<Values> __restrict x,
                                           std::size_t m, Values value) {
    for (std::size_t i = 0; i < m; ++i) sum[i] += static_cast<double>(value(x[i], i));
  }
  template <class Values>
  [[gnu::noinline]] static void add_squared_deviations(double* __restrict q,
                                                       const double* __restrict mean,
                                                       InputPixels<Values> __restrict x,
                                                       std::size_t m, Values value) {
    for (std::size_t i = 0; i < m; ++i) {
      const double d = static_cast<double>(value(x[i], i)) - mean[i];
      q[i] += d * d;
    }
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    auto& a = static_cast<WelfordState&>(into);
    const auto& b = static_cast<const WelfordState&>(from);
    a.merge(0, a.mean.size(), static_cast<double>(a.frames), static_cast<double>(b.frames),
            b.mean.data(), b.m2.data());
  }

  void do_finalize(const ReducerState& state, FrameView out) const override {
    const auto& s = static_cast<const WelfordState&>(state);
    const double n = static_cast<double>(s.frames);
    write_pixels(s.m2.data(), s.range, out, [n](double q) {
      const double var = q / n;
      return kStd ? std::sqrt(var) : var;
    });
  }

  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    const auto& s = static_cast<const WelfordState&>(state);
    out.put_array(s.mean.data(), s.mean.size());
    out.put_array(s.m2.data(), s.m2.size());
  }
  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    auto& s = static_cast<WelfordState&>(state);
    in.get_array(s.mean.data(), s.mean.size());
    in.get_array(s.m2.data(), s.m2.size());
  }
};

template <bool kStd>
std::unique_ptr<Reducer> make_welford(const ReducerConfig& config) {
  return visit_dtype(config.input.dtype, [&](auto tag) -> std::unique_ptr<Reducer> {
    using T = decltype(tag);
    return std::make_unique<Welford<T, kStd>>(kStd ? "std" : "var", config.input,
                                              config.output_dtype.value_or(DType::float64));
  });
}

}  // namespace ims
