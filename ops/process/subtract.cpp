// subtract: Thunder's `images.subtract(val)`, a number or an image. Thunder
// maps `x - val` with numpy, so there an unsigned frame minus an unsigned
// image (or an integer value) wraps around (3 - 5 = 65534 in uint16); ims
// keeps negative differences instead: the result is never an integer.
// - value: float frames keep their dtype; integer frames become float32
//   first, exactly like add (subtract=V is add=-V, bit for bit).
// - image: numpy's promotion of the two dtypes, at least float32 (u16 - u16
//   -> f32, u16 - f32 -> f32, u32 - u16 -> f64, anything - f64 -> f64).

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

class SubtractImageOp final : public PixelwiseOp {
 public:
  SubtractImageOp(std::shared_ptr<LazyImage> image, std::string text)
      : image_(std::move(image)), text_(std::move(text)) {}

  std::string name() const override { return "subtract"; }
  std::string describe() const override { return text_; }
  void prepare() const override { image_->get(); }
  std::vector<std::string> input_files() const override { return image_->files(); }

  FrameInfo output_info(const FrameInfo& input) const override {
    check_image_shape(*image_, input.shape, "subtracted");
    return {input.shape, promote_to_float(input.dtype, image_->info().dtype)};
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t row0) const override {
    const ConstFrameView image = image_rows(image_->get(), row0, in[0].shape().rows);
    visit_dtype2(in[0].dtype(), image.dtype(), [&](auto a, auto b) {
      using A = decltype(a);
      using B = decltype(b);
      using R = promote_float_t<A, B>;
      map_frames<R, A, B>("subtract", in, image, out, [](A x, B y) {
        return static_cast<R>(static_cast<R>(x) - static_cast<R>(y));
      });
    });
  }

 private:
  std::shared_ptr<LazyImage> image_;
  std::string text_;
};

std::shared_ptr<const FrameOp> make_subtract(const OpConfig& config) {
  const bool has_value = config.params.has("value"), has_image = config.params.has("image");
  if (has_value == has_image) {
    throw Error(ErrorKind::usage, has_value ? "subtract takes a value or an image, not both"
                                            : "subtract needs a value (subtract=100) or an image "
                                              "(subtract;image=bg.npy)");
  }
  const std::string text = op_text("subtract", "value", config.params);
  if (has_value) return make_offset_op("subtract", text, -config.params.get_double("value"));
  return std::make_shared<SubtractImageOp>(frame_sized_image(config, "image", "subtracted"), text);
}

}  // namespace

OpInfo subtract_op_info() {
  return {
      .name = "subtract",
      .origin = OpOrigin::thunder,
      .summary =
          "subtract a number or an image (Thunder's subtract) without wrapping around: integer "
          "frames give float32 (with an image: numpy's promotion, at least float32)",
      .params =
          {{.name = "value", .type = ParamType::number, .doc = "the number subtracted"},
           {.name = "image",
            .type = ParamType::string,
            .doc = "or the image subtracted: a file (bg.npy, bg.npz:median) or a statistic of the "
                   "series (median, mean), of the frames' shape"},
           frames_param()},
      .make = make_subtract};
}

}  // namespace ims
