#pragma once
// Op chains for tests: random frames, images by name for the ops that take
// one, and ops made from their `--op` texts as the CLI makes them.

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ops/process/op_chain.hpp"
#include "ops/process/op_registry.hpp"
#include "support/generate.hpp"

namespace ims::test {

template <class T>
FrameBuffer random_frame(FrameShape shape, std::uint64_t seed) {
  auto s = random_stack<T>(1, shape, seed);
  FrameBuffer f(shape, dtype_of_v<T>);
  std::memcpy(f.data(), s.values.data(), f.bytes());
  return f;
}

/// Images by name, for the ops that take one ("dark=dark").
struct Images {
  std::map<std::string, std::shared_ptr<FrameBuffer>> by_name;
  ImageResolver resolver() const {
    return [this](const std::string& text, FrameInfo, const Params&) {
      const FrameBuffer& image = *by_name.at(text);
      FrameBuffer copy(image.info());
      std::memcpy(copy.data(), image.data(), image.bytes());
      return LazyImage::of(text, std::move(copy));
    };
  }
};

/// The ops of `texts` ("flip=h") for frames of `input`, prepared.
inline OpList make_ops(const std::vector<std::string>& texts, FrameInfo input, const Images& images) {
  OpList ops;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto op = make_op(parse_op_text(texts[i]), input, images.resolver(), "ops[" + std::to_string(i) + "]");
    op->prepare();
    input = op->output_info(input);
    ops.push_back(op);
  }
  return ops;
}

}  // namespace ims::test
