// zlib streams through libdeflate, which decodes whole buffers about twice as
// fast as zlib's own inflate (bench/bm_codecs measures both on the same data).

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "ims/error.hpp"
#include "formats/codec/codec.hpp"

namespace ims::codec {

namespace {

constexpr int kMinLevel = 1, kMaxLevel = 9;

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
using DecompressorPtr = std::unique_ptr<libdeflate_decompressor, DecompressorDeleter>;
using CompressorPtr = std::unique_ptr<libdeflate_compressor, CompressorDeleter>;

Error error(ErrorKind kind, const char* stage, std::string message) {
  Error e(kind, std::move(message));
  e.with_stage(stage);
  return e;
}

// libdeflate's (de)compressors must not be shared between threads, and making
// one costs allocations (tens of KB to ~1 MB of tables): keep one per thread,
// alive as long as the thread (the engine's workers live for the whole run).
libdeflate_decompressor& thread_decompressor() {
  thread_local DecompressorPtr decompressor;
  if (!decompressor) {
    decompressor.reset(libdeflate_alloc_decompressor());
    if (!decompressor) throw error(ErrorKind::resource, "inflate", "out of memory");
  }
  return *decompressor;
}

libdeflate_compressor& thread_compressor(int level) {
  thread_local std::array<CompressorPtr, kMaxLevel + 1> compressors;
  auto& compressor = compressors[static_cast<std::size_t>(level)];
  if (!compressor) {
    compressor.reset(libdeflate_alloc_compressor(level));
    if (!compressor) throw error(ErrorKind::resource, "deflate", "out of memory");
  }
  return *compressor;
}

std::string result_name(libdeflate_result result) {
  switch (result) {
    case LIBDEFLATE_SUCCESS:
      return "success";
    case LIBDEFLATE_BAD_DATA:
      return "bad data";
    case LIBDEFLATE_SHORT_OUTPUT:
      return "short output";
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      return "insufficient space";
  }
  return "error " + std::to_string(static_cast<int>(result));
}

[[noreturn]] void fail_corrupt(std::span<const std::byte> in, libdeflate_result result) {
  // libdeflate cannot tell a truncated stream from a corrupt one: both are bad data.
  throw error(ErrorKind::format, "inflate",
              "corrupt or truncated stream of " + std::to_string(in.size()) +
                  " bytes (libdeflate: " + result_name(result) + ")");
}

// libdeflate reports "insufficient space" both for a valid stream larger than
// the output buffer (the caller's mistake) and, more often, for corrupt data
// that happens to decode into long matches. Decoding again into a larger
// scratch buffer tells the two apart; only this error path pays for it.
[[noreturn]] void fail_insufficient_space(std::span<const std::byte> in, std::size_t out_size) {
  // Deflate expands at most 1032:1. Twice the expected size is room enough for
  // a stream that is merely larger than the caller expected.
  constexpr std::size_t kMaxRatio = 1032;
  const std::size_t limit =
      std::min(in.size() * kMaxRatio + 1, std::max<std::size_t>(2 * out_size, 1 << 20));
  std::vector<std::byte> scratch(limit);
  std::size_t produced = 0;
  const libdeflate_result result =
      libdeflate_zlib_decompress_ex(&thread_decompressor(), in.data(), in.size(), scratch.data(),
                                    scratch.size(), nullptr, &produced);
  const std::string buffer = "the " + std::to_string(out_size) + "-byte output buffer";
  if (result == LIBDEFLATE_SUCCESS) {
    throw error(ErrorKind::internal, "inflate",
                "stream decodes to " + std::to_string(produced) + " bytes, more than " + buffer);
  }
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
    throw error(ErrorKind::format, "inflate",
                "stream decodes to more than " + std::to_string(limit) + " bytes, far more than " +
                    buffer + " (corrupt data?)");
  }
  fail_corrupt(in, result);
}

}  // namespace

std::size_t inflate_zlib(std::span<const std::byte> in, std::span<std::byte> out) {
  // Where the stream ended does not matter: bytes after it are ignored, as
  // zlib's uncompress and HDF5's filter ignore them.
  std::size_t produced = 0;
  const libdeflate_result result = libdeflate_zlib_decompress_ex(
      &thread_decompressor(), in.data(), in.size(), out.data(), out.size(), nullptr, &produced);
  if (result == LIBDEFLATE_SUCCESS) return produced;
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE) fail_insufficient_space(in, out.size());
  fail_corrupt(in, result);
}

std::size_t deflate_zlib_bound(std::size_t n) {
  // A null compressor asks for the bound over every level.
  return libdeflate_zlib_compress_bound(nullptr, n);
}

std::size_t deflate_zlib(std::span<const std::byte> in, int level, std::vector<std::byte>& out) {
  if (level < kMinLevel || level > kMaxLevel) {
    throw error(ErrorKind::usage, "deflate",
                "level " + std::to_string(level) + " is out of range (expected 1 to 9)");
  }
  libdeflate_compressor& compressor = thread_compressor(level);
  out.resize(libdeflate_zlib_compress_bound(&compressor, in.size()));
  const std::size_t size =
      libdeflate_zlib_compress(&compressor, in.data(), in.size(), out.data(), out.size());
  // With a buffer of the bound's size, 0 ("did not fit") cannot happen.
  if (size == 0) {
    throw error(ErrorKind::internal, "deflate",
                std::to_string(in.size()) + " bytes did not fit in the compress bound");
  }
  out.resize(size);
  return size;
}

}  // namespace ims::codec
