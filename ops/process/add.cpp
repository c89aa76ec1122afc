// add: hexrd's `add` with a number: integer frames are cast to float32 first
// (img.astype(np.float32)), then numpy adds the Python float: float32 frames
// compute in float32 with the addend rounded to float32, float64 frames in
// float64. numpy's value-based casting makes one exception, reproduced here:
// a finite addend beyond +-3.4e38 turns a float32 frame into float64.
// subtract=V (subtract.cpp) is the same op with addend -V.

#include <type_traits>

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/numpy_promotion.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

class OffsetOp final : public PixelwiseOp {
 public:
  OffsetOp(std::string name, std::string text, double addend)
      : name_(std::move(name)), text_(std::move(text)), addend_(addend) {}

  std::string name() const override { return name_; }
  std::string describe() const override { return text_; }

  FrameInfo output_info(const FrameInfo& input) const override {
    const DType staged = is_floating(input.dtype) ? input.dtype : DType::float32;
    return {input.shape, with_python_float(staged, addend_)};
  }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t) const override {
    visit_dtype(in[0].dtype(), [&](auto tag) {
      using In = decltype(tag);
      if (out[0].dtype() == DType::float64) {
        add<double, In>(in, out);
      } else {
        add<float, In>(in, out);
      }
    });
  }

 private:
  // R is the output type: the staged type, or float64 for a huge addend.
  template <class R, class In>
  void add(std::span<const ConstFrameView> in, std::span<const FrameView> out) const {
    using Staged = std::conditional_t<std::is_floating_point_v<In>, In, float>;
    const R v = static_cast<R>(addend_);
    map_frames<R, In>(name_.c_str(), in, out,
                     [v](In x) { return static_cast<R>(static_cast<Staged>(x)) + v; });
  }

  std::string name_;
  std::string text_;
  double addend_;
};

std::shared_ptr<const FrameOp> make_add(const OpConfig& config) {
  return make_offset_op("add", op_text("add", "value", config.params),
                        config.params.get_double("value"));
}

}  // namespace

std::shared_ptr<const FrameOp> make_offset_op(std::string name, std::string text, double addend) {
  return std::make_shared<OffsetOp>(std::move(name), std::move(text), addend);
}

OpInfo add_op_info() {
  return {.name = "add",
          .origin = OpOrigin::hexrd,
          .summary =
              "add a number (hexrd's add): integer frames become float32 first, float frames keep "
              "their dtype; computed as numpy does (float32 + 2.5 in float32)",
          .params = {{.name = "value",
                      .type = ParamType::number,
                      .doc = "the number added",
                      .required = true}},
          .make = make_add};
}

}  // namespace ims
