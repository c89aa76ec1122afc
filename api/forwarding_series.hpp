#pragma once
// A series that forwards every read to another (shared) engine series, with
// its own metadata when given: what a registered format's opener returns
// (ims::register_format) and ims::with_metadata.

#include <memory>
#include <optional>

#include "core/image_series.hpp"

namespace ims::api {

class ForwardingSeries final : public ImageSeries {
 public:
  explicit ForwardingSeries(std::shared_ptr<const ImageSeries> series, std::optional<Metadata> metadata = {})
      : series_(std::move(series)), metadata_(std::move(metadata)) {}

  std::size_t size() const override { return series_->size(); }
  FrameShape frame_shape() const override { return series_->frame_shape(); }
  DType dtype() const override { return series_->dtype(); }
  const Metadata& metadata() const override { return metadata_ ? *metadata_ : series_->metadata(); }
  std::string describe() const override { return series_->describe(); }
  std::vector<std::string> files() const override { return series_->files(); }
  void read_frame(std::size_t index, FrameView out) const override { series_->read_frame(index, out); }
  void read_region(std::size_t index, Region region, FrameView out) const override {
    series_->read_region(index, region, out);
  }
  bool concurrent_reads() const override { return series_->concurrent_reads(); }
  ReadCost read_cost() const override { return series_->read_cost(); }
  const std::byte* frame_data(std::size_t index) const override { return series_->frame_data(index); }
  void prefetch(std::size_t first, std::size_t count) const override { series_->prefetch(first, count); }
  void release(std::size_t first, std::size_t count) const override { series_->release(first, count); }

 private:
  std::shared_ptr<const ImageSeries> series_;
  std::optional<Metadata> metadata_;
};

}  // namespace ims::api
