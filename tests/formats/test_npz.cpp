#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "ims/error.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/npz/npz_reader.hpp"
#include "formats/registry.hpp"
#include "support/npy_make.hpp"
#include "support/paths.hpp"
#include "support/zip_make.hpp"

namespace ims {
namespace {

std::vector<std::byte> member(zip_t* z, const std::string& name) {
  zip_stat_t st;
  EXPECT_EQ(zip_stat(z, name.c_str(), 0, &st), 0) << name;
  std::vector<std::byte> bytes(st.size);
  zip_file_t* f = zip_fopen(z, name.c_str(), 0);
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(zip_fread(f, bytes.data(), st.size), static_cast<zip_int64_t>(st.size));
  zip_fclose(f);
  return bytes;
}

TEST(Npz, OneNpyMemberPerImage) {
  auto dir = test::scratch_dir("npz");
  FrameBuffer a(FrameShape{2, 3}, DType::uint16), b(FrameShape{2, 3}, DType::float32);
  for (int i = 0; i < 6; ++i) {
    a.as<std::uint16_t>()[i] = static_cast<std::uint16_t>(i * 1000);
    b.as<float>()[i] = 0.5f * static_cast<float>(i);
  }
  for (const char* compress : {"compress=false", "compress=true"}) {
    auto path = (dir / "stats.npz").string();
    write_images(path, "", {{"max", a.view()}, {"mean", b.view()}}, {}, {compress});
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(zip_get_num_entries(z, 0), 2);
    auto bytes = member(z, "mean.npy");
    auto header = parse_npy_header(bytes.data(), bytes.size(), "mean.npy");
    EXPECT_EQ(header.dtype, DType::float32);
    EXPECT_EQ(header.shape, (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(std::memcmp(bytes.data() + header.data_offset, b.data(), b.bytes()), 0);
    auto max = member(z, "max.npy");
    auto mh = parse_npy_header(max.data(), max.size(), "max.npy");
    EXPECT_EQ(std::memcmp(max.data() + mh.data_offset, a.data(), a.bytes()), 0);
    zip_close(z);
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "no temporaries left";
}

TEST(Npz, UnwritableDirectoryIsAnError) {
  FrameBuffer a(FrameShape{1, 1}, DType::uint8);
  EXPECT_THROW(write_images("/nonexistent-dir/stats.npz", "", {{"max", a.view()}}, {}), Error);
}

/// The format error read_npz_array throws; every text of `says` in its message.
void expect_bad_npz(const std::string& file, const std::string& member, std::initializer_list<std::string> says) {
  try {
    read_npz_array(file, member);
    ADD_FAILURE() << file << ":" << member << " accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::format) << e.what();
    EXPECT_NE(std::string(e.what()).find("npz: " + file), std::string::npos) << e.what();
    for (const auto& s : says) EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << e.what();
  }
}

const std::string kDict = "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }";
const std::uint16_t kPixels[6] = {1, 2, 3, 4, 5, 65535};

TEST(NpzReader, ReadsAStoredOrDeflatedMemberWholeAndChecked) {
  auto dir = test::scratch_dir("npz-read");
  const auto path = (dir / "bg.npz").string();
  for (bool deflate : {false, true}) {
    test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels), deflate},
                           {"mean.npy", test::raw_npy(kDict, kPixels, sizeof kPixels), deflate}});
    for (const char* name : {"max", "max.npy"}) {
      NpzArray a = read_npz_array(path, name);
      EXPECT_EQ(a.member, "max.npy");
      EXPECT_EQ(a.header.shape, (std::vector<std::size_t>{2, 3}));
      ASSERT_EQ(a.bytes.size(), a.header.data_offset + sizeof kPixels);
      EXPECT_EQ(std::memcmp(a.bytes.data() + a.header.data_offset, kPixels, sizeof kPixels), 0);
    }
    expect_bad_npz(path, "", {"holds 2 arrays; name one"});
    expect_bad_npz(path, "median", {"has no array 'median.npy' (it has: max.npy, mean.npy)"});
  }
}

TEST(NpzReader, AMemberWithABadCrcIsRefusedNamingTheArchiveAndMember) {
  auto dir = test::scratch_dir("npz-crc");
  const auto path = (dir / "bg.npz").string();
  test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels)}});
  test::corrupt_stored_member(path, "max.npy", 64 + 5);  // a byte of the third pixel
  expect_bad_npz(path, "max", {"member max.npy is corrupt: its CRC-32 is 0x", "the archive records 0x"});
  // Deflated: the damaged stream fails to inflate or to match its CRC.
  test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels), true}});
  std::string zip;
  {
    std::ifstream in(path, std::ios::binary);
    zip.assign(std::istreambuf_iterator<char>(in), {});
  }
  zip[30 + 7 + 20] ^= 0x55;  // inside the deflated data, after the local header and name
  std::ofstream(path, std::ios::binary | std::ios::trunc) << zip;
  expect_bad_npz(path, "max", {"max.npy"});
}

TEST(NpzReader, HeadersThatDisagreeWithTheMemberAreRefused) {
  auto dir = test::scratch_dir("npz-sizes");
  const auto path = (dir / "bg.npz").string();
  test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels - 2)}});
  expect_bad_npz(path, "max", {"member max.npy holds", "bytes; its header promises"});
  test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels).substr(0, 40)}});
  expect_bad_npz(path, "max", {"truncated inside its header"});
  test::write_zip(path, {{"max.npy", "not numpy at all"}});
  expect_bad_npz(path, "max", {"no \\x93NUMPY magic"});
  std::ofstream(path, std::ios::trunc) << "PK but not a zip";
  expect_bad_npz(path, "max", {"cannot open as npz"});
  std::filesystem::resize_file(path, 0);
  test::write_zip(path, {{"max.npy", test::raw_npy(kDict, kPixels, sizeof kPixels)}});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 30);  // the directory cut off
  expect_bad_npz(path, "max", {"cannot open as npz"});
}

}  // namespace
}  // namespace ims
