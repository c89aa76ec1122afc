#include "engine/series/processed_series.hpp"

#include "ims/error.hpp"
#include "core/frame_list_series.hpp"
#include "core/region_series.hpp"

namespace ims {

namespace {

std::shared_ptr<const ImageSeries> with_frames(std::shared_ptr<const ImageSeries> source,
                                               std::optional<std::vector<std::size_t>> frames) {
  if (!source) throw Error(ErrorKind::internal, "processed series over a null series");
  if (!frames) return source;
  return std::make_shared<FrameListSeries>(std::move(source), std::move(*frames));
}

}  // namespace

ProcessedImageSeries::ProcessedImageSeries(std::shared_ptr<const ImageSeries> source, OpList ops,
                                           std::optional<std::vector<std::size_t>> frames)
    : base_(with_frames(std::move(source), std::move(frames))) {
  if (!ops.empty() && ops.front()) {
    // Validate the crop like any op (its errors name ops[0]) before reading by region.
    OpChain first({ops.front()}, base_->frame_info());
    if (auto region = ops.front()->crop_region(base_->frame_shape())) {
      base_ = std::make_shared<RegionSeries>(base_, *region);
      ops.erase(ops.begin());
      chain_ = OpChain(std::move(ops), base_->frame_info());
      return;
    }
  }
  chain_ = OpChain(std::move(ops), base_->frame_info());
}

std::string ProcessedImageSeries::describe() const {
  std::string text = base_->describe();
  for (const auto& op : chain_.ops()) text += " | " + op->describe();
  return text;
}

std::vector<std::string> ProcessedImageSeries::files() const {
  std::vector<std::string> all = base_->files();
  for (const auto& op : chain_.ops()) {
    for (auto& file : op->input_files()) all.push_back(std::move(file));
  }
  return all;
}

void ProcessedImageSeries::read_frame(std::size_t index, FrameView out) const {
  check_frame_index(*this, index);
  if (chain_.empty()) return base_->read_frame(index, out);
  check_frame_view(*this, out, frame_shape());
  Scratch& scratch = scratch_.local();
  const std::byte* in = base_->frame_data(index);
  if (!in) {
    if (scratch.input.info() != base_->frame_info() || !scratch.input.data()) {
      scratch.input = FrameBuffer(base_->frame_info());
    }
    base_->read_frame(index, scratch.input.view());
    in = scratch.input.data();
  }
  chain_.apply(ConstFrameView(in, base_->frame_shape(), base_->dtype()), out, scratch.chain);
}

const std::byte* ProcessedImageSeries::frame_data(std::size_t index) const {
  return chain_.empty() ? base_->frame_data(index) : nullptr;
}

}  // namespace ims
