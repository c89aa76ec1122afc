// The geometry ops (flip, rectangle, add-row, add-column, subsample) x every
// pixel type against naive oracles: each output pixel is the input pixel
// the obvious index formula names (or zero), compared bit for bit. Shapes
// include single rows and columns, odd sizes, and sizes that cross the
// transpose's tiles. Also the ops' usage errors through make_op, and hexrd's
// own outputs (../shared/fixtures/hexrd/proc).

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ims/error.hpp"
#include "formats/registry.hpp"
#include "ops/process/op_chain.hpp"
#include "ops/process/op_registry.hpp"
#include "support/hexrd_fixtures.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

// ------------------------------------------------------------------ support

std::shared_ptr<const FrameOp> make(const std::string& text, FrameInfo input,
                                    std::size_t index = 0) {
  const OpSpec spec = parse_op_text(text);
  return make_op(spec, input, {}, "ops[" + std::to_string(index) + "]." + spec.name);
}

FrameBuffer apply(const FrameOp& op, const FrameBuffer& in) {
  FrameBuffer out(op.output_info(in.info()));
  op.apply(in.view(), out.view());
  return out;
}

/// Random pixels of T; floats also get a NaN with a payload, -0.0 and an
/// infinity, which must come through bit for bit (copies keep a NaN's
/// payload, arithmetic would not).
template <class T>
FrameBuffer random_frame(FrameShape shape, std::uint64_t seed) {
  FrameBuffer b(shape, dtype_of_v<T>);
  T* p = b.as<T>();
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < shape.pixels(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      p[i] = static_cast<T>(std::normal_distribution<double>(0.0, 1000.0)(rng));
    } else {
      p[i] = static_cast<T>(rng());
    }
  }
  if constexpr (std::is_floating_point_v<T>) {
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    const T payload_nan =
        std::bit_cast<T>(std::bit_cast<Bits>(std::numeric_limits<T>::quiet_NaN()) | Bits{5});
    const T specials[] = {payload_nan, T(-0.0), -std::numeric_limits<T>::infinity()};
    for (std::size_t i = 0; i < 3; ++i) p[i * 7 % shape.pixels()] = specials[i];
  }
  return b;
}

/// Where output pixel (i, j) comes from: an input pixel (row, col), or
/// nothing for an inserted zero.
using Source =
    std::function<std::optional<std::pair<std::size_t, std::size_t>>(std::size_t, std::size_t)>;

/// `got` must be `shape`, of `in`'s dtype, with each pixel the bits of its
/// source pixel of `in` (or zero).
void expect_pixels(const FrameBuffer& got, FrameShape shape, const FrameBuffer& in,
                   const Source& source, const std::string& what) {
  ASSERT_EQ(got.shape(), shape) << what;
  ASSERT_EQ(got.dtype(), in.dtype()) << what;
  const std::size_t px = dtype_size(in.dtype());
  const std::vector<std::byte> zero(px);
  for (std::size_t i = 0; i < shape.rows; ++i) {
    for (std::size_t j = 0; j < shape.cols; ++j) {
      const auto from = source(i, j);
      const std::byte* want =
          from ? in.data() + (from->first * in.shape().cols + from->second) * px : zero.data();
      ASSERT_EQ(std::memcmp(got.data() + (i * shape.cols + j) * px, want, px), 0)
          << what << ": pixel (" << i << ", " << j << ")";
    }
  }
}

// 300x270 and 40x1100 cross the transpose's tiles (256 rows; 512 bytes of
// a row) in both directions for every pixel size.
const std::vector<FrameShape> kShapes = {{1, 1},   {1, 53},    {53, 1},   {37, 53},
                                         {64, 48}, {300, 270}, {40, 1100}};

template <class T>
class GeometryOpsTest : public ::testing::Test {};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::int16_t,
                                    std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(GeometryOpsTest, PixelTypes);

// --------------------------------------------------------------------- flip

struct FlipCase {
  const char* code;
  bool transposed;  // output is cols x rows
  std::function<std::pair<std::size_t, std::size_t>(std::size_t i, std::size_t j, FrameShape in)>
      source;
};

// hexrd's codes as numpy index formulas, out[i][j] = img[source(i, j)].
const std::vector<FlipCase>& flip_cases() {
  using P = std::pair<std::size_t, std::size_t>;
  static const auto mirror_cols = [](std::size_t i, std::size_t j, FrameShape s) {
    return P{i, s.cols - 1 - j};
  };
  static const auto mirror_rows = [](std::size_t i, std::size_t j, FrameShape s) {
    return P{s.rows - 1 - i, j};
  };
  static const auto half_turn = [](std::size_t i, std::size_t j, FrameShape s) {
    return P{s.rows - 1 - i, s.cols - 1 - j};
  };
  static const auto transpose = [](std::size_t i, std::size_t j, FrameShape) { return P{j, i}; };
  // img.T[::-1, :]: out[i][j] = img.T[cols-1-i][j] = img[j][cols-1-i]
  static const auto ccw = [](std::size_t i, std::size_t j, FrameShape s) {
    return P{j, s.cols - 1 - i};
  };
  // img.T[:, ::-1]: out[i][j] = img.T[i][rows-1-j] = img[rows-1-j][i]
  static const auto cw = [](std::size_t i, std::size_t j, FrameShape s) {
    return P{s.rows - 1 - j, i};
  };
  static const std::vector<FlipCase> cases = {
      {"y", false, mirror_cols},  {"v", false, mirror_cols}, {"x", false, mirror_rows},
      {"h", false, mirror_rows},  {"vh", false, half_turn},  {"hv", false, half_turn},
      {"r180", false, half_turn}, {"t", true, transpose},    {"T", true, transpose},
      {"r90", true, ccw},         {"ccw90", true, ccw},      {"r270", true, cw},
      {"cw90", true, cw}};
  return cases;
}

TYPED_TEST(GeometryOpsTest, FlipMatchesIndexFormula) {
  for (FrameShape shape : kShapes) {
    const FrameBuffer in = random_frame<TypeParam>(shape, 17);
    for (const FlipCase& c : flip_cases()) {
      const std::string what = std::string("flip=") + c.code + " of " + to_string(shape);
      auto op = make(std::string("flip=") + c.code, in.info());
      const FrameShape out_shape = c.transposed ? FrameShape{shape.cols, shape.rows} : shape;
      expect_pixels(
          apply(*op, in), out_shape, in,
          [&](std::size_t i, std::size_t j) { return std::optional(c.source(i, j, shape)); }, what);
    }
  }
}

// ---------------------------------------------------------------- rectangle

struct RectangleCase {
  const char* region;
  Region want;  // on 37x53 frames
};

const std::vector<RectangleCase> kRectangles = {
    {"5:30,3:40", {5, 30, 3, 40}},
    {":10,40:", {0, 10, 40, 53}},
    {"-10:,-5:-1", {27, 37, 48, 52}},
    {"30:100,50:80", {30, 37, 50, 53}},  // clamped, like hexrd's ((50,80),(40,60))
    {"-100:5,:", {0, 5, 0, 53}},
    {":,:", {0, 37, 0, 53}},
    {" 0 : 1 , 52 : ", {0, 1, 52, 53}}};

TYPED_TEST(GeometryOpsTest, RectangleMatchesSlicing) {
  const FrameShape shape{37, 53};
  const FrameBuffer in = random_frame<TypeParam>(shape, 5);
  for (const RectangleCase& c : kRectangles) {
    const std::string what = std::string("rectangle=") + c.region;
    auto op = make(what, in.info());
    ASSERT_EQ(op->crop_region(shape), std::optional<Region>(c.want)) << what;
    expect_pixels(
        apply(*op, in), c.want.shape(), in,
        [&](std::size_t i, std::size_t j) {
          return std::optional(std::pair(i + c.want.row0, j + c.want.col0));
        },
        what);
  }
}

// -------------------------------------------------------- add-row, add-column

TYPED_TEST(GeometryOpsTest, AddRowAndColumnMatchNpInsert) {
  for (FrameShape shape :
       {FrameShape{37, 53}, FrameShape{1, 1}, FrameShape{1, 9}, FrameShape{9, 1}}) {
    const FrameBuffer in = random_frame<TypeParam>(shape, 3);
    const auto r = static_cast<std::int64_t>(shape.rows), c = static_cast<std::int64_t>(shape.cols);
    for (std::int64_t index : std::vector<std::int64_t>{0, 1, r, -1, -r}) {
      const std::size_t at = static_cast<std::size_t>(index < 0 ? index + r : index);
      auto op = make("add-row=" + std::to_string(index), in.info());
      expect_pixels(
          apply(*op, in), {shape.rows + 1, shape.cols}, in,
          [&](std::size_t i, std::size_t j) -> std::optional<std::pair<std::size_t, std::size_t>> {
            if (i == at) return std::nullopt;
            return std::pair(i < at ? i : i - 1, j);
          },
          "add-row=" + std::to_string(index) + " of " + to_string(shape));
    }
    for (std::int64_t index : std::vector<std::int64_t>{0, 1, c, -1, -c}) {
      const std::size_t at = static_cast<std::size_t>(index < 0 ? index + c : index);
      auto op = make("add-column=" + std::to_string(index), in.info());
      expect_pixels(
          apply(*op, in), {shape.rows, shape.cols + 1}, in,
          [&](std::size_t i, std::size_t j) -> std::optional<std::pair<std::size_t, std::size_t>> {
            if (j == at) return std::nullopt;
            return std::pair(i, j < at ? j : j - 1);
          },
          "add-column=" + std::to_string(index) + " of " + to_string(shape));
    }
  }
}

// ---------------------------------------------------------------- subsample

TYPED_TEST(GeometryOpsTest, SubsampleMatchesStridedSlicing) {
  const std::vector<std::pair<const char*, std::pair<std::size_t, std::size_t>>> factors = {
      {"1", {1, 1}},   {"2", {2, 2}},    {"3", {3, 3}},      {"2,3", {2, 3}},
      {"5,1", {5, 1}}, {"1, 2", {1, 2}}, {"100", {100, 100}}};
  for (FrameShape shape :
       {FrameShape{37, 53}, FrameShape{1, 53}, FrameShape{53, 1}, FrameShape{64, 48}}) {
    const FrameBuffer in = random_frame<TypeParam>(shape, 11);
    for (const auto& [text, f] : factors) {
      const std::string what = std::string("subsample=") + text + " of " + to_string(shape);
      auto op = make(std::string("subsample=") + text, in.info());
      const FrameShape out{(shape.rows + f.first - 1) / f.first,
                           (shape.cols + f.second - 1) / f.second};
      expect_pixels(
          apply(*op, in), out, in,
          [&](std::size_t i, std::size_t j) {
            return std::optional(std::pair(i * f.first, j * f.second));
          },
          what);
    }
  }
}

// --------------------------------------------------------- chains, describe

TEST(GeometryOps, RectangleThenRotationThroughAChain) {
  const FrameInfo info{{37, 53}, DType::uint16};
  const FrameBuffer in = random_frame<std::uint16_t>(info.shape, 1);
  OpChain chain({make("rectangle=5:30,3:40", info), make("flip=r90", {{25, 37}, DType::uint16}, 1)},
                info);
  ASSERT_EQ(chain.output(), (FrameInfo{{37, 25}, DType::uint16}));
  FrameBuffer out(chain.output());
  auto scratch = chain.make_scratch();
  chain.apply(in.view(), out.view(), scratch);
  // rot90(img[5:30, 3:40]): out[i][j] = img[5 + j][3 + 36 - i]
  expect_pixels(
      out, {37, 25}, in,
      [](std::size_t i, std::size_t j) { return std::optional(std::pair(5 + j, 3 + 36 - i)); },
      "chain");
}

// Ops run on many frames at once: the transpose's per-thread tile buffers
// must not be shared.
TEST(GeometryOps, TransposeFromManyThreadsAtOnce) {
  const FrameInfo info{{300, 270}, DType::uint16};
  auto op = make("flip=r270", info);
  std::vector<FrameBuffer> in, out;
  for (std::size_t t = 0; t < 4; ++t) {
    in.push_back(random_frame<std::uint16_t>(info.shape, 100 + t));
    out.emplace_back(op->output_info(info));
  }
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 20; ++k) op->apply(in[t].view(), out[t].view());
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < 4; ++t) {
    const FrameBuffer want = apply(*op, in[t]);
    EXPECT_EQ(std::memcmp(out[t].data(), want.data(), want.bytes()), 0) << "thread " << t;
  }
}

TEST(GeometryOps, DescribeGivesTheOpText) {
  const FrameInfo info{{64, 48}, DType::uint16};
  EXPECT_EQ(make("flip=r90", info)->describe(), "flip=r90");
  EXPECT_EQ(make("flip=T", info)->describe(), "flip=T");
  EXPECT_EQ(make("rectangle=5:45,3:30", info)->describe(), "rectangle=5:45,3:30");
  EXPECT_EQ(make("add-row=3", info)->describe(), "add-row=3");
  EXPECT_EQ(make("add_column=-1", info)->describe(), "add-column=-1");
  EXPECT_EQ(make("subsample=2,3", info)->describe(), "subsample=2,3");
}

TEST(GeometryOps, RegisteredWithTheirOrigins) {
  EXPECT_EQ(find_op("flip").origin, OpOrigin::hexrd);
  EXPECT_EQ(find_op("rectangle").origin, OpOrigin::hexrd);
  EXPECT_EQ(find_op("add_row").name, "add-row");
  EXPECT_EQ(find_op("add-column").origin, OpOrigin::hexrd);
  EXPECT_EQ(find_op("subsample").origin, OpOrigin::thunder);
  EXPECT_EQ(find_op("flip").params.front().name, "code");
}

TEST(GeometryOps, OnlyRectangleCropsTheRead) {
  const FrameInfo info{{64, 48}, DType::uint16};
  for (const char* text : {"flip=t", "add-row=1", "add-column=1", "subsample=2"}) {
    EXPECT_FALSE(make(text, info)->crop_region(info.shape)) << text;
  }
}

// ------------------------------------------------------------------- errors

/// The usage error make_op gives for `text` as op 2 of a chain.
Error usage_error(const std::string& text, FrameInfo info = {{64, 48}, DType::uint16}) {
  try {
    make(text, info, 2);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    EXPECT_EQ(e.stage(), "ops[2]." + parse_op_text(text).name) << e.what();
    return e;
  }
  ADD_FAILURE() << text << " was accepted";
  return Error(ErrorKind::internal, "accepted");
}

TEST(GeometryOps, UnknownFlipCodeListsTheCodes) {
  EXPECT_STREQ(
      usage_error("flip=z").what(),
      "ops[2].flip: unknown code 'z' (expected one of y v x h vh hv r180 t T r90 ccw90 r270 cw90)");
  usage_error("flip=R90");  // codes are case-sensitive, as hexrd's (only t/T both exist)
  usage_error("flip=");
  EXPECT_NE(std::string(usage_error("flip").what()).find("needs option 'code'"), std::string::npos);
}

TEST(GeometryOps, EmptyOrMalformedRectangleIsRefused) {
  const std::string empty = usage_error("rectangle=70:80,0:10").what();
  EXPECT_NE(empty.find("64x48"), std::string::npos) << empty;
  EXPECT_NE(empty.find("selects no pixel"), std::string::npos) << empty;
  usage_error("rectangle=0:10,48:");  // starts at the last column's end
  usage_error("rectangle=10:5,:");    // stop before start
  usage_error("rectangle=-200:-100,:");
  for (const char* bad : {"rectangle=5:45", "rectangle=5:45,3:30,1:2", "rectangle=5,3:30",
                          "rectangle=a:5,3:30", "rectangle=0:10:2,0:5", "rectangle=1.5:3,0:4"}) {
    const std::string message = usage_error(bad).what();
    EXPECT_NE(message.find("invalid region"), std::string::npos) << message;
  }
}

TEST(GeometryOps, InsertIndexOutOfRangeIsRefused) {
  const std::string message = usage_error("add-row=65").what();
  EXPECT_EQ(message,
            "ops[2].add-row: index 65 is out of range for the 64x48 frames (expected -64 to 64 for "
            "64 rows)");
  usage_error("add-row=-65");
  usage_error("add-column=49");
  usage_error("add-column=-49");
  usage_error("add-row=x");
}

TEST(GeometryOps, SubsampleFactorBelowOneIsRefused) {
  for (const char* bad : {"subsample=0", "subsample=-2", "subsample=2,0", "subsample=a",
                          "subsample=1,2,3", "subsample=", "subsample=1.5"}) {
    const std::string message = usage_error(bad).what();
    EXPECT_NE(message.find("invalid factor"), std::string::npos) << message;
  }
}

// ----------------------------------------------------------- hexrd's outputs

class GeometryOpsHexrd : public test::WithHexrdFixtures<> {
 protected:
  void SetUp() override {
    test::WithHexrdFixtures<>::SetUp();
    if (this->IsSkipped()) return;
    source_ = open_series((fixtures_ / "src_u16.npy").string());
  }

  /// Every frame of src_u16.npy through `ops` must equal proc/<stem>.npy bit for bit.
  void expect_like_hexrd(const std::vector<std::string>& ops, const std::string& stem) {
    SCOPED_TRACE(stem);
    std::vector<std::shared_ptr<const FrameOp>> list;
    FrameInfo info = source_->frame_info();
    for (const std::string& text : ops) {
      list.push_back(make(text, info, list.size()));
      info = list.back()->output_info(info);
    }
    const OpChain chain(list, source_->frame_info());
    auto want = open_series((fixtures_ / "proc" / (stem + ".npy")).string());
    ASSERT_EQ(want->size(), source_->size());
    ASSERT_EQ(want->frame_info(), chain.output());
    FrameBuffer in(source_->frame_info()), got(chain.output()), expected(chain.output());
    auto scratch = chain.make_scratch();
    for (std::size_t f = 0; f < source_->size(); ++f) {
      source_->read_frame(f, in.view());
      chain.apply(in.view(), got.view(), scratch);
      want->read_frame(f, expected.view());
      ASSERT_EQ(std::memcmp(got.data(), expected.data(), got.bytes()), 0) << "frame " << f;
    }
  }

  std::unique_ptr<ImageSeries> source_;
};

TEST_F(GeometryOpsHexrd, FlipCodes) {
  for (const FlipCase& c : flip_cases()) {
    // the fixtures tell t from T in their names, for case-insensitive file systems
    const std::string code = c.code;
    const std::string name = code == "t" ? "t_lower" : code == "T" ? "T_upper" : code;
    expect_like_hexrd({"flip=" + code}, "u16_flip_" + name);
  }
}

TEST_F(GeometryOpsHexrd, RectangleAndClampedRectangle) {
  expect_like_hexrd({"rectangle=5:45,3:30"}, "u16_rect");
  expect_like_hexrd({"rectangle=50:80,40:60"}, "u16_rect_clamped");
}

TEST_F(GeometryOpsHexrd, AddRowAndColumn) {
  expect_like_hexrd({"add-row=3"}, "u16_add_row3");
  expect_like_hexrd({"add-column=5"}, "u16_add_col5");
}

TEST_F(GeometryOpsHexrd, RectangleFirstThenR90) {
  expect_like_hexrd({"rectangle=5:45,3:30", "flip=r90"}, "u16_rectfirst_then_r90");
}

// hexrd's get_region fast path: the rectangle as a region read, then r90.
TEST_F(GeometryOpsHexrd, RectangleAsRegionReadThenR90) {
  auto rect = make("rectangle=5:45,3:30", source_->frame_info());
  const auto region = rect->crop_region(source_->frame_shape());
  ASSERT_TRUE(region);
  const FrameInfo cropped{region->shape(), source_->dtype()};
  auto r90 = make("flip=r90", cropped, 1);
  auto want = open_series((fixtures_ / "proc" / "u16_rectfirst_then_r90.npy").string());
  FrameBuffer in(cropped), got(r90->output_info(cropped)), expected(want->frame_info());
  for (std::size_t f = 0; f < source_->size(); ++f) {
    source_->read_region(f, *region, in.view());
    r90->apply(in.view(), got.view());
    want->read_frame(f, expected.view());
    ASSERT_EQ(std::memcmp(got.data(), expected.data(), got.bytes()), 0) << "frame " << f;
  }
}

// hexrd passes frames through unchanged for an unknown code such as 'none'
// (the fixture is the source itself); ims refuses the code instead.
TEST_F(GeometryOpsHexrd, UnknownCodeIsRefusedWhereHexrdIgnoresIt) {
  auto hexrd = open_series((fixtures_ / "proc" / "u16_flip_none_unknown_code.npy").string());
  ASSERT_EQ(hexrd->frame_info(), source_->frame_info());
  FrameBuffer a(source_->frame_info()), b(source_->frame_info());
  source_->read_frame(4, a.view());
  hexrd->read_frame(4, b.view());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.bytes()), 0) << "hexrd's 'none' is a no-op";
  const std::string message = usage_error("flip=none", source_->frame_info()).what();
  EXPECT_NE(message.find("unknown code 'none'"), std::string::npos) << message;
}

}  // namespace
}  // namespace ims
