#include "engine/rewrite/pixel_moves.hpp"

#include <algorithm>

#include "engine/run_parts.hpp"
#include "ops/process/op_chain.hpp"

namespace ims {

namespace {

// Where the trailing pixel-moving ops of `ops` begin (ops.size() when none).
std::size_t moved_ops_begin(const OpList& ops) {
  std::size_t begin = ops.size();
  while (begin > 0 && ops[begin - 1]->moves_pixels()) --begin;
  return begin;
}

}  // namespace

ResultOps move_pixel_ops_to_results(Pipeline pipeline, const RunOptions& options) {
  const OpList& ops = pipeline.ops;
  const std::size_t begin = moved_ops_begin(ops);
  const bool specs = std::all_of(pipeline.reducers.begin(), pipeline.reducers.end(),
                                 [](const auto& r) { return !r->spec().empty(); });
  if (!options.move_pixel_ops || begin == ops.size() || pipeline.reducers.empty() || !pipeline.writers.empty() ||
      !specs) {
    return {std::move(pipeline), {}};
  }
  const OpList head(ops.begin(), ops.begin() + static_cast<std::ptrdiff_t>(begin));
  const FrameInfo before = OpChain(head, pipeline.source->frame_info()).output();
  const FrameInfo after = OpChain(ops, pipeline.source->frame_info()).output();
  if (2 * after.shape.pixels() < before.shape.pixels()) return {std::move(pipeline), {}};

  ResultOps split;
  split.after.assign(ops.begin() + static_cast<std::ptrdiff_t>(begin), ops.end());
  split.pipeline.source = pipeline.source;
  split.pipeline.ops = head;
  split.pipeline.reducers = remake_reducers(pipeline.reducers, before);
  return split;
}

std::vector<FrameBuffer> apply_to_results(const OpList& ops, std::vector<FrameBuffer> images) {
  if (ops.empty()) return images;
  std::vector<FrameBuffer> out;
  std::vector<FrameBuffer> scratch;
  for (const FrameBuffer& image : images) {
    const OpChain chain(ops, image.info());
    out.emplace_back(chain.output());
    scratch.clear();
    chain.apply(image.view(), out.back().view(), scratch);
  }
  return out;
}

std::string ops_text(const OpList& ops) {
  std::string text;
  for (const auto& op : ops) {
    if (!text.empty()) text += ", ";
    text += op->describe();
  }
  return text;
}

}  // namespace ims
