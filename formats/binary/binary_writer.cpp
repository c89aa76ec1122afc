#include <cstdio>
#include <filesystem>
#include <vector>

#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/output_file.hpp"
#include "formats/binary/binary.hpp"
#include "formats/binary/binary_layout.hpp"
#include "formats/posix_file.hpp"

namespace fs = std::filesystem;

namespace ims {

namespace {

ByteOrder output_byte_order(const Params& p) {
  const std::string order = p.get_string("byteorder");
  if (order == "little") return ByteOrder::little;
  if (order == "big") return ByteOrder::big;
  return kNativeByteOrder;
}

/// Writes frames converted to the output byte order.
class FrameEncoder {
 public:
  explicit FrameEncoder(ByteOrder order) : order_(order) {}
  const std::byte* encode(const std::byte* frame, const FrameInfo& info) {
    if (order_ == kNativeByteOrder) return frame;
    scratch_.assign(frame, frame + info.bytes());
    byteswap_inplace(scratch_.data(), info.shape.pixels(), dtype_size(info.dtype));
    return scratch_.data();
  }

 private:
  ByteOrder order_;
  std::vector<std::byte> scratch_;
};

/// `text` into `path`; errors name `shown_as`, what `path` will become.
void write_text(const fs::path& path, const std::string& text, const fs::path& shown_as) {
  auto file = PosixFile::create(path.string(), "binary", shown_as.string());
  file.write_all(text.data(), text.size());
}

/// X.bin + X.json, each written atomically.
class SingleFileWriter final : public SeriesWriter {
 public:
  SingleFileWriter(std::string path, const Params& p)
      : path_(std::move(path)), order_(output_byte_order(p)), encoder_(order_) {}

  void begin(const SeriesInfo& info) override {
    layout_ = {info.frame.shape, info.frame.dtype, order_, false, info.metadata};
    frames_ = info.frames;
    data_ = std::make_unique<AtomicOutput>(path_);
    sidecar_ = std::make_unique<AtomicOutput>(fs::path(path_).replace_extension(".json"));
    file_ = PosixFile::create(data_->temp_path().string(), "binary", path_);
  }
  void write(const FrameBatch& batch, PreparedBatch*) override {
    for (std::size_t k = 0; k < batch.size(); ++k) {
      try {
        file_.write_all(encoder_.encode(batch.frames[k], batch.info), batch.info.bytes());
      } catch (Error& e) {
        throw e.with_frame(batch.first + k);
      }
    }
  }
  void commit() override {
    file_.close();
    write_text(sidecar_->temp_path(), sidecar_json(layout_, frames_), sidecar_->destination());
    data_->commit();
    sidecar_->commit();
  }
  std::string describe() const override { return "binary:" + path_; }
  std::vector<std::string> destinations() const override {
    return {path_, fs::path(path_).replace_extension(".json").string()};
  }

 private:
  std::string path_;
  ByteOrder order_;
  FrameEncoder encoder_;
  BinaryLayout layout_;
  std::size_t frames_ = 0;
  std::unique_ptr<AtomicOutput> data_, sidecar_;
  PosixFile file_;
};

/// Thunder's tobinary layout: DIR/<prefix>-00000.bin ..., conf.json, SUCCESS,
/// built in a temporary directory beside DIR and renamed into place.
class DirectoryWriter final : public SeriesWriter {
 public:
  DirectoryWriter(std::string path, const Params& p)
      : path_(std::move(path)), prefix_(p.get_string("prefix")), order_(output_byte_order(p)), encoder_(order_) {}

  void begin(const SeriesInfo& info) override {
    dir_ = std::make_unique<AtomicDirectory>(path_);
    layout_ = {info.frame.shape, info.frame.dtype, order_, false, info.metadata};
    frames_ = info.frames;
  }
  void write(const FrameBatch& batch, PreparedBatch*) override {
    for (std::size_t k = 0; k < batch.size(); ++k) {
      char file_name[64];
      std::snprintf(file_name, sizeof file_name, "-%05zu.bin", batch.first + k);
      const std::string name = prefix_ + file_name;
      try {
        auto file = PosixFile::create((dir_->temp_path() / name).string(), "binary", (fs::path(path_) / name).string());
        file.write_all(encoder_.encode(batch.frames[k], batch.info), batch.info.bytes());
      } catch (Error& e) {
        throw e.with_frame(batch.first + k);
      }
    }
  }
  void commit() override {
    write_text(dir_->temp_path() / "conf.json", sidecar_json(layout_, frames_), fs::path(path_) / "conf.json");
    write_text(dir_->temp_path() / "SUCCESS", "", fs::path(path_) / "SUCCESS");
    dir_->commit();
  }
  std::string describe() const override { return "binary:" + path_ + "/"; }
  std::vector<std::string> destinations() const override { return {path_}; }

 private:
  std::string path_;
  std::string prefix_;
  ByteOrder order_;
  FrameEncoder encoder_;
  BinaryLayout layout_;
  std::size_t frames_ = 0;
  std::unique_ptr<AtomicDirectory> dir_;
};

}  // namespace

std::unique_ptr<SeriesWriter> create_binary_writer(const std::string& path, const Params& options) {
  if (fs::path(path).extension() == ".bin") return std::make_unique<SingleFileWriter>(path, options);
  // The frames' names inside the output directory: a path would write them
  // elsewhere, over anything (the source's own frames, say).
  const std::string prefix = options.get_string("prefix");
  if (prefix.find('/') != std::string::npos || prefix == "." || prefix == "..") {
    throw Error(ErrorKind::usage,
                "option 'prefix' is a file name inside the output directory, not a path (got '" + prefix + "')")
        .with_stage("binary")
        .with_file(path);
  }
  return std::make_unique<DirectoryWriter>(path, options);
}

}  // namespace ims
