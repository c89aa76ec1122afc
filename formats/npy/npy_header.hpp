#pragma once
// The .npy header (NEP 1 / numpy.lib.format): magic, version, a Python dict
// literal with 'descr', 'fortran_order' and 'shape', padded so the data starts
// on a 64-byte boundary.

#include <cstddef>
#include <string>
#include <vector>

#include "ims/dtype.hpp"

namespace ims {

struct NpyHeader {
  DType dtype = DType::uint8;
  ByteOrder byte_order = kNativeByteOrder;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;  ///< bytes from the start of the file to the data
  /// Text arrays (only when parsed with allow_text): 'S' (bytes) or 'U'
  /// (UCS-4), `text_width` characters per element; also 'b' for numpy's
  /// bool (width 1). `dtype` is then unused.
  char text_kind = 0;
  std::size_t text_width = 0;

  std::size_t elements() const;
  std::size_t element_bytes() const;
  std::size_t data_bytes() const { return elements() * element_bytes(); }
};

/// Parses the header at the start of `bytes`. `file` names the file in errors.
/// Throws format errors for malformed headers and unsupported errors for
/// dtypes ims does not read (bool, int8, uint64, float16, complex, strings,
/// objects, structured arrays).
/// With `allow_text`, also numpy's fixed-width text arrays ('|S6', '<U3':
/// the npz members that hold a frame-cache's dtype and string metadata).
NpyHeader parse_npy_header(const std::byte* bytes, std::size_t size, const std::string& file,
                           bool allow_text = false);

/// The smallest prefix that holds any header's fixed part (magic + version + length).
inline constexpr std::size_t kNpyPreambleBytes = 12;

/// From the first `size` (at least kNpyPreambleBytes, or the whole file)
/// bytes: the length of the whole header, preamble included, i.e. where the
/// data starts. Throws format errors naming `file` for a bad magic or version.
std::size_t npy_header_bytes(const std::byte* bytes, std::size_t size, const std::string& file);

/// A complete header (version 1.0, or 2.0 when the dict is too long) for a
/// C-order array of `dtype` in native byte order.
std::string make_npy_header(DType dtype, const std::vector<std::size_t>& shape);

/// The same for any descr numpy writes ("|b1" for a bool).
std::string make_npy_header(const std::string& descr, const std::vector<std::size_t>& shape);

/// The same for a text array of `kind` 'S' (bytes) or 'U' (UCS-4) and
/// `width` characters per element ('|S6', '<U3').
std::string make_npy_text_header(char kind, std::size_t width, const std::vector<std::size_t>& shape);

/// numpy's descr for `dtype` in `order`, e.g. "<u2", ">f8", "|u1".
std::string npy_descr(DType dtype, ByteOrder order);

}  // namespace ims
