#pragma once
// hexrd's sparse frame-caches (../shared/reference/hexrd-imageseries.md
// §2.5-2.8): the three on-disk styles share one series (the index of each
// style's file, densifying a frame only when it is read) and one writer.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/image_series.hpp"
#include "formats/framecache/sparse_frame.hpp"
#include "ims/metadata.hpp"

namespace ims {

/// What one style's reader knows of its file: the index, never the frames.
struct SparseStore {
  std::string describe;  ///< "frame-cache:run7.npz"
  std::size_t frames = 0;
  FrameShape shape;
  DType dtype = DType::uint16;
  Metadata metadata;
  std::vector<std::string> files;
  /// Frame `index`'s kept pixels, checked (check_sparse) into `out`.
  /// Thread-safe; reads only what the frame needs.
  std::function<void(std::size_t index, SparseFrame& out)> load;
};

/// The styles, and the one a path's extension implies (.npz, .fch5/.h5/.hdf5, .yml/.yaml).
enum class CacheStyle { npz, fch5, yml };
CacheStyle parse_cache_style(const std::string& style, const std::string& path);

SparseStore open_npz_store(const std::string& path);
/// `group`: where in the file the cache lives (hexrd's path=; "/" by default).
SparseStore open_fch5_store(const std::string& path, const std::string& group = "/");
/// Where the YAML style's "! load-numpy-array" sidecars are found: beside
/// the npz (ims's default: where hexrd's writer puts them), or relative to
/// the working directory, as hexrd's reader looks for them.
enum class MetaPaths { cache, cwd };
SparseStore open_yml_store(const std::string& path, MetaPaths meta_paths = MetaPaths::cache);

/// The series over a store: frames densified on request, in parallel.
std::unique_ptr<ImageSeries> make_framecache_series(SparseStore store);

/// The store under `series` when it is a frame-cache (null otherwise), for
/// statistics that fold the kept pixels and skip the zeros.
const SparseStore* sparse_store_of(const ImageSeries& series);

}  // namespace ims
