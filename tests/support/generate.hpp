#pragma once
// Test data: reproducible random stacks for every pixel type, with the
// extremes of integer types planted in known places.

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <type_traits>

#include "formats/array/array_series.hpp"
#include "support/oracle.hpp"

namespace ims::test {

template <class T>
Stack<T> random_stack(std::size_t frames, FrameShape shape, std::uint64_t seed) {
  Stack<T> s{frames, shape.pixels(), std::vector<T>(frames * shape.pixels())};
  std::mt19937_64 rng(seed);
  for (auto& v : s.values) {
    if constexpr (std::is_floating_point_v<T>) {
      v = static_cast<T>(std::normal_distribution<double>(50.0, 200.0)(rng));
    } else {
      v = static_cast<T>(rng());  // the full range of the type
    }
  }
  if constexpr (std::is_integral_v<T>) {
    if (s.pixels >= 2) {
      for (std::size_t f = 0; f < frames; ++f) {
        s.values[f * s.pixels] = std::numeric_limits<T>::max();
        s.values[f * s.pixels + 1] = std::numeric_limits<T>::lowest();
      }
    }
  }
  return s;
}

template <class T>
std::shared_ptr<ArraySeries> as_series(const Stack<T>& s, FrameShape shape) {
  return ArraySeries::from(s.values, s.frames, shape);
}

/// The same frames, without frame_data(): the engine copies them into its
/// pooled buffers (the path of compressed and remote sources).
class CopiedSeries final : public ImageSeries {
 public:
  explicit CopiedSeries(std::shared_ptr<const ImageSeries> inner) : inner_(std::move(inner)) {}
  std::size_t size() const override { return inner_->size(); }
  FrameShape frame_shape() const override { return inner_->frame_shape(); }
  DType dtype() const override { return inner_->dtype(); }
  const Metadata& metadata() const override { return inner_->metadata(); }
  std::string describe() const override { return "copied"; }
  bool concurrent_reads() const override { return true; }
  void read_frame(std::size_t i, FrameView out) const override { inner_->read_frame(i, out); }

 private:
  std::shared_ptr<const ImageSeries> inner_;
};

}  // namespace ims::test
