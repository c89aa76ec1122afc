// RegionSeries: a region of every frame as a series of its own, over sources
// with and without their own read_region, nested, and refusing bad regions.

#include <gtest/gtest.h>

#include <cstring>

#include "ims/error.hpp"
#include "core/region_series.hpp"
#include "engine/run.hpp"
#include "formats/random/random_series.hpp"
#include "formats/registry.hpp"
#include "support/generate.hpp"
#include "support/paths.hpp"
#include "support/printers.hpp"
#include "support/regions.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

constexpr FrameShape kShape{12, 10};

std::shared_ptr<const ImageSeries> array_source() {
  Metadata meta;
  meta.set("panel", "ff1");
  auto stack = test::random_stack<std::int32_t>(4, kShape, 21);
  return ArraySeries::from(stack.values, 4, kShape, meta);
}

/// Region `r` of frame `index` of `source`, cropped from the whole frame.
FrameBuffer crop(const ImageSeries& source, std::size_t index, Region r) {
  FrameBuffer full(source.frame_shape(), source.dtype()), out(r.shape(), source.dtype());
  source.read_frame(index, full.view());
  copy_region(full.view(), r, out.view());
  return out;
}

/// Every frame of `region_series` is its region of the source's frame.
void expect_frames_are_crops(const RegionSeries& s) {
  FrameBuffer frame(s.frame_shape(), s.dtype());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, frame.view());
    FrameBuffer want = crop(s.source(), i, s.region());
    ASSERT_EQ(std::memcmp(frame.data(), want.data(), want.bytes()), 0)
        << s.describe() << ": frame " << i;
  }
}

TEST(RegionSeries, PassesThroughAllButTheFrameShape) {
  auto source = array_source();
  RegionSeries s(source, Region{2, 7, 1, 10});
  EXPECT_EQ(s.frame_shape(), (FrameShape{5, 9}));
  EXPECT_EQ(s.size(), source->size());
  EXPECT_EQ(s.dtype(), DType::int32);
  EXPECT_EQ(s.metadata(), source->metadata());
  EXPECT_EQ(s.concurrent_reads(), source->concurrent_reads());
  EXPECT_EQ(s.read_cost().cheap_regions, source->read_cost().cheap_regions);
  EXPECT_EQ(s.describe(), source->describe() + "[rows 2:7, cols 1:10]");
  EXPECT_EQ(s.frame_data(0), nullptr) << "a region is not contiguous in the source";
  EXPECT_EQ(s.region(), (Region{2, 7, 1, 10}));
}

TEST(RegionSeries, FramesAndRegionsAreCropsOfTheSource) {
  auto source = array_source();
  for (Region r : test::edge_regions(kShape)) {
    RegionSeries s(source, r);
    SCOPED_TRACE(s.describe());
    expect_frames_are_crops(s);
    if (r.shape().rows >= 3 && r.shape().cols >= 3) test::expect_regions_are_crops(s);
  }
}

TEST(RegionSeries, RegionsComposeWithTheSourceOffsets) {
  auto source = array_source();
  RegionSeries outer(source, Region{3, 11, 2, 9});
  RegionSeries inner(std::make_shared<RegionSeries>(source, Region{3, 11, 2, 9}),
                     Region{1, 6, 2, 7});
  FrameBuffer got(inner.frame_shape(), inner.dtype());
  for (std::size_t i = 0; i < source->size(); ++i) {
    inner.read_frame(i, got.view());
    FrameBuffer want = crop(*source, i, Region{4, 9, 4, 9});
    EXPECT_EQ(std::memcmp(got.data(), want.data(), got.bytes()), 0) << "frame " << i;
  }
  EXPECT_EQ(inner.describe(), source->describe() + "[rows 3:11, cols 2:9][rows 1:6, cols 2:7]");
  test::expect_regions_are_crops(outer);
  test::expect_regions_are_crops(inner);
}

TEST(RegionSeries, OverSourcesWithTheirOwnRegionReads) {
  auto dir = test::scratch_dir("region-series");
  const FrameShape shape{40, 24};
  auto stack = test::random_stack<std::uint16_t>(3, shape, 5);
  Pipeline p;
  p.source = test::as_series(stack, shape);
  p.writers.push_back(create_writer((dir / "r.h5").string(), "hdf5", {"chunk_rows=8"}));
  p.writers.push_back(create_writer((dir / "r.bin").string(), "binary", {"byteorder=big"}));
  p.writers.push_back(create_writer((dir / "r.npy").string()));
  run(p);
  for (const char* name : {"r.h5", "r.bin", "r.npy"}) {
    std::shared_ptr<const ImageSeries> source = open_series((dir / name).string());
    for (Region band : {Region{0, 8, 0, 24}, Region{13, 29, 0, 24}, Region{32, 40, 5, 19}}) {
      RegionSeries s(source, band);
      SCOPED_TRACE(s.describe());
      expect_frames_are_crops(s);
      test::expect_regions_are_crops(s);
      EXPECT_TRUE(s.read_cost().cheap_regions);
    }
  }
}

TEST(RegionSeries, OverASourceWithoutItsOwnRegionReads) {
  std::shared_ptr<const ImageSeries> source = make_random_series(
      {.frames = 3, .rows = 9, .cols = 7, .dtype = DType::float32, .mode = RandomMode::detector});
  RegionSeries s(source, Region{2, 9, 0, 4});
  expect_frames_are_crops(s);
  test::expect_regions_are_crops(s);
  EXPECT_FALSE(s.read_cost().cheap_regions);
  EXPECT_DOUBLE_EQ(s.read_cost().per_byte, source->read_cost().per_byte);
}

TEST(RegionSeries, RefusesRegionsOutsideTheFrameOrEmpty) {
  auto source = array_source();
  for (Region r : {Region{0, 13, 0, 10}, Region{0, 12, 0, 11}, Region{12, 13, 0, 1},
                   Region{4, 4, 0, 10}, Region{0, 12, 5, 5}, Region{6, 3, 0, 10}}) {
    Error e = test::error_from([&] { (void)RegionSeries(source, r); });
    EXPECT_EQ(e.kind(), ErrorKind::out_of_range) << e.what();
    EXPECT_NE(std::string(e.what()).find(to_string(r)), std::string::npos) << e.what();
    std::string named = source->describe();  // "array:4x12x10 int32" reads "array: 4x12x10 int32"
    named.replace(named.find(':'), 1, ": ");
    EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::error_from([] {
              (void)RegionSeries(nullptr, Region{0, 1, 0, 1});
            }).kind(),
            ErrorKind::internal);
  RegionSeries s(source, Region{2, 8, 3, 9});
  test::expect_bad_regions_refused(s);
  FrameBuffer whole(kShape, DType::int32);
  EXPECT_EQ(test::error_from([&] { s.read_frame(0, whole.view()); }).kind(), ErrorKind::internal)
      << "a destination of the source's frame shape, not the region's";
  FrameBuffer frame(s.frame_shape(), DType::int32);
  EXPECT_EQ(test::error_from([&] { s.read_frame(4, frame.view()); }).kind(),
            ErrorKind::out_of_range);
}

}  // namespace
}  // namespace ims
