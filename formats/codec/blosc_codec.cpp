// Blosc 1.x frames, as HDF5's filter 32001 (hdf5-blosc, hdf5plugin) stores
// them in a chunk. Only the context functions (blosc_compress_ctx,
// blosc_decompress_ctx) are used: they keep no global state, so any number of
// threads may call them without blosc_init and without Blosc's global lock.

#include <blosc.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include "ims/error.hpp"
#include "core/strings.hpp"
#include "formats/codec/codec.hpp"

namespace ims::codec {

namespace {

// Indexed by Blosc's compressor code, which the HDF5 filter records.
constexpr std::array<const char*, 6> kCompressorNames = {
    BLOSC_BLOSCLZ_COMPNAME, BLOSC_LZ4_COMPNAME,  BLOSC_LZ4HC_COMPNAME,
    BLOSC_SNAPPY_COMPNAME,  BLOSC_ZLIB_COMPNAME, BLOSC_ZSTD_COMPNAME};

[[noreturn]] void fail(ErrorKind kind, std::string message) {
  Error e(kind, std::move(message));
  e.with_stage("blosc");
  throw e;
}

struct Header {
  std::size_t nbytes = 0;  ///< uncompressed size
  std::size_t cbytes = 0;  ///< size of the whole frame, header included
};

Header read_header(std::span<const std::byte> in) {
  if (in.size() < BLOSC_MIN_HEADER_LENGTH) {
    fail(ErrorKind::format,
         "truncated frame: " + std::to_string(in.size()) + " bytes, less than the 16-byte header");
  }
  // blosc_cbuffer_sizes reports 0 for every size of a frame from a newer
  // Blosc (c-blosc2 writes versions 3 and up): say so rather than "size 0".
  const auto version = static_cast<unsigned>(in[0]);
  if (version > BLOSC_VERSION_FORMAT) {
    fail(ErrorKind::format, "frame format version " + std::to_string(version) +
                                " is newer than this Blosc " BLOSC_VERSION_STRING " reads (" +
                                std::to_string(BLOSC_VERSION_FORMAT) + ")");
  }
  Header h;
  std::size_t blocksize = 0;
  blosc_cbuffer_sizes(in.data(), &h.nbytes, &h.cbytes, &blocksize);
  return h;
}

int shuffle_code(BloscShuffle shuffle) {
  switch (shuffle) {
    case BloscShuffle::none:
      return BLOSC_NOSHUFFLE;
    case BloscShuffle::byte:
      return BLOSC_SHUFFLE;
    case BloscShuffle::bit:
      return BLOSC_BITSHUFFLE;
  }
  fail(ErrorKind::usage, "unknown shuffle mode " + std::to_string(static_cast<int>(shuffle)));
}

void check_encode_parameters(std::size_t size, std::size_t typesize, int clevel) {
  if (clevel < 0 || clevel > 9) {
    fail(ErrorKind::usage,
         "compression level " + std::to_string(clevel) + " is out of range (expected 0 to 9)");
  }
  if (typesize == 0) fail(ErrorKind::usage, "type size 0");
  if (size > static_cast<std::size_t>(BLOSC_MAX_BUFFERSIZE)) {
    fail(ErrorKind::unsupported, "a frame holds at most " + std::to_string(BLOSC_MAX_BUFFERSIZE) +
                                     " bytes, not " + std::to_string(size));
  }
}

}  // namespace

const std::vector<std::string>& blosc_compressors() {
  // blosc_list_compressors fills a static buffer on first use (a data race
  // between threads); blosc_compname_to_compcode only compares strings.
  static const std::vector<std::string> names = [] {
    std::vector<std::string> found;
    for (const char* name : kCompressorNames) {
      if (blosc_compname_to_compcode(name) >= 0) found.emplace_back(name);
    }
    return found;
  }();
  return names;
}

int blosc_compressor_code(std::string_view name) {
  std::string printable(name);
  // A name with an embedded NUL would compare as its prefix, and print as it.
  const bool has_nul = printable.find('\0') != std::string::npos;
  const int code = has_nul ? -1 : blosc_compname_to_compcode(printable.c_str());
  if (code < 0) {
    std::replace(printable.begin(), printable.end(), '\0', '?');
    fail(ErrorKind::usage, unknown_name_message("compressor", printable, blosc_compressors()));
  }
  return code;
}

std::size_t blosc_decoded_size(std::span<const std::byte> in) {
  return read_header(in).nbytes;
}

std::size_t blosc_decode(std::span<const std::byte> in, std::span<std::byte> out) {
  const Header h = read_header(in);
  if (h.cbytes != in.size()) {
    fail(ErrorKind::format, "compressed size " + std::to_string(in.size()) +
                                " bytes does not match the header's " + std::to_string(h.cbytes));
  }
  if (h.nbytes > out.size()) {
    fail(ErrorKind::internal, "frame decodes to " + std::to_string(h.nbytes) +
                                  " bytes, more than the " + std::to_string(out.size()) +
                                  "-byte output buffer");
  }
  std::size_t validated = 0;
  if (blosc_cbuffer_validate(in.data(), in.size(), &validated) != 0) {
    fail(ErrorKind::format,
         "invalid frame header (uncompressed size " + std::to_string(h.nbytes) + ")");
  }
  if (h.nbytes == 0) return 0;
  // destsize is exactly the announced size, as the HDF5 filter passes it; it
  // also fits the int32 Blosc converts it to.
  const int produced = blosc_decompress_ctx(in.data(), out.data(), h.nbytes, 1);
  if (produced < 0 || static_cast<std::size_t>(produced) != h.nbytes) {
    fail(ErrorKind::format, "corrupt frame of " + std::to_string(in.size()) +
                                " bytes (blosc_decompress_ctx returned " +
                                std::to_string(produced) + ", expected " +
                                std::to_string(h.nbytes) + ")");
  }
  return h.nbytes;
}

std::size_t blosc_encode(std::span<const std::byte> in, std::size_t typesize, int clevel,
                         BloscShuffle shuffle, std::string_view compressor,
                         std::vector<std::byte>& out) {
  check_encode_parameters(in.size(), typesize, clevel);
  const int code = blosc_compressor_code(compressor);
  // Blosc itself treats larger types as bytes; doing it here keeps the call
  // within its documented range.
  if (typesize > BLOSC_MAX_TYPESIZE) typesize = 1;
  // The header's worth of slack guarantees success: incompressible data is
  // stored as is.
  out.resize(in.size() + BLOSC_MAX_OVERHEAD);
  const int size =
      blosc_compress_ctx(clevel, shuffle_code(shuffle), typesize, in.size(), in.data(), out.data(),
                         out.size(), kCompressorNames[static_cast<std::size_t>(code)], 0, 1);
  if (size <= 0) {
    fail(ErrorKind::internal, "blosc_compress_ctx failed (" + std::to_string(size) + ") on " +
                                  std::to_string(in.size()) + " bytes");
  }
  out.resize(static_cast<std::size_t>(size));
  return out.size();
}

}  // namespace ims::codec
