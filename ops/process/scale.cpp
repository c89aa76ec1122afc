// scale: multiply by a gain (flat-field) image, out = img * gain, in numpy's
// promotion of the two dtypes but at least float32 (u16 * f32 -> f32, u16 *
// u16 -> f32 rather than numpy's wrapping uint16, u32 * f32 -> f64).

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

class ScaleOp final : public PixelwiseOp {
 public:
  ScaleOp(std::shared_ptr<LazyImage> gain, std::string text)
      : gain_(std::move(gain)), text_(std::move(text)) {}

  std::string name() const override { return "scale"; }
  std::string describe() const override { return text_; }
  void prepare() const override { gain_->get(); }
  std::vector<std::string> input_files() const override { return gain_->files(); }

  FrameInfo output_info(const FrameInfo& input) const override {
    check_image_shape(*gain_, input.shape, "gain");
    return {input.shape, promote_to_float(input.dtype, gain_->info().dtype)};
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t row0) const override {
    const ConstFrameView gain = image_rows(gain_->get(), row0, in[0].shape().rows);
    visit_dtype2(in[0].dtype(), gain.dtype(), [&](auto a, auto b) {
      using A = decltype(a);
      using B = decltype(b);
      using R = promote_float_t<A, B>;
      map_frames<R, A, B>("scale", in, gain, out, [](A x, B g) {
        return static_cast<R>(static_cast<R>(x) * static_cast<R>(g));
      });
    });
  }

 private:
  std::shared_ptr<LazyImage> gain_;
  std::string text_;
};

std::shared_ptr<const FrameOp> make_scale(const OpConfig& config) {
  auto gain = frame_sized_image(config, "image", "gain");
  if (!gain) throw Error(ErrorKind::usage, "scale needs a gain image (scale=gain.npy)");
  return std::make_shared<ScaleOp>(std::move(gain), op_text("scale", "image", config.params));
}

}  // namespace

OpInfo scale_op_info() {
  return {
      .name = "scale",
      .origin = OpOrigin::ims,
      .summary =
          "multiply by a gain (flat-field) image; the dtype is numpy's promotion of frame and "
          "gain, "
          "at least float32",
      .params =
          {{.name = "image",
            .type = ParamType::string,
            .doc = "the gain image: a file (gain.npy, flat.npz:gain) or a statistic of the series, "
                   "of the frames' shape",
            .required = true},
           frames_param()},
      .make = make_scale};
}

}  // namespace ims
