// mask: keep the pixels where a mask image is nonzero (numpy's truth: NaN
// counts as nonzero), set the others to 0 or NaN. fill=zero keeps the dtype;
// fill=nan needs a float: float frames keep their dtype, integer frames
// become float32 (like add, the type hexrd gives processed integer frames).

#include <limits>
#include <mutex>
#include <type_traits>

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

class MaskOp final : public PixelwiseOp {
 public:
  MaskOp(std::shared_ptr<LazyImage> mask, bool fill_nan, std::string text)
      : mask_(std::move(mask)), fill_nan_(fill_nan), text_(std::move(text)) {}

  std::string name() const override { return "mask"; }
  std::string describe() const override { return text_; }
  void prepare() const override { keep(); }
  std::vector<std::string> input_files() const override { return mask_->files(); }

  FrameInfo output_info(const FrameInfo& input) const override {
    check_image_shape(*mask_, input.shape, "mask");
    return {input.shape, fill_nan_ && !is_floating(input.dtype) ? DType::float32 : input.dtype};
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t row0) const override {
    const ConstFrameView keep = image_rows(this->keep(), row0, in[0].shape().rows);
    visit_dtype(in[0].dtype(), [&](auto tag) {
      using T = decltype(tag);
      using K = std::uint8_t;
      if (fill_nan_) {
        using Out = std::conditional_t<std::is_floating_point_v<T>, T, float>;
        constexpr Out kNaN = std::numeric_limits<Out>::quiet_NaN();
        map_frames<Out, T, K>("mask", in, keep, out,
                             [](T x, K k) { return k ? static_cast<Out>(x) : kNaN; });
      } else {
        map_frames<T, T, K>("mask", in, keep, out, [](T x, K k) { return k ? x : T{0}; });
      }
    });
  }

 private:
  // The mask as 0/1 bytes, made once (any thread; prepare() makes it before
  // streaming): the kernels then depend on the frame's dtype only.
  const FrameBuffer& keep() const {
    std::call_once(once_, [this] {
      const FrameBuffer& mask = mask_->get();
      keep_ = FrameBuffer(mask.shape(), DType::uint8);
      visit_dtype(mask.dtype(), [&](auto tag) {
        using M = decltype(tag);
        map_pixels(mask.as<M>(), keep_.as<std::uint8_t>(), mask.shape().pixels(),
                   [](M m) { return static_cast<std::uint8_t>(m != M{0}); });
      });
    });
    return keep_;
  }

  std::shared_ptr<LazyImage> mask_;
  bool fill_nan_;
  std::string text_;
  mutable std::once_flag once_;
  mutable FrameBuffer keep_;
};

std::shared_ptr<const FrameOp> make_mask(const OpConfig& config) {
  auto mask = frame_sized_image(config, "image", "mask");
  if (!mask) throw Error(ErrorKind::usage, "mask needs a mask image (mask=mask.npy)");
  const bool fill_nan = config.params.get_string("fill") == "nan";
  return std::make_shared<MaskOp>(std::move(mask), fill_nan,
                                  op_text("mask", "image", config.params));
}

}  // namespace

OpInfo mask_op_info() {
  return {
      .name = "mask",
      .origin = OpOrigin::ims,
      .summary =
          "keep pixels where a mask image is nonzero, set the others to 0 (keeps the dtype) or NaN "
          "(integer frames become float32)",
      .params = {{.name = "image",
                  .type = ParamType::string,
                  .doc = "the mask image, of the frames' shape: nonzero = keep (any dtype)",
                  .required = true},
                 {.name = "fill",
                  .type = ParamType::choice,
                  .default_value = "zero",
                  .doc = "what masked pixels become: zero, or nan",
                  .choices = {"zero", "nan"}},
                 frames_param()},
      .make = make_mask};
}

}  // namespace ims
