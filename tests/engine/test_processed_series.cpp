// ProcessedImageSeries, FrameListSeries, build_series and op images from
// files: lazy, plan-time shapes, region reads for a first crop, frame lists
// with hexrd's omega subsetting, and errors before any frame is read.

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "ims/error.hpp"
#include "core/frame_list_series.hpp"
#include "engine/series/processed_series.hpp"
#include "engine/rewrite/flatten.hpp"
#include "engine/run.hpp"
#include "engine/series/series_builder.hpp"
#include "formats/image_file.hpp"
#include "formats/registry.hpp"
#include "ops/reduce/registry.hpp"
#include "support/check.hpp"
#include "support/generate.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

/// Counts reads, and fails the test if a frame is read when it must not be.
class WatchedSeries final : public ImageSeries {
 public:
  explicit WatchedSeries(std::shared_ptr<const ImageSeries> inner) : inner_(std::move(inner)) {}
  std::size_t size() const override { return inner_->size(); }
  FrameShape frame_shape() const override { return inner_->frame_shape(); }
  DType dtype() const override { return inner_->dtype(); }
  const Metadata& metadata() const override { return inner_->metadata(); }
  std::string describe() const override { return "watched"; }
  bool concurrent_reads() const override { return true; }
  void read_frame(std::size_t i, FrameView out) const override {
    ++frame_reads;
    inner_->read_frame(i, out);
  }
  void read_region(std::size_t i, Region r, FrameView out) const override {
    ++region_reads;
    inner_->read_region(i, r, out);
  }
  mutable std::atomic<int> frame_reads{0}, region_reads{0};

 private:
  std::shared_ptr<const ImageSeries> inner_;
};

/// Keeps rows [r0, r1) and columns [c0, c1): a crop, so it can be a region read.
class CropOp final : public FrameOp {
 public:
  explicit CropOp(Region r) : r_(r) {}
  std::string name() const override { return "crop"; }
  FrameInfo output_info(const FrameInfo& in) const override {
    if (r_.row1 > in.shape.rows || r_.col1 > in.shape.cols) throw Error(ErrorKind::usage, "crop outside");
    return {r_.shape(), in.dtype};
  }
  void apply(ConstFrameView in, FrameView out) const override { copy_region(in, r_, out); }
  std::optional<Region> crop_region(FrameShape) const override { return r_; }

 private:
  Region r_;
};

/// out = in + 1 as float32.
class PlusOneOp final : public FrameOp {
 public:
  std::string name() const override { return "plus-one"; }
  FrameInfo output_info(const FrameInfo& in) const override { return {in.shape, DType::float32}; }
  void apply(ConstFrameView in, FrameView out) const override {
    for (std::size_t i = 0; i < in.pixels(); ++i) out.as<float>()[i] = float(in.as<std::uint16_t>()[i]) + 1.0f;
  }
};

const FrameShape kShape{12, 10};

test::Stack<std::uint16_t> stack16(std::size_t n = 7) { return test::random_stack<std::uint16_t>(n, kShape, 21); }

std::uint16_t at(const test::Stack<std::uint16_t>& s, std::size_t f, std::size_t r, std::size_t c) {
  return s.values[f * kShape.pixels() + r * kShape.cols + c];
}

TEST(FrameList, SubsetsReordersRepeatsAndSubsetsOmega) {
  auto s = stack16();
  Metadata meta;
  std::vector<double> omega;
  for (int f = 0; f < 7; ++f) omega.insert(omega.end(), {f * 0.25, f * 0.25 + 0.25});
  meta.set("omega", NdArray::from(omega, {7, 2}));
  meta.set("note", "kept");
  auto array = ArraySeries::from(s.values, s.frames, kShape, meta);
  FrameListSeries listed(array, {5, 0, 5, 2});
  EXPECT_EQ(listed.size(), 4u);
  FrameBuffer frame(kShape, DType::uint16);
  listed.read_frame(2, frame.view());
  EXPECT_EQ(frame.as<std::uint16_t>()[3], at(s, 5, 0, 3));
  EXPECT_EQ(listed.frame_data(1), array->frame_data(0));
  const NdArray& o = listed.metadata().at("omega").as<NdArray>();
  ASSERT_EQ(o.shape, (std::vector<std::size_t>{4, 2}));
  EXPECT_EQ(o.at<double>(0), 1.25);
  EXPECT_EQ(o.at<double>(3), 0.25);
  EXPECT_EQ(listed.metadata().at("note").as<std::string>(), "kept");
  EXPECT_THROW(FrameListSeries(array, {7}), Error);
  EXPECT_THROW(FrameListSeries(array, {}), Error);
  EXPECT_EQ(parse_frame_list("36, 0,-1", 40), (std::vector<std::size_t>{36, 0, 39}));
  EXPECT_THROW(parse_frame_list("1,x", 40), Error);
  EXPECT_THROW(parse_frame_list("40", 40), Error);
}

TEST(ProcessedSeries, ShapeAndDtypeComeFromThePlanNotFromAFrame) {
  auto s = stack16();
  auto watched = std::make_shared<WatchedSeries>(test::as_series(s, kShape));
  ProcessedImageSeries p(watched, {std::make_shared<PlusOneOp>(), std::make_shared<CropOp>(Region{1, 5, 2, 9})});
  EXPECT_EQ(p.frame_shape(), (FrameShape{4, 7}));
  EXPECT_EQ(p.dtype(), DType::float32);
  EXPECT_EQ(p.size(), 7u);
  EXPECT_EQ(watched->frame_reads + watched->region_reads, 0) << "nothing read to know the shape";
  FrameBuffer out(p.frame_info());
  p.read_frame(3, out.view());
  EXPECT_EQ(out.as<float>()[0], float(at(s, 3, 1, 2)) + 1.0f);
  EXPECT_EQ(p.frame_data(0), nullptr);
}

TEST(ProcessedSeries, AFirstCropIsARegionReadEvenNested) {
  auto s = stack16();
  auto watched = std::make_shared<WatchedSeries>(test::as_series(s, kShape));
  auto inner = std::make_shared<ProcessedImageSeries>(
      watched, OpList{std::make_shared<CropOp>(Region{2, 10, 1, 9})}, std::vector<std::size_t>{6, 1});
  EXPECT_EQ(inner->frame_shape(), (FrameShape{8, 8}));
  FrameBuffer a(inner->frame_info());
  inner->read_frame(0, a.view());
  EXPECT_EQ(watched->region_reads, 1);
  EXPECT_EQ(watched->frame_reads, 0);
  EXPECT_EQ(a.as<std::uint16_t>()[0], at(s, 6, 2, 1));
  // hexrd fails here (a rectangle first over a processed series): ims reads
  // the inner series by region (processing its frame, then cutting).
  ProcessedImageSeries outer(inner, {std::make_shared<CropOp>(Region{1, 3, 2, 4}), std::make_shared<PlusOneOp>()});
  EXPECT_EQ(outer.frame_shape(), (FrameShape{2, 2}));
  FrameBuffer b(outer.frame_info());
  outer.read_frame(1, b.view());
  EXPECT_EQ(b.as<float>()[3], float(at(s, 1, 2 + 1 + 1, 1 + 2 + 1)) + 1.0f);
}

TEST(ProcessedSeries, RunsStreamTheOpsInTheEngineAndMatchFrameByFrame) {
  auto s = stack16(9);
  auto p = std::make_shared<ProcessedImageSeries>(
      test::as_series(s, kShape), OpList{std::make_shared<CropOp>(Region{0, 6, 0, 10}), std::make_shared<PlusOneOp>()},
      std::vector<std::size_t>{8, 2, 2, 4});
  Pipeline flat = flatten(Pipeline{p, {}, {}, {}});
  EXPECT_EQ(flat.ops.size(), 1u) << "the crop became a region read";
  EXPECT_EQ(flat.source->frame_shape(), (FrameShape{6, 10}));
  for (unsigned threads : {1u, 2u}) {
    Pipeline pipeline;
    pipeline.source = p;
    pipeline.reducers.push_back(make_reducer("max", p->frame_info()));
    RunOptions o;
    o.threads = threads;
    auto result = run(pipeline, o);
    EXPECT_EQ(result.report.frames, 4u);
    EXPECT_NE(result.report.source.find("plus-one"), std::string::npos) << result.report.source;
    FrameBuffer frame(p->frame_info());
    std::vector<float> want(p->frame_shape().pixels(), 0.0f);
    for (std::size_t k = 0; k < p->size(); ++k) {
      p->read_frame(k, frame.view());
      for (std::size_t i = 0; i < want.size(); ++i) want[i] = std::max(want[i], frame.as<float>()[i]);
    }
    EXPECT_EQ(std::memcmp(result.images[0].data(), want.data(), want.size() * 4), 0) << threads << " threads";
  }
}

TEST(SeriesBuilder, FramesSlicesAndErrorsBeforeAnyRead) {
  auto s = stack16(10);
  auto watched = std::make_shared<WatchedSeries>(test::as_series(s, kShape));
  auto sliced = build_series({watched, "1:8:3", "", {}, {}}, {});
  EXPECT_EQ(sliced->size(), 3u);  // frames 1, 4, 7
  FrameBuffer frame(kShape, DType::uint16);
  sliced->read_frame(2, frame.view());
  EXPECT_EQ(frame.as<std::uint16_t>()[5], at(s, 7, 0, 5));
  EXPECT_EQ(build_series({watched, "", "9,0", {}, {}}, {})->size(), 2u);
  watched->frame_reads = 0;
  auto expect_usage = [&](SeriesRecipe r, const std::string& needle) {
    try {
      build_series(r, {});
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_usage({watched, "0:2", "1", {}, {}}, "not both");
  expect_usage({watched, "5:5", "", {}, {}}, "select no frame");
  expect_usage({watched, "", "10", {}, {}}, "out of range");
  expect_usage({watched, "", "", {OpSpec{"no-such-op", {}}}, {}}, "ops[0]");
  EXPECT_EQ(watched->frame_reads, 0);
}

TEST(ImageFiles, NpyNpzMemberAndHdf5DatasetsAreOneFrame) {
  auto dir = test::scratch_dir("image-files");
  const FrameShape shape{5, 4};
  auto one = test::random_stack<float>(1, shape, 3);
  auto two = test::random_stack<float>(2, shape, 4);
  auto write = [&](const std::string& name, const test::Stack<float>& st, std::vector<std::string> opts = {}) {
    Pipeline p;
    p.source = test::as_series(st, shape);
    p.writers.push_back(create_writer((dir / name).string(), "", opts));
    run(p, {});
  };
  write("one.npy", one);
  write("two.npy", two);
  ImageFile npy = probe_image((dir / "one.npy").string());
  EXPECT_EQ(npy.info, (FrameInfo{shape, DType::float32}));
  FrameBuffer image = npy.load();
  EXPECT_EQ(std::memcmp(image.data(), one.values.data(), image.bytes()), 0);
  // The statistics ims stats writes: an npz with a member per statistic.
  Pipeline stats;
  stats.source = test::as_series(two, shape);
  stats.reducers = {make_reducer("max", stats.source->frame_info()), make_reducer("min", stats.source->frame_info())};
  auto r = run(stats, {});
  write_images((dir / "bg.npz").string(), "", {{"max", r.images[0].view()}, {"min", r.images[1].view()}}, {});
  ImageFile member = probe_image((dir / "bg.npz:min").string());
  FrameBuffer min = member.load();
  EXPECT_EQ(std::memcmp(min.data(), r.images[1].data(), min.bytes()), 0);
  auto error_of = [](const std::string& text) {
    try {
      probe_image(text);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of((dir / "bg.npz").string()).find("name one"), std::string::npos);
  EXPECT_NE(error_of((dir / "bg.npz:mean").string()).find("max.npy, min.npy"), std::string::npos);
  EXPECT_NE(error_of((dir / "two.npy").string()).find("2 frames"), std::string::npos);
  EXPECT_NE(error_of((dir / "missing.npy").string()).find("missing.npy"), std::string::npos);
  // HDF5: hexrd's layout by default, or a dataset by path.
  write("one.h5", one);
  std::filesystem::copy_file(dir / "one.h5", dir / "one.nx5");  // NeXus HDF5: the same, by its extension
  for (const std::string text : {"one.h5", "one.h5:/imageseries/images", "one.nx5:/imageseries/images"}) {
    FrameBuffer h5 = probe_image((dir / text).string()).load();
    EXPECT_EQ(std::memcmp(h5.data(), one.values.data(), h5.bytes()), 0) << text;
  }
  EXPECT_NE(error_of((dir / "one.h5:/nope").string()).find("nope"), std::string::npos);
  EXPECT_TRUE(names_a_file("dark.npy"));
  EXPECT_TRUE(names_a_file("bg.npz:median"));
  EXPECT_FALSE(names_a_file("median"));
}

}  // namespace
}  // namespace ims
