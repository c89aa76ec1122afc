// hexrd's frame-caches: read bit-exactly (hexrd's own files, when
// ../shared is there), round trips for every pixel type against a naive
// threshold oracle, region reads, and every kind of bad file.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "engine/run.hpp"
#include "formats/array/array_series.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/npy/npy.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/npz/npz_reader.hpp"
#include "formats/registry.hpp"
#include "ims/error.hpp"
#include "ops/reduce/registry.hpp"
#include "support/hexrd_fixtures.hpp"
#include "support/npy_make.hpp"
#include "support/paths.hpp"
#include "support/zip_make.hpp"

namespace ims {
namespace {

constexpr std::size_t kFrames = 7, kRows = 9, kCols = 11, kPixels = kRows * kCols;

using Series = std::shared_ptr<const ImageSeries>;

void write_cache(Series source, const std::string& path, const std::string& threshold, unsigned threads = 0) {
  Pipeline p;
  p.source = std::move(source);
  p.writers.push_back(create_writer(path, "frame-cache", {"threshold=" + threshold}));
  RunOptions options;
  options.threads = threads;
  run(p, options);
}

Series open_cache(const std::string& path, const std::vector<std::string>& options = {}) {
  return open_series(path, "", options);
}

/// Frame `i` of `s`, densified.
FrameBuffer frame_of(const ImageSeries& s, std::size_t i) {
  FrameBuffer frame(s.frame_info());
  s.read_frame(i, frame.view());
  return frame;
}

template <class T>
T pixel(const FrameBuffer& frame, std::size_t row, std::size_t col) {
  return frame.as<T>()[row * frame.shape().cols + col];
}

/// Frames with many zeros, values around the threshold 50, the type's
/// extremes, and (floats) NaN and infinities; frame 2 is all below the
/// threshold (empty), frame 3 all above it.
template <class T>
std::vector<T> sparse_frames() {
  std::vector<T> v(kFrames * kPixels);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>((i * 37) % 7 == 0 ? (i * 13) % 97 : 0);
  for (std::size_t p = 0; p < kPixels; ++p) {
    v[2 * kPixels + p] = static_cast<T>(p % 51);  // <= 50: nothing kept
    v[3 * kPixels + p] = static_cast<T>(51 + p % 40);
  }
  v[4] = std::numeric_limits<T>::max();
  v[5] = std::numeric_limits<T>::lowest();
  v[6] = static_cast<T>(50);  // equal to the threshold: dropped
  v[7] = static_cast<T>(51);
  if constexpr (std::is_floating_point_v<T>) {
    v[kPixels + 1] = std::numeric_limits<T>::infinity();
    v[kPixels + 2] = -std::numeric_limits<T>::infinity();
    v[kPixels + 3] = std::numeric_limits<T>::quiet_NaN();
    v[kPixels + 4] = static_cast<T>(50.5);
    v[kPixels + 5] = std::nextafter(static_cast<T>(50), static_cast<T>(0));
  }
  return v;
}

/// hexrd's rule, written out: value > threshold, else 0.
template <class T>
T kept(T v, double threshold) {
  return static_cast<double>(v) > threshold ? v : T{0};
}

template <class T>
void expect_frame(const ImageSeries& s, std::size_t i, const std::vector<T>& source, double threshold) {
  const FrameBuffer frame = frame_of(s, i);
  ASSERT_EQ(frame.dtype(), dtype_of_v<T>);
  const T* got = frame.as<T>();
  for (std::size_t p = 0; p < kPixels; ++p) {
    const T want = kept(source[i * kPixels + p], threshold);
    ASSERT_EQ(std::memcmp(&got[p], &want, sizeof(T)), 0)
        << "frame " << i << " pixel " << p << ": " << +got[p] << " != " << +want;
  }
}

template <class T>
class FrameCacheRoundTrip : public ::testing::Test {};
using PixelTypes = ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::int16_t, std::int32_t,
                                    std::int64_t, float, double>;
TYPED_TEST_SUITE(FrameCacheRoundTrip, PixelTypes);

TYPED_TEST(FrameCacheRoundTrip, KeepsExactlyThePixelsAboveTheThreshold) {
  using T = TypeParam;
  const auto values = sparse_frames<T>();
  Metadata meta;
  meta.set("omega", NdArray::from(std::vector<double>(2 * kFrames, 1.5), {kFrames, 2}));
  meta.set("panel", "ff1");
  meta.set("exposure", 0.25);
  const Series source = ArraySeries::from(values, kFrames, {kRows, kCols}, meta);
  const auto dir = test::scratch_dir("framecache");
  for (const std::string extension : {".npz", ".fch5"})
    for (unsigned threads : {1u, 3u}) {
      const std::string path = (dir / ("fc" + std::to_string(threads) + extension)).string();
      write_cache(source, path, "50", threads);
      const Series back = open_cache(path);
      ASSERT_EQ(back->size(), kFrames);
      ASSERT_EQ(back->frame_shape(), (FrameShape{kRows, kCols}));
      for (std::size_t i = 0; i < kFrames; ++i) expect_frame(*back, i, values, 50);
      EXPECT_EQ(back->metadata().at("omega"), meta.at("omega"));
      EXPECT_EQ(back->metadata().at("panel").as<std::string>(), "ff1");
      if (extension == ".npz") {
        const NdArray& exposure = back->metadata().at("exposure").as<NdArray>();  // numpy keeps scalars as 0-d arrays
        EXPECT_TRUE(exposure.shape.empty());
        EXPECT_EQ(exposure.at<double>(0), 0.25);
      } else {
        EXPECT_EQ(back->metadata().at("exposure").as<double>(), 0.25);  // hexrd: a 1-element dataset is its element
      }
    }
}

TYPED_TEST(FrameCacheRoundTrip, RegionReadsMatchTheDenseFrame) {
  using T = TypeParam;
  const auto values = sparse_frames<T>();
  for (const std::string name : {"region.npz", "region.fch5"}) {
    const std::string path = (test::scratch_dir("framecache") / name).string();
    write_cache(ArraySeries::from(values, kFrames, {kRows, kCols}), path, "-1");
    auto series = open_cache(path);
    const Region region{2, 7, 3, 10};
    FrameBuffer out(region.shape(), dtype_of_v<T>);
    for (std::size_t i = 0; i < kFrames; ++i) {
      series->read_region(i, region, out.view());
      for (std::size_t r = region.row0; r < region.row1; ++r) {
        for (std::size_t c = region.col0; c < region.col1; ++c) {
          const T want = kept(values[i * kPixels + r * kCols + c], -1);
          const T got = out.as<T>()[(r - region.row0) * region.shape().cols + (c - region.col0)];
          ASSERT_EQ(std::memcmp(&got, &want, sizeof(T)), 0) << name << " " << i << " " << r << " " << c;
        }
      }
    }
  }
}

/// max, min, sum, mean, count of a frame-cache with and without the sparse pass.
std::vector<FrameBuffer> statistics_of(const std::string& path, bool sparse, unsigned threads, std::size_t nframes,
                                       bool* was_sparse) {
  Pipeline p;
  p.source = open_cache(path);
  for (const char* name : {"max", "min", "sum", "mean", "count"}) {
    p.reducers.push_back(make_reducer(name, p.source->frame_info()));
  }
  RunOptions options;
  options.sparse_frames = sparse;
  options.threads = threads;
  options.nframes = nframes;
  RunResult r = run(p, options);
  *was_sparse = r.report.plan.sparse;
  return std::move(r.images);
}

TYPED_TEST(FrameCacheRoundTrip, TheSparsePassMatchesANaiveLoopAndTheDensePass) {
  using T = TypeParam;
  const auto values = sparse_frames<T>();
  const auto dir = test::scratch_dir("framecache-stats");
  for (const double threshold : {50.0, -3.0}) {
    const std::string path = (dir / "s.npz").string();
    write_cache(ArraySeries::from(values, kFrames, {kRows, kCols}), path, std::to_string(threshold));
    for (std::size_t nframes : {std::size_t{0}, std::size_t{3}}) {
      const std::size_t n = nframes ? nframes : kFrames;
      // The oracle: hexrd's threshold, then numpy's reductions, pixel by pixel in frame order.
      for (unsigned threads : {1u, 3u}) {
        bool sparse = false, dense_was_sparse = true;
        const auto got = statistics_of(path, true, threads, nframes, &sparse);
        const auto dense = statistics_of(path, false, threads, nframes, &dense_was_sparse);
        ASSERT_TRUE(sparse);
        ASSERT_FALSE(dense_was_sparse);
        for (std::size_t p = 0; p < kPixels; ++p) {
          T mx = kept(values[p], threshold), mn = mx;
          double sum = 0;
          std::int64_t count = 0;
          bool nan = false;
          for (std::size_t i = 0; i < n; ++i) {
            const T v = kept(values[i * kPixels + p], threshold);
            if constexpr (std::is_floating_point_v<T>) nan |= std::isnan(v);
            mx = std::max(mx, v);
            mn = std::min(mn, v);
            sum += static_cast<double>(v);
            count += (v == v) ? 1 : 0;
          }
          if (nan) mx = mn = std::numeric_limits<T>::quiet_NaN();
          const auto same = [](auto a, auto b) { return std::memcmp(&a, &b, sizeof a) == 0; };
          ASSERT_TRUE(same(got[0].as<T>()[p], mx)) << p << ": max " << +got[0].as<T>()[p] << " != " << +mx;
          ASSERT_TRUE(same(got[1].as<T>()[p], mn)) << p << ": min " << +got[1].as<T>()[p] << " != " << +mn;
          if constexpr (!std::is_same_v<T, std::int64_t>) {  // int64 sums are exact in ims, not in a double loop
            ASSERT_TRUE(same(got[2].as<double>()[p], sum)) << p << ": sum " << got[2].as<double>()[p] << " != " << sum;
          }
          ASSERT_EQ(got[4].as<std::int64_t>()[p], count) << p;
        }
        for (std::size_t k = 0; k < got.size(); ++k) {
          ASSERT_EQ(std::memcmp(got[k].data(), dense[k].data(), got[k].bytes()), 0) << "statistic " << k;
        }
      }
    }
  }
}

TEST(FrameCache, ThresholdsCompareIntegersExactly) {
  // 2^53 + 1 rounds to 2^53 as a double: compared as doubles it would not be above 2^53.
  const std::int64_t big = (std::int64_t{1} << 53) + 1;
  std::vector<std::int64_t> values = {big, big - 1, 5, -7};
  SparseFrame out;
  extract_sparse(ConstFrameView(reinterpret_cast<const std::byte*>(values.data()), {1, 4}, DType::int64),
                 Threshold{static_cast<double>(std::int64_t{1} << 53)}, out);
  ASSERT_EQ(out.count(), 1u);
  EXPECT_EQ(out.cols[0], 0u);
  extract_sparse(ConstFrameView(reinterpret_cast<const std::byte*>(values.data()), {1, 4}, DType::int64),
                 Threshold{-7.5}, out);
  EXPECT_EQ(out.count(), 4u);
  extract_sparse(ConstFrameView(reinterpret_cast<const std::byte*>(values.data()), {1, 4}, DType::int64),
                 Threshold{4.5}, out);
  EXPECT_EQ(out.count(), 3u);  // 5 > 4.5
  extract_sparse(ConstFrameView(reinterpret_cast<const std::byte*>(values.data()), {1, 4}, DType::int64),
                 Threshold{1e300}, out);
  EXPECT_EQ(out.count(), 0u);
}

TEST(FrameCache, FramesWiderThanHexrdsIndicesAreRefused) {
  std::vector<std::uint8_t> wide(65537, 200);
  const std::string path = (test::scratch_dir("framecache") / "wide.npz").string();
  try {
    write_cache(ArraySeries::from(wide, 1, {1, 65537}), path, "0");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("uint16"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  // 65536 columns is the most uint16 indices address: kept.
  std::vector<std::uint8_t> widest(65536, 0);
  widest[65535] = 9;
  write_cache(ArraySeries::from(widest, 1, {1, 65536}), path, "0");
  EXPECT_EQ(pixel<std::uint8_t>(frame_of(*open_cache(path), 0), 0, 65535), 9);
}

// ---- hexrd's own files ----

using HexrdFrameCaches = test::WithHexrdFixtures<>;

std::vector<std::byte> npy_data(const std::filesystem::path& path) {
  auto series = open_npy(path.string());
  std::vector<std::byte> all;
  FrameBuffer frame(series->frame_info());
  for (std::size_t i = 0; i < series->size(); ++i) {
    series->read_frame(i, frame.view());
    all.insert(all.end(), frame.data(), frame.data() + frame.bytes());
  }
  return all;
}

void expect_reads_back(const std::filesystem::path& cache, const std::filesystem::path& readback,
                       const std::vector<std::string>& options = {}) {
  const Series s = open_series(cache.string(), "frame-cache", options);
  const auto want = npy_data(readback);
  std::vector<std::byte> got;
  for (std::size_t i = 0; i < s->size(); ++i) {
    const FrameBuffer frame = frame_of(*s, i);
    got.insert(got.end(), frame.data(), frame.data() + frame.bytes());
  }
  EXPECT_EQ(got, want) << cache;
}

TEST_F(HexrdFrameCaches, NpzFilesReadBitExactlyWithTheirMetadata) {
  expect_reads_back(fixtures_ / "fc_u16_t120.npz", fixtures_ / "fc_u16_t120_npz_readback.npy");
  expect_reads_back(fixtures_ / "fc_u16_t0.npz", fixtures_ / "fc_u16_t0_npz_readback.npy");
  expect_reads_back(fixtures_ / "fc_f32_t2p5.npz", fixtures_ / "fc_f32_t2p5_npz_readback.npy");
  const Series s = open_cache((fixtures_ / "fc_u16_t120.npz").string());
  const auto omega = npy_data(fixtures_ / "omega_u16.npy");
  EXPECT_EQ(s->metadata().at("omega").as<NdArray>().data, omega);
  EXPECT_EQ(s->metadata().at("panel").as<std::string>(), "ff1");
}

TEST_F(HexrdFrameCaches, Fch5FilesReadBitExactlyWithNestedMetadata) {
  expect_reads_back(fixtures_ / "fc_u16_t120.fch5", fixtures_ / "fc_u16_t120_fch5_readback.npy");
  // Four writer threads: frame blocks out of order in data; frame_ids say where.
  expect_reads_back(fixtures_ / "fc_u16_t120_mt4.fch5", fixtures_ / "fc_u16_t120_fch5_readback.npy");
  expect_reads_back(fixtures_ / "fc_f32_t2p5.fch5", fixtures_ / "fc_f32_t2p5_fch5_readback.npy");
  const Series s = open_cache((fixtures_ / "fc_u16_t120_nestedmeta.fch5").string());
  EXPECT_EQ(s->metadata().at("omega").as<NdArray>().data, npy_data(fixtures_ / "omega_u16.npy"));
  EXPECT_EQ(s->metadata().at("exposure").as<double>(), 0.25);
  EXPECT_EQ(s->metadata().at("panel").as<std::string>(), "ff1");
  const Metadata& scan = s->metadata().at("scan").as<Metadata>();
  EXPECT_EQ(scan.at("id").as<std::int64_t>(), 7);
  EXPECT_EQ(scan.at("energy_kev").as<double>(), 61.332);
  EXPECT_EQ(scan.at("label").as<std::string>(), "ruby");
  // The npz's frames through the fch5 writer and back: the same frames.
  const std::string again = (test::scratch_dir("framecache") / "again.fch5").string();
  write_cache(s, again, "120");
  expect_reads_back(again, fixtures_ / "fc_u16_t120_fch5_readback.npy");
}

TEST_F(HexrdFrameCaches, TheYamlStyleReadsWithItsSidecars) {
  expect_reads_back(fixtures_ / "fcy_u16_t120.yml", fixtures_ / "fc_u16_t120_npz_readback.npy");
  const Series s = open_series((fixtures_ / "fcy_u16_t120.yml").string(), "frame-cache", {"style=yml"});
  EXPECT_EQ(s->metadata().at("omega").as<NdArray>().data, npy_data(fixtures_ / "fcy_u16_t120-omega.npy"));
  EXPECT_EQ(s->metadata().at("exposure").as<double>(), 0.25);
  EXPECT_EQ(s->metadata().at("panel").as<std::string>(), "ff1");
  const auto files = s->files();
  EXPECT_NE(std::find(files.begin(), files.end(), (fixtures_ / "fcy_u16_t120_cache.npz").string()), files.end());
}

TEST_F(HexrdFrameCaches, WrittenFramesAreHexrdsMembersByteForByte) {
  // The same frames and threshold as fc_u16_t120.npz: identical frame members.
  const auto dir = test::scratch_dir("framecache");
  const std::string path = (dir / "again.npz").string();
  write_cache(open_npy((fixtures_ / "src_u16.npy").string()), path, "120");
  const NpzArchive ours(path), theirs((fixtures_ / "fc_u16_t120.npz").string());
  std::size_t compared = 0;
  for (std::size_t i = 0; i < theirs.size(); ++i) {
    const std::string& name = theirs.name(i);
    if (name.find('_') == std::string::npos) continue;  // the frames' members
    const auto index = ours.find(name);
    ASSERT_TRUE(index) << name;
    EXPECT_EQ(ours.read(*index).bytes, theirs.read(i).bytes) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 60u);
}

// ---- bad files ----

std::string npy_of(const std::string& descr, const std::string& shape, const void* data, std::size_t bytes) {
  return test::raw_npy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data, bytes);
}

/// A one-frame 4x5 uint16 cache with pixels (1,2)=7 and (3,4)=9, with
/// `change` applied to its members before they are zipped.
std::string small_cache(const std::string& name, const std::function<void(std::vector<test::ZipMember>&)>& change) {
  const std::uint16_t rows[] = {1, 3}, cols[] = {2, 4}, data[] = {7, 9};
  const std::int64_t shape[] = {4, 5}, nframes = 1;
  std::vector<test::ZipMember> members = {
      {"0_row.npy", npy_of("<u2", "(2,)", rows, sizeof rows), true},
      {"0_col.npy", npy_of("<u2", "(2,)", cols, sizeof cols), true},
      {"0_data.npy", npy_of("<u2", "(2,)", data, sizeof data), false},
      {"shape.npy", npy_of("<i8", "(2,)", shape, sizeof shape), true},
      {"nframes.npy", npy_of("<i8", "()", &nframes, sizeof nframes), true},
      {"dtype.npy", npy_of("|S6", "()", "uint16", 6), true},
  };
  change(members);
  const std::string path = (test::scratch_dir("framecache-bad") / name).string();
  test::write_zip(path, members);
  return path;
}

std::string error_reading(const std::string& path) {
  try {
    const Series s = open_cache(path);
    for (std::size_t i = 0; i < s->size(); ++i) (void)frame_of(*s, i);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void replace(std::vector<test::ZipMember>& members, const std::string& name, std::string bytes) {
  for (auto& m : members) {
    if (m.name == name) m.bytes = std::move(bytes);
  }
}

TEST(FrameCache, TheSmallCacheReads) {
  const FrameBuffer frame = frame_of(*open_cache(small_cache("good.npz", [](auto&) {})), 0);
  EXPECT_EQ(pixel<std::uint16_t>(frame, 1, 2), 7);
  EXPECT_EQ(pixel<std::uint16_t>(frame, 3, 4), 9);
  EXPECT_EQ(pixel<std::uint16_t>(frame, 0, 0), 0);
}

TEST(FrameCache, BadFilesGetErrorsNamingTheFileMemberAndFrame) {
  auto expect_error = [](const std::string& path, const std::vector<std::string>& parts) {
    const std::string what = error_reading(path);
    for (const auto& part : parts) EXPECT_NE(what.find(part), std::string::npos) << what << "\nlacks: " << part;
  };
  expect_error(small_cache("no_data.npz", [](auto& m) { m.erase(m.begin() + 2); }),
               {"no_data.npz", "frame 0", "no member 0_data.npy"});
  const std::uint16_t far[] = {1, 4};
  expect_error(small_cache("outside.npz", [&](auto& m) { replace(m, "0_row.npy", npy_of("<u2", "(2,)", far, 4)); }),
               {"outside.npz", "frame 0", "pixel (4, 4) lies outside the 4x5 frame"});
  const std::uint16_t three[] = {1, 2, 3};
  expect_error(small_cache("lengths.npz", [&](auto& m) { replace(m, "0_col.npy", npy_of("<u2", "(3,)", three, 6)); }),
               {"lengths.npz", "frame 0", "differ in length"});
  const std::int64_t two = 2;
  expect_error(small_cache("nframes.npz", [&](auto& m) { replace(m, "nframes.npy", npy_of("<i8", "()", &two, 8)); }),
               {"nframes.npz", "frame 1", "no member 1_row.npy"});
  expect_error(small_cache("extra.npz",
                           [&](auto& m) {
                             m.push_back({"5_row.npy", npy_of("<u2", "(2,)", far, 4), false});
                           }),
               {"extra.npz", "5_row.npy belongs to frame 5", "says 1 frames"});
  const std::int64_t huge[] = {4, 70000};
  expect_error(small_cache("shape.npz", [&](auto& m) { replace(m, "shape.npy", npy_of("<i8", "(2,)", huge, 16)); }),
               {"shape.npz", "shape.npy", "(4, 70000)"});
  expect_error(small_cache("noshape.npz", [](auto& m) { m.erase(m.begin() + 3); }),
               {"noshape.npz", "not a frame-cache: no member shape.npy"});
  expect_error(small_cache("dtype.npz", [&](auto& m) { replace(m, "dtype.npy", npy_of("|S7", "()", "float16", 7)); }),
               {"dtype.npz", "float16"});
  const float wrong[] = {7, 9};
  expect_error(small_cache("datatype.npz", [&](auto& m) { replace(m, "0_data.npy", npy_of("<f4", "(2,)", wrong, 8)); }),
               {"datatype.npz", "frame 0", "0_data.npy is not a 1-D uint16 array"});

  const std::string crc = small_cache("crc.npz", [](auto&) {});
  test::corrupt_stored_member(crc, "0_data.npy", 130);
  expect_error(crc, {"crc.npz", "frame 0", "0_data.npy is corrupt"});

  const std::string truncated = small_cache("truncated.npz", [](auto&) {});
  std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
  expect_error(truncated, {"truncated.npz", "cannot open as npz"});
  expect_error("/nonexistent/cache.npz", {"/nonexistent/cache.npz"});
}

TEST(FrameCache, ObjectMetadataIsSkippedNotFatal) {
  // hexrd#806: a pickled member (an object array) made hexrd's whole file unreadable.
  const std::string path = small_cache("pickled.npz", [](auto& m) {
    m.push_back({"scan.npy", npy_of("|O", "()", "\x80\x04N.", 4), true});
    const double exposure = 0.5;
    m.push_back({"exposure.npy", npy_of("<f8", "()", &exposure, 8), true});
  });
  const Series s = open_cache(path);
  EXPECT_FALSE(s->metadata().contains("scan"));
  EXPECT_EQ(s->metadata().at("exposure").as<NdArray>().at<double>(0), 0.5);
  EXPECT_EQ(pixel<std::uint16_t>(frame_of(*s, 0), 3, 4), 9);
}

TEST(FrameCache, TheYamlStyleRoundTripsWithSidecarsBesideItsNpz) {
  const auto values = sparse_frames<float>();
  Metadata meta;
  meta.set("omega", NdArray::from(std::vector<double>(2 * kFrames, 0.5), {kFrames, 2}));
  meta.set("panel", "ff1");
  meta.set("exposure", 0.25);
  meta.set("frames", std::int64_t{7});
  const auto dir = test::scratch_dir("framecache-yml");
  std::filesystem::create_directories(dir / "data");
  const std::string yml = (dir / "run.yml").string();
  Pipeline p;
  p.source = ArraySeries::from(values, kFrames, {kRows, kCols}, meta);
  p.writers.push_back(create_writer(yml, "frame-cache", {"threshold=50", "cache_file=data/run-cache.npz"}));
  run(p);
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "run-cache.npz"));
  EXPECT_TRUE(std::filesystem::exists(dir / "data" / "run-omega.npy"));
  const Series back = open_series(yml, "frame-cache");
  for (std::size_t i = 0; i < kFrames; ++i) expect_frame(*back, i, values, 50);
  EXPECT_EQ(back->metadata().at("omega"), meta.at("omega"));
  EXPECT_EQ(back->metadata().at("panel").as<std::string>(), "ff1");
  EXPECT_EQ(back->metadata().at("exposure").as<double>(), 0.25);
  EXPECT_EQ(back->metadata().at("frames").as<std::int64_t>(), 7);
}

TEST(FrameCache, BadYamlGetsErrorsNamingTheFile) {
  const auto dir = test::scratch_dir("framecache-yml-bad");
  const std::string npz = small_cache("for-yaml.npz", [](auto&) {});
  std::filesystem::copy_file(npz, dir / "c.npz", std::filesystem::copy_options::overwrite_existing);
  auto error_of = [&](const std::string& name, const std::string& text) {
    const std::string path = (dir / name).string();
    std::ofstream(path) << text;
    try {
      open_series(path, "frame-cache", {"style=yml"});
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string good_data = "data: {file: c.npz, nframes: 1, shape: [4, 5], dtype: uint16}\n";
  EXPECT_EQ(error_of("good.yml", good_data + "meta: {panel: ff1}\n"), "no error");
  auto expect_has = [](const std::string& what, const std::string& part) {
    EXPECT_NE(what.find(part), std::string::npos) << what << "\nlacks: " << part;
  };
  expect_has(error_of("nofile.yml", "data: {nframes: 1, shape: [4, 5], dtype: uint16}\n"), "nofile.yml: no data.file");
  expect_has(error_of("nodata.yml", "meta: {}\n"), "nodata.yml: no data mapping");
  expect_has(error_of("missing.yml", "data: {file: gone.npz, nframes: 1, shape: [4, 5], dtype: uint16}\n"), "gone.npz");
  expect_has(error_of("count.yml", "data: {file: c.npz, nframes: 3, shape: [4, 5], dtype: uint16}\n"),
             "data.nframes is 3");
  expect_has(error_of("broken.yml", "data: {file: c.npz\n"), "broken.yml: not valid YAML");
  expect_has(error_of("sidecar.yml", good_data + "meta: {omega: '! load-numpy-array nope.npy'}\n"), "nope.npy");
}

TEST(FrameCache, EntriesInAnyOrderFoldAsRowMajorOnes) {
  // hexrd writes entries row-major; a foreign file need not. The sparse pass
  // then folds them without its binary search.
  const std::uint16_t rows[] = {3, 1, 3}, cols[] = {4, 2, 0}, data[] = {9, 7, 5};
  const std::string path = small_cache("unsorted.npz", [&](auto& m) {
    replace(m, "0_row.npy", npy_of("<u2", "(3,)", rows, sizeof rows));
    replace(m, "0_col.npy", npy_of("<u2", "(3,)", cols, sizeof cols));
    replace(m, "0_data.npy", npy_of("<u2", "(3,)", data, sizeof data));
  });
  bool sparse = false, dense_was_sparse = true;
  const auto got = statistics_of(path, true, 2, 0, &sparse);
  const auto dense = statistics_of(path, false, 2, 0, &dense_was_sparse);
  ASSERT_TRUE(sparse);
  EXPECT_EQ(pixel<std::uint16_t>(got[0], 3, 4), 9);
  EXPECT_EQ(pixel<std::uint16_t>(got[0], 1, 2), 7);
  EXPECT_EQ(pixel<std::uint16_t>(got[0], 3, 0), 5);
  EXPECT_EQ(pixel<double>(got[2], 3, 0), 5.0);
  for (std::size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(std::memcmp(got[k].data(), dense[k].data(), got[k].bytes()), 0) << "statistic " << k;
  }
}

}  // namespace
}  // namespace ims
