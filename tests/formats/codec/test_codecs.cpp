// The codecs against their references: a naive transcription of HDF5's
// shuffle, zlib itself for deflate, chunks built by hand from H5Zlz4.c's
// framing, and round trips for every Blosc compressor and shuffle mode. Every
// kind of damage (truncation, flipped bytes, lying headers) must end in an
// ims::Error, never in a crash or an out-of-bounds access (run under ASan).

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ims/error.hpp"
#include "formats/codec/codec.hpp"

namespace ims::codec {
namespace {

using Bytes = std::vector<std::byte>;

constexpr std::size_t kChunk = 8u << 20;  // a typical detector chunk: 8 MiB
// Sizes around the edges of every codec: empty, one byte, odd, Blosc's
// 128-byte minimum, tile and block boundaries, and a full chunk.
const std::vector<std::size_t> kSizes = {
    0, 1, 2, 3, 7, 64, 127, 128, 129, 1000, 4097, 65537, 65536 * 3 + 5, kChunk};

/// Detector-like uint16 pixels (a background near 100 counts, a bright spot
/// now and then), little-endian, cut to `size` bytes: compressible data.
Bytes detector_bytes(std::size_t size, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  Bytes out(size);
  for (std::size_t i = 0; i < size; i += 2) {
    const std::uint64_t r = rng();
    auto v = static_cast<std::uint16_t>(92 + (r & 7) + ((r >> 3) & 7) + ((r >> 6) & 3));
    if ((r >> 16) % 1000 == 0) v = static_cast<std::uint16_t>(20000 + (r >> 40) % 40000);
    out[i] = static_cast<std::byte>(v & 0xff);
    if (i + 1 < size) out[i + 1] = static_cast<std::byte>(v >> 8);
  }
  return out;
}

/// Uniformly random bytes: incompressible.
Bytes random_bytes(std::size_t size, std::uint64_t seed = 2) {
  std::mt19937_64 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xff);
  return out;
}

/// Runs `f`, which must throw an ims::Error; returns it.
Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no ims::Error thrown";
  return Error(ErrorKind::internal, "none");
}

void expect_error(const std::function<void()>& f, ErrorKind kind, const std::string& stage,
                  const std::string& text = "") {
  const Error e = error_of(f);
  EXPECT_EQ(error_kind_name(e.kind()), error_kind_name(kind)) << e.what();
  EXPECT_EQ(e.stage(), stage) << e.what();
  EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
}

/// Decoding damaged input must either fail with a format error or produce
/// something: codecs without checksums (Blosc, LZ4) cannot notice every
/// flipped literal. A damaged size field of Blosc or LZ4 may also announce more
/// than the output buffer holds, which they report as the caller's (internal)
/// error: callers check blosc_decoded_size / lz4_h5_decoded_size first.
/// Returns whether decoding failed.
bool decode_damaged(const std::function<void()>& decode, bool sizes_announced) {
  try {
    decode();
    return false;
  } catch (const Error& e) {
    const bool announced_too_much = sizes_announced && e.kind() == ErrorKind::internal &&
                                    e.message().find("output buffer") != std::string::npos;
    if (!announced_too_much) {
      EXPECT_EQ(error_kind_name(e.kind()), "format") << e.what();
    }
    return true;
  }
}

/// Flips bytes at positions spread over `frame` and decodes each damaged copy;
/// returns how many decodes failed.
std::size_t flip_and_decode(const Bytes& frame, const std::function<void(const Bytes&)>& decode) {
  std::size_t failed = 0;
  const std::size_t step = std::max<std::size_t>(1, frame.size() / 97);
  for (std::size_t pos = 0; pos < frame.size(); pos += step) {
    for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
      Bytes damaged = frame;
      damaged[pos] ^= static_cast<std::byte>(mask);
      failed += decode_damaged([&] { decode(damaged); }, true);
    }
  }
  return failed;
}

std::string chars(std::initializer_list<int> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

Bytes bytes_of(const std::string& s) {
  Bytes out(s.size());
  std::transform(s.begin(), s.end(), out.begin(), [](char c) { return static_cast<std::byte>(c); });
  return out;
}

std::uint64_t read_be(const Bytes& b, std::size_t pos, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(b[pos + i]);
  return v;
}

// --- deflate -----------------------------------------------------------------

TEST(Deflate, RoundTripsEverySizeAndLevel) {
  for (std::size_t size : kSizes) {
    const Bytes data = detector_bytes(size);
    for (int level : size == kChunk ? std::vector<int>{1, 6} : std::vector<int>{1, 5, 6, 9}) {
      Bytes packed;
      const std::size_t n = deflate_zlib(data, level, packed);
      EXPECT_EQ(n, packed.size());
      EXPECT_LE(n, deflate_zlib_bound(size));
      Bytes back(size);
      EXPECT_EQ(inflate_zlib(packed, back), size) << size << " bytes, level " << level;
      EXPECT_EQ(back, data) << size << " bytes, level " << level;
    }
  }
}

TEST(Deflate, IncompressibleDataStaysWithinTheBound) {
  const Bytes data = random_bytes(100000);
  Bytes packed;
  EXPECT_LE(deflate_zlib(data, 9, packed), deflate_zlib_bound(data.size()));
  Bytes back(data.size());
  inflate_zlib(packed, back);
  EXPECT_EQ(back, data);
}

TEST(Deflate, InflatesWhatZlibCompress2Writes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1001}, kChunk}) {
    const Bytes data = detector_bytes(size, 7);
    // Level 9 takes seconds on a full chunk.
    for (int level : size == kChunk ? std::vector<int>{1, 6} : std::vector<int>{1, 6, 9}) {
      uLongf packed_size = compressBound(static_cast<uLong>(size));
      Bytes packed(packed_size);
      ASSERT_EQ(
          compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                    reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(size), level),
          Z_OK);
      packed.resize(packed_size);
      Bytes back(size);
      EXPECT_EQ(inflate_zlib(packed, back), size);
      EXPECT_EQ(back, data) << size << " bytes, zlib level " << level;
    }
  }
}

TEST(Deflate, ZlibUncompressReadsOurStreams) {
  for (std::size_t size : {std::size_t{0}, std::size_t{3}, std::size_t{65537}, kChunk}) {
    const Bytes data = detector_bytes(size, 8);
    for (int level : size == kChunk ? std::vector<int>{1} : std::vector<int>{1, 9}) {
      Bytes packed;
      deflate_zlib(data, level, packed);
      Bytes back(size + 1);  // one spare byte: zlib must stop at `size`
      uLongf back_size = static_cast<uLongf>(back.size());
      ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(back.data()), &back_size,
                           reinterpret_cast<const Bytef*>(packed.data()),
                           static_cast<uLong>(packed.size())),
                Z_OK);
      back.resize(back_size);
      EXPECT_EQ(back, data) << size << " bytes, level " << level;
    }
  }
}

TEST(Deflate, IgnoresBytesAfterTheStreamAsZlibDoes) {
  const Bytes data = detector_bytes(5000);
  Bytes packed;
  deflate_zlib(data, 6, packed);
  packed.insert(packed.end(), {std::byte{1}, std::byte{2}, std::byte{3}});
  Bytes back(data.size());
  EXPECT_EQ(inflate_zlib(packed, back), data.size());
  EXPECT_EQ(back, data);
}

TEST(Deflate, LevelOutsideOneToNineIsAUsageError) {
  Bytes out;
  for (int level : {0, -1, 10, 12}) {
    expect_error([&] { deflate_zlib(detector_bytes(10), level, out); }, ErrorKind::usage, "deflate",
                 "level " + std::to_string(level));
  }
}

TEST(Deflate, TruncatedStreamsAreFormatErrors) {
  const Bytes data = detector_bytes(20000);
  Bytes packed;
  deflate_zlib(data, 6, packed);
  Bytes back(data.size());
  for (std::size_t keep = 0; keep < packed.size(); keep += std::max<std::size_t>(1, keep / 3)) {
    const std::span<const std::byte> cut(packed.data(), keep);
    expect_error([&] { inflate_zlib(cut, back); }, ErrorKind::format, "inflate",
                 "corrupt or truncated stream of " + std::to_string(keep) + " bytes");
  }
}

TEST(Deflate, FlippedBytesAreAlwaysCaught) {
  // The Adler-32 checksum catches what the stream structure does not.
  const Bytes data = detector_bytes(30000);
  Bytes packed;
  deflate_zlib(data, 6, packed);
  Bytes back(data.size());
  // From byte 2 (after the zlib header) to the checksum; the last deflate byte
  // may hold ignored padding bits.
  const Bytes body(packed.begin(), packed.end());
  std::size_t tried = 0, failed = 0;
  for (std::size_t pos = 2; pos + 5 < body.size(); pos += 7) {
    for (std::uint8_t mask : {0x01, 0x10, 0xff}) {
      Bytes damaged = body;
      damaged[pos] ^= static_cast<std::byte>(mask);
      ++tried;
      failed += decode_damaged([&] { inflate_zlib(damaged, back); }, false);
    }
  }
  EXPECT_EQ(failed, tried);
  expect_error(
      [&] {
        Bytes damaged = body;
        damaged[damaged.size() / 2] ^= std::byte{0x5a};
        inflate_zlib(damaged, back);
      },
      ErrorKind::format, "inflate", "(libdeflate: bad data)");
}

TEST(Deflate, OutputTooSmallIsAnInternalError) {
  const Bytes data = detector_bytes(4000);
  Bytes packed;
  deflate_zlib(data, 1, packed);
  Bytes back(data.size() - 1);
  expect_error([&] { inflate_zlib(packed, back); }, ErrorKind::internal, "inflate",
               "more than the 3999-byte output buffer");
  Bytes none;
  expect_error([&] { inflate_zlib(packed, none); }, ErrorKind::internal, "inflate");
}

// --- shuffle -----------------------------------------------------------------

/// H5Z__filter_shuffle's forward direction, transcribed loop for loop.
Bytes reference_shuffle(const Bytes& in, std::size_t size) {
  Bytes out = in;
  const std::size_t n = in.size() / size;
  if (size > 1 && n > 1) {
    for (std::size_t j = 0; j < size; ++j) {
      for (std::size_t i = 0; i < n; ++i) out[j * n + i] = in[i * size + j];
    }
  }
  return out;  // the leftover bytes are already in place
}

Bytes reference_unshuffle(const Bytes& in, std::size_t size) {
  Bytes out = in;
  const std::size_t n = in.size() / size;
  if (size > 1 && n > 1) {
    for (std::size_t j = 0; j < size; ++j) {
      for (std::size_t i = 0; i < n; ++i) out[i * size + j] = in[j * n + i];
    }
  }
  return out;
}

TEST(Shuffle, MatchesHdf5ForEveryElementSizeAndLength) {
  std::vector<std::size_t> lengths = kSizes;
  lengths.insert(lengths.end(), {63, 65, 4096 * 2, 4096 * 2 + 1, kChunk + 3});
  // Sizes with kernels of their own (up to 16) and beyond (the tiled loop).
  for (std::size_t size : {1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 32}) {
    for (std::size_t length : lengths) {
      const Bytes data = random_bytes(length, 100 + size);
      Bytes shuffled(length), back(length);
      codec::shuffle(data, shuffled, size);
      ASSERT_EQ(shuffled, reference_shuffle(data, size)) << length << " bytes of " << size;
      codec::unshuffle(shuffled, back, size);
      ASSERT_EQ(back, data) << length << " bytes of " << size;
      codec::unshuffle(data, back, size);
      ASSERT_EQ(back, reference_unshuffle(data, size)) << length << " bytes of " << size;
    }
  }
}

TEST(Shuffle, GroupsBytesOfEqualSignificance) {
  // Two uint16 pixels 0x0102, 0x0304 (little-endian) and a leftover byte.
  const Bytes in = bytes_of(chars({0x02, 0x01, 0x04, 0x03, 0x99}));
  Bytes out(in.size());
  codec::shuffle(in, out, 2);
  EXPECT_EQ(out, bytes_of(chars({0x02, 0x04, 0x01, 0x03, 0x99})));
}

TEST(Shuffle, BadBuffersAndSizesAreRefused) {
  Bytes in = detector_bytes(64), out(64), shorter(63);
  expect_error([&] { codec::shuffle(in, out, 0); }, ErrorKind::usage, "shuffle", "element size 0");
  expect_error([&] { codec::unshuffle(in, out, 0); }, ErrorKind::usage, "shuffle",
               "element size 0");
  expect_error([&] { codec::shuffle(in, shorter, 2); }, ErrorKind::internal, "shuffle", "63 bytes");
  expect_error([&] { codec::unshuffle(in, shorter, 2); }, ErrorKind::internal, "shuffle",
               "63 bytes");
  const std::span<const std::byte> first(in.data(), 32);
  const std::span<std::byte> second(in.data() + 16, 32);
  expect_error([&] { codec::shuffle(first, second, 2); }, ErrorKind::internal, "shuffle",
               "overlap");
  expect_error([&] { codec::unshuffle(first, second, 2); }, ErrorKind::internal, "shuffle",
               "overlap");
  // Adjacent buffers do not overlap.
  const std::span<std::byte> next(in.data() + 32, 32);
  EXPECT_NO_THROW(codec::shuffle(first, next, 2));
}

// --- Blosc -------------------------------------------------------------------

TEST(Blosc, CompressorsAndTheirCodes) {
  const auto& names = blosc_compressors();
  for (const char* name : {"blosclz", "lz4", "lz4hc", "zlib", "zstd"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(blosc_compressor_code("blosclz"), 0);
  EXPECT_EQ(blosc_compressor_code("lz4"), 1);
  EXPECT_EQ(blosc_compressor_code("lz4hc"), 2);
  EXPECT_EQ(blosc_compressor_code("zlib"), 4);
  EXPECT_EQ(blosc_compressor_code("zstd"), 5);
  if (std::find(names.begin(), names.end(), "snappy") != names.end()) {
    EXPECT_EQ(blosc_compressor_code("snappy"), 3);
  } else {
    expect_error([] { blosc_compressor_code("snappy"); }, ErrorKind::usage, "blosc");
  }
}

TEST(Blosc, UnknownCompressorIsAUsageErrorListingTheValidNames) {
  for (std::string_view name : {std::string_view("lz5"), std::string_view("LZ4"),
                                std::string_view(""), std::string_view("lz4\0x", 5)}) {
    expect_error([&] { blosc_compressor_code(name); }, ErrorKind::usage, "blosc",
                 "blosclz, lz4, lz4hc");
    Bytes out;
    expect_error([&] { blosc_encode(detector_bytes(100), 2, 5, BloscShuffle::byte, name, out); },
                 ErrorKind::usage, "blosc", "zstd");
  }
  EXPECT_NE(error_of([] { blosc_compressor_code("lz5"); }).message().find("did you mean 'lz4'"),
            std::string::npos);
}

TEST(Blosc, RoundTripsEveryCompressorShuffleAndSize) {
  for (const std::string& name : blosc_compressors()) {
    for (auto mode : {BloscShuffle::none, BloscShuffle::byte, BloscShuffle::bit}) {
      for (std::size_t size : kSizes) {
        const Bytes data = detector_bytes(size, 11);
        Bytes packed;
        const std::size_t n = blosc_encode(data, 2, 5, mode, name, packed);
        ASSERT_EQ(n, packed.size());
        EXPECT_LE(n, size + 16);
        EXPECT_EQ(blosc_decoded_size(packed), size);
        Bytes back(size);
        EXPECT_EQ(blosc_decode(packed, back), size);
        ASSERT_EQ(back, data) << name << ", shuffle " << static_cast<int>(mode) << ", " << size;
      }
    }
  }
}

TEST(Blosc, RoundTripsOtherTypeSizesAndLevels) {
  const Bytes data = detector_bytes(100003, 12);
  for (std::size_t typesize : {1, 3, 4, 8, 255, 256, 1000}) {
    for (int clevel : {0, 1, 9}) {
      Bytes packed, back(data.size());
      blosc_encode(data, typesize, clevel, BloscShuffle::byte, "lz4", packed);
      EXPECT_EQ(blosc_decode(packed, back), data.size());
      EXPECT_EQ(back, data) << "typesize " << typesize << ", clevel " << clevel;
    }
  }
}

TEST(Blosc, CompressesDetectorData) {
  const Bytes data = detector_bytes(1 << 20);
  Bytes packed;
  blosc_encode(data, 2, 5, BloscShuffle::byte, "zstd", packed);
  EXPECT_LT(packed.size(), data.size() / 2);
}

TEST(Blosc, IncompressibleDataIsStoredWithinTheHeadersSlack) {
  const Bytes data = random_bytes(300000);
  Bytes packed, back(data.size());
  EXPECT_LE(blosc_encode(data, 1, 9, BloscShuffle::none, "blosclz", packed), data.size() + 16);
  blosc_decode(packed, back);
  EXPECT_EQ(back, data);
}

TEST(Blosc, BadParametersAreUsageErrors) {
  Bytes out;
  const Bytes data = detector_bytes(1000);
  expect_error([&] { blosc_encode(data, 2, -1, BloscShuffle::byte, "lz4", out); }, ErrorKind::usage,
               "blosc", "level -1");
  expect_error([&] { blosc_encode(data, 2, 10, BloscShuffle::byte, "lz4", out); }, ErrorKind::usage,
               "blosc", "level 10");
  expect_error([&] { blosc_encode(data, 0, 5, BloscShuffle::byte, "lz4", out); }, ErrorKind::usage,
               "blosc", "type size 0");
  expect_error([&] { blosc_encode(data, 2, 5, static_cast<BloscShuffle>(7), "lz4", out); },
               ErrorKind::usage, "blosc", "shuffle");
}

TEST(Blosc, SizeMismatchNamesBothSizes) {
  Bytes packed;
  blosc_encode(detector_bytes(5000), 2, 5, BloscShuffle::byte, "lz4", packed);
  const std::size_t real = packed.size();
  packed.push_back(std::byte{0});
  Bytes back(5000);
  expect_error([&] { blosc_decode(packed, back); }, ErrorKind::format, "blosc",
               "compressed size " + std::to_string(real + 1) +
                   " bytes does not match the header's " + std::to_string(real));
}

TEST(Blosc, TruncatedFramesAreFormatErrors) {
  Bytes packed;
  blosc_encode(detector_bytes(20000), 2, 5, BloscShuffle::byte, "zstd", packed);
  Bytes back(20000);
  for (std::size_t keep = 0; keep < packed.size(); ++keep) {
    const std::span<const std::byte> cut(packed.data(), keep);
    const Error e = error_of([&] { blosc_decode(cut, back); });
    ASSERT_EQ(e.kind(), ErrorKind::format) << e.what();
    if (keep < 16) {
      EXPECT_NE(e.message().find("16-byte header"), std::string::npos) << e.what();
    }
  }
  expect_error([&] { blosc_decoded_size(std::span<const std::byte>(packed.data(), 15)); },
               ErrorKind::format, "blosc", "truncated frame: 15 bytes");
}

TEST(Blosc, FlippedBytesNeverCrash) {
  for (const std::string& name : blosc_compressors()) {
    for (auto mode : {BloscShuffle::none, BloscShuffle::byte, BloscShuffle::bit}) {
      const Bytes data = detector_bytes(70000, 13);
      Bytes packed, back(data.size());
      blosc_encode(data, 2, 5, mode, name, packed);
      const std::size_t failed =
          flip_and_decode(packed, [&](const Bytes& damaged) { blosc_decode(damaged, back); });
      EXPECT_GT(failed, 0u) << name;
      // A damaged compressed size (header bytes 12-15) is always caught.
      for (std::size_t pos = 12; pos < 16; ++pos) {
        Bytes damaged = packed;
        damaged[pos] ^= std::byte{0x01};
        expect_error([&] { blosc_decode(damaged, back); }, ErrorKind::format, "blosc",
                     "does not match the header's");
      }
    }
  }
}

TEST(Blosc, FramesFromANewerBloscAreRefused) {
  Bytes packed;
  blosc_encode(detector_bytes(1000), 2, 5, BloscShuffle::byte, "lz4", packed);
  packed[0] = std::byte{4};
  Bytes back(1000);
  expect_error([&] { blosc_decode(packed, back); }, ErrorKind::format, "blosc",
               "frame format version 4 is newer");
}

TEST(Blosc, OutputTooSmallIsAnInternalError) {
  Bytes packed;
  blosc_encode(detector_bytes(1000), 2, 5, BloscShuffle::byte, "lz4", packed);
  Bytes back(999);
  expect_error([&] { blosc_decode(packed, back); }, ErrorKind::internal, "blosc",
               "frame decodes to 1000 bytes, more than the 999-byte output buffer");
  Bytes larger(2000);
  EXPECT_EQ(blosc_decode(packed, larger), 1000u);
}

// --- LZ4 in HDF5's framing ---------------------------------------------------

/// The blocks of an HDF5 LZ4 chunk: (compressed size, offset of the data).
std::vector<std::pair<std::size_t, std::size_t>> lz4_blocks(const Bytes& frame) {
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  for (std::size_t pos = 12; pos < frame.size();) {
    const std::size_t size = read_be(frame, pos, 4);
    blocks.emplace_back(size, pos + 4);
    pos += 4 + size;
  }
  return blocks;
}

TEST(Lz4, RoundTripsEverySizeAndBlockSize) {
  for (std::size_t size : kSizes) {
    for (const Bytes& data : {detector_bytes(size, 21), random_bytes(size, 22)}) {
      for (std::size_t block : {0, 1, 7, 4096, 65536, 1 << 20}) {
        Bytes packed;
        const std::size_t n = lz4_h5_encode(data, block, packed);
        ASSERT_EQ(n, packed.size());
        EXPECT_EQ(lz4_h5_decoded_size(packed), size);
        Bytes back(size);
        EXPECT_EQ(lz4_h5_decode(packed, back), size);
        ASSERT_EQ(back, data) << size << " bytes in blocks of " << block;
        if (size == kChunk) break;  // 1-byte blocks of 8 MiB take a while
      }
    }
  }
}

TEST(Lz4, FramingFollowsTheHdf5Plugin) {
  // 10000 compressible bytes in blocks of 4096: header (10000, 4096), then
  // blocks of 4096, 4096 and a short last one of 1808.
  const Bytes data = detector_bytes(10000, 23);
  Bytes packed;
  lz4_h5_encode(data, 4096, packed);
  EXPECT_EQ(read_be(packed, 0, 8), 10000u);
  EXPECT_EQ(read_be(packed, 8, 4), 4096u);
  const auto blocks = lz4_blocks(packed);
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_LT(blocks[0].first, 4096u) << "compressed";
  EXPECT_LT(blocks[1].first, 4096u) << "compressed";
  EXPECT_LT(blocks[2].first, 1808u) << "compressed";
  EXPECT_EQ(blocks.back().second + blocks.back().first, packed.size());

  // The default block (1 GiB) and any larger than the data are recorded as the
  // data's size, as the plugin does.
  for (std::size_t block : {0, 1 << 20}) {
    lz4_h5_encode(data, block, packed);
    EXPECT_EQ(read_be(packed, 8, 4), 10000u);
    EXPECT_EQ(lz4_blocks(packed).size(), 1u);
  }
}

TEST(Lz4, IncompressibleBlocksAreStoredAsIs) {
  // Random bytes, then zeros: blocks 0 and 1 stored, block 2 compressed, and
  // the short last block (1000 random bytes) stored.
  Bytes data = random_bytes(2 * 4096, 24);
  data.resize(3 * 4096);
  const Bytes tail = random_bytes(1000, 25);
  data.insert(data.end(), tail.begin(), tail.end());
  Bytes packed;
  lz4_h5_encode(data, 4096, packed);
  const auto blocks = lz4_blocks(packed);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].first, 4096u);
  EXPECT_EQ(blocks[1].first, 4096u);
  EXPECT_LT(blocks[2].first, 100u);
  EXPECT_EQ(blocks[3].first, 1000u);
  EXPECT_TRUE(std::equal(data.begin(), data.begin() + 4096,
                         packed.begin() + static_cast<std::ptrdiff_t>(blocks[0].second)));
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(),
                         packed.begin() + static_cast<std::ptrdiff_t>(blocks[3].second)));
  Bytes back(data.size());
  EXPECT_EQ(lz4_h5_decode(packed, back), data.size());
  EXPECT_EQ(back, data);
}

TEST(Lz4, DecodesAChunkBuiltByHand) {
  // 25 bytes in blocks of 20: block 0 is LZ4 ('a', then a match of 14 at
  // offset 1, then 5 literals), block 1 holds 5 bytes stored as is.
  const std::string header = chars({0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 20});
  const std::string block0 = chars({0, 0, 0, 10, 0x1a, 'a', 1, 0, 0x50, 'a', 'a', 'a', 'a', 'a'});
  const std::string block1 = chars({0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'});
  const std::string frame = header + block0 + block1;
  Bytes back(25);
  EXPECT_EQ(lz4_h5_decode(bytes_of(frame), back), 25u);
  EXPECT_EQ(back, bytes_of(std::string(20, 'a') + "hello"));
  // An empty chunk has only the header.
  Bytes packed;
  EXPECT_EQ(lz4_h5_encode({}, 0, packed), 12u);
  EXPECT_EQ(packed, Bytes(12));
  EXPECT_EQ(lz4_h5_decode(packed, {}), 0u);
}

TEST(Lz4, TruncatedChunksAreFormatErrors) {
  Bytes packed;
  lz4_h5_encode(detector_bytes(3000, 26), 1000, packed);
  Bytes back(3000);
  for (std::size_t keep = 0; keep < packed.size(); ++keep) {
    const std::span<const std::byte> cut(packed.data(), keep);
    const Error e = error_of([&] { lz4_h5_decode(cut, back); });
    ASSERT_EQ(e.kind(), ErrorKind::format) << keep << ": " << e.what();
    EXPECT_EQ(e.stage(), "lz4");
  }
}

TEST(Lz4, LyingHeadersAreCaught) {
  Bytes packed;
  lz4_h5_encode(detector_bytes(3000, 27), 1000, packed);
  Bytes back(1 << 16);
  auto with = [&](std::size_t pos, std::size_t bytes, std::uint64_t value) {
    Bytes damaged = packed;
    for (std::size_t i = bytes; i-- > 0; value >>= 8) damaged[pos + i] = std::byte(value & 0xff);
    return damaged;
  };
  // More data announced than the blocks hold.
  expect_error([&] { lz4_h5_decode(with(0, 8, 5000), back); }, ErrorKind::format, "lz4",
               "truncated chunk: block 3");
  // Fewer: the blocks no longer line up.
  expect_error([&] { lz4_h5_decode(with(0, 8, 2500), back); }, ErrorKind::format, "lz4");
  expect_error([&] { lz4_h5_decode(with(8, 4, 0), back); }, ErrorKind::format, "lz4",
               "block size 0");
  expect_error([&] { lz4_h5_decode(with(8, 4, 999), back); }, ErrorKind::format, "lz4");
  expect_error([&] { lz4_h5_decode(with(12, 4, 0xffffffff), back); }, ErrorKind::format, "lz4",
               "block 0 (at byte 12) has 4294967295 bytes");
  expect_error([&] { lz4_h5_decode(with(12, 4, 1000), back); }, ErrorKind::format, "lz4");
  // Sizes beyond any buffer are the caller's to check (lz4_h5_decoded_size).
  expect_error([&] { lz4_h5_decode(with(0, 8, ~std::uint64_t{0}), back); }, ErrorKind::internal,
               "lz4", "more than the 65536-byte output buffer");
}

TEST(Lz4, FlippedBytesNeverCrash) {
  for (std::size_t block : {0, 700}) {
    const Bytes data = detector_bytes(5000, 28);
    Bytes packed, back(data.size());
    lz4_h5_encode(data, block, packed);
    const std::size_t failed =
        flip_and_decode(packed, [&](const Bytes& damaged) { lz4_h5_decode(damaged, back); });
    EXPECT_GT(failed, 0u);
  }
}

TEST(Lz4, BadParametersAndSmallOutputs) {
  Bytes packed;
  expect_error([&] { lz4_h5_encode(detector_bytes(10), std::size_t{3} << 30, packed); },
               ErrorKind::usage, "lz4", "exceeds LZ4's limit");
  lz4_h5_encode(detector_bytes(1000), 0, packed);
  Bytes back(999);
  expect_error([&] { lz4_h5_decode(packed, back); }, ErrorKind::internal, "lz4",
               "chunk decodes to 1000 bytes, more than the 999-byte output buffer");
  expect_error([&] { lz4_h5_decoded_size(std::span<const std::byte>(packed.data(), 11)); },
               ErrorKind::format, "lz4", "less than the 12-byte header");
}

// --- threads -----------------------------------------------------------------

TEST(Codecs, ConcurrentCallsFromManyThreads) {
  // Per-thread libdeflate state and Blosc's context calls: every thread must
  // get its own right answer.
  constexpr int kThreads = 4, kRounds = 6;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      for (int round = 0; round < kRounds; ++round) {
        const Bytes data = detector_bytes(200000 + 977 * static_cast<std::size_t>(t),
                                          static_cast<std::uint64_t>(t * 100 + round));
        Bytes packed, back(data.size()), shuffled(data.size());
        deflate_zlib(data, 1 + (t + round) % 9, packed);
        inflate_zlib(packed, back);
        failures[static_cast<std::size_t>(t)] += back != data;
        blosc_encode(data, 2, 5, BloscShuffle::byte, round % 2 ? "zstd" : "lz4", packed);
        blosc_decode(packed, back);
        failures[static_cast<std::size_t>(t)] += back != data;
        lz4_h5_encode(data, 65536, packed);
        lz4_h5_decode(packed, back);
        failures[static_cast<std::size_t>(t)] += back != data;
        codec::shuffle(data, shuffled, 2);
        codec::unshuffle(shuffled, back, 2);
        failures[static_cast<std::size_t>(t)] += back != data;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0));
}

}  // namespace
}  // namespace ims::codec
