#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "formats/registry.hpp"
#include "support/generate.hpp"
#include "support/paths.hpp"
#include "support/printers.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

void convert(std::shared_ptr<const ImageSeries> source, const std::string& out, const std::string& format,
             const std::vector<std::string>& options = {}) {
  Pipeline p;
  p.source = std::move(source);
  p.writers.push_back(create_writer(out, format, options));
  run(p);
}

template <class T>
std::vector<T> read_all(const ImageSeries& s) {
  std::vector<T> out(s.size() * s.frame_shape().pixels());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, FrameView(reinterpret_cast<std::byte*>(out.data() + i * s.frame_shape().pixels()),
                              s.frame_shape(), s.dtype()));
  }
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Binary, SingleFileWithSidecarRoundTrips) {
  auto dir = test::scratch_dir("bin-single");
  const FrameShape shape{6, 5};
  auto stack = test::random_stack<std::int32_t>(4, shape, 1);
  for (const char* order : {"byteorder=little", "byteorder=big"}) {
    auto path = (dir / "run.bin").string();
    fs::remove(path);
    convert(test::as_series(stack, shape), path, "", {order});
    EXPECT_EQ(fs::file_size(path), stack.values.size() * 4);
    std::string sidecar = slurp(dir / "run.json");
    EXPECT_NE(sidecar.find("\"dims\""), std::string::npos) << sidecar;
    EXPECT_NE(sidecar.find("\"int32\""), std::string::npos) << sidecar;
    auto back = open_series(path);
    EXPECT_EQ(back->size(), 4u);
    EXPECT_EQ(back->frame_shape(), shape);
    EXPECT_EQ(read_all<std::int32_t>(*back), stack.values) << order;
  }
}

TEST(Binary, MetadataRoundTripsThroughTheSidecar) {
  auto dir = test::scratch_dir("bin-meta");
  const FrameShape shape{2, 2};
  auto stack = test::random_stack<std::uint16_t>(3, shape, 1);
  Metadata meta;
  meta.set("omega", NdArray::from<double>({0, 1, 1, 2, 2, 3}, {3, 2}));
  meta.set("panel", "ff1");
  meta.set("exposure", 0.25);
  meta.set("frames_dark", std::int64_t{100});
  meta.set("flipped", false);
  Metadata scan;
  scan.set("id", std::int64_t{7});
  scan.set("mask", NdArray::from<std::uint8_t>({1, 0, 1, 1}, {2, 2}));
  meta.set("scan", scan);
  auto source = ArraySeries::from(stack.values, 3, shape, meta);
  for (const char* out : {"run.bin", "frames"}) {
    convert(source, (dir / out).string(), "binary");
    auto back = open_series((dir / out).string());
    EXPECT_EQ(back->metadata(), meta) << out;
  }
  std::ofstream(dir / "bad.bin") << std::string(8, 'x');
  std::ofstream(dir / "bad.json") << R"({"dims": [2, 2], "dtype": "uint16", "metadata": {"x": [1, 2]}})";
  try {
    open_series((dir / "bad.bin").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
}

TEST(Binary, ThunderDirectoryLayoutRoundTrips) {
  auto dir = test::scratch_dir("bin-dir");
  const FrameShape shape{3, 4};
  auto stack = test::random_stack<float>(12, shape, 2);
  auto out = (dir / "frames").string();
  convert(test::as_series(stack, shape), out, "binary");
  EXPECT_TRUE(fs::exists(dir / "frames" / "image-00000.bin"));
  EXPECT_TRUE(fs::exists(dir / "frames" / "image-00011.bin"));
  EXPECT_TRUE(fs::exists(dir / "frames" / "SUCCESS"));
  EXPECT_EQ(fs::file_size(dir / "frames" / "image-00003.bin"), 48u);
  auto back = open_series(out);  // a directory: binary, by layout
  EXPECT_EQ(back->size(), 12u);
  EXPECT_EQ(read_all<float>(*back), stack.values);
  EXPECT_THROW(convert(test::as_series(stack, shape), out, "binary"), Error) << "not over a non-empty directory";
}

TEST(Binary, ThunderConfWithDimsAndOptionsOverride) {
  auto dir = test::scratch_dir("bin-thunder");
  std::vector<std::int16_t> frame0 = {1, -2, 3, -4, 5, -6}, frame1 = {7, 8, 9, 10, 11, 12};
  std::ofstream(dir / "conf.json") << R"({"dims": [2, 3], "dtype": "int16"})";
  std::ofstream(dir / "b.bin", std::ios::binary).write(reinterpret_cast<char*>(frame1.data()), 12);
  std::ofstream(dir / "a.bin", std::ios::binary).write(reinterpret_cast<char*>(frame0.data()), 12);
  auto s = open_series(dir.string());
  EXPECT_EQ(s->size(), 2u);
  auto values = read_all<std::int16_t>(*s);
  EXPECT_EQ(std::vector<std::int16_t>(values.begin(), values.begin() + 6), frame0) << "files in name order";
  auto transposed = open_series(dir.string(), "binary", {"shape=3x2", "order=F"});
  EXPECT_EQ(transposed->frame_shape(), (FrameShape{3, 2}));
  auto t = read_all<std::int16_t>(*transposed);
  EXPECT_EQ(std::vector<std::int16_t>(t.begin(), t.begin() + 6), (std::vector<std::int16_t>{1, -4, -2, 5, 3, -6}));
}

TEST(Binary, MissingShapeOrBadSizeIsExplained) {
  auto dir = test::scratch_dir("bin-bad");
  std::ofstream(dir / "raw.bin", std::ios::binary) << std::string(10, 'x');
  try {
    open_series((dir / "raw.bin").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("shape=ROWSxCOLS"), std::string::npos) << e.what();
  }
  try {
    open_series((dir / "raw.bin").string(), "binary", {"shape=2x2", "dtype=uint16"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::format);
    EXPECT_NE(std::string(e.what()).find("not a whole number"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("raw.bin"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "raw.json") << "{not json";
  EXPECT_THROW(open_series((dir / "raw.bin").string()), Error);
  EXPECT_THROW(open_series((dir / "raw.bin").string(), "binary", {"shape=2by2", "dtype=uint16"}), Error);
}

}  // namespace
}  // namespace ims
