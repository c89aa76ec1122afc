#include "formats/framecache/fch5_sink.hpp"

#include "formats/hdf5/h5_datasets.hpp"
#include "formats/hdf5/h5_file.hpp"
#include "formats/hdf5/h5_types.hpp"
#include "formats/hdf5/h5_write_options.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

using h5::Handle;

constexpr hsize_t kChunkEntries = 16384;

/// hexrd's compression for the big datasets: hdf5plugin.Blosc(cname="zstd", clevel=5), byte shuffle.
h5::WriteOptions hexrd_blosc() {
  h5::WriteOptions options;
  options.compression = h5::WriteOptions::Compression::blosc;
  options.cname = "zstd";
  options.clevel = 5;
  options.blosc_shuffle = codec::BloscShuffle::byte;
  return options;
}

Handle extendible(hid_t group, const char* name, hid_t type, hsize_t cols, std::size_t element_size) {
  const hsize_t dims[2] = {0, cols}, max[2] = {H5S_UNLIMITED, cols};
  Handle space(h5::check(H5Screate_simple(2, dims, max), "cannot make a dataspace", ErrorKind::io));
  Handle dcpl = hexrd_blosc().creation_plist({kChunkEntries, cols}, element_size);
  return Handle(h5::check(H5Dcreate2(group, name, type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                          std::string("cannot create dataset ") + name, ErrorKind::io));
}

void append_rows(hid_t dataset, hsize_t at, hsize_t count, hsize_t cols, hid_t type, const void* data) {
  const hsize_t extent[2] = {at + count, cols};
  h5::check_status(H5Dset_extent(dataset, extent), "cannot extend a dataset", ErrorKind::io);
  if (count == 0) return;
  Handle space(h5::check(H5Dget_space(dataset), "cannot read a dataset's shape", ErrorKind::io));
  const hsize_t offset[2] = {at, 0}, size[2] = {count, cols};
  h5::check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, offset, nullptr, size, nullptr),
                   "cannot select rows", ErrorKind::io);
  Handle memory(h5::check(H5Screate_simple(2, size, nullptr), "cannot make a dataspace", ErrorKind::io));
  h5::check_status(H5Dwrite(dataset, type, memory.get(), space.get(), H5P_DEFAULT, data), "cannot write entries",
                   ErrorKind::io);
}

/// frame_ids as hexrd writes them: uint64, which ims's pixel types lack.
void write_frame_ids(hid_t group, const std::vector<std::uint64_t>& ids) {
  const hsize_t n = ids.size();
  Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "cannot make a dataspace", ErrorKind::io));
  Handle dataset(
      h5::check(H5Dcreate2(group, "frame_ids", H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                "cannot create dataset frame_ids", ErrorKind::io));
  h5::check_status(H5Dwrite(dataset.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids.data()),
                   "cannot write frame_ids", ErrorKind::io);
}

}  // namespace

struct Fch5Sink::Datasets {
  Handle file, root, data, indices;
};

Fch5Sink::Fch5Sink(std::string path, DType dtype)
    : path_(std::move(path)), dtype_(dtype), output_(path_), h5_(std::make_unique<Datasets>()) {
  try {
    h5_->file = h5::create_file(output_.temp_path().string());
    h5_->root = h5::create_group(h5_->file.get(), "/");
    h5_->data = extendible(h5_->root.get(), "data", h5::native_type(dtype), 1, dtype_size(dtype));
    h5_->indices = extendible(h5_->root.get(), "indices", H5T_NATIVE_UINT16, 2, sizeof(std::uint16_t));
  } catch (Error& e) {
    throw e.with_stage("frame-cache").with_file(path_);
  }
}

Fch5Sink::~Fch5Sink() = default;

void Fch5Sink::add(const SparseFrame& frame) {
  const hsize_t n = frame.count();
  thread_local std::vector<std::uint16_t> pairs;
  pairs.resize(2 * n);
  for (hsize_t k = 0; k < n; ++k) {
    pairs[2 * k] = frame.rows[k];
    pairs[2 * k + 1] = frame.cols[k];
  }
  try {
    append_rows(h5_->indices.get(), entries_, n, 2, H5T_NATIVE_UINT16, pairs.data());
    append_rows(h5_->data.get(), entries_, n, 1, h5::native_type(dtype_), frame.values.data());
  } catch (Error& e) {
    throw e.with_stage("frame-cache").with_file(path_);
  }
  frame_ids_.push_back(entries_);
  entries_ += n;
  frame_ids_.push_back(entries_);
}

void Fch5Sink::commit(const SeriesInfo& info) {
  try {
    const hid_t root = h5_->root.get();
    Handle scalar(H5Screate(H5S_SCALAR));
    Handle attr(
        h5::check(H5Acreate2(root, "HEXRD_FRAMECACHE_VERSION", H5T_STD_I64LE, scalar.get(), H5P_DEFAULT, H5P_DEFAULT),
                  "cannot write the version", ErrorKind::io));
    const std::int64_t version = 1;
    h5::check_status(H5Awrite(attr.get(), H5T_NATIVE_INT64, &version), "cannot write the version", ErrorKind::io);
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(info.frame.shape.rows),
                                             static_cast<std::int64_t>(info.frame.shape.cols)};
    h5::write_array(root, "shape", NdArray::from(shape, {2}));
    h5::write_array(root, "nframes",
                    NdArray::from(std::vector<std::int64_t>{static_cast<std::int64_t>(info.frames)}, {}));
    h5::write_string(root, "dtype", std::string(dtype_name(dtype_)));
    write_frame_ids(root, frame_ids_);
    Handle meta = h5::create_group(h5_->file.get(), "metadata");
    h5::write_dataset_tree(meta.get(), info.metadata);
    meta.reset();
    h5_.reset();  // closes the file before it is renamed into place
  } catch (Error& e) {
    throw e.with_stage("frame-cache").with_file(path_);
  }
  output_.commit();
}

}  // namespace ims
