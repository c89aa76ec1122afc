// The npz style (§2.6): members {i}_row, {i}_col, {i}_data, shape, nframes,
// dtype and one per metadata entry, looked up by name (their order is the
// writer threads' completion order). The store keeps each frame's three
// member indices; a read inflates only that frame's members.

#include <array>
#include <charconv>
#include <memory>

#include "core/logging.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/framecache/npz_members.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

Error cache_error(const std::string& file, const std::string& message) {
  return Error(ErrorKind::format, message).with_stage("frame-cache").with_file(file);
}

/// For "12_row.npy": 12 and "row"; nullopt for other names.
std::optional<std::pair<std::size_t, std::string>> frame_member(const std::string& name) {
  const auto underscore = name.find('_');
  if (underscore == std::string::npos || underscore == 0 || name.size() < 4 ||
      name.compare(name.size() - 4, 4, ".npy") != 0) {
    return std::nullopt;
  }
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + underscore, index);
  if (ec != std::errc() || end != name.data() + underscore) return std::nullopt;
  std::string part = name.substr(underscore + 1, name.size() - 4 - underscore - 1);
  if (part != "row" && part != "col" && part != "data") return std::nullopt;
  return std::make_pair(index, part);
}

struct NpzIndex {
  std::shared_ptr<const NpzArchive> archive;
  std::vector<std::array<std::uint32_t, 3>> members;  // row, col, data of each frame
};

std::size_t required(const NpzArchive& archive, const std::string& name) {
  const auto index = archive.find(name);
  if (!index) {
    throw cache_error(archive.file(), "not a frame-cache: no member " + name +
                                          " (hexrd's npz frame-cache holds shape, nframes, dtype and "
                                          "{i}_row, {i}_col, {i}_data for every frame)");
  }
  return *index;
}

void read_header_members(const NpzArchive& archive, SparseStore& store) {
  const std::string& file = archive.file();
  const std::vector<std::int64_t> shape = npz_integers(archive.read(required(archive, "shape.npy")), file);
  if (shape.size() != 2 || shape[0] <= 0 || shape[1] <= 0 || shape[0] > 65536 || shape[1] > 65536) {
    std::string text;
    for (auto d : shape) text += (text.empty() ? "" : ", ") + std::to_string(d);
    throw cache_error(file, "member shape.npy: (" + text + ") is not a frame shape of at most 65536x65536");
  }
  store.shape = {static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])};
  const std::vector<std::int64_t> nframes = npz_integers(archive.read(required(archive, "nframes.npy")), file);
  if (nframes.size() != 1 || nframes[0] < 0) throw cache_error(file, "member nframes.npy: not a frame count");
  store.frames = static_cast<std::size_t>(nframes[0]);
  const std::string dtype = npz_text(archive.read(required(archive, "dtype.npy"), true), file);
  const auto parsed = find_dtype(dtype);
  if (!parsed) {
    throw Error(ErrorKind::unsupported, "member dtype.npy: pixel type '" + dtype + "' is not one ims reads")
        .with_stage("frame-cache")
        .with_file(file);
  }
  store.dtype = *parsed;
}

/// Every member that is not a frame's or the header's: metadata, as hexrd
/// reads it. Objects (pickles) and other values metadata cannot hold are
/// skipped with a warning naming the member (hexrd cannot load such a file
/// at all: hexrd#806).
Metadata read_metadata_members(const NpzArchive& archive) {
  Metadata metadata;
  for (std::size_t i = 0; i < archive.size(); ++i) {
    const std::string& name = archive.name(i);
    if (name == "shape.npy" || name == "nframes.npy" || name == "dtype.npy" || frame_member(name)) continue;
    const std::string key = name.size() > 4 && name.ends_with(".npy") ? name.substr(0, name.size() - 4) : name;
    try {
      metadata.set(key, npz_meta_value(archive.read(i, true), archive.file()));
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::unsupported) throw;
      spdlog::warn("frame-cache: {}: metadata skipped: {}", archive.file(), e.message());
    }
  }
  return metadata;
}

NpzIndex index_frames(std::shared_ptr<const NpzArchive> archive, std::size_t frames) {
  NpzIndex index{archive, std::vector<std::array<std::uint32_t, 3>>(frames)};
  std::vector<std::array<bool, 3>> seen(frames, {false, false, false});
  for (std::size_t i = 0; i < archive->size(); ++i) {
    const auto member = frame_member(archive->name(i));
    if (!member) continue;
    const auto& [frame, part] = *member;
    if (frame >= frames) {
      throw cache_error(archive->file(), "member " + archive->name(i) + " belongs to frame " + std::to_string(frame) +
                                             ", but nframes.npy says " + std::to_string(frames) + " frames");
    }
    const int slot = part == "row" ? 0 : part == "col" ? 1 : 2;
    index.members[frame][slot] = static_cast<std::uint32_t>(i);
    seen[frame][slot] = true;
  }
  static const char* const parts[] = {"row", "col", "data"};
  for (std::size_t f = 0; f < frames; ++f) {
    for (int slot = 0; slot < 3; ++slot) {
      if (!seen[f][slot]) {
        throw cache_error(archive->file(), "no member " + std::to_string(f) + "_" + parts[slot] + ".npy").with_frame(f);
      }
    }
  }
  return index;
}

/// The member's values as `T` (uint16 indices; the series dtype for data).
template <class Out>
void copy_values(const NpzArray& array, DType want, const std::string& file, std::size_t frame, Out& out) {
  const NpyHeader& h = array.header;
  if (h.text_kind != 0 || h.dtype != want || h.shape.size() != 1) {
    throw cache_error(file, "member " + array.member + " is not a 1-D " + std::string(dtype_name(want)) + " array")
        .with_frame(frame);
  }
  const std::size_t bytes = h.data_bytes();
  out.resize(bytes / sizeof(typename Out::value_type));
  if (bytes > 0) std::memcpy(out.data(), array.data(), bytes);  // an empty vector may have no buffer
  if (h.byte_order != kNativeByteOrder) byteswap_inplace(out.data(), h.elements(), dtype_size(want));
}

}  // namespace

SparseStore open_npz_store(const std::string& path) {
  auto archive = std::make_shared<const NpzArchive>(path);
  SparseStore store;
  store.describe = "frame-cache:" + path;
  store.files = {path};
  read_header_members(*archive, store);
  store.metadata = read_metadata_members(*archive);
  auto index = std::make_shared<const NpzIndex>(index_frames(archive, store.frames));
  store.load = [index, dtype = store.dtype, shape = store.shape](std::size_t frame, SparseFrame& out) {
    const NpzArchive& zip = *index->archive;
    const auto& [row, col, data] = index->members[frame];
    try {
      thread_local NpzArray member;  // its buffer is reused from frame to frame
      zip.read_into(row, member);
      copy_values(member, DType::uint16, zip.file(), frame, out.rows);
      zip.read_into(col, member);
      copy_values(member, DType::uint16, zip.file(), frame, out.cols);
      zip.read_into(data, member);
      copy_values(member, dtype, zip.file(), frame, out.values);
      check_sparse(out, dtype, shape);
    } catch (Error& e) {
      if (e.file().empty()) e.with_file(zip.file());
      throw e.with_stage("frame-cache").with_frame(frame);
    }
  };
  return store;
}

}  // namespace ims
