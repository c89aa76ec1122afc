// The public C++ API (include/ims/), as an embedding program uses it: this
// program links libims and includes only <ims/ims.hpp>. Results are checked
// against naive loops written here, never against another path of the engine.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include <unistd.h>

#include "ims/ims.hpp"
#include "support/npy_make.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFrames = 10, kRows = 6, kCols = 5, kPixels = kRows * kCols;

/// Frames whose pixels differ by frame and position, with the dtype's extremes in a few.
template <class T>
std::vector<T> make_frames(std::size_t frames = kFrames) {
  std::vector<T> values(frames * kPixels);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>((i * 7919) % 251);
  values[3] = std::numeric_limits<T>::max();
  values[kPixels + 4] = std::numeric_limits<T>::lowest();
  return values;
}

ims::Series memory_series(const std::vector<std::uint16_t>& values, std::size_t frames = kFrames) {
  return ims::from_memory(values.data(), {.frames = frames, .rows = kRows, .cols = kCols, .dtype = ims::DType::uint16});
}

/// The naive per-pixel oracle: `f` over each pixel's values in frame order.
template <class T, class F>
std::vector<double> per_pixel(const std::vector<T>& values, std::size_t frames, F&& f) {
  std::vector<double> out(kPixels);
  for (std::size_t p = 0; p < kPixels; ++p) {
    std::vector<double> column;
    for (std::size_t i = 0; i < frames; ++i) column.push_back(static_cast<double>(values[i * kPixels + p]));
    out[p] = f(column);
  }
  return out;
}

double naive_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

fs::path scratch(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("ims-api-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

template <class F>
ims::Error error_of(F&& f) {
  try {
    f();
  } catch (const ims::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no ims::Error thrown";
  return ims::Error(ims::ErrorKind::internal, "none");
}

}  // namespace

TEST(Api, VersionIsTheProjects) { EXPECT_STREQ(ims::version(), "0.1.0"); }

TEST(Api, StatsOfCallerMemoryMatchNaiveLoops) {
  const auto values = make_frames<std::uint16_t>();
  for (unsigned threads : {1u, 2u, 4u}) {
    ims::Results r = ims::stats(memory_series(values), {"max", "min", "mean", "median"}, {.threads = threads});
    ASSERT_EQ(r.names(), (std::vector<std::string>{"max", "min", "mean", "median"}));
    const auto max = per_pixel(values, kFrames, [](auto v) { return *std::max_element(v.begin(), v.end()); });
    const auto mean =
        per_pixel(values, kFrames, [](auto v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); });
    const auto median = per_pixel(values, kFrames, naive_median);
    EXPECT_EQ(r["max"].dtype(), ims::DType::uint16);
    EXPECT_EQ(r["max"].rows(), kRows);
    EXPECT_EQ(r["max"].cols(), kCols);
    for (std::size_t p = 0; p < kPixels; ++p) {
      EXPECT_EQ(r["max"].values<std::uint16_t>()[p], max[p]) << p;
      EXPECT_FLOAT_EQ(r["mean"].values<float>()[p], static_cast<float>(mean[p])) << p;  // float32, as hexrd
      EXPECT_EQ(r["median"].at<double>(p / kCols, p % kCols), median[p]) << p;
    }
    EXPECT_EQ(r.report().frames, kFrames);
    EXPECT_FALSE(r.report().summary.empty());
    EXPECT_NE(r.report().json.find("\"frames\""), std::string::npos);
    EXPECT_EQ(r["median"].metadata().at("statistic").as<std::string>(), "median");
  }
}

TEST(Api, FloatSeriesWithNanAndInfinities) {
  std::vector<float> values = make_frames<float>();
  values[0] = std::numeric_limits<float>::infinity();
  values[kPixels] = -std::numeric_limits<float>::infinity();
  values[2 * kPixels + 1] = std::numeric_limits<float>::quiet_NaN();
  auto series = ims::from_memory(values.data(), {kFrames, kRows, kCols, ims::DType::float32});
  ims::Results r = ims::stats(series, {"max", "median"});
  EXPECT_EQ(r["max"].values<float>()[0], std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(r["max"].values<float>()[1])) << "numpy: a NaN makes the max NaN";
  EXPECT_TRUE(std::isnan(r["median"].at<double>(0, 1)));
  const auto median = per_pixel(values, kFrames, naive_median);
  EXPECT_EQ(r["median"].at<double>(0, 0), median[0]);
}

TEST(Api, StridedMemoryIsReadAsNumpyWould) {
  // A (frames, cols, rows) C array seen transposed: each frame is the
  // transpose of a C-ordered block, as numpy's a.transpose(0, 2, 1).
  const auto values = make_frames<std::uint16_t>();
  const ims::MemoryLayout transposed{
      .frames = kFrames,
      .rows = kRows,
      .cols = kCols,
      .dtype = ims::DType::uint16,
      .strides = {static_cast<std::ptrdiff_t>(kPixels * 2), 2, static_cast<std::ptrdiff_t>(kRows * 2)}};
  auto series = ims::from_memory(values.data(), transposed);
  const ims::Image frame = series.frame(3);
  for (std::size_t r = 0; r < kRows; ++r) {
    for (std::size_t c = 0; c < kCols; ++c) EXPECT_EQ(frame.at<int>(r, c), values[3 * kPixels + c * kRows + r]);
  }
  ims::Results t = ims::stats(series, {"max"}, {.threads = 2});
  for (std::size_t r = 0; r < kRows; ++r) {
    for (std::size_t c = 0; c < kCols; ++c) {
      std::uint16_t expected = 0;
      for (std::size_t i = 0; i < kFrames; ++i) expected = std::max(expected, values[i * kPixels + c * kRows + r]);
      EXPECT_EQ(t["max"].at<int>(r, c), expected) << r << "," << c;
    }
  }
  // Every other frame, backwards: a negative frame stride.
  const ims::MemoryLayout reversed{
      kFrames / 2,
      kRows,
      kCols,
      ims::DType::uint16,
      {-static_cast<std::ptrdiff_t>(2 * kPixels * 2), static_cast<std::ptrdiff_t>(kCols * 2), 2}};
  auto backwards = ims::from_memory(values.data() + (kFrames - 1) * kPixels, reversed);
  ims::Results r = ims::stats(backwards, {"max"}, {.threads = 2});
  for (std::size_t p = 0; p < kPixels; ++p) {
    std::uint16_t expected = 0;
    for (std::size_t i = 1; i < kFrames; i += 2) expected = std::max(expected, values[i * kPixels + p]);
    EXPECT_EQ(r["max"].values<std::uint16_t>()[p], expected) << p;
  }
}

TEST(Api, ZeroCopyMemoryKeepsItsOwnerAlive) {
  auto owned = std::make_shared<std::vector<std::uint16_t>>(make_frames<std::uint16_t>());
  const std::vector<std::uint16_t> copy = *owned;
  auto series = ims::from_memory(owned->data(), {kFrames, kRows, kCols, ims::DType::uint16}, owned);
  std::weak_ptr<std::vector<std::uint16_t>> watch = owned;
  owned.reset();
  EXPECT_FALSE(watch.expired()) << "the series holds the owner";
  EXPECT_EQ(series.frame(2).values<std::uint16_t>()[7], copy[2 * kPixels + 7]);
  series = ims::Series();
  EXPECT_TRUE(watch.expired());
}

TEST(Api, ProcessPicksFramesAndAppliesOpsWithImagesInMemory) {
  const auto values = make_frames<std::uint16_t>();
  std::vector<std::uint16_t> dark(kPixels, 100);
  dark[0] = 60000;  // larger than any value there: clamps at 0 (ims's default, not hexrd's wrap)
  auto processed = ims::process(
      memory_series(values), {ims::Op("dark", ims::Image::from(dark, kRows, kCols)), "flip=v"}, ims::frames("2:8:2"));
  EXPECT_EQ(processed.size(), 3u);
  ims::Results r = ims::stats(processed, {"max"});
  for (std::size_t row = 0; row < kRows; ++row) {
    for (std::size_t col = 0; col < kCols; ++col) {
      const std::size_t from = row * kCols + (kCols - 1 - col);  // hexrd's flip=v: columns mirrored (fliplr)
      double expected = 0;
      for (std::size_t i : {2, 4, 6}) {
        expected = std::max(expected, std::max(0.0, double(values[i * kPixels + from]) - dark[from]));
      }
      EXPECT_EQ(r["max"].at<double>(row, col), expected) << row << "," << col;
    }
  }
  auto listed = ims::process(memory_series(values), {}, ims::frame_list({9, 0, 9}));
  EXPECT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed.frame(0).values<std::uint16_t>()[5], values[9 * kPixels + 5]);
}

// nframes limits the frames a run reduces, not the frames an op's image is
// computed from (dark=median;frames=0:10 takes all ten). The command's path,
// where the job's settings reach the image's run, is checked in
// tests/python/test_pipelines.py.
TEST(Api, NframesDoesNotCutTheFramesOfAnOpImage) {
  const auto values = make_frames<std::uint16_t>();
  const std::vector<ims::Op> ops{"dark=median;frames=0:10"};
  const auto limited = ims::stats(ims::process(memory_series(values), ops), {"max", "mean"}, {.nframes = 4});
  const auto sliced = ims::stats(ims::process(memory_series(values), ops, ims::frames("0:4")), {"max", "mean"});
  EXPECT_EQ(limited.report().frames, 4u);
  for (const char* name : {"max", "mean"}) {
    ASSERT_EQ(limited[name].bytes(), sliced[name].bytes());
    EXPECT_EQ(std::memcmp(limited[name].data(), sliced[name].data(), sliced[name].bytes()), 0) << name;
  }
}

TEST(Api, WithMetadataReplacesWhatAWriteStores) {
  const auto values = make_frames<std::uint16_t>();
  ims::Metadata meta;
  meta.set("omega", ims::NdArray::from(std::vector<double>{0, 1, 1, 2}, {2, 2}));
  meta.set("panel", "ff1");
  const auto source = memory_series(values);
  const auto tagged = ims::with_metadata(source, meta);
  EXPECT_TRUE(source.metadata().empty());
  EXPECT_EQ(tagged.metadata(), meta);
  EXPECT_EQ(tagged.frame(3).values<std::uint16_t>()[7], values[3 * kPixels + 7]);
  const fs::path out = fs::path(testing::TempDir()) / "with_metadata.h5";
  ims::write(tagged, out.string(), {{"path", "imageseries"}});
  const auto back = ims::open(out.string(), {{"path", "imageseries"}});
  EXPECT_EQ(back.metadata().at("panel").as<std::string>(), "ff1");
  EXPECT_EQ(back.metadata().at("omega").as<ims::NdArray>(), meta.at("omega").as<ims::NdArray>());
  EXPECT_THROW(ims::with_metadata(ims::Series(), meta), ims::Error);
}

TEST(Api, OpImageOfTheWrongShapeFailsBeforeAnyRead) {
  const auto values = make_frames<std::uint16_t>();
  const auto e =
      error_of([&] { ims::process(memory_series(values), {ims::Op("dark", ims::Image(3, 3, ims::DType::uint16))}); });
  EXPECT_EQ(e.kind(), ims::ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("ops[0].dark"), std::string::npos) << e.what();
}

TEST(Api, FilesRoundTripThroughWriteAndOpen) {
  const auto dir = scratch("files");
  const auto values = make_frames<std::uint16_t>();
  // An npy written by hand (the oracle of the layout), read through open().
  const std::string dict = "{'descr': '<u2', 'fortran_order': False, 'shape': (10, 6, 5), }";
  ims::test::write_raw_npy(dir / "in.npy", dict, values.data(), values.size() * 2);
  auto series = ims::open((dir / "in.npy").string());
  EXPECT_EQ(series.size(), kFrames);
  EXPECT_EQ(series.describe(), "npy:" + (dir / "in.npy").string());
  EXPECT_EQ(series.files(), std::vector<std::string>{(dir / "in.npy").string()});

  const ims::Report report = ims::write(ims::process(series, {"flip=h"}), (dir / "out.h5").string(),
                                        {{"compression", "blosc"}}, "", {.threads = 2});
  EXPECT_EQ(report.frames, kFrames);
  auto back = ims::open((dir / "out.h5").string(), {{"path", "imageseries"}});
  for (std::size_t i = 0; i < kFrames; ++i) {
    const auto frame = back.frame(i);
    for (std::size_t p = 0; p < kPixels; ++p) {
      const std::size_t from = (kRows - 1 - p / kCols) * kCols + p % kCols;  // hexrd's flip=h: rows upside down
      ASSERT_EQ(frame.values<std::uint16_t>()[p], values[i * kPixels + from]) << i << "," << p;
    }
  }

  ims::Results r = ims::stats(back, {"max", "percentile:90"}, "float32", {});
  ims::write(r, (dir / "bg.h5").string());
  auto max_image = ims::open((dir / "bg.h5").string(), {{"dataset", "/max"}});
  ASSERT_EQ(max_image.size(), 1u);
  EXPECT_EQ(max_image.dtype(), ims::DType::float32);
  for (std::size_t p = 0; p < kPixels; ++p) {
    float expected = 0;
    const std::size_t from = (kRows - 1 - p / kCols) * kCols + p % kCols;  // written flipped
    for (std::size_t i = 0; i < kFrames; ++i) expected = std::max(expected, float(values[i * kPixels + from]));
    EXPECT_EQ(max_image.frame(0).values<float>()[p], expected) << p;
  }
  ims::write(r, (dir / "bg.npz").string());
  EXPECT_TRUE(fs::is_regular_file(dir / "bg.npz"));
  auto npy_of_two = error_of([&] { ims::write(r, (dir / "bg.npy").string()); });
  EXPECT_FALSE(fs::exists(dir / "bg.npy")) << npy_of_two.what();
}

TEST(Api, AnOutputThatIsTheSourceIsRefusedBeforeReading) {
  const auto dir = scratch("same");
  const auto values = make_frames<std::uint16_t>();
  ims::test::write_raw_npy(dir / "s.npy", "{'descr': '<u2', 'fortran_order': False, 'shape': (10, 6, 5), }",
                           values.data(), values.size() * 2);
  const auto before = fs::file_size(dir / "s.npy");
  const auto e = error_of([&] { ims::write(ims::open((dir / "s.npy").string()), (dir / "s.npy").string()); });
  EXPECT_EQ(e.kind(), ims::ErrorKind::usage);
  EXPECT_NE(std::string(e.what()).find("s.npy"), std::string::npos) << e.what();
  EXPECT_EQ(fs::file_size(dir / "s.npy"), before);
}

TEST(Api, CallbackSourceFeedsStatistics) {
  std::atomic<int> calls{0};
  ims::CallbackSource source{.frames = 7, .rows = kRows, .cols = kCols, .dtype = ims::DType::int32};
  source.read = [&](std::size_t index, std::span<std::byte> out) {
    ++calls;
    std::vector<std::int32_t> frame(kPixels);
    for (std::size_t p = 0; p < kPixels; ++p) frame[p] = static_cast<std::int32_t>(index * 100 + p) - 300;
    std::memcpy(out.data(), frame.data(), out.size());
    return out.size();
  };
  ims::Results r = ims::stats(ims::from_callback(source), {"min", "sum"}, {.threads = 2});
  EXPECT_EQ(calls.load(), 7);
  for (std::size_t p = 0; p < kPixels; ++p) {
    EXPECT_EQ(r["min"].values<std::int32_t>()[p], static_cast<std::int32_t>(p) - 300);
    EXPECT_EQ(r["sum"].at<double>(p / kCols, p % kCols), 7.0 * p + 100.0 * 21 - 7 * 300);
  }
}

TEST(Api, ACallbackSourceOfTheWrongSizeIsAnErrorNamingTheFrame) {
  ims::CallbackSource source{.frames = 5, .rows = kRows, .cols = kCols, .dtype = ims::DType::uint8};
  source.read = [](std::size_t index, std::span<std::byte> out) { return index == 3 ? out.size() - 1 : out.size(); };
  const auto e = error_of([&] { ims::stats(ims::from_callback(source), {"max"}); });
  EXPECT_EQ(e.kind(), ims::ErrorKind::format);
  ASSERT_TRUE(e.frame().has_value());
  EXPECT_EQ(*e.frame(), 3u);
  EXPECT_NE(std::string(e.what()).find("wrote 29 bytes of frame 3, which has 30"), std::string::npos) << e.what();
}

TEST(Api, ACallersExceptionReachesTheCallerNestedWithTheFrame) {
  struct DetectorGone : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  ims::CallbackSource source{.frames = 50, .rows = kRows, .cols = kCols, .dtype = ims::DType::uint8};
  source.read = [](std::size_t index, std::span<std::byte> out) {
    if (index == 17) throw DetectorGone("detector offline");
    std::fill(out.begin(), out.end(), std::byte{1});
    return out.size();
  };
  for (unsigned threads : {1u, 2u}) {
    try {
      ims::stats(ims::from_callback(source), {"mean"}, {.threads = threads});
      FAIL() << "no exception";
    } catch (const ims::Error& e) {
      EXPECT_EQ(e.kind(), ims::ErrorKind::callback);
      ASSERT_TRUE(e.frame().has_value());
      EXPECT_EQ(*e.frame(), 17u);
      EXPECT_NE(std::string(e.what()).find("detector offline"), std::string::npos) << e.what();
      EXPECT_THROW(std::rethrow_if_nested(e), DetectorGone);
    }
  }
}

TEST(Api, ProgressIsReportedAndItsExceptionsPropagate) {
  const auto values = make_frames<std::uint16_t>(200);
  std::vector<std::size_t> seen;
  ims::Results r =
      ims::stats(memory_series(values, 200), {"max"}, {.threads = 2, .on_progress = [&](const ims::Progress& p) {
                                                         EXPECT_EQ(p.frames_total, 200u);
                                                         seen.push_back(p.frames_done);
                                                       }});
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.back(), 200u);

  try {
    ims::stats(memory_series(values, 200), {"max"}, {.on_progress = [](const ims::Progress& p) {
                 if (p.frames_done > 0) throw std::logic_error("stop here");
               }});
    FAIL() << "no exception";
  } catch (const ims::Error& e) {  // by reference: a copy would drop the nested exception
    EXPECT_EQ(e.kind(), ims::ErrorKind::callback);
    EXPECT_NE(std::string(e.what()).find("on_progress"), std::string::npos) << e.what();
    EXPECT_THROW(std::rethrow_if_nested(e), std::logic_error);
  }
}

TEST(Api, ACancelledRunThrowsInterrupted) {
  const auto values = make_frames<std::uint16_t>(200);
  ims::CancelToken token;
  token.cancel();
  const auto e = error_of([&] { ims::stats(memory_series(values, 200), {"max"}, {.cancel = &token}); });
  EXPECT_EQ(e.kind(), ims::ErrorKind::interrupted);

  // Cancelled from the progress callback, as a GUI's button would, mid-run.
  token.reset();
  const auto mid = error_of([&] {
    ims::stats(memory_series(values, 200), {"median"},
               {.on_progress =
                    [&](const ims::Progress& p) {
                      if (p.frames_done > 0) token.cancel();
                    },
                .cancel = &token});
  });
  EXPECT_EQ(mid.kind(), ims::ErrorKind::interrupted);
}

TEST(Api, AnOpImageIsComputedWithTheSettingsOfTheRunThatNeedsIt) {
  const auto values = make_frames<std::uint16_t>(200);
  // process() is given no settings; the dark's own pass reports to the stats
  // call's progress callback, under its own name, before the main pass.
  const ims::Series dark_subtracted = ims::process(memory_series(values, 200), {"dark=median;frames=:50"});
  std::vector<std::pair<std::string, std::size_t>> totals;
  ims::stats(dark_subtracted, {"max"}, {.on_progress = [&](const ims::Progress& p) {
               if (p.pass_done) totals.emplace_back(std::string(p.what), p.frames_total);
             }});
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_NE(totals[0].first.find("median of frames :50"), std::string::npos) << totals[0].first;
  EXPECT_EQ(totals[0].second, 50u);
  EXPECT_EQ(totals[1].second, 200u);

  // Cancelling the asking run stops the dark's pass too; the next run computes it.
  ims::CancelToken token;
  const ims::Series again = ims::process(memory_series(values, 200), {"dark=median"});
  const auto e = error_of([&] {
    ims::stats(again, {"max"}, {.on_progress = [&](const ims::Progress&) { token.cancel(); }, .cancel = &token});
  });
  EXPECT_EQ(e.kind(), ims::ErrorKind::interrupted);
  EXPECT_EQ(ims::stats(again, {"max"})["max"].rows(), static_cast<std::size_t>(kRows));
}

TEST(Api, MisuseThrowsTheMessagesTheCommandPrints) {
  const auto values = make_frames<std::uint16_t>();
  auto series = memory_series(values);
  auto unknown_stat = error_of([&] { ims::stats(series, {"bogus"}); });
  EXPECT_EQ(unknown_stat.kind(), ims::ErrorKind::usage);
  EXPECT_NE(std::string(unknown_stat.what()).find("unknown statistic 'bogus'"), std::string::npos)
      << unknown_stat.what();
  auto unknown_op = error_of([&] { ims::process(series, {"flop=v"}); });
  EXPECT_NE(std::string(unknown_op.what()).find("unknown op 'flop'"), std::string::npos) << unknown_op.what();
  auto unknown_format = error_of([&] { ims::open("x.dat", {}, "nope"); });
  EXPECT_NE(std::string(unknown_format.what()).find("unknown format 'nope'"), std::string::npos)
      << unknown_format.what();
  auto missing = error_of([&] { ims::open("/nonexistent/run7.npy"); });
  EXPECT_EQ(missing.kind(), ims::ErrorKind::not_found);
  auto bad_memory = error_of([&] { ims::stats(series, {"max"}, {.memory = "lots"}); });
  EXPECT_EQ(bad_memory.kind(), ims::ErrorKind::usage);
  auto bad_method = error_of([&] { ims::stats(series, {"median"}, {.quantile_method = "guess"}); });
  EXPECT_NE(std::string(bad_method.what()).find("unknown method 'guess'"), std::string::npos) << bad_method.what();

  ims::Results r = ims::stats(series, {"max"});
  auto no_result = error_of([&] { (void)r["median"]; });
  EXPECT_EQ(no_result.kind(), ims::ErrorKind::usage);
  EXPECT_NE(std::string(no_result.what()).find("no result 'median' (the results are: max)"), std::string::npos)
      << no_result.what();
  auto wrong_type = error_of([&] { (void)r["max"].values<float>(); });
  EXPECT_NE(std::string(wrong_type.what()).find("holds uint16 pixels, not float32"), std::string::npos);
  auto past_end = error_of([&] { (void)series.frame(kFrames); });
  EXPECT_EQ(past_end.kind(), ims::ErrorKind::out_of_range);
  std::vector<std::byte> small(3);
  auto small_buffer = error_of([&] { series.read(0, small.data(), small.size()); });
  EXPECT_EQ(small_buffer.kind(), ims::ErrorKind::usage);
  auto empty = error_of([&] { ims::stats(ims::Series(), {"max"}); });
  EXPECT_EQ(empty.kind(), ims::ErrorKind::usage);
}

namespace {

/// Resident memory of this process, KiB (Linux).
long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

TEST(Api, ManySmallRunsStayCheap) {
  // The cost of a call, not of pixels: 1000 runs over 10 frames of 64x64.
  // Timing is for the benchmark (bench/); this checks the runs stay correct
  // and leak nothing: LeakSanitizer in the sanitizer build, and resident
  // memory here (each run once made a TBB arena, whose ~7 KB oneTBB kept:
  // 7 MB per 1000 runs; no leak checker sees it).
  std::vector<std::uint16_t> values(10 * 64 * 64);
  std::iota(values.begin(), values.end(), 0);
  auto series = ims::from_memory(values.data(), {10, 64, 64, ims::DType::uint16});
  for (unsigned threads : {1u, 2u}) {
    for (int i = 0; i < 100; ++i) ims::stats(series, {"max"}, {.threads = threads});  // warm up
    [[maybe_unused]] const long before = resident_kib();
    for (int i = 0; i < 1000; ++i) {
      ims::Results r = ims::stats(series, {"max"}, {.threads = threads});
      ASSERT_EQ(r["max"].values<std::uint16_t>()[0], 9 * 64 * 64);
    }
#if !defined(__SANITIZE_ADDRESS__)  // ASan's quarantine holds freed memory
    EXPECT_LT(resident_kib() - before, 2048) << threads << " threads";
#endif
  }
}
