// OpChain runs consecutive row-mapping ops band by band of rows; the result
// must be exactly that of running the ops one after the other on whole
// frames, for every dtype, band remainder, mirror and crop, and mix with ops
// that do not map rows. Any band of a row-mapping chain's output computes
// alone (what reductions use to run the ops tile by tile).

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "ims/error.hpp"
#include "ops/process/op_chain.hpp"
#include "ops/process/op_registry.hpp"
#include "support/ops.hpp"

namespace ims {
namespace {

using test::Images;
using test::make_ops;
using test::random_frame;

template <class T>
FrameInfo shape_info(FrameShape shape) {
  return {shape, dtype_of_v<T>};
}

/// Op after op on whole frames, the plain way.
FrameBuffer one_by_one(const OpList& ops, const FrameBuffer& frame) {
  FrameBuffer current(frame.info());
  std::memcpy(current.data(), frame.data(), frame.bytes());
  for (const auto& op : ops) {
    FrameBuffer next(op->output_info(current.info()));
    op->apply(current.view(), next.view());
    current = std::move(next);
  }
  return current;
}

template <class T>
class OpChainBands : public ::testing::Test {};

using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t,
                                    std::int64_t, float, double>;
TYPED_TEST_SUITE(OpChainBands, PixelTypes);

TYPED_TEST(OpChainBands, EqualOpAfterOpOnWholeFrames) {
  // 700 rows: several bands and a remainder whatever the row width.
  const FrameShape shape{700, 37};
  const FrameBuffer frame = random_frame<TypeParam>(shape, 5);
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>(shape, 6));
  images.by_name["mask"] = std::make_shared<FrameBuffer>(random_frame<std::uint8_t>(shape, 7));
  images.by_name["gain"] = std::make_shared<FrameBuffer>(random_frame<float>(shape, 8));
  images.by_name["wide"] = std::make_shared<FrameBuffer>(random_frame<double>({700, 38}, 9));
  const std::vector<std::vector<std::string>> chains = {
      {"dark=dark", "flip=v", "mask=mask", "scale=gain", "clip;min=-50;max=400", "threshold=3", "add-column=5",
       "subtract;image=wide", "astype=float32", "add=1.5", "flip=y"},
      {"dark=dark;mode=wrap", "threshold=7"},
      {"dark=dark", "flip=r90", "add=2.5", "clip;max=10"},  // a transpose between two runs
      {"mask=mask;fill=nan", "flip=h", "astype=int32", "add-column=0", "flip=v"},
      // Mirrors and crops move rows: the ops after them index their images
      // by their own row numbers.
      {"flip=h", "dark=dark", "rectangle=13:-40,2:30", "flip=vh", "add=1", "rectangle=-300:,5:", "flip=r180"},
      {"rectangle=100:650,:", "flip=x", "rectangle=7:500,3:-3", "threshold=5"},
      {"rectangle=3:9,:", "flip=h"},  // fewer rows than a band
      // Whole-frame rectangles do nothing and are skipped, wherever they are.
      {"rectangle=:,:", "dark=dark", "rectangle=0:700,0:37", "flip=v", "rectangle=-700:,:"},
      {"rectangle=:,:", "rectangle=:,:"},
  };
  for (const auto& texts : chains) {
    const OpList ops = make_ops(texts, frame.info(), images);
    const OpChain chain(ops, frame.info());
    std::vector<FrameBuffer> scratch;
    FrameBuffer banded(chain.output());
    chain.apply(frame.view(), banded.view(), scratch);
    const FrameBuffer want = one_by_one(ops, frame);
    ASSERT_EQ(banded.info(), want.info()) << texts.front();
    EXPECT_EQ(std::memcmp(banded.data(), want.data(), want.bytes()), 0) << texts.front() << " ... " << texts.back();
  }
}

/// Chains whose every op maps rows compute any band of output rows alone,
/// of one frame or of several at once.
TYPED_TEST(OpChainBands, AnyBandOfRowsEqualsThoseRowsOfTheWholeResult) {
  const FrameShape shape{300, 41};
  std::vector<FrameBuffer> frames;
  for (std::uint64_t seed = 11; seed < 11 + OpChain::kMaxFrames; ++seed) frames.push_back(random_frame<TypeParam>(shape, seed));
  Images images;
  images.by_name["dark"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>(shape, 32));
  images.by_name["small"] = std::make_shared<FrameBuffer>(random_frame<TypeParam>({250, 39}, 33));
  images.by_name["mask"] = std::make_shared<FrameBuffer>(random_frame<std::uint8_t>(shape, 34));
  images.by_name["gain"] = std::make_shared<FrameBuffer>(random_frame<float>(shape, 35));
  const std::vector<std::vector<std::string>> chains = {
      {"dark=dark"},
      {"flip=h"},
      {"dark=dark", "flip=v", "rectangle=0:300,0:41"},
      {"dark=dark;mode=wrap", "mask=mask", "scale=gain", "subtract;image=dark", "add=2", "threshold=3"},
      {"flip=x", "rectangle=20:270,1:-1", "dark=small", "flip=r180", "clip;max=50", "astype=float64"},
      {"rectangle=:,:", "dark=dark", "rectangle=0:300,0:41", "flip=v", "rectangle=-300:,:"},
      {"rectangle=:,:"},
      {"rectangle=:,:", "rectangle=0:300,:"},
  };
  for (const auto& texts : chains) {
    const OpList ops = make_ops(texts, shape_info<TypeParam>(shape), images);
    const OpChain chain(ops, shape_info<TypeParam>(shape));
    ASSERT_TRUE(chain.maps_rows()) << texts.front();
    std::vector<FrameBuffer> want;
    for (const auto& frame : frames) want.push_back(one_by_one(ops, frame));
    const std::size_t rows = want[0].shape().rows, row_bytes = want[0].bytes() / rows;
    std::vector<FrameBuffer> scratch;
    for (std::size_t count = 1; count <= frames.size(); count += 3) {  // one frame, then all
      for (const std::size_t band : {std::size_t{1}, std::size_t{16}, std::size_t{77}, rows}) {
        for (std::size_t row0 = 0; row0 < rows; row0 += band) {
          const std::size_t n = std::min(band, rows - row0);
          std::vector<FrameBuffer> got;
          std::vector<ConstFrameView> in;
          std::vector<FrameView> out;
          for (std::size_t k = 0; k < count; ++k) {
            got.emplace_back(FrameShape{n, want[k].shape().cols}, want[k].dtype());
            in.push_back(chain.input_rows(frames[k].view(), row0, n));
          }
          for (auto& g : got) out.push_back(g.view());
          chain.apply_rows(in, row0, out, scratch);
          for (std::size_t k = 0; k < count; ++k) {
            ASSERT_EQ(std::memcmp(got[k].data(), want[k].data() + row0 * row_bytes, got[k].bytes()), 0)
                << texts.front() << " ... " << texts.back() << ": frame " << k << " of " << count << ", rows "
                << row0 << " + " << n;
          }
        }
      }
    }
  }
}

TEST(OpChainRows, OnlyChainsOfRowMappingOpsMapRows) {
  const FrameInfo u16{{64, 32}, DType::uint16};
  Images images;
  EXPECT_TRUE(OpChain(make_ops({"flip=vh", "rectangle=1:5,:", "add=1"}, u16, images), u16).maps_rows());
  EXPECT_FALSE(OpChain(make_ops({"flip=h", "flip=t"}, u16, images), u16).maps_rows());
  EXPECT_FALSE(OpChain(make_ops({"gaussian_filter=1", "add=1"}, u16, images), u16).maps_rows());
  EXPECT_FALSE(OpChain(make_ops({"add-row=3"}, u16, images), u16).maps_rows());
  EXPECT_FALSE(OpChain({}, u16).maps_rows());
}

TEST(OpChainBandsScratch, IntermediateResultsOfARunAreBandsNotFrames) {
  const FrameShape shape{2048, 2048};
  Images images;
  const FrameInfo u16{shape, DType::uint16};
  const OpList ops = make_ops({"add=1", "clip;max=100", "threshold=2", "flip=t"}, u16, images);
  const OpChain chain(ops, u16);
  const auto scratch = chain.make_scratch();
  ASSERT_EQ(scratch.size(), 3u);
  EXPECT_LT(scratch[0].shape().rows, 64u) << "inside the run: a band";
  EXPECT_LT(scratch[1].shape().rows, 64u) << "inside the run: a band";
  EXPECT_EQ(scratch[2].shape(), shape) << "the run's result feeds flip=t whole";
}

}  // namespace
}  // namespace ims
