#include "ims/series.hpp"

#include <atomic>
#include <mutex>

#include "api/forwarding_series.hpp"
#include "api/memory_series.hpp"
#include "api/op_spec.hpp"
#include "api/run_settings.hpp"
#include "engine/series/series_builder.hpp"
#include "formats/array/array_series.hpp"
#include "formats/registry.hpp"

namespace ims {

namespace {

/// Reads from sources that cannot read concurrently, one at a time.
std::mutex& serial_reads() {
  static std::mutex mutex;
  return mutex;
}

std::string frame_list_text(const std::vector<std::size_t>& list) {
  std::string text;
  for (const auto index : list) {
    if (!text.empty()) text += ',';
    text += std::to_string(index);
  }
  return text;
}

}  // namespace

Series::Series(std::shared_ptr<const ImageSeries> series) : series_(std::move(series)) {}

const ImageSeries& Series::checked() const {
  if (!series_) throw Error(ErrorKind::usage, "the series is empty (default-constructed)");
  return *series_;
}

std::size_t Series::size() const { return checked().size(); }
std::size_t Series::rows() const { return checked().frame_shape().rows; }
std::size_t Series::cols() const { return checked().frame_shape().cols; }
DType Series::dtype() const { return checked().dtype(); }
const Metadata& Series::metadata() const { return checked().metadata(); }
std::string Series::describe() const { return checked().describe(); }
std::vector<std::string> Series::files() const {
  std::vector<std::string> files;
  for (auto& input : series_inputs(checked())) files.push_back(std::move(input.path));
  return files;
}

void Series::read(std::size_t index, void* buffer, std::size_t bytes) const {
  const ImageSeries& series = checked();
  if (bytes != series.frame_bytes()) {
    throw Error(ErrorKind::usage, "a buffer of " + std::to_string(bytes) + " bytes for a frame of " +
                                      std::to_string(series.frame_bytes()))
        .with_source(series.describe());
  }
  check_frame_index(series, index);
  prepare_series(series);  // an op's image (a dark) is loaded on the first read
  FrameView out(static_cast<std::byte*>(buffer), series.frame_shape(), series.dtype());
  if (series.concurrent_reads()) {
    series.read_frame(index, out);
  } else {
    std::lock_guard<std::mutex> lock(serial_reads());
    series.read_frame(index, out);
  }
}

Image Series::frame(std::size_t index) const {
  Image image(rows(), cols(), dtype());
  read(index, image.data(), image.bytes());
  return image;
}

Series open(const std::string& path, const Options& options, const std::string& format) {
  return Series(std::shared_ptr<const ImageSeries>(open_series(path, format, api::key_values(options))));
}

Series open(const std::vector<std::string>& paths, const Options& options, const std::string& format) {
  return Series(std::shared_ptr<const ImageSeries>(open_series(paths, format, api::key_values(options))));
}

Series from_memory(const void* data, const MemoryLayout& layout, std::shared_ptr<const void> owner, Metadata metadata) {
  return Series(std::make_shared<api::StridedMemorySeries>(data, layout, std::move(owner), std::move(metadata)));
}

Series from_callback(CallbackSource source) { return Series(std::make_shared<api::CallbackSeries>(std::move(source))); }

Op::Op(std::string name, Image image, const Options& more) {
  static std::atomic<std::uint64_t> next_key{1};
  image_key_ = "memory#" + std::to_string(next_key++);
  text_ = std::move(name) + "=" + image_key_;
  for (const auto& item : api::key_values(more)) text_ += ";" + item;
  image_ = std::make_shared<const Image>(std::move(image));
}

Series process(const Series& series, const std::vector<Op>& ops, const FrameSelection& frames,
               const Settings& settings) {
  if (!series) throw Error(ErrorKind::usage, "process: the series is empty (default-constructed)");
  if (!frames.slice.empty() && !frames.list.empty()) {
    throw Error(ErrorKind::usage, "give a frame slice or a frame list, not both");
  }
  SeriesRecipe recipe;
  recipe.source = series.engine_series();
  recipe.frames = frames.slice;
  recipe.frame_list = frame_list_text(frames.list);
  api::add_ops(ops, recipe.ops, recipe.images);
  return Series(build_series(recipe, api::run_options(settings)));
}

Series with_metadata(const Series& series, Metadata metadata) {
  if (!series) throw Error(ErrorKind::usage, "with_metadata: the series is empty (default-constructed)");
  return Series(std::make_shared<api::ForwardingSeries>(series.engine_series(), std::move(metadata)));
}

}  // namespace ims
