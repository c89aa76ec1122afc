#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/checked.hpp"
#include "core/logging.hpp"
#include "core/slice.hpp"
#include "core/strings.hpp"
#include "formats/hdf5/h5_attributes.hpp"
#include "formats/hdf5/h5_filters.hpp"
#include "formats/hdf5/h5_types.hpp"
#include "formats/hdf5/hdf5.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

using h5::Handle;

struct DatasetEntry {
  std::string path;
  std::string summary;  // "20x64x48 uint16"
};

herr_t visit_object(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  Handle ds(H5Dopen2(root, name, H5P_DEFAULT));
  Handle space(H5Dget_space(ds.get())), type(H5Dget_type(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 2 || rank > 3) return 0;
  hsize_t dims[3];
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  auto pixel = h5::pixel_type_of(type.get());
  std::string shape = std::to_string(dims[0]);
  for (int i = 1; i < rank; ++i) shape += "x" + std::to_string(dims[i]);
  static_cast<std::vector<DatasetEntry>*>(data)->push_back(
      {std::string("/") + name, shape + " " + (pixel ? std::string(dtype_name(pixel->dtype)) : h5::describe_type(type.get()))});
  return 0;
}

/// The 2-D and 3-D datasets of the file, for choosing and for messages.
std::vector<DatasetEntry> image_datasets(hid_t file) {
  std::vector<DatasetEntry> found;
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit_object, &found, H5O_INFO_BASIC);
  H5Eclear2(H5E_DEFAULT);
  return found;
}

std::string listing(const std::vector<DatasetEntry>& datasets) {
  if (datasets.empty()) return "the file holds no 2-D or 3-D dataset";
  std::vector<std::string> items;
  for (std::size_t i = 0; i < std::min<std::size_t>(datasets.size(), 8); ++i) {
    items.push_back(datasets[i].path + " (" + datasets[i].summary + ")");
  }
  if (datasets.size() > 8) items.push_back("... " + std::to_string(datasets.size() - 8) + " more");
  return "the file holds " + join(items, ", ");
}

std::string parent_of(const std::string& dataset) {
  auto slash = dataset.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : dataset.substr(0, slash);
}

class Hdf5Series final : public ImageSeries {
 public:
  Hdf5Series(const std::string& file, const Params& options) : file_(file) {
    h5::init();
    open_file();
    dataset_path_ = choose_dataset(options);
    open_dataset();
    apply_frame_slice(options);
    try {
      metadata_ = h5::read_metadata(group_.get(), parent_of(dataset_path_));
    } catch (Error& e) {
      throw e.with_file(file_);
    }
    files_ = files_read();
    plan_decoding(options.get_string("decoder") == "library");
    cost_ = estimate_read_cost();
  }

  std::size_t size() const override { return slice_.count; }
  FrameShape frame_shape() const override { return shape_; }
  DType dtype() const override { return pixel_.dtype; }
  const Metadata& metadata() const override { return metadata_; }
  std::string describe() const override { return "hdf5:" + file_ + ":" + dataset_path_; }
  std::vector<std::string> files() const override { return files_; }
  // The library is thread-safe (it serialises its own calls); chunks are
  // decoded outside it, so concurrent reads decode in parallel.
  bool concurrent_reads() const override { return true; }
  ReadCost read_cost() const override { return cost_; }

  void read_frame(std::size_t index, FrameView out) const override {
    read_region(index, Region{0, shape_.rows, 0, shape_.cols}, out);
  }

  void read_region(std::size_t index, Region region, FrameView out) const override {
    h5::init();  // reads run on worker threads; each must silence HDF5's printing
    check_frame_index(*this, index);
    if (out.dtype() != pixel_.dtype || out.shape() != region.shape()) {
      throw Error(ErrorKind::internal, "destination does not match the region").with_source(describe());
    }
    try {
      const hsize_t frame = slice_.at(index);
      if (fast_) {
        read_chunks(frame, region, out);
        if (pixel_.order != kNativeByteOrder) byteswap_inplace(out.data(), out.pixels(), element_size_);
      } else {
        read_with_library(frame, region, out);
      }
    } catch (Error& e) {
      throw in_context(e, index);
    }
  }

 private:
  Error in_context(const Error& e, std::size_t index) const {
    // Codec errors carry the codec as their stage: keep it in the message.
    std::string message = e.stage().empty() || e.stage() == "hdf5" ? e.message() : e.stage() + ": " + e.message();
    return Error(e.kind(), message).with_stage("hdf5").with_file(file_).with_dataset(dataset_path_).with_frame(index);
  }

  Error error(ErrorKind kind, const std::string& message) const {
    return Error(kind, message).with_stage("hdf5").with_file(file_);
  }

  void open_file() {
    std::error_code ec;
    if (!std::filesystem::exists(file_, ec)) throw error(ErrorKind::not_found, "no such file");
    check_not_special(file_, "hdf5");
    if (H5Fis_hdf5(file_.c_str()) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      throw error(ErrorKind::format, "not an HDF5 file (no HDF5 signature)");
    }
    hid_t id = H5Fopen(file_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) throw error(ErrorKind::format, "cannot open (" + h5::take_error_stack() + ")");
    file_handle_ = Handle(id);
  }

  std::string choose_dataset(const Params& options) {
    if (options.has("dataset")) {
      std::string path = options.get_string("dataset");
      if (path.empty() || path[0] != '/') path = "/" + path;
      if (!h5::exists(file_handle_.get(), path)) {
        throw error(ErrorKind::not_found, "no dataset " + path + "; " + listing(image_datasets(file_handle_.get())));
      }
      return path;
    }
    if (options.has("path")) {
      std::string group = options.get_string("path");
      if (!h5::exists(file_handle_.get(), group)) {
        throw error(ErrorKind::not_found, "no group '" + group + "'; " + listing(image_datasets(file_handle_.get())));
      }
      std::string path = (group.rfind('/', 0) == 0 ? "" : "/") + group;
      if (path.back() != '/') path += "/";
      path += options.get_string("dataname");
      if (!h5::exists(file_handle_.get(), path)) {
        throw error(ErrorKind::not_found, "no dataset " + path + "; " + listing(image_datasets(file_handle_.get())));
      }
      return path;
    }
    // Neither given: take the only image-like dataset, as a user would.
    auto datasets = image_datasets(file_handle_.get());
    if (datasets.size() == 1) return datasets.front().path;
    throw Error(ErrorKind::usage, "which dataset? give --opt path=GROUP (hexrd's layout: GROUP/images) or "
                                  "--opt dataset=/full/path; " + listing(datasets))
        .with_stage("hdf5")
        .with_file(file_);
  }

  void open_dataset() {
    hid_t id = H5Dopen2(file_handle_.get(), dataset_path_.c_str(), H5P_DEFAULT);
    if (id < 0) {
      throw error(ErrorKind::format, "cannot open dataset (" + h5::take_error_stack() + ")").with_dataset(dataset_path_);
    }
    dataset_ = Handle(id);
    reopen_with_chunk_cache();
    group_ = Handle(h5::check(H5Gopen2(file_handle_.get(), parent_of(dataset_path_).c_str(), H5P_DEFAULT),
                              "cannot open group " + parent_of(dataset_path_)));
    Handle space(h5::check(H5Dget_space(dataset_.get()), "cannot read the dataset's shape"));
    rank_ = H5Sget_simple_extent_ndims(space.get());
    if (rank_ != 2 && rank_ != 3) {
      throw error(ErrorKind::unsupported, "dataset has rank " + std::to_string(rank_) +
                                              "; an image series is 3-D (frames, rows, cols) or 2-D (one frame)")
          .with_dataset(dataset_path_);
    }
    hsize_t dims[3] = {1, 1, 1};
    H5Sget_simple_extent_dims(space.get(), rank_ == 3 ? dims : dims + 1, nullptr);
    dataset_frames_ = dims[0];
    shape_ = {dims[1], dims[2]};
    Handle type(h5::check(H5Dget_type(dataset_.get()), "cannot read the dataset's type"));
    auto pixel = h5::pixel_type_of(type.get());
    if (!pixel) {
      throw error(ErrorKind::unsupported, "dataset type is " + h5::describe_type(type.get()) + " (ims reads " +
                                              join(dtype_names(), ", ") + ")")
          .with_dataset(dataset_path_);
    }
    pixel_ = *pixel;
    element_size_ = dtype_size(pixel_.dtype);
    check_series_bytes(dataset_frames_, shape_.rows, shape_.cols, pixel_.dtype, "hdf5", file_ + ":" + dataset_path_);
  }

  /// The files reading the dataset opens: the file, the one holding the
  /// dataset when an external link leads elsewhere, the source files of a
  /// virtual dataset and the raw files of external storage. A relative name
  /// stands for each place HDF5 may look for it (its prefix variable, beside
  /// the file, the working directory), so that no output replaces any of
  /// them. A virtual dataset's source that is in none of those places is an
  /// error: HDF5 would read its frames as the fill value, silently.
  std::vector<std::string> files_read() const {
    std::vector<std::string> files{file_};
    Handle holder(H5Iget_file_id(dataset_.get()));
    const ssize_t length = holder ? H5Fget_name(holder.get(), nullptr, 0) : -1;
    if (length > 0) {
      std::string name(static_cast<std::size_t>(length), '\0');
      H5Fget_name(holder.get(), name.data(), name.size() + 1);
      if (name != file_) files.push_back(name);
    }
    Handle dcpl(H5Dget_create_plist(dataset_.get()));
    if (!dcpl) return files;
    for (const auto& source : virtual_sources(dcpl.get())) {
      const auto places = places_of(source, "HDF5_VDS_PREFIX");
      std::error_code ec;
      if (std::none_of(places.begin(), places.end(), [&](const auto& p) { return std::filesystem::exists(p, ec); })) {
        throw error(ErrorKind::not_found, "virtual dataset source " + source + " does not exist (HDF5 would read " +
                                              "its frames as the fill value)")
            .with_dataset(dataset_path_);
      }
      files.insert(files.end(), places.begin(), places.end());
    }
    for (const auto& raw : external_files(dcpl.get())) {
      const auto places = places_of(raw, "HDF5_EXTFILE_PREFIX");
      files.insert(files.end(), places.begin(), places.end());
    }
    H5Eclear2(H5E_DEFAULT);
    return files;
  }

  /// The source file names of a virtual dataset's mappings; "." (this file)
  /// and printf-style patterns left out.
  static std::vector<std::string> virtual_sources(hid_t dcpl) {
    std::vector<std::string> sources;
    std::size_t mappings = 0;
    if (H5Pget_layout(dcpl) != H5D_VIRTUAL || H5Pget_virtual_count(dcpl, &mappings) < 0) return sources;
    for (std::size_t i = 0; i < mappings; ++i) {
      const ssize_t n = H5Pget_virtual_filename(dcpl, i, nullptr, 0);
      if (n <= 0) continue;
      std::string source(static_cast<std::size_t>(n), '\0');
      H5Pget_virtual_filename(dcpl, i, source.data(), source.size() + 1);
      if (source != "." && source.find('%') == std::string::npos) sources.push_back(source);
    }
    return sources;
  }

  /// The raw files of a dataset in external storage (H5Pset_external).
  static std::vector<std::string> external_files(hid_t dcpl) {
    std::vector<std::string> names;
    const int count = H5Pget_external_count(dcpl);
    for (int i = 0; i < count; ++i) {
      char name[4096] = "";
      off_t offset = 0;
      hsize_t size = 0;
      if (H5Pget_external(dcpl, static_cast<unsigned>(i), sizeof name, name, &offset, &size) >= 0 && name[0]) {
        names.emplace_back(name);
      }
    }
    return names;
  }

  /// Where HDF5 may find `name`: itself when absolute; else under the prefix
  /// in the environment variable `prefix_variable`, beside the file, and in
  /// the working directory.
  std::vector<std::string> places_of(const std::string& name, const char* prefix_variable) const {
    const std::filesystem::path p(name);
    if (p.is_absolute()) return {name};
    std::vector<std::string> places;
    if (const char* prefix = std::getenv(prefix_variable); prefix && *prefix) {
      places.push_back((std::filesystem::path(prefix) / p).string());
    }
    places.push_back((std::filesystem::path(file_).parent_path() / p).string());
    places.push_back(name);
    return places;
  }

  /// Chunks holding several frames are decoded whole by the library: with
  /// HDF5's default 1 MiB chunk cache, every frame would decode its chunk
  /// again. Reopen with room for two such chunks (at most 256 MiB).
  void reopen_with_chunk_cache() {
    Handle dcpl(h5::check(H5Dget_create_plist(dataset_.get()), "cannot read the dataset's layout"));
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED || H5Pget_chunk(dcpl.get(), 0, nullptr) != 3) return;
    hsize_t chunk[3];
    H5Pget_chunk(dcpl.get(), 3, chunk);
    if (chunk[0] <= 1) return;
    Handle type(H5Dget_type(dataset_.get()));
    const std::uint64_t factors[] = {chunk[0], chunk[1], chunk[2], H5Tget_size(type.get())};
    const std::uint64_t chunk_bytes = checked_product(factors).value_or(std::numeric_limits<std::uint64_t>::max());
    const std::size_t cache = std::min<std::size_t>(2 * chunk_bytes, std::size_t{256} << 20);
    if (cache <= (std::size_t{1} << 20)) return;
    Handle dapl(h5::check(H5Pcreate(H5P_DATASET_ACCESS), "cannot create dataset access properties"));
    h5::check_status(H5Pset_chunk_cache(dapl.get(), 521, cache, 1.0), "cannot size the chunk cache");
    dcpl.reset();
    // Close first: HDF5 shares an open dataset, and its cache, with a reopen.
    dataset_.reset();
    dataset_ = Handle(h5::check(H5Dopen2(file_handle_.get(), dataset_path_.c_str(), dapl.get()),
                                "cannot open dataset " + dataset_path_));
  }

  void apply_frame_slice(const Params& options) {
    slice_ = options.has("frames") ? parse_slice(options.get_string("frames"), dataset_frames_, "option 'frames'")
                                   : FrameSlice{0, dataset_frames_, 1};
  }

  /// Decodes chunks ourselves when the layout is chunked with one frame per
  /// chunk along the frame axis and every filter is one we implement.
  void plan_decoding(bool library_only) {
    Handle dcpl(h5::check(H5Dget_create_plist(dataset_.get()), "cannot read the dataset's layout"));
    pipeline_ = h5::FilterPipeline::of(dcpl.get());
    if (library_only || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return;
    hsize_t chunk[3] = {1, 1, 1};
    H5Pget_chunk(dcpl.get(), rank_, rank_ == 3 ? chunk : chunk + 1);
    if (chunk[0] != 1 || pipeline_.first_unsupported()) {
      if (const auto* f = pipeline_.first_unsupported()) {
        spdlog::debug("hdf5: {}: filter {} is decoded by the HDF5 library (serially)", describe(), f->name);
      }
      return;
    }
    chunk_rows_ = chunk[1];
    chunk_cols_ = chunk[2];
    // HDF5 caps a chunk at 4 GiB; a header that claims more is corrupt.
    const std::uint64_t factors[] = {chunk_rows_, chunk_cols_, element_size_};
    if (!checked_product(factors, std::uint64_t{4} << 30)) {
      throw error(ErrorKind::format, "chunks of " + std::to_string(chunk_rows_) + " x " + std::to_string(chunk_cols_) +
                                         " pixels pass HDF5's limit of 4 GiB a chunk")
          .with_dataset(dataset_path_);
    }
    fill_.resize(chunk_rows_ * chunk_cols_ * element_size_);
    Handle type(H5Dget_type(dataset_.get()));
    // The fill value of chunks never written, in the file's byte order.
    if (H5Pget_fill_value(dcpl.get(), type.get(), fill_.data()) >= 0) {
      for (std::size_t i = element_size_; i < fill_.size(); i += element_size_) {
        std::memcpy(fill_.data() + i, fill_.data(), element_size_);
      }
    } else {
      H5Eclear2(H5E_DEFAULT);
      std::fill(fill_.begin(), fill_.end(), std::byte{0});
    }
    fast_ = true;
  }

  /// Regions are cheap when a band of rows reads about its own bytes: a
  /// contiguous (or compact) dataset, or chunks of fewer rows than a frame
  /// holding one frame each (or several, unfiltered: the library then reads
  /// just the selection, or a chunk once into its cache). A chunk holding a
  /// whole frame is read (and decoded) whole for any region of it, even
  /// unfiltered: read_chunks reads raw chunks whole.
  ReadCost estimate_read_cost() const {
    Handle dcpl(h5::check(H5Dget_create_plist(dataset_.get()), "cannot read the dataset's layout"));
    const auto pipeline = h5::FilterPipeline::of(dcpl.get());
    ReadCost cost{.cheap_regions = true, .per_byte = decode_cost(pipeline)};
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
      hsize_t chunk[3] = {1, 1, 1};
      H5Pget_chunk(dcpl.get(), rank_, rank_ == 3 ? chunk : chunk + 1);
      cost.cheap_regions = chunk[1] < shape_.rows && (chunk[0] == 1 || pipeline.filters.empty());
    }
    return cost;
  }

  /// Rough, relative time to decode a byte against a memcpy out of cache,
  /// from a one-off measurement on one core (a 1024x1024 uint16 random
  /// mode=detector frame, memcpy at 19 GB/s): unshuffle 0.3, Blosc lz4 0.8,
  /// blosclz 1.2, lz4hc 2.6, zstd 7, zlib 48; HDF5's lz4 4; deflate level
  /// 1-4 (with or without shuffle) 17-18. Rounded up, as the reads also
  /// cost a copy. Filters ims does not decode go through the library
  /// serially: assume deflate's figure. The slowest filter sets the cost.
  static double decode_cost(const h5::FilterPipeline& pipeline) {
    double cost = 1.0;
    for (const auto& f : pipeline.filters) cost = std::max(cost, filter_cost(f));
    return cost;
  }

  static double filter_cost(const h5::Filter& f) {
    constexpr double kLz = 3, kZstd = 8, kDeflate = 20, kBloscZlib = 50;
    switch (f.id) {
      case h5::kFilterShuffle: return 1.5;
      case h5::kFilterLz4: return kLz;
      case h5::kFilterDeflate: return kDeflate;
      case h5::kFilterBlosc: {
        // Parameter 6 is Blosc's compressor code (zlib 4, zstd 5; the rest are LZ-class).
        const unsigned code = f.params.size() > 6 ? f.params[6] : 0;
        return code == 4 ? kBloscZlib : code == 5 ? kZstd : kLz;
      }
      default: return kDeflate;
    }
  }

  /// Reads the chunks `region` touches: raw bytes through the library (it
  /// serialises), decoding on this thread; a chunk that lies whole inside a
  /// full-width region decodes straight into `out`.
  void read_chunks(hsize_t frame, Region region, FrameView out) const {
    const std::size_t chunk_bytes = chunk_rows_ * chunk_cols_ * element_size_;
    const std::size_t out_row_bytes = region.shape().cols * element_size_;
    thread_local std::vector<std::byte> chunk;
    for (hsize_t r0 = region.row0 / chunk_rows_ * chunk_rows_; r0 < region.row1; r0 += chunk_rows_) {
      for (hsize_t c0 = region.col0 / chunk_cols_ * chunk_cols_; c0 < region.col1; c0 += chunk_cols_) {
        const bool direct = chunk_cols_ == shape_.cols && region.col0 == 0 && region.col1 == shape_.cols &&
                            r0 >= region.row0 && r0 + chunk_rows_ <= region.row1;
        std::byte* target = out.data() + (r0 - region.row0) * out_row_bytes;
        if (!direct) chunk.resize(chunk_bytes), target = chunk.data();
        decode_chunk(frame, r0, c0, {target, chunk_bytes});
        if (!direct) copy_from_chunk(chunk.data(), r0, c0, region, out);
      }
    }
  }

  void decode_chunk(hsize_t frame, hsize_t r0, hsize_t c0, std::span<std::byte> dest) const {
    hsize_t offset[3] = {frame, r0, c0};
    const hsize_t* at = rank_ == 3 ? offset : offset + 1;
    unsigned mask = 0;
    haddr_t address = HADDR_UNDEF;
    hsize_t stored = 0;
    h5::check_status(H5Dget_chunk_info_by_coord(dataset_.get(), at, &mask, &address, &stored),
                     "cannot locate a chunk");
    if (address == HADDR_UNDEF) {  // never written: the fill value
      std::memcpy(dest.data(), fill_.data(), dest.size());
      return;
    }
    thread_local std::vector<std::byte> raw;
    raw.resize(stored);
    std::uint32_t filter_mask = 0;
    h5::check_status(H5Dread_chunk(dataset_.get(), H5P_DEFAULT, at, &filter_mask, raw.data()),
                     "cannot read a chunk");
    pipeline_.decode(raw, filter_mask, dest, element_size_);
  }

  void copy_from_chunk(const std::byte* chunk, hsize_t r0, hsize_t c0, Region region, FrameView out) const {
    const hsize_t rb = std::max<hsize_t>(r0, region.row0), re = std::min<hsize_t>(r0 + chunk_rows_, region.row1);
    const hsize_t cb = std::max<hsize_t>(c0, region.col0), ce = std::min<hsize_t>(c0 + chunk_cols_, region.col1);
    const std::size_t bytes = (ce - cb) * element_size_;
    for (hsize_t r = rb; r < re; ++r) {
      std::memcpy(out.data() + ((r - region.row0) * region.shape().cols + (cb - region.col0)) * element_size_,
                  chunk + ((r - r0) * chunk_cols_ + (cb - c0)) * element_size_, bytes);
    }
  }

  /// Contiguous, compact, or filtered in ways we do not decode: let the
  /// library read (and convert to native byte order).
  void read_with_library(hsize_t frame, Region region, FrameView out) const {
    Handle file_space(h5::check(H5Dget_space(dataset_.get()), "cannot read the dataset's shape"));
    hsize_t start[3] = {frame, region.row0, region.col0};
    hsize_t count[3] = {1, region.shape().rows, region.shape().cols};
    h5::check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, rank_ == 3 ? start : start + 1, nullptr,
                                         rank_ == 3 ? count : count + 1, nullptr),
                     "cannot select the frame");
    hsize_t mem_dims[2] = {region.shape().rows, region.shape().cols};
    Handle mem_space(H5Screate_simple(2, mem_dims, nullptr));
    if (H5Dread(dataset_.get(), h5::native_type(pixel_.dtype), mem_space.get(), file_space.get(), H5P_DEFAULT,
                out.data()) < 0) {
      const std::string stack = h5::take_error_stack();
      if (const auto missing = pipeline_.unavailable(); !missing.empty()) throw missing_filter(*missing.front());
      throw Error(ErrorKind::format, "cannot read the frame (" + stack + ")");
    }
  }

  /// A filter the data needs and no one here decodes: say which, and where
  /// its plugin comes from.
  static Error missing_filter(const h5::Filter& f) {
    const std::string package = h5::plugin_package(f.id);
    return Error(
        ErrorKind::unsupported,
        "compressed with " +
            (f.name.rfind("filter ", 0) == 0 ? f.name : "filter " + std::to_string(f.id) + " (" + f.name + ")") +
            ", which neither ims nor an HDF5 plugin decodes here (" +
            (package.empty() ? std::string("install its HDF5 plugin") : "Debian package " + package) +
            ", or set HDF5_PLUGIN_PATH)");
  }

  std::string file_;
  std::string dataset_path_;
  Handle file_handle_, dataset_, group_;
  int rank_ = 3;
  hsize_t dataset_frames_ = 1;
  FrameShape shape_;
  h5::PixelType pixel_{DType::uint16, kNativeByteOrder};
  std::size_t element_size_ = 2;
  FrameSlice slice_;
  Metadata metadata_;
  std::vector<std::string> files_;
  bool fast_ = false;
  h5::FilterPipeline pipeline_;
  hsize_t chunk_rows_ = 0, chunk_cols_ = 0;
  std::vector<std::byte> fill_;
  ReadCost cost_;
};

}  // namespace

std::unique_ptr<ImageSeries> open_hdf5(const std::string& path, const Params& options) {
  return std::make_unique<Hdf5Series>(path, options);
}

}  // namespace ims
