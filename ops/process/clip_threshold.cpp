// clip and threshold: per-pixel bounds that keep the frame's dtype.
//
// Bounds are numbers; each becomes a value of the frame's dtype first:
// - float frames round it to the dtype as numpy does with a Python float
//   (float32 frames compare with float32(0.1)), a finite bound beyond the
//   dtype's range saturating to its largest finite value;
// - integer frames take the integers inside the bounds (clip: ceil(min),
//   floor(max); threshold: floor(value)), saturated to the dtype's range, so
//   comparisons are exact (numpy would compare uint16 with 2.5 in float32).
// NaN bounds are refused: they make no sense for these ops.

#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// A number parameter (`absent` when not given); NaN is a usage error.
double number_param(const Params& params, std::string_view name, std::string_view op,
                    double absent) {
  if (!params.has(name)) return absent;
  const double v = params.get_double(name);
  if (std::isnan(v)) {
    throw Error(ErrorKind::usage,
                std::string(op) + " " + std::string(name) + " must be a number, not NaN");
  }
  return v;
}

/// A bound for a float frame: numpy's rounding to T, saturated when finite.
template <class T>
T float_bound(double v) {
  constexpr T kMax = std::numeric_limits<T>::max();
  if (std::isinf(v)) return static_cast<T>(v);
  if (v > static_cast<double>(kMax)) return kMax;
  if (v < -static_cast<double>(kMax)) return -kMax;
  return static_cast<T>(v);
}

/// An integer bound: v rounded down (floor) or up (ceil) to an integer,
/// saturated to T's range. The limits are exact in double but INT64_MAX,
/// which rounds up to 2^63: still the right cut, no double lies between.
template <class T>
T integer_bound(double v, bool up) {
  constexpr T kLow = std::numeric_limits<T>::lowest(), kMax = std::numeric_limits<T>::max();
  if (v <= static_cast<double>(kLow)) return kLow;
  if (v >= static_cast<double>(kMax)) return kMax;
  return static_cast<T>(up ? std::ceil(v) : std::floor(v));
}

// ---------------------------------------------------------------------- clip

struct ClipBounds {
  double min = -kInf, max = kInf;
};

template <class T>
struct TypedBounds {
  T lo, hi;
};

template <class T>
TypedBounds<T> bounds_in(ClipBounds b) {
  if constexpr (std::is_floating_point_v<T>) {
    return {float_bound<T>(b.min), float_bound<T>(b.max)};
  } else {
    return {integer_bound<T>(b.min, true), integer_bound<T>(b.max, false)};
  }
}

// numpy's clip, min(max(x, lo), hi) with its comparisons (`a > b ? a : b`),
// so signed zeros come out as numpy's do, and NaN kept. The bounds are never
// NaN, so testing x last is the same; three plain selects vectorise where
// numpy's `(x > lo) | isnan(x)` form did not.
template <class T>
T clip_value(T x, T lo, T hi) {
  const T m = x > lo ? x : lo;
  const T r = m < hi ? m : hi;
  if constexpr (std::is_floating_point_v<T>) return x != x ? x : r;
  return r;
}

class ClipOp final : public PixelwiseOp {
 public:
  ClipOp(ClipBounds bounds, std::string text) : bounds_(bounds), text_(std::move(text)) {}

  std::string name() const override { return "clip"; }
  std::string describe() const override { return text_; }

  FrameInfo output_info(const FrameInfo& input) const override {
    visit_dtype(input.dtype, [&](auto tag) {
      using T = decltype(tag);
      const auto b = bounds_in<T>(bounds_);
      if (b.lo > b.hi) {
        throw Error(ErrorKind::usage, "no " + std::string(dtype_name(input.dtype)) +
                                          " value lies between min " + number_text(bounds_.min) +
                                          " and max " + number_text(bounds_.max));
      }
    });
    return input;
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t) const override {
    visit_dtype(in[0].dtype(), [&](auto tag) {
      using T = decltype(tag);
      const auto b = bounds_in<T>(bounds_);
      map_frames<T, T>("clip", in, out,
                      [lo = b.lo, hi = b.hi](T x) { return clip_value(x, lo, hi); });
    });
  }

 private:
  ClipBounds bounds_;
  std::string text_;
};

std::shared_ptr<const FrameOp> make_clip(const OpConfig& config) {
  const Params& p = config.params;
  if (!p.has("min") && !p.has("max")) {
    throw Error(ErrorKind::usage, "clip needs min, max or both (clip=0;max=1000)");
  }
  const ClipBounds b{number_param(p, "min", "clip", -kInf), number_param(p, "max", "clip", kInf)};
  if (b.min > b.max) {
    throw Error(ErrorKind::usage,
                "clip min " + number_text(b.min) + " is greater than max " + number_text(b.max));
  }
  return std::make_shared<ClipOp>(b, op_text("clip", "min", p));
}

// ----------------------------------------------------------------- threshold

/// What `x <= value` means for frames of type T: x <= cut, or never.
template <class T>
struct Cut {
  T at;
  bool never;
};

template <class T>
Cut<T> cut_in(double v) {
  if constexpr (std::is_integral_v<T>) {
    if (v < static_cast<double>(std::numeric_limits<T>::lowest())) return {T{0}, true};
    return {integer_bound<T>(v, false), false};
  } else {
    if (with_python_float(dtype_of_v<T>, v) == dtype_of_v<T>) return {static_cast<T>(v), false};
    // numpy compares in float64 a float32 frame with a finite value beyond
    // +-3.4e38: x <= v then means x <= the largest float32 not above v.
    T t = static_cast<T>(v);
    if (static_cast<double>(t) > v) t = std::nextafter(t, -std::numeric_limits<T>::infinity());
    return {t, false};
  }
}

class ThresholdOp final : public PixelwiseOp {
 public:
  ThresholdOp(double value, std::string text) : value_(value), text_(std::move(text)) {}

  std::string name() const override { return "threshold"; }
  std::string describe() const override { return text_; }
  FrameInfo output_info(const FrameInfo& input) const override { return input; }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t) const override {
    visit_dtype(in[0].dtype(), [&](auto tag) {
      using T = decltype(tag);
      const Cut<T> cut = cut_in<T>(value_);
      if (cut.never) {
        map_frames<T, T>("threshold", in, out, [](T x) { return x; });
      } else {
        map_frames<T, T>("threshold", in, out, [t = cut.at](T x) { return x <= t ? T{0} : x; });
      }
    });
  }

 private:
  double value_;
  std::string text_;
};

std::shared_ptr<const FrameOp> make_threshold(const OpConfig& config) {
  const double v = number_param(config.params, "value", "threshold", 0);
  return std::make_shared<ThresholdOp>(v, op_text("threshold", "value", config.params));
}

}  // namespace

OpInfo clip_op_info() {
  return {
      .name = "clip",
      .origin = OpOrigin::thunder,
      .summary =
          "clip values to [min, max] (Thunder's clip, numpy's np.clip), keeping the dtype: bounds "
          "saturate to its range, integer frames use the integers inside the bounds, NaN stays NaN",
      .params = {{.name = "min", .type = ParamType::number, .doc = "values below become min"},
                 {.name = "max", .type = ParamType::number, .doc = "values above become max"}},
      .make = make_clip};
}

OpInfo threshold_op_info() {
  return {.name = "threshold",
          .origin = OpOrigin::ims,
          .summary =
              "zero every value at or below a threshold (img[img <= value] = 0; what hexrd's "
              "frame-cache "
              "writer keeps), keeping the dtype; NaN stays NaN",
          .params = {{.name = "value",
                      .type = ParamType::number,
                      .doc = "values <= it become 0 (integer frames compare exactly)",
                      .required = true}},
          .make = make_threshold};
}

}  // namespace ims
