// subsample: Thunder's images.subsample(factor), img[::f0, ::f1]: every
// f0-th row and f1-th column starting with the first, so the output is
// ceil(rows/f0) x ceil(cols/f1). `factor` is "F" for both axes or "F0,F1"
// (rows, columns), as Thunder takes an int or a tuple; factors are >= 1.

#include <cstdint>
#include <cstring>
#include <string>

#include "ims/error.hpp"
#include "core/strings.hpp"
#include "ops/process/geometry.hpp"

namespace ims {
namespace {

// out[j] = in[j * step]. Step 2 (the usual factor) is a compile-time
// constant so that GCC vectorises it with shuffles; other steps are a
// plain strided loop.
template <class U, std::size_t Step>
[[gnu::noinline]] void gather_row(const U* __restrict in, U* __restrict out, std::size_t n,
                                  std::size_t step) {
  if constexpr (Step != 0) step = Step;
  for (std::size_t j = 0; j < n; ++j) out[j] = in[j * step];
}

template <class U>
void subsample_frame(const U* in, FrameShape in_shape, U* out, FrameShape out_shape,
                     std::size_t row_step, std::size_t col_step) {
  for (std::size_t i = 0; i < out_shape.rows; ++i) {
    const U* from = in + i * row_step * in_shape.cols;
    U* to = out + i * out_shape.cols;
    if (col_step == 1) {
      std::memcpy(to, from, out_shape.cols * sizeof(U));
    } else if (col_step == 2) {
      gather_row<U, 2>(from, to, out_shape.cols, 2);
    } else {
      gather_row<U, 0>(from, to, out_shape.cols, col_step);
    }
  }
}

class SubsampleOp final : public FrameOp {
 public:
  SubsampleOp(std::string text, std::size_t row_step, std::size_t col_step)
      : text_(std::move(text)), row_step_(row_step), col_step_(col_step) {}

  std::string name() const override { return "subsample"; }
  std::string describe() const override { return "subsample=" + text_; }
  bool moves_pixels() const override { return true; }

  FrameInfo output_info(const FrameInfo& input) const override {
    const auto ceil_div = [](std::size_t a, std::size_t b) { return (a + b - 1) / b; };
    return {{ceil_div(input.shape.rows, row_step_), ceil_div(input.shape.cols, col_step_)},
            input.dtype};
  }

  void apply(ConstFrameView in, FrameView out) const override {
    visit_dtype(in.dtype(), [&](auto tag) {
      using U = PixelBits<decltype(tag)>;
      subsample_frame(reinterpret_cast<const U*>(in.data()), in.shape(),
                      reinterpret_cast<U*>(out.data()), out.shape(), row_step_, col_step_);
    });
  }

 private:
  std::string text_;
  std::size_t row_step_, col_step_;
};

std::shared_ptr<const FrameOp> make_subsample(const OpConfig& config) {
  const std::string text = config.params.get_string("factor");
  const auto bad = [&] {
    return Error(ErrorKind::usage,
                 "invalid factor '" + text +
                     "' (expected an integer >= 1 for both axes, or ROWS,COLS, e.g. 2 or 2,3)");
  };
  const auto parts = split(text, ',');
  if (parts.empty() || parts.size() > 2) throw bad();
  std::size_t steps[2] = {};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::int64_t value = 0;
    if (!parse_int(trim(parts[i]), value) || value < 1) throw bad();
    steps[i] = static_cast<std::size_t>(value);
  }
  return std::make_shared<SubsampleOp>(text, steps[0], parts.size() == 2 ? steps[1] : steps[0]);
}

}  // namespace

OpInfo subsample_op_info() {
  return {.name = "subsample",
          .origin = OpOrigin::thunder,
          .summary =
              "keep every f-th row and column from the first (Thunder's images.subsample, "
              "img[::f0, ::f1])",
          .params = {{.name = "factor",
                      .type = ParamType::string,
                      .doc = "F for both axes or ROWS,COLS (integers >= 1), e.g. 2 or 2,3",
                      .required = true}},
          .make = make_subsample};
}

}  // namespace ims
