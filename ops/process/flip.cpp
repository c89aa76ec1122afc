// flip: hexrd's flip codes, with hexrd's meaning (numpy, for a frame img):
//   y, v          img[:, ::-1]          mirror left <-> right
//   x, h          img[::-1, :]          mirror top <-> bottom
//   vh, hv, r180  img[::-1, ::-1]       half turn
//   t, T          img.T                 transpose
//   r90, ccw90    np.rot90(img, 1)  = img.T[::-1, :]   quarter turn counter-clockwise
//   r270, cw90    np.rot90(img, -1) = img.T[:, ::-1]   quarter turn clockwise
// hexrd silently ignores an unknown code (the frame passes unchanged); ims
// refuses it, so a typo cannot quietly skip the flip.
//
// The three transposing codes share one cache-blocked transpose: rotations
// are a transpose whose output rows (r90) or input rows (r270) are walked
// backwards, i.e. a transpose with a negative row step.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

#include "ims/error.hpp"
#include "ops/process/geometry.hpp"

namespace ims {
namespace {

enum class FlipKind { mirror_cols, mirror_rows, half_turn, transpose, rotate_ccw, rotate_cw };

struct FlipCode {
  const char* code;
  FlipKind kind;
};

// In the order messages and `ims list` show them.
constexpr FlipCode kFlipCodes[] = {
    {"y", FlipKind::mirror_cols},  {"v", FlipKind::mirror_cols},    {"x", FlipKind::mirror_rows},
    {"h", FlipKind::mirror_rows},  {"vh", FlipKind::half_turn},     {"hv", FlipKind::half_turn},
    {"r180", FlipKind::half_turn}, {"t", FlipKind::transpose},      {"T", FlipKind::transpose},
    {"r90", FlipKind::rotate_ccw}, {"ccw90", FlipKind::rotate_ccw}, {"r270", FlipKind::rotate_cw},
    {"cw90", FlipKind::rotate_cw}};

std::string flip_codes() {
  std::string codes;
  for (const auto& c : kFlipCodes) {
    if (!codes.empty()) codes += ' ';
    codes += c.code;
  }
  return codes;
}

FlipKind parse_flip_code(const std::string& code) {
  for (const auto& c : kFlipCodes) {
    if (code == c.code) return c.kind;
  }
  throw Error(ErrorKind::usage,
              "unknown code '" + code + "' (expected one of " + flip_codes() + ")");
}

bool transposes(FlipKind kind) {
  return kind >= FlipKind::transpose;
}

// out[i] = in[n - 1 - i]. GCC vectorises it with a lane-reversing permute.
template <class U>
[[gnu::noinline]] void reverse_copy(const U* __restrict in, U* __restrict out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = in[n - 1 - i];
}

// ---- Transpose -------------------------------------------------------------
//
// out(c, r) = in(r, c) for an input of `rows` x `cols`; row r of the input
// starts at in + r * in_step, row c of the output at out + c * out_step
// (steps in pixels, negative for the rotations).
//
// A naive transpose of a 2048x2048 frame runs at a few percent of memcpy:
// every pixel read or written is a step of a whole row (4 KiB), so the
// caches thrash (rows at power-of-two distances share cache sets) and the
// prefetchers never see a stream. Here the frame goes through tiles of
// kTileRows x tile_cols<U> pixels: the tile's input rows are copied (runs of
// 512 bytes) into a buffer whose pitch is not a power of two, transposed
// there block by block in vector registers, and written out as rows of the
// output (runs of kTileRows pixels), while the next tile's rows are
// prefetched. On the project's machine (Zen 5, 2048x2048 uint16, bench/bm_ops)
// 64x64 tiles without the buffers ran at ~4 GB/s; these run at ~15 GB/s
// from cache (0.28x memcpy, which copies in long runs at ~53 GB/s there) and
// ~9.5 GB/s from DRAM (0.56x memcpy). Each of the three passes over a tile
// alone takes about a memcpy's time; 256 rows x 512 bytes and the prefetch
// were the best of the tile shapes tried (64 to 1024 rows, 128 to 1024 bytes).

// 16-byte vectors: SSE2 (any x86-64) and NEON have them, and their
// interleaves are single cheap instructions everywhere. 32-byte ones were no
// faster with AVX-512 and 1.6x (AVX2) to 2.7x (SSE2 only) slower without it,
// where GCC splits full-width interleaves into several shuffles.
constexpr std::size_t kVectorBytes = 16;
constexpr std::size_t kTileRows = 256;
template <class U>
constexpr std::size_t tile_cols = 512 / sizeof(U);
// Buffer pitches one cache line longer than the tile, so that the rows of
// a buffer do not all fall into the same cache sets. The two buffers take
// about 300 KiB per thread: they stay in L2.
template <class U>
constexpr std::size_t in_pitch = tile_cols<U> + 64 / sizeof(U);
template <class U>
constexpr std::size_t out_pitch = kTileRows + 64 / sizeof(U);

// Lane k of interleave_half<Hi>(a, b): lanes of the low (Hi = false) or high
// half of a and b, alternately: a0 b0 a1 b1 ... (a lane index >= N picks b).
template <std::size_t N, bool Hi>
constexpr int interleave_lane(std::size_t k) {
  return static_cast<int>((Hi ? N / 2 : 0) + k / 2 + (k % 2 ? N : 0));
}

template <bool Hi, std::size_t N, class Vec, std::size_t... K>
[[gnu::always_inline]] inline Vec interleave_half(Vec a, Vec b, std::index_sequence<K...>) {
  return __builtin_shufflevector(a, b, interleave_lane<N, Hi>(K)...);
}

// Transposes one N x N block, N pixels to a vector: N rows in N vectors,
// then log2(N) rounds that interleave row i with row i + N/2 into rows 2i
// and 2i+1. Each round rotates the bits of (row, lane) by one, so after
// log2(N) rounds rows and lanes have swapped: the transpose. Each interleave
// is one instruction (punpcklwd and kin; zip1/zip2 on NEON).
template <class U>
[[gnu::always_inline]] inline void transpose_block(const U* in, std::size_t in_stride, U* out,
                                                   std::size_t out_stride) {
  constexpr std::size_t N = kVectorBytes / sizeof(U);
  typedef U Vec __attribute__((vector_size(kVectorBytes)));
  Vec a[N], b[N];
  for (std::size_t i = 0; i < N; ++i) std::memcpy(&a[i], in + i * in_stride, kVectorBytes);
  for (std::size_t round = 1; round < N; round *= 2) {
    for (std::size_t i = 0; i < N / 2; ++i) {
      b[2 * i] = interleave_half<false, N>(a[i], a[i + N / 2], std::make_index_sequence<N>{});
      b[2 * i + 1] = interleave_half<true, N>(a[i], a[i + N / 2], std::make_index_sequence<N>{});
    }
    for (std::size_t i = 0; i < N; ++i) a[i] = b[i];
  }
  for (std::size_t i = 0; i < N; ++i) std::memcpy(out + i * out_stride, &a[i], kVectorBytes);
}

// Transposes the tile buffer: `rows` x `cols` rounded up to whole blocks
// (the buffer is large enough; the extra pixels are never written out).
template <class U>
[[gnu::noinline]] void transpose_tile(const U* __restrict tile_in, U* __restrict tile_out,
                                      std::size_t rows, std::size_t cols) {
  constexpr std::size_t N = kVectorBytes / sizeof(U);
  for (std::size_t r = 0; r < rows; r += N) {
    for (std::size_t c = 0; c < cols; c += N) {
      transpose_block(tile_in + r * in_pitch<U> + c, in_pitch<U>, tile_out + c * out_pitch<U> + r,
                      out_pitch<U>);
    }
  }
}

// The calling thread's tile buffers (for pixels of any size), zeroed once
// so that the pixels a partial tile leaves unset are defined values.
std::byte* tile_buffers(std::size_t bytes) {
  thread_local AlignedBuffer buffer;
  if (buffer.size() < bytes) {
    buffer = AlignedBuffer(bytes);
    std::memset(buffer.data(), 0, bytes);
  }
  return buffer.data();
}

// memcpy, with the size of a whole tile's row a compile-time constant: all
// but the edge tiles then copy with inline vector moves instead of a
// library call per row (20% of the time of a 2048x2048 transpose).
template <std::size_t Full>
void copy_run(void* to, const void* from, std::size_t bytes) {
  if (bytes == Full) {
    std::memcpy(to, from, Full);
  } else {
    std::memcpy(to, from, bytes);
  }
}

// Rows of a frame whose row i starts at base + i * step.
template <class P>
struct Rows {
  P* base;
  std::ptrdiff_t step;
  P* operator[](std::size_t i) const { return base + step * static_cast<std::ptrdiff_t>(i); }
};

// Input rows [r0, r0 + rows), columns [c0, c0 + cols).
struct Tile {
  std::size_t r0 = 0, rows = 0, c0 = 0, cols = 0;
};

// Copies the tile's input rows into the tile buffer, prefetching the rows
// of the tile that comes next.
template <class U>
void load_tile(Rows<const U> in, Tile tile, Tile next, U* tile_in) {
  for (std::size_t r = 0; r < tile.rows; ++r) {
    copy_run<tile_cols<U> * sizeof(U)>(tile_in + r * in_pitch<U>, in[tile.r0 + r] + tile.c0,
                                       tile.cols * sizeof(U));
    if (r < next.rows) {
      const auto* run = reinterpret_cast<const char*>(in[next.r0 + r] + next.c0);
      for (std::size_t b = 0; b < next.cols * sizeof(U); b += 64) __builtin_prefetch(run + b);
    }
  }
}

// Writes the transposed tile: its column c is output row tile.c0 + c.
template <class U>
void store_tile(const U* tile_out, Tile tile, Rows<U> out) {
  for (std::size_t c = 0; c < tile.cols; ++c) {
    copy_run<kTileRows * sizeof(U)>(out[tile.c0 + c] + tile.r0, tile_out + c * out_pitch<U>,
                                    tile.rows * sizeof(U));
  }
}

template <class U>
void transpose(Rows<const U> in, Rows<U> out, std::size_t rows, std::size_t cols) {
  constexpr std::size_t in_pixels = kTileRows * in_pitch<U>;
  constexpr std::size_t out_pixels = tile_cols<U> * out_pitch<U>;
  U* tile_in = reinterpret_cast<U*>(tile_buffers((in_pixels + out_pixels) * sizeof(U)));
  U* tile_out = tile_in + in_pixels;
  const auto tile_at = [&](std::size_t r0, std::size_t c0) {
    return Tile{r0, std::min(kTileRows, rows - r0), c0, std::min(tile_cols<U>, cols - c0)};
  };
  for (std::size_t r0 = 0; r0 < rows; r0 += kTileRows) {
    for (std::size_t c0 = 0; c0 < cols; c0 += tile_cols<U>) {
      const Tile tile = tile_at(r0, c0);
      // The next tile along the band of rows, or the first of the next band.
      const Tile next = c0 + tile_cols<U> < cols ? tile_at(r0, c0 + tile_cols<U>)
                        : r0 + kTileRows < rows  ? tile_at(r0 + kTileRows, 0)
                                                 : Tile{};
      load_tile(in, tile, next, tile_in);
      transpose_tile(tile_in, tile_out, tile.rows, tile.cols);
      store_tile(tile_out, tile, out);
    }
  }
}

// ---- The op ------------------------------------------------------------------

template <class U>
void flip_frame(FlipKind kind, const U* in, U* out, std::size_t rows, std::size_t cols) {
  const auto r = static_cast<std::ptrdiff_t>(rows), c = static_cast<std::ptrdiff_t>(cols);
  switch (kind) {
    case FlipKind::mirror_cols:
      for (std::size_t i = 0; i < rows; ++i) reverse_copy(in + i * cols, out + i * cols, cols);
      return;
    case FlipKind::mirror_rows:
      for (std::size_t i = 0; i < rows; ++i) {
        std::memcpy(out + i * cols, in + (rows - 1 - i) * cols, cols * sizeof(U));
      }
      return;
    case FlipKind::half_turn:  // the whole frame, read backwards
      reverse_copy(in, out, rows * cols);
      return;
    case FlipKind::transpose:
      transpose<U>({in, c}, {out, r}, rows, cols);
      return;
    case FlipKind::rotate_ccw:  // out[cols-1-j][i] = in[i][j]: output rows backwards
      transpose<U>({in, c}, {out + (cols - 1) * rows, -r}, rows, cols);
      return;
    case FlipKind::rotate_cw:  // out[j][rows-1-i] = in[i][j]: input rows backwards
      transpose<U>({in + (rows - 1) * cols, -c}, {out, r}, rows, cols);
      return;
  }
}

class FlipOp final : public FrameOp {
 public:
  FlipOp(std::string code, FlipKind kind) : code_(std::move(code)), kind_(kind) {}

  std::string name() const override { return "flip"; }
  std::string describe() const override { return "flip=" + code_; }
  bool moves_pixels() const override { return true; }
  /// Mirrors take each output row from one input row, so they run by bands
  /// of rows; on a band, apply() is already right (a top-bottom mirror's
  /// band comes in input order and goes out reversed).
  std::optional<RowSource> row_source(const FrameInfo& input) const override {
    switch (kind_) {
      case FlipKind::mirror_cols:
        return kSameRows;
      case FlipKind::mirror_rows:
      case FlipKind::half_turn:
        return RowSource{input.shape.rows - 1, true};
      case FlipKind::transpose:
      case FlipKind::rotate_ccw:
      case FlipKind::rotate_cw:
        return std::nullopt;
    }
    return std::nullopt;
  }

  FrameInfo output_info(const FrameInfo& input) const override {
    if (!transposes(kind_)) return input;
    return {{input.shape.cols, input.shape.rows}, input.dtype};
  }

  /// `in` and `out` must not overlap. Any thread.
  void apply(ConstFrameView in, FrameView out) const override {
    if (in.pixels() == 0) return;
    visit_dtype(in.dtype(), [&](auto tag) {
      using U = PixelBits<decltype(tag)>;
      flip_frame(kind_, reinterpret_cast<const U*>(in.data()), reinterpret_cast<U*>(out.data()),
                 in.shape().rows, in.shape().cols);
    });
  }

 private:
  std::string code_;
  FlipKind kind_;
};

std::shared_ptr<const FrameOp> make_flip(const OpConfig& config) {
  const std::string code = config.params.get_string("code");
  return std::make_shared<FlipOp>(code, parse_flip_code(code));
}

}  // namespace

OpInfo flip_op_info() {
  // `code` is a string, not a choice: the choice check's message would not
  // say "unknown code" the way hexrd users name it.
  return {.name = "flip",
          .origin = OpOrigin::hexrd,
          .summary =
              "mirror, transpose or rotate by quarter turns (hexrd's codes: y/v left-right, x/h "
              "top-bottom, vh/hv/r180 half turn, t/T transpose, r90/ccw90 counter-clockwise, "
              "r270/cw90 clockwise)",
          .params = {{.name = "code",
                      .type = ParamType::string,
                      .doc = "one of " + flip_codes(),
                      .required = true}},
          .make = make_flip};
}

}  // namespace ims
