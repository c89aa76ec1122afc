// gauss_laplace (hexrd's ProcessedImageSeries op 'gauss_laplace'):
// scipy.ndimage.gaussian_laplace(frame, sigma), the sum over both axes of
// the gaussian's second derivative along that axis, smoothed along the other:
//   out = gaussian(order=[2,0]) + gaussian(order=[0,2])
// each term computed as scipy does (axis 0, intermediate in the output dtype,
// axis 1) and added in the output dtype.
//
// Output dtype: hexrd keeps the input dtype, so unsigned frames wrap where
// the Laplacian is negative (hexrd's own outputs show it). ims returns
// float32 for integer frames unless dtype=input asks for hexrd's behaviour;
// float frames keep their dtype either way.

#include <type_traits>

#include "ims/error.hpp"
#include "ops/process/filter_kernels.hpp"
#include "ops/process/filter_ops.hpp"

namespace ims {
namespace {

using filters::Boundary;
using filters::SymmetricKernel;

constexpr const char* kName = "gauss_laplace";
constexpr double kSkipSigma = 1e-15;  // scipy's gaussian_filter skips such axes

/// out[c] += add[c] in the output dtype: numpy's `output += tmp` (integers wrap).
template <class T>
[[gnu::noinline]] void add_row(T* __restrict out, const T* __restrict add, std::size_t n) {
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t c = 0; c < n; ++c) out[c] = out[c] + add[c];
  } else {
    using U = std::make_unsigned_t<T>;
    for (std::size_t c = 0; c < n; ++c) {
      out[c] = static_cast<T>(static_cast<U>(static_cast<U>(out[c]) + static_cast<U>(add[c])));
    }
  }
}

class GaussLaplaceOp final : public FrameOp {
 public:
  GaussLaplaceOp(std::array<double, 2> sigma, double truncate, Boundary boundary, bool keep_dtype)
      : sigma_(sigma), truncate_(truncate), boundary_(boundary), keep_dtype_(keep_dtype) {
    for (std::size_t a = 0; a < 2; ++a) {
      if (sigma_[a] <= kSkipSigma) continue;
      smooth_[a] = filters::gaussian_kernel(sigma_[a], 0, truncate_, kName);
      second_[a] = filters::gaussian_kernel(sigma_[a], 2, truncate_, kName);
    }
  }

  std::string name() const override { return kName; }

  FrameInfo output_info(const FrameInfo& input) const override {
    if (keep_dtype_ || is_floating(input.dtype)) return input;
    return {input.shape, DType::float32};
  }

  void apply(ConstFrameView in, FrameView out) const override {
    if (in.pixels() == 0) return;  // nothing to filter (and no line to extend)
    visit_dtype2(in.dtype(), out.dtype(), [&](auto in_tag, auto out_tag) {
      using In = decltype(in_tag);
      using Out = decltype(out_tag);
      if constexpr (std::is_same_v<In, Out> || std::is_same_v<Out, float>) {
        run<In, Out>(in, out);
      } else {
        throw Error(ErrorKind::internal, "gauss_laplace: unexpected output dtype");
      }
    });
  }

  std::string describe() const override {
    std::string text = std::string(kName) + "=" + filters::format_axis_numbers(sigma_);
    if (truncate_ != 4.0) text += ";truncate=" + filters::format_number(truncate_);
    if (keep_dtype_) text += ";dtype=input";
    return text + filters::describe_boundary(boundary_);
  }

 private:
  template <class In, class Out>
  void run(ConstFrameView in, FrameView out) const {
    const std::size_t cols = in.shape().cols;
    const filters::RowSource<In> src(in.as<In>(), in.shape(), boundary_);
    filters::SeparableCorrelation<In, Out> along0(kernel(second_, 0), kernel(smooth_, 1), cols);
    filters::SeparableCorrelation<In, Out> along1(kernel(smooth_, 0), kernel(second_, 1), cols);
    std::vector<Out> term(cols);
    for (std::size_t i = 0; i < in.shape().rows; ++i) {
      Out* row = out.as<Out>() + i * cols;
      along0.row(src, static_cast<std::ptrdiff_t>(i), row);
      along1.row(src, static_cast<std::ptrdiff_t>(i), term.data());
      add_row(row, term.data(), cols);
    }
  }

  static const SymmetricKernel* kernel(const std::array<SymmetricKernel, 2>& k, std::size_t axis) {
    return k[axis].w.empty() ? nullptr : &k[axis];
  }

  std::array<double, 2> sigma_;
  double truncate_;
  Boundary boundary_;
  bool keep_dtype_;
  std::array<SymmetricKernel, 2> smooth_;  // order 0 per axis (empty: axis skipped)
  std::array<SymmetricKernel, 2> second_;  // order 2 per axis
};

std::shared_ptr<const FrameOp> make(const OpConfig& config) {
  const auto sigma = filters::parse_axis_numbers(config.params.get_string("sigma"), "sigma", kName);
  if (!(sigma[0] > 0) || !(sigma[1] > 0)) {
    throw Error(ErrorKind::usage, "sigma of op '" + std::string(kName) + "' must be > 0 (got " +
                                      config.params.get_string("sigma") + ")");
  }
  const double truncate = config.params.get_double("truncate");
  if (!(truncate >= 0) || !std::isfinite(truncate)) {
    throw Error(ErrorKind::usage,
                "truncate of op '" + std::string(kName) + "' must be a finite number >= 0");
  }
  const bool keep = config.params.get_string("dtype") == "input";
  return std::make_shared<GaussLaplaceOp>(sigma, truncate, filters::boundary_from(config.params),
                                          keep);
}

}  // namespace

OpInfo gauss_laplace_op_info() {
  return {
      .name = kName,
      .aliases = {},
      .origin = OpOrigin::hexrd,
      .summary =
          "Laplacian of gaussian, scipy.ndimage.gaussian_laplace (hexrd's gauss_laplace; integer "
          "frames "
          "give float32 unless dtype=input)",
      .params =
          {{.name = "sigma",
            .type = ParamType::string,
            .doc = "standard deviation in pixels: one value, or ROWS,COLS per axis",
            .required = true},
           {.name = "dtype",
            .type = ParamType::choice,
            .default_value = "float32",
            .doc = "output of integer frames: float32, or input (hexrd: the input dtype, negative "
                   "values of unsigned frames wrap); float frames keep their dtype",
            .choices = {"float32", "input"}},
           filters::truncate_param(),
           filters::mode_param(),
           filters::cval_param()},
      .make = make};
}

}  // namespace ims
