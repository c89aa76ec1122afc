#include <oneapi/tbb/parallel_for.h>

#include <cstring>

#include "core/output_file.hpp"
#include "formats/hdf5/h5_attributes.hpp"
#include "formats/hdf5/h5_file.hpp"
#include "formats/hdf5/h5_types.hpp"
#include "formats/hdf5/h5_write_options.hpp"
#include "formats/hdf5/hdf5.hpp"

namespace ims {

namespace {

using h5::Handle;

/// hexrd's layout: group `path`, dataset `images` (frames, rows, cols),
/// chunks (1, chunk_rows, cols). Chunks are compressed in parallel and stored
/// with H5Dwrite_chunk (the library only copies bytes).
class Hdf5Writer final : public SeriesWriter {
 public:
  Hdf5Writer(std::string path, const Params& params) : path_(std::move(path)), options_(h5::WriteOptions::from(params)) {}

  void begin(const SeriesInfo& info) override {
    output_ = std::make_unique<AtomicOutput>(path_);
    file_ = h5::create_file(output_->temp_path().string());
    group_ = h5::create_group(file_.get(), options_.group);
    frame_ = info.frame;
    chunk_rows_ = options_.rows_per_chunk(frame_.shape.rows);
    const std::size_t px = dtype_size(frame_.dtype);
    Handle dcpl = options_.creation_plist({1, chunk_rows_, frame_.shape.cols}, px);
    hsize_t dims[3] = {info.frames, frame_.shape.rows, frame_.shape.cols};
    Handle space(H5Screate_simple(3, dims, nullptr));
    dataset_ = Handle(h5::check(H5Dcreate2(group_.get(), options_.dataname.c_str(), h5::native_type(frame_.dtype),
                                           space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                                "cannot create dataset " + options_.dataname, ErrorKind::io));
    h5::write_metadata(group_.get(), info.metadata);
  }

  /// Compresses every chunk of the batch (in parallel; the engine also runs
  /// this for several batches at once) away from the ordered stage.
  std::unique_ptr<PreparedBatch> prepare(const FrameBatch& batch) const override {
    auto chunks = std::make_unique<EncodedChunks>();
    const std::size_t bands = bands_per_frame();
    chunks->bytes.resize(batch.size() * bands);
    tbb::parallel_for(std::size_t{0}, chunks->bytes.size(), [&](std::size_t j) {
      encode_band(batch.frames[j / bands], j % bands, chunks->bytes[j]);
    });
    return chunks;
  }

  std::size_t prepared_bytes_per_frame(const FrameInfo& frame) const override {
    return frame.bytes() + frame.bytes() / 16 + 1024;  // incompressible data grows a little
  }

  /// Stores the prepared chunks: the library only copies bytes.
  void write(const FrameBatch& batch, PreparedBatch* prepared) override {
    h5::init();  // writes run on worker threads; each must silence HDF5's printing
    auto* chunks = dynamic_cast<EncodedChunks*>(prepared);
    if (!chunks) throw Error(ErrorKind::internal, "hdf5 writer got a batch it did not prepare");
    const std::size_t bands = bands_per_frame();
    for (std::size_t j = 0; j < chunks->bytes.size(); ++j) {
      hsize_t offset[3] = {batch.first + j / bands, (j % bands) * chunk_rows_, 0};
      const auto& bytes = chunks->bytes[j];
      try {
        h5::check_status(H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset, bytes.size(), bytes.data()),
                         "cannot write", ErrorKind::io);
      } catch (Error& e) {
        throw e.with_frame(offset[0]);
      }
    }
  }

  void commit() override {
    h5::init();
    dataset_.reset();
    group_.reset();
    h5::check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "cannot flush the file", ErrorKind::io);
    file_.reset();
    output_->commit();
  }

  std::string describe() const override { return "hdf5:" + path_; }
  std::vector<std::string> destinations() const override { return {path_}; }

 private:
  struct EncodedChunks final : PreparedBatch {
    std::vector<std::vector<std::byte>> bytes;  // frame-major, band-minor
  };

  std::size_t bands_per_frame() const { return (frame_.shape.rows + chunk_rows_ - 1) / chunk_rows_; }

  /// Rows [band * chunk_rows, ...) of `frame`, zero-padded to a whole chunk
  /// at the bottom edge as HDF5 stores edge chunks, then encoded.
  void encode_band(const std::byte* frame, std::size_t band, std::vector<std::byte>& out) const {
    const std::size_t row_bytes = frame_.shape.cols * dtype_size(frame_.dtype);
    const std::size_t chunk_bytes = chunk_rows_ * row_bytes;
    const std::size_t first_row = band * chunk_rows_;
    const std::size_t rows = std::min(chunk_rows_, frame_.shape.rows - first_row);
    std::span<const std::byte> chunk(frame + first_row * row_bytes, chunk_bytes);
    thread_local std::vector<std::byte> padded;
    if (rows < chunk_rows_) {
      padded.assign(chunk_bytes, std::byte{0});
      std::memcpy(padded.data(), frame + first_row * row_bytes, rows * row_bytes);
      chunk = padded;
    }
    options_.encode(chunk, dtype_size(frame_.dtype), out);
  }

  std::string path_;
  h5::WriteOptions options_;
  FrameInfo frame_;
  std::size_t chunk_rows_ = 0;
  std::unique_ptr<AtomicOutput> output_;
  Handle file_, group_, dataset_;  // closed before output_ (declared after it)
};

}  // namespace

std::unique_ptr<SeriesWriter> create_hdf5_writer(const std::string& path, const Params& options) {
  return std::make_unique<Hdf5Writer>(path, options);
}

namespace {

void write_images_to(const std::string& path, const std::vector<NamedImage>& images, const Metadata& attributes,
                     const Params& params) {
  h5::WriteOptions options = h5::WriteOptions::from(params);
  AtomicOutput output(path);
  {
    Handle file = h5::create_file(output.temp_path().string());
    // Results sit at the root unless a group is asked for.
    Handle group = h5::create_group(file.get(), params.has("path") ? options.group : "/");
    h5::write_metadata(group.get(), attributes);
    for (const auto& image : images) {
      const ConstFrameView& v = image.image;
      Handle dcpl = options.creation_plist({options.rows_per_chunk(v.shape().rows), v.shape().cols}, dtype_size(v.dtype()));
      hsize_t dims[2] = {v.shape().rows, v.shape().cols};
      Handle space(H5Screate_simple(2, dims, nullptr));
      Handle dataset(h5::check(H5Dcreate2(group.get(), image.name.c_str(), h5::native_type(v.dtype()), space.get(),
                                          H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                               "cannot create dataset " + image.name, ErrorKind::io));
      h5::check_status(H5Dwrite(dataset.get(), h5::native_type(v.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
                       "cannot write dataset " + image.name, ErrorKind::io);
    }
    h5::check_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush the file", ErrorKind::io);
  }
  output.commit();
}

}  // namespace

void write_hdf5_images(const std::string& path, const std::vector<NamedImage>& images, const Metadata& attributes,
                       const Params& params) {
  try {
    write_images_to(path, images, attributes, params);
  } catch (Error& e) {
    throw e.with_file(path);  // not the temporary file HDF5 wrote
  }
}

}  // namespace ims
