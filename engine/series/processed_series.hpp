#pragma once
// ProcessedImageSeries: a series seen through an op chain and an optional
// frame list (hexrd's ProcessedImageSeries, lazy and nestable). Shape and
// dtype come from the ops' output_info at construction, never from
// processing a frame. A first op that only crops (rectangle) becomes a
// region read of the source, at any nesting depth (hexrd fails there).
//
// The engine streams a ProcessedImageSeries by unwrapping it (flatten(), engine/rewrite/flatten.hpp):
// its ops then run in the graph's parallel op stage.

#include <memory>
#include <optional>
#include <vector>

#include <oneapi/tbb/enumerable_thread_specific.h>

#include "core/image_series.hpp"
#include "engine/pipeline.hpp"
#include "ops/process/op_chain.hpp"

namespace ims {

class ProcessedImageSeries final : public ImageSeries {
 public:
  /// `frames` lists the source frames to use (subset, reorder, repeat),
  /// before the ops. Errors: an op that cannot take its frames (usage,
  /// "ops[i].name"), a frame index out of range.
  ProcessedImageSeries(std::shared_ptr<const ImageSeries> source, OpList ops,
                       std::optional<std::vector<std::size_t>> frames = std::nullopt);

  std::size_t size() const override { return base_->size(); }
  FrameShape frame_shape() const override { return chain_.output().shape; }
  DType dtype() const override { return chain_.output().dtype; }
  const Metadata& metadata() const override { return base_->metadata(); }
  /// The base's, then each op: "npy:/a.npy[frames 0,2] | dark=d.npy | flip=r90".
  std::string describe() const override;
  /// The base's files, then those of the ops' images.
  std::vector<std::string> files() const override;
  bool concurrent_reads() const override { return base_->concurrent_reads(); }
  ReadCost read_cost() const override { return base_->read_cost(); }

  void read_frame(std::size_t index, FrameView out) const override;
  /// Frames in place only when no op changes them.
  const std::byte* frame_data(std::size_t index) const override;
  void prefetch(std::size_t first, std::size_t count) const override { base_->prefetch(first, count); }
  void release(std::size_t first, std::size_t count) const override { base_->release(first, count); }

  /// What the ops read: the source with its frame list and first crop applied.
  const std::shared_ptr<const ImageSeries>& base() const { return base_; }
  /// The ops after the first crop.
  const OpChain& chain() const { return chain_; }

 private:
  struct Scratch {
    FrameBuffer input;
    std::vector<FrameBuffer> chain;
  };

  std::shared_ptr<const ImageSeries> base_;
  OpChain chain_;
  mutable tbb::enumerable_thread_specific<Scratch> scratch_;
};

}  // namespace ims
