// dark: hexrd's dark subtraction, `ret = img - dark; ret[ret < 0] = 0`, in
// numpy's promoted dtype (u16 - f32 -> f32, u16 - u16 -> u16, u16 - i16 ->
// i32). In hexrd an unsigned - unsigned subtraction wraps around before the
// clamp can see it (a pixel 3 counts below the dark becomes 65533): ims
// clamps at 0 by default and reproduces hexrd with mode=wrap.

#include <limits>
#include <type_traits>

#include "engine/core/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

enum class DarkMode { clamp, wrap };

// a - b clamped to [0, max of R], exactly: no wrap-around, no overflow.
template <class R>
R clamped_difference(R a, R b) {
  constexpr R kMax = std::numeric_limits<R>::max();
  if constexpr (std::is_unsigned_v<R>) {
    return a > b ? static_cast<R>(a - b) : R{0};
  } else if constexpr (sizeof(R) < 8) {
    // int16 and int32 differences fit the next wider type.
    using Wide = std::conditional_t<sizeof(R) == 2, std::int32_t, std::int64_t>;
    const Wide d = static_cast<Wide>(a) - static_cast<Wide>(b);
    return d < 0 ? R{0} : d > kMax ? kMax : static_cast<R>(d);
  } else {
    R d{};
    if (__builtin_sub_overflow(a, b, &d)) return b < 0 ? kMax : R{0};
    return d < 0 ? R{0} : d;
  }
}

// numpy's a - b then ret[ret < 0] = 0: integer subtraction modulo 2^bits
// (done in unsigned arithmetic, where C++ defines it).
template <class R>
R wrapped_difference(R a, R b) {
  using U = std::make_unsigned_t<R>;
  const R d = static_cast<R>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  if constexpr (std::is_signed_v<R>) return d < 0 ? R{0} : d;
  return d;  // unsigned: numpy's clamp never fires
}

template <class R, DarkMode kMode>
R subtract_dark(R a, R b) {
  if constexpr (std::is_floating_point_v<R>) {
    // Both modes: numpy's float subtraction; NaN and -0.0 stay (not < 0).
    const R d = a - b;
    return d < 0 ? R{0} : d;
  } else if constexpr (kMode == DarkMode::wrap) {
    return wrapped_difference(a, b);
  } else {
    return clamped_difference(a, b);
  }
}

class DarkOp final : public PixelwiseOp {
 public:
  DarkOp(std::shared_ptr<LazyImage> dark, DarkMode mode, std::string text)
      : dark_(std::move(dark)), mode_(mode), text_(std::move(text)) {}

  std::string name() const override { return "dark"; }
  std::string describe() const override { return text_; }
  void prepare() const override { dark_->get(); }

  FrameInfo output_info(const FrameInfo& input) const override {
    check_image_shape(*dark_, input.shape, "dark");
    return {input.shape, promote_types(input.dtype, dark_->info().dtype)};
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t row0) const override {
    const ConstFrameView dark = image_rows(dark_->get(), row0, in[0].shape().rows);
    visit_dtype2(in[0].dtype(), dark.dtype(), [&](auto a, auto b) {
      using A = decltype(a);
      using B = decltype(b);
      using R = promote_t<A, B>;
      // numpy casts both operands to the result type, then subtracts.
      if (mode_ == DarkMode::wrap) {
        map_frames<R, A, B>("dark", in, dark, out, [](A x, B d) {
          return subtract_dark<R, DarkMode::wrap>(static_cast<R>(x), static_cast<R>(d));
        });
      } else {
        map_frames<R, A, B>("dark", in, dark, out, [](A x, B d) {
          return subtract_dark<R, DarkMode::clamp>(static_cast<R>(x), static_cast<R>(d));
        });
      }
    });
  }

 private:
  std::shared_ptr<LazyImage> dark_;
  DarkMode mode_;
  std::string text_;
};

std::shared_ptr<const FrameOp> make_dark(const OpConfig& config) {
  auto dark = frame_sized_image(config, "image", "dark");
  if (!dark) throw Error(ErrorKind::usage, "dark needs an image (dark=dark.npy or dark=median)");
  const DarkMode mode =
      config.params.get_string("mode") == "wrap" ? DarkMode::wrap : DarkMode::clamp;
  return std::make_shared<DarkOp>(std::move(dark), mode, op_text("dark", "image", config.params));
}

}  // namespace

OpInfo dark_op_info() {
  return {
      .name = "dark",
      .origin = OpOrigin::hexrd,
      .summary =
          "subtract a dark image and clamp at 0 (hexrd's dark); the dtype is numpy's promotion of "
          "frame and dark (uint16 - float32 -> float32, uint16 - uint16 -> uint16)",
      .params =
          {{.name = "image",
            .type = ParamType::string,
            .doc =
                "the dark image: a file (dark.npy, bg.npz:median, dark.h5:/median) or a statistic "
                "of the series (median, mean, percentile:Q), of the frames' shape",
            .required = true},
           {.name = "mode",
            .type = ParamType::choice,
            .default_value = "clamp",
            .doc = "clamp: the exact difference, below 0 -> 0 (and saturated at the top of integer "
                   "dtypes); wrap: integer differences wrap around as numpy's do, so hexrd's clamp "
                   "never "
                   "fires for unsigned - unsigned (uint16 3 - 5 = 65534), as in hexrd",
            .choices = {"clamp", "wrap"}},
           frames_param()},
      .make = make_dark};
}

}  // namespace ims
