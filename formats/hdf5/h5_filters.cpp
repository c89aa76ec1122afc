#include "formats/hdf5/h5_filters.hpp"

#include <cstring>

#include "core/strings.hpp"
#include "formats/codec/codec.hpp"

namespace ims::h5 {

namespace {

bool supported(H5Z_filter_t id) {
  return id == kFilterDeflate || id == kFilterShuffle || id == kFilterBlosc || id == kFilterLz4;
}

std::string default_name(H5Z_filter_t id) {
  switch (id) {
    case H5Z_FILTER_DEFLATE: return "deflate";
    case H5Z_FILTER_SHUFFLE: return "shuffle";
    case H5Z_FILTER_FLETCHER32: return "fletcher32";
    case H5Z_FILTER_SZIP: return "szip";
    case H5Z_FILTER_NBIT: return "nbit";
    case H5Z_FILTER_SCALEOFFSET: return "scaleoffset";
    case kFilterBlosc: return "blosc";
    case kFilterLz4: return "lz4";
    default: return "filter " + std::to_string(id);
  }
}

/// Applies the inverse of one filter from `in` to `out` (out.size() = chunk bytes).
void undo(const Filter& f, std::span<const std::byte> in, std::span<std::byte> out, std::size_t element_size) {
  std::size_t produced = out.size();
  switch (f.id) {
    case kFilterDeflate: produced = codec::inflate_zlib(in, out); break;
    case kFilterBlosc: produced = codec::blosc_decode(in, out); break;
    case kFilterLz4: produced = codec::lz4_h5_decode(in, out); break;
    case kFilterShuffle: {
      if (in.size() != out.size()) {
        throw Error(ErrorKind::format, "shuffled chunk has " + std::to_string(in.size()) + " bytes, expected " +
                                           std::to_string(out.size()))
            .with_stage("shuffle");
      }
      std::size_t size = f.params.empty() ? element_size : f.params[0];
      codec::unshuffle(in, out, size);
      break;
    }
    default: throw Error(ErrorKind::internal, "cannot undo " + f.name);
  }
  if (produced != out.size()) {
    throw Error(ErrorKind::format, "chunk decodes to " + std::to_string(produced) + " bytes, expected " +
                                       std::to_string(out.size()))
        .with_stage(f.name);
  }
}

}  // namespace

FilterPipeline FilterPipeline::of(hid_t dcpl) {
  FilterPipeline p;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    Filter f;
    unsigned params[32];
    std::size_t count = 32;
    char name[256] = "";
    unsigned config = 0;
    f.id = H5Pget_filter2(dcpl, static_cast<unsigned>(i), &f.flags, &count, params, sizeof name, name, &config);
    if (f.id < 0) fail("cannot read the filter pipeline");
    f.params.assign(params, params + std::min<std::size_t>(count, 32));
    f.name = default_name(f.id);
    if (f.name.rfind("filter ", 0) == 0 &&
        name[0]) {  // "filter 32000 (lzf)": the name the file records, to its first ";"
      f.name += " (" + std::string(name).substr(0, std::string(name).find(";")) + ")";
    }
    if (f.id == kFilterDeflate && !f.params.empty()) f.name += " (level " + std::to_string(f.params[0]) + ")";
    p.filters.push_back(std::move(f));
  }
  return p;
}

std::vector<const Filter*> FilterPipeline::unavailable() const {
  std::vector<const Filter*> missing;
  for (const auto& f : filters) {
    if (H5Zfilter_avail(f.id) <= 0) missing.push_back(&f);
  }
  H5Eclear2(H5E_DEFAULT);
  return missing;
}

// Not lzf (32000, h5py's): Debian 12's hdf5-plugin-lzf does not load (its
// library lacks lzf_decompress), so there is no package to name.
std::string plugin_package(H5Z_filter_t id) {
  switch (id) {
    case 307:
      return "hdf5-filter-plugin";  // bzip2
    case 32008:
      return "hdf5-filter-plugin";  // bitshuffle
    case 32013:
      return "hdf5-filter-plugin-zfp-serial";
    default:
      return "";
  }
}

const Filter* FilterPipeline::first_unsupported() const {
  for (const auto& f : filters) {
    if (!supported(f.id)) return &f;
  }
  return nullptr;
}

std::string FilterPipeline::describe() const {
  std::vector<std::string> names;
  for (const auto& f : filters) names.push_back(f.name);
  return names.empty() ? "none" : join(names, ", ");
}

void FilterPipeline::decode(std::span<const std::byte> raw, std::uint32_t filter_mask, std::span<std::byte> out,
                            std::size_t element_size) const {
  std::vector<const Filter*> steps;  // the filters to undo, last applied first
  for (std::size_t i = filters.size(); i-- > 0;) {
    if (!(filter_mask & (1u << i))) steps.push_back(&filters[i]);
  }
  if (steps.empty()) {
    if (raw.size() != out.size()) {
      throw Error(ErrorKind::format, "unfiltered chunk has " + std::to_string(raw.size()) + " bytes, expected " +
                                         std::to_string(out.size()));
    }
    std::memcpy(out.data(), raw.data(), raw.size());
    return;
  }
  // Intermediate results alternate between two per-thread buffers; the last
  // step writes straight into `out`.
  thread_local std::vector<std::byte> scratch[2];
  std::span<const std::byte> in = raw;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    std::span<std::byte> target = out;
    if (s + 1 < steps.size()) {
      auto& buffer = scratch[s % 2];
      buffer.resize(out.size());
      target = buffer;
    }
    undo(*steps[s], in, target, element_size);
    in = target;
  }
}

}  // namespace ims::h5
