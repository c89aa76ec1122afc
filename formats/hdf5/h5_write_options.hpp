#pragma once
// How ims writes HDF5 datasets: hexrd's options (gzip level, shuffle,
// chunk_rows) and Blosc as hdf5plugin records it (filter 32001).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ims/params.hpp"
#include "formats/codec/codec.hpp"
#include "formats/hdf5/h5_handle.hpp"

namespace ims::h5 {

struct WriteOptions {
  enum class Compression { gzip, blosc };
  std::string group = "imageseries";
  std::string dataname = "images";
  Compression compression = Compression::gzip;
  int gzip = 1;                   ///< deflate level; 0 = no deflate
  bool shuffle = true;            ///< HDF5's shuffle filter (gzip path)
  std::size_t chunk_rows = 0;     ///< 0 or more than the rows: whole frames
  std::string cname = "lz4";      ///< blosc compressor
  int clevel = 5;                 ///< blosc level
  codec::BloscShuffle blosc_shuffle = codec::BloscShuffle::byte;

  /// Checks the combinations (usage errors name the option).
  static WriteOptions from(const Params& params);
  std::size_t rows_per_chunk(std::size_t rows) const;
  /// Chunking and filters for a dataset whose chunks are `chunk` (rank dims).
  Handle creation_plist(const std::vector<hsize_t>& chunk, std::size_t element_size) const;
  /// The bytes H5Dwrite_chunk stores for one chunk of raw pixels (the
  /// filters applied in the order creation_plist declares them). Thread-safe.
  void encode(std::span<const std::byte> chunk, std::size_t element_size, std::vector<std::byte>& out) const;
  bool filtered() const { return compression == Compression::blosc || gzip > 0 || shuffle; }
};

}  // namespace ims::h5
