#include <cstring>

#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "formats/npy/npy.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

class NpyWriter final : public SeriesWriter {
 public:
  explicit NpyWriter(std::string path) : path_(std::move(path)) {}

  void begin(const SeriesInfo& info) override {
    if (!info.metadata.empty()) {
      spdlog::warn("npy: {} has no place for metadata; not written: {}", path_, join(info.metadata.keys(), ", "));
    }
    output_ = std::make_unique<AtomicOutput>(path_);
    file_ = PosixFile::create(output_->temp_path().string(), "npy", path_);
    std::string header = make_npy_header(info.frame.dtype, {info.frames, info.frame.shape.rows,
                                                            info.frame.shape.cols});
    file_.write_all(header.data(), header.size());
    expected_ = info.frames;
  }

  void write(const FrameBatch& batch, PreparedBatch*) override {
    for (std::size_t k = 0; k < batch.size(); ++k) {
      try {
        file_.write_all(batch.frames[k], batch.info.bytes());
      } catch (Error& e) {
        throw e.with_frame(batch.first + k);
      }
    }
    written_ += batch.size();
  }

  void commit() override {
    if (written_ != expected_) {
      throw Error(ErrorKind::internal, "wrote " + std::to_string(written_) + " of " +
                                           std::to_string(expected_) + " frames");
    }
    file_.close();
    output_->commit();
  }

  std::string describe() const override { return "npy:" + path_; }
  std::vector<std::string> destinations() const override { return {path_}; }

 private:
  std::string path_;
  std::unique_ptr<AtomicOutput> output_;
  PosixFile file_;
  std::size_t expected_ = 0;
  std::size_t written_ = 0;
};

}  // namespace

std::unique_ptr<SeriesWriter> create_npy_writer(const std::string& path) {
  return std::make_unique<NpyWriter>(path);
}

}  // namespace ims
