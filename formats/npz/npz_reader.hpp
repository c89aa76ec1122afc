#pragma once
// Reading one array of an npz archive (what `ims stats -o OUT.npz` and
// numpy's savez write), for ops that take an image from one ("bg.npz:median").
// The archive is untrusted: the member's .npy header is checked against the
// member's size before its data is allocated, and the data against the
// CRC-32 the archive records, as numpy's loader does; a corrupt member is an
// error naming the archive and the member, never silently used.

#include <cstddef>
#include <string>
#include <vector>

#include "formats/npy/npy_header.hpp"

namespace ims {

struct NpzArray {
  std::string member;            ///< "median.npy"
  NpyHeader header;              ///< data_offset counts from the member's start
  std::vector<std::byte> bytes;  ///< the whole member, header included
};

/// Member `name` of the npz `file` ("median" or "median.npy"; empty: the only
/// member). Throws format ims::Errors (stage "npz", the file) for a file
/// that is not a zip, a missing member (listing those there are), a header
/// whose size overflows or passes the member's, a truncated member or a
/// CRC-32 mismatch.
NpzArray read_npz_array(const std::string& file, const std::string& name);

}  // namespace ims
