// The series over a frame-cache: a frame is densified when it is read,
// straight into the caller's buffer; a region read densifies only the
// pixels inside the region.

#include "core/checked.hpp"
#include "formats/framecache/framecache.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

class FrameCacheSeries final : public ImageSeries {
 public:
  explicit FrameCacheSeries(SparseStore store) : store_(std::move(store)) {}

  std::size_t size() const override { return store_.frames; }
  FrameShape frame_shape() const override { return store_.shape; }
  DType dtype() const override { return store_.dtype; }
  const Metadata& metadata() const override { return store_.metadata; }
  std::string describe() const override { return store_.describe; }
  std::vector<std::string> files() const override { return store_.files; }
  bool concurrent_reads() const override { return true; }
  // A region costs its share of the sparse entries, not of the dense frame.
  ReadCost read_cost() const override { return {.cheap_regions = true, .per_byte = 1.0}; }

  void read_frame(std::size_t index, FrameView out) const override {
    read_region(index, Region{0, store_.shape.rows, 0, store_.shape.cols}, out);
  }

  void read_region(std::size_t index, Region region, FrameView out) const override {
    check_frame_index(*this, index);
    if (out.dtype() != store_.dtype || out.shape() != region.shape()) {
      throw Error(ErrorKind::internal, "destination does not match the region").with_source(describe());
    }
    thread_local SparseFrame frame;  // reused: a thread's reads allocate once
    store_.load(index, frame);
    densify(frame, region, out);
  }

  const SparseStore& store() const { return store_; }

 private:
  SparseStore store_;
};

}  // namespace

std::unique_ptr<ImageSeries> make_framecache_series(SparseStore store) {
  return std::make_unique<FrameCacheSeries>(std::move(store));
}

const SparseStore* sparse_store_of(const ImageSeries& series) {
  const auto* cache = dynamic_cast<const FrameCacheSeries*>(&series);
  return cache ? &cache->store() : nullptr;
}

CacheStyle parse_cache_style(const std::string& style, const std::string& path) {
  if (style == "npz") return CacheStyle::npz;
  if (style == "fch5") return CacheStyle::fch5;
  if (style == "yml" || style == "yaml" || style == "test") return CacheStyle::yml;
  if (!style.empty()) {
    throw Error(ErrorKind::usage, "unknown frame-cache style '" + style + "' (npz, fch5 or yml)")
        .with_stage("frame-cache");
  }
  if (path.ends_with(".fch5") || path.ends_with(".h5") || path.ends_with(".hdf5")) return CacheStyle::fch5;
  if (path.ends_with(".yml") || path.ends_with(".yaml")) return CacheStyle::yml;
  return CacheStyle::npz;  // hexrd's default
}

}  // namespace ims
