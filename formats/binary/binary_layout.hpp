#pragma once
// Flat binary frames (Thunder's frombinary/tobinary). Layouts:
//   DIR/conf.json + DIR/*.bin  one or more frames per file, files in name order
//                              (tobinary writes image-00000.bin, ... and SUCCESS)
//   X.bin + X.json             one multi-frame file with its sidecar
// The sidecar is JSON: {"dims": [rows, cols], "dtype": "uint16",
// "byteorder": "little", "order": "C", "nframes": N, "metadata": {...}};
// Thunder writes only dims and dtype and ims reads "shape" as a synonym of
// "dims". Options given on the command line override the sidecar. "metadata"
// holds the series' metadata (see metadata_json.hpp).

#include <filesystem>
#include <optional>
#include <string>

#include "core/frame.hpp"
#include "ims/metadata.hpp"
#include "ims/params.hpp"

namespace ims {

struct BinaryLayout {
  FrameShape shape;
  DType dtype = DType::uint16;
  ByteOrder byte_order = kNativeByteOrder;
  bool fortran_order = false;  ///< each frame column-major (Thunder's order='F')
  Metadata metadata;           ///< the sidecar's "metadata"
  /// The sidecar's "nframes" when the sidecar describes exactly this path
  /// (DIR/conf.json of a directory, X.json of X.bin): the reader checks it.
  std::optional<std::size_t> frames;
  std::filesystem::path sidecar;  ///< empty when there is none
};

/// Where the sidecar of `path` is: DIR/conf.json for a directory, else X.json
/// beside X.bin, else conf.json in X.bin's directory (Thunder). Empty if none.
std::filesystem::path find_sidecar(const std::filesystem::path& path);

/// The layout from the sidecar (if any) overridden by the options; a missing
/// shape or dtype is a usage error naming both ways to give it.
BinaryLayout resolve_layout(const std::filesystem::path& path, const Params& options);

/// The sidecar text for `layout` (with its metadata) and `frames`.
std::string sidecar_json(const BinaryLayout& layout, std::size_t frames);

}  // namespace ims
