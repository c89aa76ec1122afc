#include <cstring>

#include "ims/error.hpp"
#include "core/region_series.hpp"
#include "formats/npy/npy.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

class NpySeries final : public ImageSeries {
 public:
  explicit NpySeries(const std::string& path)
      : path_(path), file_(PosixFile::open_read(path, "npy")), map_(file_, "npy") {
    header_ = parse_npy_header(map_.data(), map_.size(), path_);
    set_geometry();
    check_size();
    in_place_ = !header_.fortran_order && header_.byte_order == kNativeByteOrder &&
                header_.data_offset % dtype_size(header_.dtype) == 0;
  }

  std::size_t size() const override { return frames_; }
  FrameShape frame_shape() const override { return shape_; }
  DType dtype() const override { return header_.dtype; }
  const Metadata& metadata() const override { return metadata_; }
  std::string describe() const override { return "npy:" + path_; }
  std::vector<std::string> files() const override { return {path_}; }
  bool concurrent_reads() const override { return true; }

  const std::byte* frame_data(std::size_t index) const override {
    if (!in_place_ || index >= frames_) return nullptr;
    return data() + index * frame_bytes();
  }

  void prefetch(std::size_t first, std::size_t count) const override {
    if (in_place_) map_.will_need(header_.data_offset + first * frame_bytes(), count * frame_bytes());
  }

  void release(std::size_t first, std::size_t count) const override {
    if (in_place_) map_.drop(header_.data_offset + first * frame_bytes(), count * frame_bytes());
  }

  void read_frame(std::size_t index, FrameView out) const override {
    check_frame_index(*this, index);
    check_frame_view(*this, out, shape_);
    const std::size_t px = dtype_size(header_.dtype);
    if (!header_.fortran_order) {
      std::memcpy(out.data(), data() + index * frame_bytes(), frame_bytes());
    } else {
      gather_fortran(index, Region{0, shape_.rows, 0, shape_.cols}, out.data(), px);
    }
    if (header_.byte_order != kNativeByteOrder) byteswap_inplace(out.data(), shape_.pixels(), px);
  }

  // Copies only the region's rows out of the mapping, so a band of rows
  // touches (and faults in) only its own pages. No readahead hint here:
  // madvise(WILLNEED) on the span just before copying it was slower than
  // the faults' own readahead (256 MiB in 256 KiB bands: 30% slower from
  // the page cache, 2-4x from disk); prefetch() hints ahead of time instead.
  void read_region(std::size_t index, Region region, FrameView out) const override {
    check_frame_index(*this, index);
    check_region_view(*this, region, out);
    const std::size_t px = dtype_size(header_.dtype);
    if (!header_.fortran_order) {
      const ConstFrameView frame(data() + index * frame_bytes(), shape_, header_.dtype);
      copy_region(frame, region, out);
    } else {
      gather_fortran(index, region, out.data(), px);
    }
    if (header_.byte_order != kNativeByteOrder) byteswap_inplace(out.data(), out.pixels(), px);
  }

  ReadCost read_cost() const override { return {.cheap_regions = true, .per_byte = 1.0}; }

 private:
  const std::byte* data() const { return map_.data() + header_.data_offset; }

  void set_geometry() {
    const auto& s = header_.shape;
    if (s.size() == 3) {
      frames_ = s[0];
      shape_ = {s[1], s[2]};
    } else if (s.size() == 2) {  // a single frame, as hexrd reads 2-D arrays
      frames_ = 1;
      shape_ = {s[0], s[1]};
    } else {
      throw Error(ErrorKind::unsupported,
                  "array has " + std::to_string(s.size()) + " dimension" + (s.size() == 1 ? "" : "s") +
                      "; an image series is 3-D (frames, rows, cols) or 2-D (one frame)")
          .with_stage("npy")
          .with_file(path_);
    }
  }

  void check_size() const {
    const std::uint64_t need = header_.data_offset + static_cast<std::uint64_t>(header_.data_bytes());
    if (map_.size() < need) {
      throw Error(ErrorKind::format,
                  "truncated: the header promises " + std::to_string(frames_) + " frames of " +
                      to_string(shape_) + " " + std::string(dtype_name(header_.dtype)) + " (" +
                      std::to_string(header_.data_bytes()) + " bytes of data), the file has " +
                      std::to_string(map_.size() - std::min<std::uint64_t>(map_.size(), header_.data_offset)))
          .with_stage("npy")
          .with_file(path_);
    }
  }

  // Fortran order: element (f, i, j) of an (n, r, c) array sits at
  // f + n * (i + r * j); a frame, or a region of it, is a strided gather.
  void gather_fortran(std::size_t f, Region region, std::byte* out, std::size_t px) const {
    const std::size_t n = frames_, r = shape_.rows, width = region.col1 - region.col0;
    const std::byte* base = data();
    for (std::size_t j = region.col0; j < region.col1; ++j) {
      for (std::size_t i = region.row0; i < region.row1; ++i) {
        std::byte* to = out + ((i - region.row0) * width + (j - region.col0)) * px;
        std::memcpy(to, base + (f + n * (i + r * j)) * px, px);
      }
    }
  }

  std::string path_;
  PosixFile file_;
  MappedFile map_;
  NpyHeader header_;
  std::size_t frames_ = 0;
  FrameShape shape_;
  bool in_place_ = false;
  Metadata metadata_;  // .npy files carry none
};

}  // namespace

std::unique_ptr<ImageSeries> open_npy(const std::string& path) { return std::make_unique<NpySeries>(path); }

}  // namespace ims
