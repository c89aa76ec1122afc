// The "frame-cache" format: hexrd's sparse frame-caches in their three
// styles, chosen by style= or by the file's extension.

#include "formats/builtin.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/framecache/framecache_writer.hpp"

namespace ims {

namespace {

std::unique_ptr<ImageSeries> open_framecache(const std::string& path, const Params& params) {
  switch (parse_cache_style(params.has("style") ? params.get_string("style") : "", path)) {
    case CacheStyle::npz: return make_framecache_series(open_npz_store(path));
    case CacheStyle::fch5:
      return make_framecache_series(open_fch5_store(path, params.has("path") ? params.get_string("path") : "/"));
    case CacheStyle::yml:
      return make_framecache_series(open_yml_store(
          path,
          params.has("meta_paths") && params.get_string("meta_paths") == "cwd" ? MetaPaths::cwd : MetaPaths::cache));
  }
  __builtin_unreachable();
}

}  // namespace

FormatInfo framecache_format() {
  FormatInfo f;
  f.name = "frame-cache";
  f.summary =
      "hexrd's sparse frame-cache: the pixels above a threshold of each frame, as an npz (hexrd's "
      "default), an HDF5 .fch5 or a YAML + npz pair; frames densified as they are read";
  f.extensions = {".fch5"};
  const ParamSpec style{.name = "style",
                        .type = ParamType::choice,
                        .doc =
                            "npz, fch5 or yml (hexrd's style=); default: from the extension (.npz, "
                            ".fch5/.h5, .yml/.yaml), else npz",
                        .choices = {"npz", "fch5", "yml", "yaml", "test"}};
  const ParamSpec group{.name = "path",
                        .type = ParamType::string,
                        .doc = "fch5: the group holding the cache (hexrd's path=); default: the root"};
  const ParamSpec meta_paths{.name = "meta_paths",
                             .type = ParamType::choice,
                             .default_value = "cache",
                             .doc =
                                 "yml: find '! load-numpy-array' sidecars beside the npz (cache), or from the "
                                 "working directory as hexrd's reader does (cwd)",
                             .choices = {"cache", "cwd"}};
  f.read_params = {style, group, meta_paths};
  f.write_params = framecache_write_params();
  f.open = open_framecache;
  f.create = create_framecache_writer;
  return f;
}

}  // namespace ims
