#pragma once
// The npz frame-cache as it is written: members deflated as the frames are
// prepared (in parallel), their bytes appended to a spill file beside the
// output as the frames arrive in order, and the archive assembled by libzip
// at commit from the spill file, without inflating or holding the members.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/output_file.hpp"
#include "formats/posix_file.hpp"
#include "ims/metadata.hpp"

namespace ims {

/// One .npy member, deflated.
struct DeflatedMember {
  std::string name;        ///< "0_row.npy"
  std::uint64_t size = 0;  ///< uncompressed bytes
  std::uint32_t crc = 0;   ///< CRC-32 of the uncompressed bytes
  std::vector<std::byte> deflated;
};

/// Deflates `npy` (a member's header and data, `size` bytes) at numpy's
/// level (zlib's default, 6). Thread-safe.
DeflatedMember deflate_member(std::string name, const std::byte* npy, std::size_t size);

class NpzSink {
 public:
  /// The archive will be `path` (nothing appears there before commit()).
  explicit NpzSink(std::string path);
  ~NpzSink();

  void add(const DeflatedMember& member);
  /// Adds `header` members (shape, nframes, dtype, metadata) after the
  /// frames', then writes the archive and renames it into place.
  void commit(const std::vector<DeflatedMember>& header);

 private:
  struct Entry {
    std::string name;
    std::uint64_t offset = 0, deflated = 0, size = 0;
    std::uint32_t crc = 0;
  };
  std::string path_;
  AtomicOutput output_;
  AtomicOutput spill_output_;  // never committed: removed with the sink
  PosixFile spill_;
  std::uint64_t spilled_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace ims
