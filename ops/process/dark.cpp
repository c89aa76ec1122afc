// dark: hexrd's dark subtraction, `ret = img - dark; ret[ret < 0] = 0`, in
// numpy's promoted dtype (u16 - f32 -> f32, u16 - u16 -> u16, u16 - i16 ->
// i32). In hexrd an unsigned - unsigned subtraction wraps around before the
// clamp can see it (a pixel 3 counts below the dark becomes 65533): ims
// clamps at 0 by default and reproduces hexrd with mode=wrap.

#include "ims/error.hpp"
#include "ops/process/pixel_map.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

class DarkOp final : public PixelwiseOp {
 public:
  DarkOp(std::shared_ptr<LazyImage> dark, DarkMode mode, std::string text)
      : dark_(std::move(dark)), mode_(mode), text_(std::move(text)) {}

  std::string name() const override { return "dark"; }
  std::string describe() const override { return text_; }
  void prepare() const override { dark_->get(); }
  std::vector<std::string> input_files() const override { return dark_->files(); }

  FrameInfo output_info(const FrameInfo& input) const override {
    check_image_shape(*dark_, input.shape, "dark");
    return {input.shape, promote_types(input.dtype, dark_->info().dtype)};
  }

  // Folded into the reducers when the difference is in the dark's dtype:
  // uint16 - uint16, or integer frames less a floating-point dark (a median
  // is float32) when numpy's promotion keeps the dark's dtype.
  std::optional<PixelMap> pixel_map(const FrameInfo& input) const override {
    const FrameBuffer& dark = dark_->get();
    const DType output = promote_types(input.dtype, dark.dtype());
    if (output != dark.dtype() || dark.shape() != input.shape || !folds_pixel_map(input.dtype, output)) {
      return std::nullopt;
    }
    const auto kind = mode_ == DarkMode::wrap ? PixelMap::Kind::dark_wrap : PixelMap::Kind::dark_clamp;
    return PixelMap{kind, dark.view(), input.dtype};
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
