#include <algorithm>
#include <cstring>
#include <filesystem>

#include "ims/error.hpp"
#include "core/region_series.hpp"
#include "formats/binary/binary.hpp"
#include "formats/binary/binary_layout.hpp"
#include "formats/posix_file.hpp"

namespace fs = std::filesystem;

namespace ims {

namespace {

struct BinaryFile {
  std::string path;
  std::size_t first_frame = 0;  // index of its first frame in the series
  std::size_t frames = 0;
};

class BinarySeries final : public ImageSeries {
 public:
  BinarySeries(const std::string& path, const Params& options)
      : path_(path), layout_(resolve_layout(path, options)) {
    list_files(options.get_string("ext"));
  }

  std::size_t size() const override { return frames_; }
  FrameShape frame_shape() const override { return layout_.shape; }
  DType dtype() const override { return layout_.dtype; }
  const Metadata& metadata() const override { return layout_.metadata; }
  std::string describe() const override { return "binary:" + path_; }
  std::vector<std::string> files() const override {
    std::vector<std::string> all;
    for (const auto& f : files_) all.push_back(f.path);
    if (auto sidecar = find_sidecar(path_); !sidecar.empty()) all.push_back(sidecar.string());
    return all;
  }
  bool concurrent_reads() const override { return true; }  // pread only

  void read_frame(std::size_t index, FrameView out) const override {
    check_frame_index(*this, index);
    check_frame_view(*this, out, layout_.shape);
    read_part(index, Region{0, layout_.shape.rows, 0, layout_.shape.cols}, out);
  }

  // Reads only the region's bytes: one pread when it spans whole rows, else
  // one per row (or one of the rows' span, when rows are short).
  void read_region(std::size_t index, Region region, FrameView out) const override {
    check_frame_index(*this, index);
    check_region_view(*this, region, out);
    read_part(index, region, out);
  }

  ReadCost read_cost() const override { return {.cheap_regions = true, .per_byte = 1.0}; }

 private:
  // A read per row costs a system call each (~1 us, about what copying a few
  // KiB from the page cache takes): below this many bytes a row, one read of
  // the rows' whole span, then a crop, is the cheaper estimate. Bands of full
  // rows never get here.
  static constexpr std::size_t kMinRowRead = 4096;

  /// Region (checked) of frame `index` into `out`, in native byte order.
  void read_part(std::size_t index, Region region, FrameView out) const {
    const BinaryFile& file = file_of(index);
    const std::uint64_t frame_offset = (index - file.first_frame) * frame_bytes();
    with_file(file, [&](const PosixFile& fd) {
      if (layout_.fortran_order) {
        read_fortran(fd, frame_offset, region, out);
      } else {
        read_rows(fd, frame_offset, layout_.shape, region, out.data());
      }
    });
    if (layout_.byte_order != kNativeByteOrder) {
      byteswap_inplace(out.data(), out.pixels(), dtype_size(layout_.dtype));
    }
  }

  // A column-major frame is a row-major (cols x rows) one: read the
  // transposed region, then transpose it.
  void read_fortran(const PosixFile& fd, std::uint64_t frame_offset, Region region,
                    FrameView out) const {
    const FrameShape stored{layout_.shape.cols, layout_.shape.rows};
    const Region transposed{region.col0, region.col1, region.row0, region.row1};
    FrameBuffer column_major(transposed.shape(), layout_.dtype);
    read_rows(fd, frame_offset, stored, transposed, column_major.data());
    transpose(column_major.data(), out);
  }

  /// Reads `region` of the row-major `stored` frame at `frame_offset` into
  /// `out` (region rows x region cols, contiguous).
  void read_rows(const PosixFile& fd, std::uint64_t frame_offset, FrameShape stored, Region region,
                 std::byte* out) const {
    const std::size_t px = dtype_size(layout_.dtype);
    const std::size_t row_bytes = stored.cols * px, segment = region.shape().cols * px;
    const std::uint64_t first_row = frame_offset + region.row0 * row_bytes;
    if (segment == row_bytes) {
      fd.pread_exact(out, region.shape().rows * row_bytes, first_row);
    } else if (segment >= kMinRowRead) {
      for (std::size_t r = 0; r < region.shape().rows; ++r) {
        fd.pread_exact(out + r * segment, segment, first_row + r * row_bytes + region.col0 * px);
      }
    } else {
      FrameBuffer span(FrameShape{region.shape().rows, stored.cols}, layout_.dtype);
      fd.pread_exact(span.data(), span.bytes(), first_row);
      copy_region(span.view(), Region{0, region.shape().rows, region.col0, region.col1},
                  FrameView(out, region.shape(), layout_.dtype));
    }
  }

  void list_files(const std::string& ext) {
    std::error_code ec;
    std::vector<std::string> paths;
    if (fs::is_directory(path_, ec)) {
      for (const auto& entry : fs::directory_iterator(path_, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == "." + ext) paths.push_back(entry.path().string());
      }
      std::sort(paths.begin(), paths.end());
      if (paths.empty()) {
        throw Error(ErrorKind::not_found, "no *." + ext + " files in the directory").with_stage("binary").with_file(path_);
      }
    } else {
      paths.push_back(path_);
    }
    for (const auto& p : paths) {
      std::uint64_t size = PosixFile::open_read(p, "binary").size();
      if (size % frame_bytes() != 0 || size == 0) {
        throw Error(ErrorKind::format, "file size " + std::to_string(size) + " is not a whole number of " +
                                           to_string(layout_.shape) + " " + std::string(dtype_name(layout_.dtype)) +
                                           " frames (" + std::to_string(frame_bytes()) + " bytes each)")
            .with_stage("binary")
            .with_file(p);
      }
      files_.push_back({p, frames_, static_cast<std::size_t>(size / frame_bytes())});
      frames_ += files_.back().frames;
    }
    if (layout_.frames && *layout_.frames != frames_) {
      throw Error(ErrorKind::format, "the sidecar says " + std::to_string(*layout_.frames) + " frames ('nframes'), " +
                                         (files_.size() == 1 ? "the file holds " : "the files hold ") +
                                         std::to_string(frames_))
          .with_stage("binary")
          .with_file(layout_.sidecar.string());
    }
    if (files_.size() == 1) single_ = PosixFile::open_read(files_[0].path, "binary");
  }

  const BinaryFile& file_of(std::size_t index) const {
    auto it = std::upper_bound(files_.begin(), files_.end(), index,
                               [](std::size_t i, const BinaryFile& f) { return i < f.first_frame; });
    return *(it - 1);
  }

  /// Calls f with an open descriptor of `file`: the series' own for a single
  /// file; thousands of per-frame files are opened on demand, never all held.
  template <class F>
  void with_file(const BinaryFile& file, F&& f) const {
    if (files_.size() == 1) {
      f(single_);
    } else {
      f(PosixFile::open_read(file.path, "binary"));
    }
  }

  // A column-major (out cols x out rows) block to row-major `out`.
  void transpose(const std::byte* in, FrameView out) const {
    const std::size_t px = dtype_size(layout_.dtype);
    const std::size_t rows = out.shape().rows, cols = out.shape().cols;
    for (std::size_t c = 0; c < cols; ++c) {
      for (std::size_t r = 0; r < rows; ++r) {
        std::memcpy(out.data() + (r * cols + c) * px, in + (c * rows + r) * px, px);
      }
    }
  }

  std::string path_;
  BinaryLayout layout_;
  std::vector<BinaryFile> files_;
  std::size_t frames_ = 0;
  PosixFile single_;
};

}  // namespace

std::unique_ptr<ImageSeries> open_binary(const std::string& path, const Params& options) {
  return std::make_unique<BinarySeries>(path, options);
}

}  // namespace ims
