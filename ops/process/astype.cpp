// astype: Thunder's `images.astype(dtype)`, numpy's ndarray.astype: integer ->
// integer wraps around (int32 70000 -> uint16 4464), anything -> float
// rounds to nearest (float64 beyond float32's range -> inf), float -> integer
// truncates toward zero. Where numpy is undefined (float -> integer out of
// range, or NaN: it gives whatever the CPU's conversion gives, e.g. INT_MIN)
// ims saturates at the integer's range and makes NaN 0, as --dtype does
// (core/convert.hpp); this file's kernel is the same conversion,
// written so that GCC vectorises it.

#include <cstring>
#include <limits>
#include <type_traits>

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/pixel_kernels.hpp"

namespace ims {
namespace {

template <class To, class From>
To cast_pixel(From v) {
  if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    constexpr To kLow = std::numeric_limits<To>::lowest(), kMax = std::numeric_limits<To>::max();
    constexpr double lo = static_cast<double>(kLow), hi = static_cast<double>(kMax);
    const double x = static_cast<double>(v);  // exact for float32
    if constexpr (sizeof(To) < 8) {
      // The limits of 8- to 32-bit integers are exact in double: clamp, then
      // truncate (branch-free, so the loop vectorises).
      const double c = x != x ? 0.0 : x > lo ? (x < hi ? x : hi) : lo;
      return static_cast<To>(c);
    } else {
      // double(INT64_MAX) rounds up to 2^63, itself out of range: compare
      // instead of clamping (every double below 2^63 converts exactly).
      return x != x ? To{0} : x <= lo ? kLow : x >= hi ? kMax : static_cast<To>(x);
    }
  } else {
    return static_cast<To>(v);
  }
}

class AsTypeOp final : public PixelwiseOp {
 public:
  explicit AsTypeOp(DType to) : to_(to) {}

  std::string name() const override { return "astype"; }
  std::string describe() const override { return "astype=" + std::string(dtype_name(to_)); }
  FrameInfo output_info(const FrameInfo& input) const override { return {input.shape, to_}; }

  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t) const override {
    if (in[0].dtype() == to_) {
      for (std::size_t k = 0; k < in.size(); ++k) {
        check_output_bytes(in[k], out[k]);
        std::memcpy(out[k].data(), in[k].data(), in[k].bytes());
      }
      return;
    }
    visit_dtype2(in[0].dtype(), to_, [&](auto f, auto t) {
      using From = decltype(f);
      using To = decltype(t);
      map_frames<To, From>("astype", in, out, [](From v) { return cast_pixel<To>(v); });
    });
  }

 private:
  static void check_output_bytes(ConstFrameView in, FrameView out) {
    if (out.info() != in.info())
      throw Error(ErrorKind::internal, "astype: output frame does not match its input");
  }

  DType to_;
};

std::shared_ptr<const FrameOp> make_astype(const OpConfig& config) {
  return std::make_shared<AsTypeOp>(parse_dtype(config.params.get_string("dtype")));
}

}  // namespace

OpInfo astype_op_info() {
  return {
      .name = "astype",
      .origin = OpOrigin::thunder,
      .summary =
          "convert to another dtype as numpy's astype does (integers wrap around, float -> integer "
          "truncates); float -> integer out of range saturates and NaN becomes 0, where numpy is "
          "undefined",
      .params = {{.name = "dtype",
                  .type = ParamType::choice,
                  .doc = "the output dtype",
                  .choices = dtype_names(),
                  .required = true}},
      .make = make_astype};
}

}  // namespace ims
