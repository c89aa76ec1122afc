// LZ4 in the framing of HDF5's filter 32004 (H5Zlz4.c from the HDF5 plugins,
// also in hdf5plugin). LZ4 itself has no framing here, so this file parses
// and writes it by hand; every size read from a chunk is checked before use.

#include <lz4.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>

#include "ims/error.hpp"
#include "formats/codec/codec.hpp"

namespace ims::codec {

namespace {

// Total uncompressed size (8 bytes) and block size (4 bytes), big-endian.
constexpr std::size_t kHeaderBytes = 12;
// Each block's compressed size, big-endian.
constexpr std::size_t kBlockHeaderBytes = 4;
// H5Zlz4.c's DEFAULT_BLOCK_SIZE.
constexpr std::size_t kDefaultBlockSize = std::size_t{1} << 30;
constexpr std::size_t kMaxBlockSize = LZ4_MAX_INPUT_SIZE;

[[noreturn]] void fail(ErrorKind kind, std::string message) {
  Error e(kind, std::move(message));
  e.with_stage("lz4");
  throw e;
}

std::uint64_t read_be(const std::byte* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

void write_be(std::byte* p, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = bytes; i-- > 0; v >>= 8) p[i] = static_cast<std::byte>(v & 0xff);
}

/// Where a block starts, for messages (built only when one is needed).
struct BlockAt {
  std::size_t index = 0;
  std::size_t offset = 0;
  std::string name() const {
    return "block " + std::to_string(index) + " (at byte " + std::to_string(offset) + ")";
  }
};

/// Decodes one block of `in` into all of `out`. A block whose compressed size
/// equals its size was stored as is: the encoder does that when LZ4 does not
/// shrink it.
void decode_block(std::span<const std::byte> in, std::span<std::byte> out, BlockAt at) {
  if (in.size() == out.size()) {
    std::memcpy(out.data(), in.data(), out.size());
    return;
  }
  // LZ4 counts in int; no encoder makes larger blocks.
  if (out.size() > kMaxBlockSize || in.size() > static_cast<std::size_t>(INT_MAX)) {
    fail(ErrorKind::format, at.name() + ": sizes " + std::to_string(in.size()) + " -> " +
                                std::to_string(out.size()) + " exceed LZ4's limit");
  }
  const int produced = LZ4_decompress_safe(
      reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data()),
      static_cast<int>(in.size()), static_cast<int>(out.size()));
  if (produced < 0 || static_cast<std::size_t>(produced) != out.size()) {
    fail(ErrorKind::format, at.name() + ": corrupt data (LZ4_decompress_safe returned " +
                                std::to_string(produced) + ", expected " +
                                std::to_string(out.size()) + ")");
  }
}

/// Writes `in`'s compressed size and data at `out` (room for 4 + in.size()
/// bytes); returns the bytes written.
std::size_t encode_block(std::span<const std::byte> in, std::byte* out) {
  // One byte less than the block: LZ4 gives up (returns 0) exactly when
  // compression would not save space, which the plugin stores as is.
  const int compressed = LZ4_compress_default(
      reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out + kBlockHeaderBytes),
      static_cast<int>(in.size()), static_cast<int>(in.size() - 1));
  std::size_t stored = static_cast<std::size_t>(compressed);
  if (compressed <= 0) {
    std::memcpy(out + kBlockHeaderBytes, in.data(), in.size());
    stored = in.size();
  }
  write_be(out, stored, kBlockHeaderBytes);
  return kBlockHeaderBytes + stored;
}

}  // namespace

std::size_t lz4_h5_decoded_size(std::span<const std::byte> in) {
  if (in.size() < kHeaderBytes) {
    fail(ErrorKind::format,
         "truncated chunk: " + std::to_string(in.size()) + " bytes, less than the 12-byte header");
  }
  return read_be(in.data(), 8);
}

std::size_t lz4_h5_decode(std::span<const std::byte> in, std::span<std::byte> out) {
  const std::uint64_t total = lz4_h5_decoded_size(in);
  if (total > out.size()) {
    fail(ErrorKind::internal, "chunk decodes to " + std::to_string(total) +
                                  " bytes, more than the " + std::to_string(out.size()) +
                                  "-byte output buffer");
  }
  // The plugin clamps the block size to the total, and so must we to agree on
  // where blocks end.
  const std::uint64_t block = std::min<std::uint64_t>(read_be(in.data() + 8, 4), total);
  if (total > 0 && block == 0) fail(ErrorKind::format, "block size 0 in the header");
  std::size_t pos = kHeaderBytes;
  std::size_t done = 0;
  for (BlockAt at; done < total; ++at.index) {
    at.offset = pos;
    if (in.size() - pos < kBlockHeaderBytes) {
      fail(ErrorKind::format, "truncated chunk: " + at.name() + " has no size");
    }
    const std::uint64_t compressed = read_be(in.data() + pos, kBlockHeaderBytes);
    pos += kBlockHeaderBytes;
    if (compressed > in.size() - pos) {
      fail(ErrorKind::format, "truncated chunk: " + at.name() + " has " +
                                  std::to_string(compressed) + " bytes, only " +
                                  std::to_string(in.size() - pos) + " remain");
    }
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(block, total - done));
    decode_block(in.subspan(pos, compressed), out.subspan(done, length), at);
    pos += compressed;
    done += length;
  }
  return total;
}

std::size_t lz4_h5_encode(std::span<const std::byte> in, std::size_t block_size,
                          std::vector<std::byte>& out) {
  if (block_size == 0) block_size = kDefaultBlockSize;
  if (block_size > kMaxBlockSize) {
    fail(ErrorKind::usage, "block size " + std::to_string(block_size) + " exceeds LZ4's limit of " +
                               std::to_string(kMaxBlockSize) + " bytes");
  }
  // The plugin records the block size clamped to the data.
  block_size = std::min(block_size, in.size());
  const std::size_t blocks = block_size == 0 ? 0 : (in.size() + block_size - 1) / block_size;
  // Stored blocks bound the size: a compressed block is always smaller.
  out.resize(kHeaderBytes + blocks * kBlockHeaderBytes + in.size());
  write_be(out.data(), in.size(), 8);
  write_be(out.data() + 8, block_size, 4);
  std::size_t pos = kHeaderBytes;
  for (std::size_t done = 0; done < in.size(); done += block_size) {
    const std::size_t length = std::min(block_size, in.size() - done);
    pos += encode_block(in.subspan(done, length), out.data() + pos);
  }
  out.resize(pos);
  return pos;
}

}  // namespace ims::codec
