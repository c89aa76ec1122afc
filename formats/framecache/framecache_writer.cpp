// WriteFrameCache: each frame's pixels above the threshold, extracted and
// (for npz) deflated in prepare(), in parallel across batches; write() only
// appends, in frame order, so memory stays that of the batches in flight
// whatever the frame count.

#include "formats/framecache/framecache_writer.hpp"

#include <atomic>
#include <filesystem>

#include "core/logging.hpp"
#include "formats/framecache/fch5_sink.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/framecache/npz_members.hpp"
#include "formats/framecache/npz_sink.hpp"
#include "formats/framecache/yml_sidecars.hpp"
#include "formats/npy/npy_header.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

/// hexrd warns about frames more than 10% non-zero (its message says 95%).
constexpr double kDenseWarning = 0.1;

std::string npy_member(DType dtype, const void* data, std::size_t count) {
  std::string bytes = make_npy_header(dtype, {count});
  bytes.append(static_cast<const char*>(data), count * dtype_size(dtype));
  return bytes;
}

DeflatedMember deflated(std::string name, const std::string& npy) {
  return deflate_member(std::move(name), reinterpret_cast<const std::byte*>(npy.data()), npy.size());
}

struct PreparedFrames final : PreparedBatch {
  std::vector<DeflatedMember> members;  // npz: 3 per frame
  std::vector<SparseFrame> frames;      // fch5: one per frame
  std::size_t dense_frames = 0;
};

class FrameCacheWriter final : public SeriesWriter {
 public:
  FrameCacheWriter(std::string path, const Params& params)
      : path_(std::move(path)),
        threshold_{params.get_double("threshold")},
        style_(parse_cache_style(params.has("style") ? params.get_string("style") : "", path_)),
        cache_file_(cache_file(params)),
        data_path_(data_file()) {}

  void begin(const SeriesInfo& info) override {
    info_ = info;
    try {
      check_cache_shape(info.frame.shape);
    } catch (Error& e) {
      throw e.with_file(path_);
    }
    if (style_ == CacheStyle::fch5) {
      fch5_ = std::make_unique<Fch5Sink>(data_path_, info.frame.dtype);
    } else {
      npz_ = std::make_unique<NpzSink>(data_path_);
    }
  }

  std::unique_ptr<PreparedBatch> prepare(const FrameBatch& batch) const override {
    auto prepared = std::make_unique<PreparedFrames>();
    thread_local SparseFrame sparse;
    const FrameInfo info = batch.info;
    for (std::size_t k = 0; k < batch.size(); ++k) {
      extract_sparse(ConstFrameView(batch.frames[k], info.shape, info.dtype), threshold_, sparse);
      if (static_cast<double>(sparse.count()) > kDenseWarning * static_cast<double>(info.shape.pixels())) {
        ++prepared->dense_frames;
      }
      if (style_ == CacheStyle::fch5) {
        prepared->frames.push_back(sparse);
        continue;
      }
      const std::string i = std::to_string(batch.first + k);
      prepared->members.push_back(
          deflated(i + "_row.npy", npy_member(DType::uint16, sparse.rows.data(), sparse.count())));
      prepared->members.push_back(
          deflated(i + "_col.npy", npy_member(DType::uint16, sparse.cols.data(), sparse.count())));
      prepared->members.push_back(
          deflated(i + "_data.npy", npy_member(info.dtype, sparse.values.data(), sparse.count())));
    }
    return prepared;
  }

  std::size_t prepared_bytes_per_frame(const FrameInfo& frame) const override {
    return frame.bytes();  // deflated sparse members are smaller than the frame (but can approach it)
  }

  void write(const FrameBatch& batch, PreparedBatch* prepared) override {
    auto* frames = dynamic_cast<PreparedFrames*>(prepared);
    if (!frames) throw Error(ErrorKind::internal, "frame-cache: a batch was not prepared");
    try {
      for (const auto& member : frames->members) npz_->add(member);
      for (const auto& frame : frames->frames) fch5_->add(frame);
    } catch (Error& e) {
      throw e.with_frame(batch.first);
    }
    dense_frames_ += frames->dense_frames;
    written_ += batch.size();
  }

  void commit() override {
    if (written_ != info_.frames) {
      throw Error(ErrorKind::internal,
                  "wrote " + std::to_string(written_) + " of " + std::to_string(info_.frames) + " frames");
    }
    if (dense_frames_ > 0) {
      spdlog::warn(
          "frame-cache: {}: {} of {} frames keep more than {:.0f}% of their pixels; a frame-cache saves "
          "space only for sparse frames (raise threshold=)",
          path_, dense_frames_, info_.frames, kDenseWarning * 100);
    }
    if (fch5_) {
      fch5_->commit(info_);
    } else {
      npz_->commit(header_members());
    }
    if (style_ == CacheStyle::yml) write_cache_yaml(path_, cache_file_, data_path_, info_);
  }

  std::string describe() const override { return "frame-cache:" + path_; }
  std::vector<std::string> destinations() const override {
    if (style_ == CacheStyle::yml) return {path_, data_path_};  // and the sidecars, named by the metadata keys
    return {data_path_};
  }

 private:
  /// hexrd's cache_file as given: the data file. Without one, the npz and
  /// fch5 styles write to the path itself, and the YAML style to
  /// "<stem>.npz" beside its YAML (hexrd would write the npz over the YAML).
  std::string cache_file(const Params& params) const {
    if (params.has("cache_file") && !params.get_string("cache_file").empty()) return params.get_string("cache_file");
    if (style_ == CacheStyle::yml) return std::filesystem::path(path_).stem().string() + ".npz";
    return {};
  }

  /// The data file's path: cache_file, relative to the output's directory.
  std::string data_file() const {
    if (cache_file_.empty()) return path_;
    const std::filesystem::path cache = cache_file_;
    if (cache.is_absolute()) return cache.string();
    return (std::filesystem::path(path_).parent_path() / cache).string();
  }

  /// shape, nframes, dtype, then one member per metadata entry (maps are
  /// skipped with a warning, as hexrd skips dicts).
  std::vector<DeflatedMember> header_members() const {
    std::vector<DeflatedMember> members;
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(info_.frame.shape.rows),
                                             static_cast<std::int64_t>(info_.frame.shape.cols)};
    members.push_back(deflated("shape.npy", npy_bytes_of(MetaValue(NdArray::from(shape, {2})))));
    members.push_back(deflated("nframes.npy", npy_bytes_of(MetaValue(static_cast<std::int64_t>(info_.frames)))));
    const std::string dtype(dtype_name(info_.frame.dtype));
    std::string dtype_npy = make_npy_text_header('S', dtype.size(), {}) + dtype;  // hexrd stores bytes
    members.push_back(deflated("dtype.npy", dtype_npy));
    for (std::size_t i = 0; i < info_.metadata.size(); ++i) {
      const std::string& key = info_.metadata.keys()[i];
      const std::string npy = npy_bytes_of(info_.metadata.value(i));
      if (npy.empty()) {
        spdlog::warn("frame-cache: {}: metadata '{}' is a map; an npz has no place for it (hexrd skips it too)", path_,
                     key);
        continue;
      }
      members.push_back(deflated(key + ".npy", npy));
    }
    return members;
  }

  std::string path_;
  Threshold threshold_;
  CacheStyle style_;
  std::string cache_file_;
  std::string data_path_;
  SeriesInfo info_;
  std::unique_ptr<NpzSink> npz_;
  std::unique_ptr<Fch5Sink> fch5_;
  std::size_t written_ = 0;
  std::size_t dense_frames_ = 0;
};

}  // namespace

std::vector<ParamSpec> framecache_write_params() {
  return {{.name = "threshold",
           .type = ParamType::number,
           .doc = "keep the pixels whose value > threshold (equal values are dropped, as in hexrd)",
           .required = true},
          {.name = "style",
           .type = ParamType::choice,
           .doc = "npz, fch5 or yml; default: from the extension (.fch5/.h5: fch5, .yml: yml), else npz",
           .choices = {"npz", "fch5", "yml", "yaml"}},
          {.name = "cache_file",
           .type = ParamType::string,
           .doc = "hexrd's cache_file: the data file, relative to the output's directory (yml: the npz it names)"}};
}

std::unique_ptr<SeriesWriter> create_framecache_writer(const std::string& path, const Params& params) {
  return std::make_unique<FrameCacheWriter>(path, params);
}

}  // namespace ims
