// HDF5's shuffle filter. Unshuffling sits on the hot path of reading detector
// data (2-byte pixels, MiB-sized chunks). Kernels with the element size as a
// template parameter let GCC vectorise at -O3: measured on 8 MiB with AVX-512
// (bench/bm_codecs and a scratch comparison of variants), sizes 2, 4 and 8 run
// at 75-95% of memcpy's speed, 3 and 16 at 30-60%, the other sizes up to 16 at
// 5-8 GB/s; a loop with the size known only at run time manages 3.4 GB/s.

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "ims/error.hpp"
#include "formats/codec/codec.hpp"

namespace ims::codec {

namespace {

using Byte = unsigned char;

// Element sizes with kernels of their own: every numeric type, complex128
// included.
constexpr std::size_t kMaxFixedSize = 16;
// Elements per tile of the forward kernels: K x 64 bytes stays in registers
// and L1. Larger tiles measured slower (GCC stops vectorising at 128).
constexpr std::size_t kTile = 64;
// Bytes per tile of the generic kernels: one pass per byte of the element
// re-reads the tile, which must stay in L1.
constexpr std::size_t kGenericTileBytes = 16 * 1024;

// Unshuffle reads K planes and writes one stream, all sequentially, so the
// plain loop needs no tiling: GCC turns the constant-K inner loop into
// vector interleaves (44-49 GB/s for K = 2, 4, 8; tiling changed nothing).
template <std::size_t K>
void unshuffle_fixed(const Byte* __restrict in, Byte* __restrict out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < K; ++j) out[i * K + j] = in[j * n + i];
  }
}

// Byte j of element i, for elements [begin, end), any element size.
void shuffle_range(const Byte* __restrict in, Byte* __restrict out, std::size_t n, std::size_t k,
                   std::size_t begin, std::size_t end) {
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t i = begin; i < end; ++i) out[j * n + i] = in[i * k + j];
  }
}

void unshuffle_range(const Byte* __restrict in, Byte* __restrict out, std::size_t n, std::size_t k,
                     std::size_t begin, std::size_t end) {
  for (std::size_t j = 0; j < k; ++j) {
    for (std::size_t i = begin; i < end; ++i) out[i * k + j] = in[j * n + i];
  }
}

// Writing K planes whose distance n is known only at run time defeats GCC's
// vectoriser (8-byte elements: 7 GB/s). Gathering a tile into a local array
// with constant strides vectorises (43 GB/s); the tile then goes out one
// plane at a time.
template <std::size_t K>
void shuffle_fixed(const Byte* __restrict in, Byte* __restrict out, std::size_t n) {
  alignas(64) Byte tile[K][kTile];
  std::size_t b = 0;
  for (; b + kTile <= n; b += kTile) {
    const Byte* src = in + b * K;
    for (std::size_t i = 0; i < kTile; ++i) {
      for (std::size_t j = 0; j < K; ++j) tile[j][i] = src[i * K + j];
    }
    for (std::size_t j = 0; j < K; ++j) std::memcpy(out + j * n + b, tile[j], kTile);
  }
  shuffle_range(in, out, n, K, b, n);
}

using Kernel = void (*)(const Byte*, Byte*, std::size_t n);

// Entry k - 1 handles elements of k bytes.
template <std::size_t... I>
constexpr std::array<Kernel, sizeof...(I)> shuffle_kernels(std::index_sequence<I...>) {
  return {&shuffle_fixed<I + 1>...};
}
template <std::size_t... I>
constexpr std::array<Kernel, sizeof...(I)> unshuffle_kernels(std::index_sequence<I...>) {
  return {&unshuffle_fixed<I + 1>...};
}
constexpr auto kShuffleFixed = shuffle_kernels(std::make_index_sequence<kMaxFixedSize>());
constexpr auto kUnshuffleFixed = unshuffle_kernels(std::make_index_sequence<kMaxFixedSize>());

// Larger elements (compound types) are rare: a tiled loop keeps them
// cache-friendly without special code.
template <class Range>
void tiled(Range range, const Byte* in, Byte* out, std::size_t n, std::size_t k) {
  const std::size_t tile = std::max<std::size_t>(1, kGenericTileBytes / k);
  for (std::size_t b = 0; b < n; b += tile) range(in, out, n, k, b, std::min(n, b + tile));
}

void check_buffers(const char* stage, std::span<const std::byte> in, std::span<std::byte> out,
                   std::size_t elem_size) {
  auto fail = [stage](ErrorKind kind, std::string message) {
    Error e(kind, std::move(message));
    e.with_stage(stage);
    throw e;
  };
  if (elem_size == 0) fail(ErrorKind::usage, "element size 0");
  if (out.size() != in.size()) {
    fail(ErrorKind::internal, "output buffer has " + std::to_string(out.size()) +
                                  " bytes, the input " + std::to_string(in.size()));
  }
  // std::less orders pointers into different arrays, where < would not.
  const std::less<const std::byte*> before;
  if (!in.empty() && before(in.data(), out.data() + out.size()) &&
      before(out.data(), in.data() + in.size())) {
    fail(ErrorKind::internal, "input and output buffers overlap");
  }
}

/// Applies `kernel(in, out, n, elem_size)` to the whole elements and copies
/// the trailing partial element, as H5Zshuffle.c does.
template <class Apply>
void transform(const char* stage, std::span<const std::byte> in, std::span<std::byte> out,
               std::size_t elem_size, Apply kernel) {
  check_buffers(stage, in, out, elem_size);
  if (in.empty()) return;
  const auto* src = reinterpret_cast<const Byte*>(in.data());
  auto* dst = reinterpret_cast<Byte*>(out.data());
  const std::size_t n = in.size() / elem_size;
  if (elem_size == 1 || n < 2) {
    std::memcpy(dst, src, in.size());
    return;
  }
  kernel(src, dst, n, elem_size);
  const std::size_t whole = n * elem_size;
  std::memcpy(dst + whole, src + whole, in.size() - whole);
}

}  // namespace

void shuffle(std::span<const std::byte> in, std::span<std::byte> out, std::size_t elem_size) {
  transform("shuffle", in, out, elem_size,
            [](const Byte* src, Byte* dst, std::size_t n, std::size_t k) {
              if (k <= kMaxFixedSize) return kShuffleFixed[k - 1](src, dst, n);
              tiled(shuffle_range, src, dst, n, k);
            });
}

void unshuffle(std::span<const std::byte> in, std::span<std::byte> out, std::size_t elem_size) {
  transform("shuffle", in, out, elem_size,
            [](const Byte* src, Byte* dst, std::size_t n, std::size_t k) {
              if (k <= kMaxFixedSize) return kUnshuffleFixed[k - 1](src, dst, n);
              tiled(unshuffle_range, src, dst, n, k);
            });
}

}  // namespace ims::codec
