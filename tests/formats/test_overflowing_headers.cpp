// Headers whose sizes overflow 64 bits, or whose dimensions multiply past
// what any file holds, are refused when the series is opened, naming the
// file and the shape: never a division by zero, a read past a mapping, or a
// frame count that wrapped around. One test per format.

#include <gtest/gtest.h>

#include <fstream>

#include "engine/accumulation.hpp"
#include "core/checked.hpp"
#include "ims/error.hpp"
#include "formats/array/array_series.hpp"
#include "formats/image_file.hpp"
#include "formats/registry.hpp"
#include "ops/reduce/registry.hpp"
#include "support/h5_make.hpp"
#include "support/npy_make.hpp"
#include "support/paths.hpp"
#include "support/zip_make.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t k2to31 = 1ull << 31, k2to32 = 1ull << 32, k2to62 = 1ull << 62;

/// The error `f` throws: of `kind`, its message containing each of `says`.
template <class F>
void expect_refused(F&& f, ErrorKind kind, std::initializer_list<std::string> says) {
  try {
    f();
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& s : says) EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << e.what();
  }
}

TEST(CheckedSizes, ProductsStopAtTheLimit) {
  const std::uint64_t fits[] = {k2to31, k2to31, 2};
  EXPECT_EQ(checked_product(fits), 1ull << 63);
  EXPECT_FALSE(checked_product(fits, kMaxArrayBytes));
  const std::uint64_t wraps[] = {k2to32, k2to32};  // 2^64 wraps to 0
  EXPECT_FALSE(checked_product(wraps));
  EXPECT_EQ(saturating_mul(k2to32, k2to32), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(saturating_add(std::numeric_limits<std::uint64_t>::max(), 1), std::numeric_limits<std::uint64_t>::max());
  const std::uint64_t empty[] = {0, k2to62, k2to62};
  EXPECT_THROW(check_array_bytes(empty, 2, "npy", "x"), Error) << "a zero frame count does not hide 2^124 pixels";
  const std::uint64_t dims[] = {1, 2, 3};
  EXPECT_EQ(shape_text(dims), "(1, 2, 3)");
  EXPECT_NO_THROW(check_array_bytes(dims, 8, "npy", "x"));
}

TEST(OverflowingHeaders, Npy) {
  auto dir = test::scratch_dir("overflow-npy");
  for (const auto& [shape, text] : std::vector<std::pair<std::string, std::string>>{
           {"(1, 4294967296, 2147483648)", "shape (1, 4294967296, 2147483648) overflows"},
           {"(4294967296, 4294967296, 4294967296)", "shape (4294967296, 4294967296, 4294967296) overflows"},
           {"(4611686018427387904, 2, 2)", "shape (4611686018427387904, 2, 2) overflows"},
           {"(18446744073709551615, 1, 1)", "shape (18446744073709551615, 1, 1) overflows"},
           {"(18446744073709551616, 1, 1)", "shape dimension 18446744073709551616 overflows"}}) {
    const auto path = dir / "hostile.npy";
    test::write_raw_npy(path, "{'descr': '<u2', 'fortran_order': False, 'shape': " + shape + ", }");
    expect_refused([&] { open_series(path.string()); }, ErrorKind::format, {"npy: ", path.string(), text});
    // The same header as an op's image.
    expect_refused([&] { probe_image(path.string()); }, ErrorKind::format, {path.string(), text});
  }
}

TEST(OverflowingHeaders, NpzMember) {
  auto dir = test::scratch_dir("overflow-npz");
  const auto npz = (dir / "bg.npz").string();
  for (bool deflate : {false, true}) {
    test::write_zip(
        npz,
        {{"max.npy", test::raw_npy("{'descr': '<u2', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
          deflate}});
    expect_refused([&] { probe_image(npz + ":max"); }, ErrorKind::format,
                   {npz, "shape (4294967296, 4294967296) overflows"});
  }
}

TEST(OverflowingHeaders, Hdf5) {
  auto dir = test::scratch_dir("overflow-h5");
  for (const std::vector<hsize_t>& dims : {std::vector<hsize_t>{k2to62, 2, 2}, std::vector<hsize_t>{1, k2to32, k2to31},
                                           std::vector<hsize_t>{k2to32, k2to32, k2to32}}) {
    const auto path = (dir / "huge.h5").string();
    test::DatasetSpec spec;
    spec.dims = dims;
    spec.chunk = {1, 1, 1};
    test::make_h5(path, spec);
    const std::uint64_t d[] = {dims[0], dims[1], dims[2]};
    expect_refused([&] { open_series(path, "", {"dataset=/data/images"}); }, ErrorKind::format,
                   {"hdf5: ", path + ":/data/images", "shape " + shape_text(d) + " overflows"});
  }
}

TEST(OverflowingHeaders, BinarySidecarAndShapeOption) {
  auto dir = test::scratch_dir("overflow-binary");
  std::ofstream(dir / "run.bin", std::ios::binary) << std::string(64, '\0');
  std::ofstream(dir / "run.json") << R"({"dims": [4294967296, 4294967296], "dtype": "uint16"})";
  expect_refused([&] { open_series((dir / "run.bin").string()); }, ErrorKind::format,
                 {"binary: ", (dir / "run.json").string(), "shape (1, 4294967296, 4294967296) overflows"});
  fs::remove(dir / "run.json");
  expect_refused(
      [&] {
        open_series((dir / "run.bin").string(), "", {"shape=4294967296x4294967296", "dtype=uint8"});
      },
      ErrorKind::format, {"binary: ", (dir / "run.bin").string(), "overflows"});
}

TEST(OverflowingHeaders, RandomOptions) {
  expect_refused(
      [] {
        open_series("", "random", {"frames=1099511627776", "rows=1048576", "cols=1048576"});
      },
      ErrorKind::usage, {"random: ", "shape (1099511627776, 1048576, 1048576) overflows"});
}

TEST(OverflowingHeaders, ArraysAndSerialisedStates) {
  std::vector<std::uint16_t> pixels(4);
  expect_refused(
      [&] {
        ArraySeries(pixels.data(), k2to62, FrameInfo{{2, 2}, DType::uint16});
      },
      ErrorKind::format, {"array: ", "overflows"});
  // A quantile state announcing more frames than the bytes that follow.
  const FrameShape shape{2, 2};
  Accumulation a({make_reducer("median", {shape, DType::uint16})});
  auto bytes = a.serialize();
  ASSERT_GE(bytes.size(), 8u);
  std::memset(bytes.data() + bytes.size() - 8, 0xff, 8);  // the frame count of the last tile
  expect_refused(
      [&] {
        Accumulation::deserialize({make_reducer("median", {shape, DType::uint16})}, bytes);
      },
      ErrorKind::format, {"truncated"});
}

}  // namespace
}  // namespace ims
