#include "api/op_spec.hpp"

#include <cstring>

namespace ims::api {

std::vector<std::string> key_values(const Options& options) {
  std::vector<std::string> items;
  for (const auto& [key, value] : options) items.push_back(key + "=" + value);
  return items;
}

OpSpec op_spec(const Op& op) {
  if (op.name().empty()) return parse_op_text(op.text());
  return {op.name(), key_values(op.params())};
}

namespace {

FrameBuffer to_frame_buffer(const Image& image) {
  FrameBuffer buffer({image.rows(), image.cols()}, image.dtype());
  if (image.bytes() > 0) std::memcpy(buffer.data(), image.data(), image.bytes());
  return buffer;
}

}  // namespace

void add_ops(const std::vector<Op>& ops, std::vector<OpSpec>& specs,
             std::vector<std::pair<std::string, std::shared_ptr<LazyImage>>>& images) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    try {
      specs.push_back(op_spec(ops[i]));
    } catch (Error& e) {
      e.with_stage("ops[" + std::to_string(i) + "]");
      throw;
    }
    if (const auto& image = ops[i].image()) {
      images.emplace_back(ops[i].image_key(), LazyImage::of("an image in memory", to_frame_buffer(*image)));
    }
  }
}

}  // namespace ims::api
