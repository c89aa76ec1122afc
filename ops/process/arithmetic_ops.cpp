// The arithmetic ops' registry entries (see builtin.hpp), and the helpers
// their files share (arithmetic.hpp).

#include "ims/error.hpp"
#include "ops/process/arithmetic.hpp"
#include "ops/process/builtin.hpp"

namespace ims {

void add_arithmetic_ops(std::vector<OpInfo>& into) {
  into.push_back(dark_op_info());
  into.push_back(add_op_info());
  into.push_back(subtract_op_info());
  into.push_back(clip_op_info());
  into.push_back(threshold_op_info());
  into.push_back(astype_op_info());
  into.push_back(scale_op_info());
  into.push_back(mask_op_info());
}

std::string op_text(std::string_view name, std::string_view primary, const Params& params) {
  std::string head(name), rest;
  for (const std::string& kv : params.given()) {
    const auto eq = kv.find('=');
    if (kv.compare(0, eq, primary) == 0 && eq == primary.size()) {
      head += kv.substr(eq);
    } else {
      rest += ";" + kv;
    }
  }
  return head + rest;
}

ParamSpec frames_param() {
  return {.name = "frames",
          .type = ParamType::string,
          .doc =
              "when the image is a statistic of the series (median, mean, ...): the frames it is "
              "computed over, a slice like 0:100 (default: all)"};
}

void check_image_shape(const LazyImage& image, FrameShape frames, std::string_view role) {
  if (image.info().shape != frames) {
    throw Error(ErrorKind::usage, "the " + std::string(role) + " image " + image.what() + " is " +
                                      to_string(image.info().shape) + " but the frames are " +
                                      to_string(frames) +
                                      " (rows x cols); they must have the same shape");
  }
}

std::shared_ptr<LazyImage> frame_sized_image(const OpConfig& config, std::string_view param,
                                             std::string_view role) {
  auto image = config.image(param);
  if (image) check_image_shape(*image, config.input.shape, role);
  return image;
}

}  // namespace ims
