// Region reads of every format that overrides read_region (npy, binary,
// array, concat) equal crops of whole frames in every layout and byte order,
// and every format's read_cost says whether band-wise re-reading pays.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "formats/concat_series.hpp"
#include "formats/npy/npy.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/random/random_series.hpp"
#include "formats/registry.hpp"
#include "support/generate.hpp"
#include "support/h5_make.hpp"
#include "support/paths.hpp"
#include "support/regions.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

constexpr ByteOrder kForeignByteOrder =
    kNativeByteOrder == ByteOrder::little ? ByteOrder::big : ByteOrder::little;

void convert(std::shared_ptr<const ImageSeries> source, const fs::path& out,
             std::string_view format, const std::vector<std::string>& options = {}) {
  Pipeline p;
  p.source = std::move(source);
  p.writers.push_back(create_writer(out.string(), format, options));
  run(p);
}

/// The bytes of `values` in `order`, element (f, i, j) of (frames, rows, cols)
/// placed as numpy does: C order, or Fortran order (f + n * (i + r * j)).
template <class T>
std::vector<T> laid_out(const test::Stack<T>& s, FrameShape shape, bool fortran, ByteOrder order) {
  const std::size_t n = s.frames, r = shape.rows, c = shape.cols;
  std::vector<T> data(s.values.size());
  for (std::size_t f = 0; f < n; ++f) {
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < c; ++j)
        data[fortran ? f + n * (i + r * j) : (f * r + i) * c + j] = s.values[(f * r + i) * c + j];
    }
  }
  if (order != kNativeByteOrder) byteswap_inplace(data.data(), data.size(), sizeof(T));
  return data;
}

/// A version 1.0 .npy file of `s` as numpy writes it with `order` and `fortran`.
template <class T>
void write_npy(const fs::path& path, const test::Stack<T>& s, FrameShape shape, bool fortran,
               ByteOrder order) {
  std::string header = "{'descr': '" + npy_descr(dtype_of_v<T>, order) +
                       "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" +
                       std::to_string(s.frames) + ", " + std::to_string(shape.rows) + ", " +
                       std::to_string(shape.cols) + "), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  const auto data = laid_out(s, shape, fortran, order);
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  out.put(static_cast<char>(header.size() & 0xff)).put(static_cast<char>(header.size() >> 8));
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * sizeof(T)));
}

/// Frames read whole equal the stack they were written from.
template <class T>
void expect_frames_are(const ImageSeries& s, const test::Stack<T>& stack) {
  ASSERT_EQ(s.size(), stack.frames);
  FrameBuffer frame(s.frame_shape(), s.dtype());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, frame.view());
    ASSERT_EQ(std::memcmp(frame.data(), stack.values.data() + i * stack.pixels, frame.bytes()), 0)
        << s.describe() << ": frame " << i;
  }
}

void expect_cost(const ImageSeries& s, bool cheap_regions, double per_byte) {
  EXPECT_EQ(s.read_cost().cheap_regions, cheap_regions) << s.describe();
  EXPECT_DOUBLE_EQ(s.read_cost().per_byte, per_byte) << s.describe();
}

// ---- npy ----

template <class T>
void check_npy_layouts(const fs::path& dir, FrameShape shape) {
  auto stack = test::random_stack<T>(3, shape, 11);
  for (bool fortran : {false, true}) {
    for (ByteOrder order : {kNativeByteOrder, kForeignByteOrder}) {
      const fs::path path =
          dir / (std::string(dtype_name(dtype_of_v<T>)) + (fortran ? "-F" : "-C") +
                 (order == ByteOrder::big ? "-be" : "-le") + ".npy");
      write_npy(path, stack, shape, fortran, order);
      auto s = open_npy(path.string());
      SCOPED_TRACE(path.filename().string());
      expect_frames_are(*s, stack);
      test::expect_regions_are_crops(*s);
      test::expect_bad_regions_refused(*s);
      expect_cost(*s, true, 1.0);
    }
  }
}

TEST(RegionReads, NpyEveryDtypeOrderAndByteOrder) {
  auto dir = test::scratch_dir("regions-npy");
  for (DType d : kAllDTypes)
    visit_dtype(d, [&](auto tag) { check_npy_layouts<decltype(tag)>(dir, {7, 5}); });
}

TEST(RegionReads, NpyFramesSpanningManyPages) {
  // Regions whose rows cross page boundaries at odd offsets (the readahead
  // hint covers them), in both orders.
  auto dir = test::scratch_dir("regions-npy-big");
  const FrameShape shape{300, 701};
  check_npy_layouts<std::uint16_t>(dir, shape);
  auto s = open_npy((dir / "uint16-C-le.npy").string());
  test::expect_regions_are_crops(*s, {{17, 290, 3, 700}, {0, 300, 350, 351}, {123, 124, 0, 701}});
}

TEST(RegionReads, NpyTwoDimensionalArrayIsOneFrame) {
  auto dir = test::scratch_dir("regions-npy-2d");
  const FrameShape shape{6, 4};
  auto stack = test::random_stack<float>(1, shape, 3);
  convert(test::as_series(stack, shape), dir / "a.npy", "npy");
  // Rewrite as a 2-D array: the same data with a (rows, cols) header.
  auto data = laid_out(stack, shape, false, kNativeByteOrder);
  std::string header = "{'descr': '" + npy_descr(DType::float32, kNativeByteOrder) +
                       "', 'fortran_order': False, 'shape': (6, 4), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  {
    std::ofstream out(dir / "b.npy", std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    out.put(static_cast<char>(header.size())).put(0);
    out << header;
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size() * 4));
  }
  auto s = open_npy((dir / "b.npy").string());
  EXPECT_EQ(s->size(), 1u);
  test::expect_regions_are_crops(*s);
}

// ---- binary ----

template <class T>
void check_binary_written(const fs::path& dir, FrameShape shape, std::size_t frames) {
  auto stack = test::random_stack<T>(frames, shape, 5);
  for (const char* order : {"byteorder=little", "byteorder=big"}) {
    for (const char* name : {"run.bin", "frames"}) {  // one file; one file per frame
      const fs::path out = dir / (std::string(order).substr(10) + "-" +
                                  std::string(dtype_name(dtype_of_v<T>)) + "-" + name);
      convert(test::as_series(stack, shape), out, "binary", {order});
      auto s = open_series(out.string());
      SCOPED_TRACE(out.filename().string());
      expect_frames_are(*s, stack);
      test::expect_regions_are_crops(*s);
      test::expect_bad_regions_refused(*s);
      expect_cost(*s, true, 1.0);
    }
  }
}

TEST(RegionReads, BinarySingleFileAndFilePerFrameInBothByteOrders) {
  auto dir = test::scratch_dir("regions-bin");
  check_binary_written<std::int32_t>(dir, {9, 6}, 4);
  check_binary_written<std::uint16_t>(dir, {5, 8}, 3);
  check_binary_written<double>(dir, {4, 3}, 2);
  check_binary_written<std::uint8_t>(dir, {3, 3}, 2);
}

TEST(RegionReads, BinaryWideRowsAreReadRowByRow) {
  // Rows of 4200 bytes: regions of over 4 KiB a row take one read per row,
  // narrower ones one read of the rows' span.
  auto dir = test::scratch_dir("regions-bin-wide");
  const FrameShape shape{6, 2100};
  check_binary_written<std::uint16_t>(dir, shape, 2);
  auto s = open_series((dir / "big-uint16-run.bin").string());
  test::expect_regions_are_crops(
      *s, {{1, 5, 5, 2100}, {0, 6, 2, 2050}, {2, 3, 100, 2099}, {0, 6, 7, 9}});
}

/// A hand-written column-major (Thunder's order='F') file of `stack`.
template <class T>
std::unique_ptr<ImageSeries> fortran_binary(const fs::path& path, const test::Stack<T>& stack,
                                            FrameShape shape, ByteOrder order) {
  std::vector<T> data;
  for (std::size_t f = 0; f < stack.frames; ++f) {
    test::Stack<T> one{
        1,
        stack.pixels,
        {stack.values.begin() + f * stack.pixels, stack.values.begin() + (f + 1) * stack.pixels}};
    auto frame = laid_out(one, shape, true, order);  // one frame: Fortran order is column-major
    data.insert(data.end(), frame.begin(), frame.end());
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()),
             static_cast<std::streamsize>(data.size() * sizeof(T)));
  return open_series(path.string(), "binary",
                     {"shape=" + std::to_string(shape.rows) + "x" + std::to_string(shape.cols),
                      "dtype=" + std::string(dtype_name(dtype_of_v<T>)), "order=F",
                      std::string("byteorder=") + (order == ByteOrder::big ? "big" : "little")});
}

TEST(RegionReads, BinaryFortranOrderInBothByteOrders) {
  auto dir = test::scratch_dir("regions-bin-fortran");
  for (FrameShape shape : {FrameShape{5, 7}, FrameShape{2100, 3}}) {  // tall: columns of over 4 KiB
    auto stack = test::random_stack<std::int16_t>(3, shape, 9);
    for (ByteOrder order : {ByteOrder::little, ByteOrder::big}) {
      const fs::path path = dir / (to_string(shape) + ".bin");
      auto s = fortran_binary(path, stack, shape, order);
      SCOPED_TRACE(::testing::Message()
                   << to_string(shape) << (order == ByteOrder::big ? " big" : " little"));
      expect_frames_are(*s, stack);
      test::expect_regions_are_crops(*s);
      test::expect_bad_regions_refused(*s);
    }
  }
}

// ---- array and concat ----

TEST(RegionReads, ArrayEveryDtype) {
  for (DType d : kAllDTypes) {
    visit_dtype(d, [&](auto tag) {
      using T = decltype(tag);
      const FrameShape shape{6, 9};
      auto s = test::as_series(test::random_stack<T>(3, shape, 4), shape);
      test::expect_regions_are_crops(*s);
      test::expect_bad_regions_refused(*s);
      expect_cost(*s, true, 1.0);
    });
  }
}

std::unique_ptr<ImageSeries> array_part(std::size_t frames, FrameShape shape, std::uint64_t seed) {
  auto stack = test::random_stack<std::uint16_t>(frames, shape, seed);
  return std::make_unique<ArraySeries>(stack.values.data(), frames,
                                       FrameInfo{shape, DType::uint16});
}

TEST(RegionReads, ConcatForwardsToThePartHoldingTheFrame) {
  auto dir = test::scratch_dir("regions-concat");
  const FrameShape shape{8, 7};
  auto stack = test::random_stack<std::uint16_t>(2, shape, 8);
  write_npy(dir / "be.npy", stack, shape, true, ByteOrder::big);
  std::vector<std::unique_ptr<ImageSeries>> parts;
  parts.push_back(array_part(3, shape, 1));
  parts.push_back(open_npy((dir / "be.npy").string()));
  parts.push_back(array_part(1, shape, 2));
  ConcatSeries s(std::move(parts));
  ASSERT_EQ(s.size(), 6u);
  test::expect_regions_are_crops(s);
  test::expect_bad_regions_refused(s);
  expect_cost(s, true, 1.0);
}

// ---- read_cost ----

TEST(ReadCost, RandomIsNeverCheapAndCostsMoreThanACopy) {
  for (RandomMode mode : {RandomMode::normal, RandomMode::uniform, RandomMode::detector}) {
    for (DType d : {DType::uint8, DType::float64}) {
      auto s = make_random_series({.frames = 2, .rows = 9, .cols = 8, .dtype = d, .mode = mode});
      EXPECT_FALSE(s->read_cost().cheap_regions) << s->describe();
      EXPECT_GT(s->read_cost().per_byte, 1.0) << s->describe();
      test::expect_regions_are_crops(*s);  // the base class's read_region
    }
  }
  auto normal = make_random_series({.dtype = DType::uint16, .mode = RandomMode::normal});
  auto uniform = make_random_series({.dtype = DType::uint16, .mode = RandomMode::uniform});
  EXPECT_GT(normal->read_cost().per_byte, uniform->read_cost().per_byte);
}

TEST(ReadCost, ConcatIsCheapOnlyIfEveryPartIsAndCostsItsSlowestPart) {
  const FrameShape shape{4, 4};
  auto random = make_random_series({.frames = 2, .rows = 4, .cols = 4, .dtype = DType::uint16});
  const ReadCost generated = random->read_cost();
  std::vector<std::unique_ptr<ImageSeries>> parts;
  parts.push_back(array_part(2, shape, 1));
  parts.push_back(std::move(random));
  ConcatSeries mixed(std::move(parts));
  expect_cost(mixed, false, generated.per_byte);
  test::expect_regions_are_crops(mixed);
}

class Hdf5ReadCost : public ::testing::Test {
 protected:
  static constexpr FrameShape kShape{32, 24};
  fs::path dir_ = test::scratch_dir("regions-h5");
  test::Stack<std::uint16_t> stack_ = test::random_stack<std::uint16_t>(3, kShape, 7);

  std::unique_ptr<ImageSeries> written(const std::string& name,
                                       const std::vector<std::string>& options) {
    convert(test::as_series(stack_, kShape), dir_ / name, "hdf5", options);
    auto s = open_series((dir_ / name).string(), "", {"path=imageseries"});
    expect_frames_are(*s, stack_);
    test::expect_regions_are_crops(*s);
    return s;
  }

  std::unique_ptr<ImageSeries> made(const std::string& name, test::DatasetSpec spec) {
    spec.dims = {3, kShape.rows, kShape.cols};
    spec.data = stack_.values.data();
    test::make_h5((dir_ / name).string(), spec);
    auto s = open_series((dir_ / name).string(), "", {"dataset=/data/images"});
    expect_frames_are(*s, stack_);
    return s;
  }
};

TEST_F(Hdf5ReadCost, WholeFrameCompressedChunksAreNotCheap) {
  expect_cost(*written("gzip.h5", {"gzip=1", "shuffle=true"}), false, 20);
  expect_cost(*written("lz4.h5", {"compression=blosc", "cname=lz4"}), false, 3);
  expect_cost(*written("zstd.h5", {"compression=blosc", "cname=zstd"}), false, 8);
  expect_cost(*made("frames2.h5", {.chunk = {2, kShape.rows, kShape.cols}, .deflate = 4}), false,
              20);
  // Several compressed frames a chunk: decoded whole by the library.
  expect_cost(*made("frames2-rows8.h5", {.chunk = {2, 8, kShape.cols}, .deflate = 4}), false, 20);
}

TEST_F(Hdf5ReadCost, ChunksOfFewerRowsThanAFrameAreCheap) {
  expect_cost(*written("rows8.h5", {"gzip=1", "chunk_rows=8"}), true, 20);
  expect_cost(*written("rows8-blosc.h5", {"compression=blosc", "chunk_rows=8"}), true, 3);
  expect_cost(*written("rows8-raw.h5", {"gzip=0", "shuffle=false", "chunk_rows=8"}), true, 1);
  expect_cost(*made("tiles.h5", {.chunk = {1, 8, 8}, .shuffle = true, .deflate = 1}), true, 20);
  expect_cost(*made("frames2-raw.h5", {.chunk = {2, 8, kShape.cols}}), true, 1);
}

TEST_F(Hdf5ReadCost, ContiguousIsCheapButWholeFrameChunksAreNotEvenUnfiltered) {
  expect_cost(*made("contiguous.h5", {}), true, 1);
  // Raw chunks are read whole: a band of a one-chunk frame costs the frame.
  expect_cost(*written("raw.h5", {"gzip=0", "shuffle=false"}), false, 1);
  expect_cost(*made("columns.h5", {.chunk = {1, kShape.rows, 8}}), false, 1);
}

}  // namespace
}  // namespace ims
