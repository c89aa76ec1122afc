#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "formats/npy/npy.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/registry.hpp"
#include "support/generate.hpp"
#include "support/npy_make.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

using test::write_raw_npy;

std::vector<std::uint16_t> read_all_u16(const ImageSeries& s) {
  std::vector<std::uint16_t> out(s.size() * s.frame_shape().pixels());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, FrameView(reinterpret_cast<std::byte*>(out.data() + i * s.frame_shape().pixels()),
                              s.frame_shape(), s.dtype()));
  }
  return out;
}

Error open_error(const fs::path& path) {
  try {
    open_npy(path.string());
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "opened " << path;
  return Error(ErrorKind::internal, "");
}

template <class T>
void round_trip_through_writer(const fs::path& dir) {
  const FrameShape shape{5, 7};
  auto stack = test::random_stack<T>(6, shape, 3);
  fs::path path = dir / (std::string(dtype_name(dtype_of_v<T>)) + ".npy");
  Pipeline p;
  p.source = test::as_series(stack, shape);
  p.writers.push_back(create_npy_writer(path.string()));
  run(p);
  auto back = open_npy(path.string());
  ASSERT_EQ(back->size(), 6u);
  EXPECT_EQ(back->frame_shape(), shape);
  EXPECT_EQ(back->dtype(), dtype_of_v<T>);
  for (std::size_t i = 0; i < 6; ++i) {
    ASSERT_NE(back->frame_data(i), nullptr) << "native C-order files are used in place";
    EXPECT_EQ(std::memcmp(back->frame_data(i), stack.values.data() + i * shape.pixels(), shape.pixels() * sizeof(T)), 0);
    FrameBuffer copy(shape, dtype_of_v<T>);
    back->read_frame(i, copy.view());
    EXPECT_EQ(std::memcmp(copy.data(), back->frame_data(i), copy.bytes()), 0);
  }
}

TEST(Npy, EveryDtypeRoundTripsThroughTheWriter) {
  auto dir = test::scratch_dir("npy-roundtrip");
  for (DType d : kAllDTypes) visit_dtype(d, [&](auto tag) { round_trip_through_writer<decltype(tag)>(dir); });
}

TEST(Npy, HeaderIsWhatNumpyWrites) {
  std::string h = make_npy_header(DType::uint16, {20, 64, 48});
  EXPECT_EQ(h.size() % 64, 0u);
  EXPECT_NE(h.find("{'descr': '<u2', 'fortran_order': False, 'shape': (20, 64, 48), }"), std::string::npos);
  EXPECT_EQ(h.back(), '\n');
  auto parsed = parse_npy_header(reinterpret_cast<const std::byte*>(h.data()), h.size(), "x");
  EXPECT_EQ(parsed.shape, (std::vector<std::size_t>{20, 64, 48}));
  EXPECT_EQ(parsed.data_offset, h.size());
  EXPECT_NE(make_npy_header(DType::uint8, {3}).find("'|u1'"), std::string::npos);
  EXPECT_NE(make_npy_header(DType::uint8, {3}).find("(3,)"), std::string::npos);
}

TEST(Npy, BigEndianIsConvertedOnRead) {
  auto dir = test::scratch_dir("npy-be");
  std::vector<std::uint16_t> native = {1, 2, 258, 65535, 4, 5};
  std::vector<std::uint16_t> swapped = native;
  for (auto& v : swapped) v = __builtin_bswap16(v);
  write_raw_npy(dir / "be.npy", "{'descr': '>u2', 'fortran_order': False, 'shape': (2, 1, 3), }",
                swapped.data(), 12);
  auto s = open_npy((dir / "be.npy").string());
  EXPECT_EQ(s->frame_data(0), nullptr) << "byte-swapped data cannot be used in place";
  EXPECT_EQ(read_all_u16(*s), native);
}

TEST(Npy, FortranOrderIsGathered) {
  auto dir = test::scratch_dir("npy-fortran");
  // A (2, 2, 3) array a[f, i, j] = 100 f + 10 i + j, stored column-major.
  std::vector<std::uint16_t> fortran;
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 2; ++i)
      for (int f = 0; f < 2; ++f) fortran.push_back(static_cast<std::uint16_t>(100 * f + 10 * i + j));
  write_raw_npy(dir / "f.npy", "{'descr': '<u2', 'fortran_order': True, 'shape': (2, 2, 3), }",
                fortran.data(), fortran.size() * 2);
  auto s = open_npy((dir / "f.npy").string());
  EXPECT_EQ(s->frame_shape(), (FrameShape{2, 3}));
  EXPECT_EQ(read_all_u16(*s), (std::vector<std::uint16_t>{0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112}));
}

TEST(Npy, TwoDimensionalArrayIsOneFrameAndVersion2HeadersWork) {
  auto dir = test::scratch_dir("npy-2d");
  std::vector<std::uint16_t> v = {1, 2, 3, 4, 5, 6};
  write_raw_npy(dir / "a.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }", v.data(), 12, 2);
  auto s = open_npy((dir / "a.npy").string());
  EXPECT_EQ(s->size(), 1u);
  EXPECT_EQ(s->frame_shape(), (FrameShape{2, 3}));
  EXPECT_EQ(read_all_u16(*s), v);
}

TEST(Npy, BadFilesGiveOneLineErrorsNamingTheFile) {
  auto dir = test::scratch_dir("npy-bad");
  std::vector<std::uint16_t> v(24, 7);
  write_raw_npy(dir / "4d.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 2, 3, 2), }", v.data(), 48);
  write_raw_npy(dir / "1d.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (24,), }", v.data(), 48);
  write_raw_npy(dir / "short.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (20, 64, 48), }", v.data(), 48);
  write_raw_npy(dir / "complex.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 2, 3), }", v.data(), 48);
  write_raw_npy(dir / "bool.npy", "{'descr': '|b1', 'fortran_order': False, 'shape': (1, 2, 3), }", v.data(), 6);
  write_raw_npy(dir / "record.npy", "{'descr': [('a', '<u2')], 'fortran_order': False, 'shape': (1, 2, 3), }", v.data(), 12);
  write_raw_npy(dir / "garbled.npy", "{'descr': '<u2', 'fortran_order': Maybe, 'shape': (1, 2, 3), }", v.data(), 12);
  write_raw_npy(dir / "nokey.npy", "{'descr': '<u2', 'shape': (1, 2, 3), }", v.data(), 12);
  std::ofstream(dir / "text.npy") << "hello, I am not an array";
  std::ofstream(dir / "empty.npy");

  struct Case {
    const char* file;
    ErrorKind kind;
    const char* says;
  };
  for (const Case& c : {Case{"4d.npy", ErrorKind::unsupported, "array has 4 dimensions"},
                        Case{"1d.npy", ErrorKind::unsupported, "array has 1 dimension"},
                        Case{"short.npy", ErrorKind::format, "truncated"},
                        Case{"complex.npy", ErrorKind::unsupported, "unsupported dtype '<c8'"},
                        Case{"bool.npy", ErrorKind::unsupported, "unsupported dtype '|b1'"},
                        Case{"record.npy", ErrorKind::unsupported, "structured arrays"},
                        Case{"garbled.npy", ErrorKind::format, "True or False"},
                        Case{"nokey.npy", ErrorKind::format, "missing"},
                        Case{"text.npy", ErrorKind::format, "not a .npy file"},
                        Case{"empty.npy", ErrorKind::format, "not a .npy file"},
                        Case{"missing.npy", ErrorKind::not_found, "no such file"}}) {
    Error e = open_error(dir / c.file);
    EXPECT_EQ(e.kind(), c.kind) << c.file << ": " << e.what();
    std::string what = e.what();
    EXPECT_NE(what.find(c.says), std::string::npos) << c.file << ": " << what;
    EXPECT_NE(what.find(c.file), std::string::npos) << "names the file: " << what;
    EXPECT_EQ(what.rfind("npy: ", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

TEST(Npy, OutOfRangeFrameIsAnError) {
  auto dir = test::scratch_dir("npy-range");
  std::vector<std::uint16_t> v(6, 1);
  write_raw_npy(dir / "a.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (1, 2, 3), }", v.data(), 12);
  auto s = open_npy((dir / "a.npy").string());
  FrameBuffer f(s->frame_shape(), s->dtype());
  try {
    s->read_frame(1, f.view());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::out_of_range);
    EXPECT_EQ(e.frame(), 1u);
  }
}

TEST(Npy, AFailedWriteLeavesNoFileBehind) {
  auto dir = test::scratch_dir("npy-failed-write");
  {
    auto writer = create_npy_writer((dir / "out.npy").string());
    writer->begin({3, {{2, 2}, DType::uint16}, {}});
    // destroyed without commit: an error happened upstream
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

}  // namespace
}  // namespace ims
