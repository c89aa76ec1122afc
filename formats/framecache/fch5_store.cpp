// The fch5 style (§2.7): all frames' values in `data` (M, 1) and their
// (row, col) in `indices` (M, 2); frame i is rows [frame_ids[2i],
// frame_ids[2i+1]) of both, in any order (hexrd's writer threads append in
// completion order). The store keeps frame_ids; a read selects the frame's
// rows of the two datasets (HDF5 decodes only the chunks they touch).

#include <filesystem>

#include "core/logging.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/hdf5/h5_datasets.hpp"
#include "formats/hdf5/h5_types.hpp"
#include "formats/posix_file.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

using h5::Handle;

Error fch5_error(ErrorKind kind, const std::string& file, const std::string& message) {
  return Error(kind, message).with_stage("frame-cache").with_file(file);
}

struct Fch5File {
  std::string path;
  Handle file, group, data, indices;
  std::vector<std::uint64_t> frame_ids;
  std::uint64_t entries = 0;  // M
};

Handle open_file(const std::string& path) {
  h5::init();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw fch5_error(ErrorKind::not_found, path, "no such file");
  check_not_special(path, "frame-cache");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw fch5_error(ErrorKind::format, path, "not an HDF5 file (no HDF5 signature)");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw fch5_error(ErrorKind::format, path, "cannot open (" + h5::take_error_stack() + ")");
  return Handle(id);
}

std::int64_t version_of(hid_t group, const std::string& path) {
  if (H5Aexists(group, "HEXRD_FRAMECACHE_VERSION") <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw fch5_error(ErrorKind::format, path, "not an fch5 frame-cache: no HEXRD_FRAMECACHE_VERSION attribute");
  }
  Handle attr(h5::check(H5Aopen(group, "HEXRD_FRAMECACHE_VERSION", H5P_DEFAULT), "cannot open the version"));
  std::int64_t version = 0;
  h5::check_status(H5Aread(attr.get(), H5T_NATIVE_INT64, &version), "cannot read the version");
  return version;
}

/// Rows [start, start + count) of the 2-D dataset `dataset` (all its columns) into `out`.
void read_rows(hid_t dataset, hsize_t start, hsize_t count, hsize_t cols, hid_t memory_type, void* out) {
  if (count == 0) return;
  Handle space(h5::check(H5Dget_space(dataset), "cannot read a dataset's shape"));
  const hsize_t offset[2] = {start, 0}, size[2] = {count, cols};
  h5::check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, offset, nullptr, size, nullptr),
                   "cannot select a frame's entries");
  Handle memory(h5::check(H5Screate_simple(2, size, nullptr), "cannot make a dataspace"));
  h5::check_status(H5Dread(dataset, memory_type, memory.get(), space.get(), H5P_DEFAULT, out),
                   "cannot read a frame's entries");
}

void read_header(Fch5File& f, SparseStore& store) {
  const hid_t g = f.group.get();
  const std::int64_t version = version_of(g, f.path);
  if (version != 1) {
    throw fch5_error(ErrorKind::unsupported, f.path,
                     "fch5 version " + std::to_string(version) + " (ims reads version 1, as hexrd does)");
  }
  const auto shape = h5::read_integers(g, "shape");
  if (shape.size() != 2 || shape[0] <= 0 || shape[1] <= 0 || shape[0] > 65536 || shape[1] > 65536) {
    throw fch5_error(ErrorKind::format, f.path, "shape is not a frame shape of at most 65536x65536");
  }
  store.shape = {static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])};
  const auto nframes = h5::read_integers(g, "nframes");
  if (nframes.size() != 1 || nframes[0] < 0) throw fch5_error(ErrorKind::format, f.path, "nframes is not a count");
  store.frames = static_cast<std::size_t>(nframes[0]);
  const std::string dtype = h5::read_string(g, "dtype");
  const auto parsed = find_dtype(dtype);
  if (!parsed) throw fch5_error(ErrorKind::unsupported, f.path, "pixel type '" + dtype + "' is not one ims reads");
  store.dtype = *parsed;

  f.data = Handle(h5::check(H5Dopen2(g, "data", H5P_DEFAULT), "cannot open dataset data"));
  f.indices = Handle(h5::check(H5Dopen2(g, "indices", H5P_DEFAULT), "cannot open dataset indices"));
  const auto data_dims = h5::dims_of(f.data.get()), index_dims = h5::dims_of(f.indices.get());
  if (data_dims.size() != 2 || data_dims[1] != 1 || index_dims.size() != 2 || index_dims[1] != 2 ||
      index_dims[0] != data_dims[0]) {
    throw fch5_error(ErrorKind::format, f.path, "data must be (M, 1) and indices (M, 2) with the same M");
  }
  f.entries = data_dims[0];
  Handle type(H5Dget_type(f.data.get()));
  const auto pixel = h5::pixel_type_of(type.get());
  if (!pixel || pixel->dtype != store.dtype) {
    throw fch5_error(ErrorKind::format, f.path,
                     "data holds " + h5::describe_type(type.get()) + ", but dtype says " + dtype);
  }
}

void read_frame_ids(Fch5File& f, std::size_t frames) {
  const auto ids = h5::read_integers(f.group.get(), "frame_ids");
  if (ids.size() != 2 * frames) {
    throw fch5_error(ErrorKind::format, f.path,
                     "frame_ids holds " + std::to_string(ids.size()) + " values for " + std::to_string(frames) +
                         " frames (want 2 each)");
  }
  f.frame_ids.assign(ids.begin(), ids.end());
  for (std::size_t i = 0; i < frames; ++i) {
    const std::int64_t start = ids[2 * i], end = ids[2 * i + 1];
    if (start < 0 || end < start || static_cast<std::uint64_t>(end) > f.entries) {
      throw fch5_error(ErrorKind::format, f.path,
                       "frame_ids gives entries [" + std::to_string(start) + ", " + std::to_string(end) +
                           "), past the " + std::to_string(f.entries) + " entries of data")
          .with_frame(i);
    }
  }
}

}  // namespace

SparseStore open_fch5_store(const std::string& path, const std::string& group) {
  auto f = std::make_shared<Fch5File>();
  f->path = path;
  f->file = open_file(path);
  SparseStore store;
  try {
    f->group = Handle(
        h5::check(H5Gopen2(f->file.get(), group.empty() ? "/" : group.c_str(), H5P_DEFAULT), "no group " + group));
    read_header(*f, store);
    read_frame_ids(*f, store.frames);
    if (h5::exists(f->group.get(), "metadata")) {
      Handle meta(h5::check(H5Gopen2(f->group.get(), "metadata", H5P_DEFAULT), "cannot open group metadata"));
      store.metadata = h5::read_dataset_tree(meta.get(), "metadata");
    }
  } catch (Error& e) {
    if (e.file().empty()) e.with_file(path);
    throw e.with_stage("frame-cache");
  }
  store.describe = "frame-cache:" + path;
  store.files = {path};
  store.load = [f, dtype = store.dtype, shape = store.shape](std::size_t frame, SparseFrame& out) {
    try {
      h5::init();  // reads run on worker threads; each must silence HDF5's printing
      const hsize_t start = f->frame_ids[2 * frame], count = f->frame_ids[2 * frame + 1] - start;
      std::vector<std::uint16_t>& rows = out.rows;
      thread_local std::vector<std::uint16_t> pairs;
      pairs.resize(2 * count);
      read_rows(f->indices.get(), start, count, 2, H5T_NATIVE_UINT16, pairs.data());
      rows.resize(count);
      out.cols.resize(count);
      for (hsize_t k = 0; k < count; ++k) {
        rows[k] = pairs[2 * k];
        out.cols[k] = pairs[2 * k + 1];
      }
      out.values.resize(count * dtype_size(dtype));
      read_rows(f->data.get(), start, count, 1, h5::native_type(dtype), out.values.data());
      check_sparse(out, dtype, shape);
    } catch (Error& e) {
      if (e.file().empty()) e.with_file(f->path);
      throw e.with_stage("frame-cache").with_frame(frame);
    }
  };
  return store;
}

}  // namespace ims
