#pragma once
// Reading the arrays of an npz archive (numpy's savez, `ims stats -o
// OUT.npz`, hexrd's frame-caches). The archive is untrusted: a member's .npy
// header is checked against the member's size before its data is
// allocated, and the data against the CRC-32 the archive records, as
// numpy's loader does; a corrupt member is an error naming the archive and
// the member, never silently used.

#include <zip.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "formats/npy/npy_header.hpp"

namespace ims {

struct NpzArray {
  std::string member;            ///< "median.npy"
  NpyHeader header;              ///< data_offset counts from the member's start
  std::vector<std::byte> bytes;  ///< the whole member, header included

  const std::byte* data() const { return bytes.data() + header.data_offset; }
};

/// An open npz archive. Members are read by index from any number of
/// threads at once: each read borrows one of a small pool of libzip handles
/// (a libzip archive is not safe to share), opening another when all are busy.
class NpzArchive {
 public:
  /// Opens `file` and reads its directory. Throws not_found or format
  /// ims::Errors (stage "npz", the file) for a missing file or not a zip.
  explicit NpzArchive(std::string file);
  ~NpzArchive();
  NpzArchive(const NpzArchive&) = delete;
  NpzArchive& operator=(const NpzArchive&) = delete;

  const std::string& file() const { return file_; }
  std::size_t size() const { return names_.size(); }
  /// Member `index`'s name ("0_row.npy").
  const std::string& name(std::size_t index) const { return names_[index]; }
  /// The index of member `name` ("median.npy"), if the archive has one.
  std::optional<std::size_t> find(const std::string& name) const;

  /// Member `index`, checked (header against size, CRC-32). `allow_text`
  /// admits fixed-width text arrays ('|S6', '<U3'). Thread-safe.
  NpzArray read(std::size_t index, bool allow_text = false) const;
  /// The same into `array`, reusing its buffer (a reader of many members
  /// allocates once).
  void read_into(std::size_t index, NpzArray& array, bool allow_text = false) const;

 private:
  struct Closer {
    void operator()(zip_t* z) const { zip_discard(z); }
  };
  using Handle = std::unique_ptr<zip_t, Closer>;
  Handle open_handle() const;

  std::string file_;
  std::vector<std::string> names_;
  mutable std::mutex mutex_;
  mutable std::vector<Handle> idle_;
};

/// Member `name` of the npz `file` ("median" or "median.npy"; empty: the only
/// member). Throws format ims::Errors (stage "npz", the file) for a file
/// that is not a zip, a missing member (listing those there are), a header
/// whose size overflows or passes the member's, a truncated member or a
/// CRC-32 mismatch.
NpzArray read_npz_array(const std::string& file, const std::string& name);

}  // namespace ims
