#pragma once
// A dataset's filter pipeline, and undoing it on raw chunks outside the HDF5
// library, so chunks decode in parallel (HDF5 serialises its own calls).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "formats/hdf5/h5_handle.hpp"

namespace ims::h5 {

/// Filter ids ims decodes itself (the rest go through the library's H5Dread).
inline constexpr H5Z_filter_t kFilterDeflate = H5Z_FILTER_DEFLATE;
inline constexpr H5Z_filter_t kFilterShuffle = H5Z_FILTER_SHUFFLE;
inline constexpr H5Z_filter_t kFilterBlosc = 32001;  // hdf5-blosc / hdf5plugin
inline constexpr H5Z_filter_t kFilterLz4 = 32004;    // HDF5 plugin LZ4

struct Filter {
  H5Z_filter_t id = 0;
  unsigned flags = 0;
  std::vector<unsigned> params;
  std::string name;  // as recorded in the file, else ours
};

struct FilterPipeline {
  std::vector<Filter> filters;  ///< in the order they are applied when writing

  static FilterPipeline of(hid_t dataset_creation_plist);
  /// The first filter ims cannot undo itself, or nullptr.
  const Filter* first_unsupported() const;
  /// The filters neither ims nor an HDF5 plugin found on the plugin path
  /// can undo (H5Zfilter_avail), for an error that names them.
  std::vector<const Filter*> unavailable() const;
  /// "shuffle, deflate (level 1)"; "none" when empty.
  std::string describe() const;

  /// Undoes, last first, the filters not marked skipped in `filter_mask` on
  /// `raw`, writing exactly out.size() bytes (one whole chunk). Thread-safe.
  /// Throws ims::Error (kind format) naming the codec on corrupt data.
  void decode(std::span<const std::byte> raw, std::uint32_t filter_mask, std::span<std::byte> out,
              std::size_t element_size) const;
};

/// The Debian package with the HDF5 plugin for filter `id`, or "" when none is known.
std::string plugin_package(H5Z_filter_t id);

}  // namespace ims::h5
