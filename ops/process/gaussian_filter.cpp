// gaussian_filter (Thunder's images.gaussian_filter): scipy.ndimage.
// gaussian_filter(frame, sigma, mode=..., cval=..., truncate=...) on every
// frame. Output dtype = input dtype, as scipy (integers truncate, see
// filters::filter_cast).

#include "ims/error.hpp"
#include "ops/process/filter_kernels.hpp"
#include "ops/process/filter_ops.hpp"

namespace ims {
namespace {

using filters::Boundary;
using filters::SymmetricKernel;

constexpr const char* kName = "gaussian_filter";

// scipy skips the axes whose sigma is at most this (the filter is then the
// identity along them).
constexpr double kSkipSigma = 1e-15;

class GaussianFilterOp final : public FrameOp {
 public:
  GaussianFilterOp(std::array<double, 2> sigma, double truncate, Boundary boundary)
      : sigma_(sigma), truncate_(truncate), boundary_(boundary) {
    for (std::size_t a = 0; a < 2; ++a) {
      if (sigma_[a] > kSkipSigma) {
        kernels_[a] = filters::gaussian_kernel(sigma_[a], 0, truncate_, kName);
      }
    }
  }

  std::string name() const override { return kName; }
  FrameInfo output_info(const FrameInfo& input) const override { return input; }

  void apply(ConstFrameView in, FrameView out) const override {
    if (in.pixels() == 0) return;  // nothing to filter (and no line to extend)
    visit_dtype(in.dtype(), [&](auto tag) {
      using T = decltype(tag);
      const std::size_t cols = in.shape().cols;
      const filters::RowSource<T> src(in.as<T>(), in.shape(), boundary_);
      filters::SeparableCorrelation<T, T> pass(kernel(0), kernel(1), cols);
      for (std::size_t i = 0; i < in.shape().rows; ++i) {
        pass.row(src, static_cast<std::ptrdiff_t>(i), out.as<T>() + i * cols);
      }
    });
  }

  std::string describe() const override {
    std::string text = std::string(kName) + "=" + filters::format_axis_numbers(sigma_);
    if (truncate_ != 4.0) text += ";truncate=" + filters::format_number(truncate_);
    return text + filters::describe_boundary(boundary_);
  }

 private:
  const SymmetricKernel* kernel(std::size_t axis) const {
    return kernels_[axis].w.empty() ? nullptr : &kernels_[axis];
  }

  std::array<double, 2> sigma_;
  double truncate_;
  Boundary boundary_;
  std::array<SymmetricKernel, 2> kernels_;  // empty: axis skipped
};

std::shared_ptr<const FrameOp> make(const OpConfig& config) {
  const auto sigma = filters::parse_axis_numbers(config.params.get_string("sigma"), "sigma", kName);
  if (sigma[0] < 0 || sigma[1] < 0) {
    throw Error(ErrorKind::usage, "sigma of op '" + std::string(kName) + "' must be >= 0 (got " +
                                      config.params.get_string("sigma") + ")");
  }
  const double truncate = config.params.get_double("truncate");
  if (!(truncate >= 0) || !std::isfinite(truncate)) {
    throw Error(ErrorKind::usage,
                "truncate of op '" + std::string(kName) + "' must be a finite number >= 0");
  }
  return std::make_shared<GaussianFilterOp>(sigma, truncate, filters::boundary_from(config.params));
}

}  // namespace

OpInfo gaussian_filter_op_info() {
  return {
      .name = kName,
      .aliases = {},
      .origin = OpOrigin::thunder,
      .summary =
          "gaussian blur, scipy.ndimage.gaussian_filter (separable; output dtype = input dtype)",
      .params = {{.name = "sigma",
                  .type = ParamType::string,
                  .doc =
                      "standard deviation in pixels: one value, or ROWS,COLS per axis (0 = no blur "
                      "along that axis)",
                  .required = true},
                 filters::truncate_param(),
                 filters::mode_param(),
                 filters::cval_param()},
      .make = make};
}

}  // namespace ims
