// ims::register_format: a program's opener as an engine format. The Series
// it returns is shared (ims::Series is a handle), so the engine gets a
// forwarding series around it; an opener's exceptions become ims::Errors of
// kind callback naming the format and the file.

#include "api/run_settings.hpp"
#include "formats/registry.hpp"
#include "ims/extend.hpp"

namespace ims {

namespace {

/// Every call forwarded to the shared series a registered opener made.
class SharedSeries final : public ImageSeries {
 public:
  explicit SharedSeries(std::shared_ptr<const ImageSeries> series) : series_(std::move(series)) {}

  std::size_t size() const override { return series_->size(); }
  FrameShape frame_shape() const override { return series_->frame_shape(); }
  DType dtype() const override { return series_->dtype(); }
  const Metadata& metadata() const override { return series_->metadata(); }
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
};

}  // namespace

void register_format(FormatDefinition definition) {
  if (!definition.open) throw Error(ErrorKind::usage, "format '" + definition.name + "' has no open function");
  FormatInfo info;
  info.name = definition.name;
  info.summary = definition.summary;
  info.extensions = definition.extensions;
  info.read_params = definition.params;
  info.open = [name = definition.name, open = definition.open](const std::string& path, const Params& params) {
    Series series;
    try {
      series = api::calling_user("format '" + name + "'", [&] { return open(path, params); });
    } catch (Error& e) {
      if (e.file().empty()) e.with_file(path);
      throw;
    }
    if (!series)
      throw Error(ErrorKind::callback, "the open function returned no series").with_stage(name).with_file(path);
    return std::unique_ptr<ImageSeries>(std::make_unique<SharedSeries>(series.engine_series()));
  };
  add_format(std::move(info));
}

}  // namespace ims
