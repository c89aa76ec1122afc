// Extending ims from a program (ims/extend.hpp): a statistic, an op and a
// format registered through the public API, then used by name wherever the
// built-in ones are. Checked against loops written here.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "ims/ims.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFrames = 40, kRows = 7, kCols = 9, kPixels = kRows * kCols;

/// Per pixel: the first frame in which the pixel takes its largest value at
/// or above `min` (-1 where it never reaches `min`; NaN never counts), as
/// int64 (Thunder's and beamline users' "frame where each pixel peaks"). It
/// needs the frames' indices, and merging needs the tie-break.
class PeakFrame final : public ims::Statistic {
 public:
  struct Peaks final : State {
    std::vector<double> value;
    std::vector<std::int64_t> frame;
  };
  explicit PeakFrame(double min) : min_(min) {}

  ims::DType output_dtype() const override { return ims::DType::int64; }
  std::size_t state_bytes_per_pixel() const override { return sizeof(double) + sizeof(std::int64_t); }
  std::unique_ptr<State> make_state(std::size_t pixels) const override {
    auto state = std::make_unique<Peaks>();
    state->value.assign(pixels, 0.0);
    state->frame.assign(pixels, -1);
    return state;
  }
  void update(State& state, std::span<const ims::ConstPixels> frames, std::size_t first_frame) const override {
    auto& s = static_cast<Peaks&>(state);
    for (std::size_t k = 0; k < frames.size(); ++k) {
      ims::visit_dtype(frames[k].dtype(), [&](auto tag) {
        const auto values = frames[k].values<decltype(tag)>();
        for (std::size_t i = 0; i < values.size(); ++i) {
          const auto v = static_cast<double>(values[i]);
          if (v >= min_ && (s.frame[i] < 0 || v > s.value[i])) {
            s.value[i] = v;
            s.frame[i] = static_cast<std::int64_t>(first_frame + k);
          }
        }
      });
    }
  }
  void combine(State& into, const State& from) const override {
    auto& a = static_cast<Peaks&>(into);
    const auto& b = static_cast<const Peaks&>(from);
    for (std::size_t i = 0; i < a.frame.size(); ++i) {
      if (b.frame[i] < 0) continue;
      const bool better =
          a.frame[i] < 0 || b.value[i] > a.value[i] || (b.value[i] == a.value[i] && b.frame[i] < a.frame[i]);
      if (better) {
        a.value[i] = b.value[i];
        a.frame[i] = b.frame[i];
      }
    }
  }
  void finalize(const State& state, ims::Pixels out) const override {
    const auto& frames = static_cast<const Peaks&>(state).frame;
    std::copy(frames.begin(), frames.end(), out.values<std::int64_t>().begin());
  }

 private:
  double min_;
};

/// The same, pixel by pixel over every frame: the oracle.
std::int64_t peak_frame_by_hand(const std::vector<float>& values, std::size_t pixel, double min) {
  std::int64_t frame = -1;
  double best = 0;
  for (std::size_t f = 0; f < kFrames; ++f) {
    const auto v = static_cast<double>(values[f * kPixels + pixel]);
    if (v >= min && (frame < 0 || v > best)) {
      best = v;
      frame = static_cast<std::int64_t>(f);
    }
  }
  return frame;
}

/// Transposes frames and converts them to float64: the output has another
/// shape and dtype than the input, as a declared op may.
class TransposeToDouble final : public ims::FrameOperation {
 public:
  explicit TransposeToDouble(double scale) : scale_(scale) {}
  ims::FrameFormat output(const ims::FrameFormat& in) const override {
    if (in.dtype == ims::DType::int64) throw ims::Error(ims::ErrorKind::usage, "int64 frames are not supported");
    return {in.cols, in.rows, ims::DType::float64};
  }
  void apply(ims::ConstPixels in, ims::Pixels out) const override {
    auto to = out.values<double>();
    ims::visit_dtype(in.dtype(), [&](auto tag) {
      const auto from = in.values<decltype(tag)>();
      for (std::size_t r = 0; r < in.rows(); ++r) {
        for (std::size_t c = 0; c < in.cols(); ++c)
          to[c * in.rows() + r] = scale_ * static_cast<double>(from[r * in.cols() + c]);
      }
    });
  }

 private:
  double scale_;
};

/// A "format": a text file "ROWS COLS FRAMES"; frame i, pixel p holds
/// i * 1000 + p + offset (uint32), generated on demand.
ims::Series open_counter(const std::string& path, const ims::Params& options) {
  std::ifstream in(path);
  std::size_t rows = 0, cols = 0, frames = 0;
  if (!(in >> rows >> cols >> frames)) throw std::runtime_error("not a counter file");
  const auto offset = static_cast<std::uint32_t>(options.get_int("offset"));
  return ims::from_callback({.frames = frames,
                             .rows = rows,
                             .cols = cols,
                             .dtype = ims::DType::uint32,
                             .read =
                                 [=](std::size_t i, std::span<std::byte> out) {
                                   auto* pixels = reinterpret_cast<std::uint32_t*>(out.data());
                                   for (std::size_t p = 0; p < rows * cols; ++p) {
                                     pixels[p] = static_cast<std::uint32_t>(i * 1000 + p) + offset;
                                   }
                                   return rows * cols * sizeof(std::uint32_t);
                                 },
                             .concurrent = true,
                             .name = "counter:" + path});
}

/// Registration is per process and once per name; tests may run in one process.
void register_extensions() {
  static std::once_flag once;
  std::call_once(once, [] {
    ims::register_statistic(
        {.name = "peak_frame",
         .aliases = {"argmax_frame"},
         .summary = "per-pixel first frame of the largest value at or above a minimum",
         .params =
             {{.name = "min", .type = ims::ParamType::number, .doc = "values below do not count", .required = true}},
         .make = [](const ims::StatisticContext& c) {
           return std::make_shared<PeakFrame>(c.params.get_double("min"));
         }});
    ims::register_statistic({.name = "always_throws",
                             .summary = "a statistic whose update throws",
                             .make = [](const ims::StatisticContext&) {
                               struct Throws final : ims::Statistic {
                                 ims::DType output_dtype() const override { return ims::DType::uint8; }
                                 std::size_t state_bytes_per_pixel() const override { return 0; }
                                 std::unique_ptr<State> make_state(std::size_t) const override {
                                   return std::make_unique<State>();
                                 }
                                 void update(State&, std::span<const ims::ConstPixels>, std::size_t) const override {
                                   throw std::runtime_error("the detector is on fire");
                                 }
                                 void combine(State&, const State&) const override {}
                                 void finalize(const State&, ims::Pixels) const override {}
                               };
                               return std::make_shared<Throws>();
                             }});
    ims::register_op({.name = "transpose_double",
                      .summary = "transposed, times a scale, as float64",
                      .params = {{.name = "scale", .type = ims::ParamType::number, .default_value = "1"}},
                      .make = [](const ims::OpContext& c) {
                        return std::make_shared<TransposeToDouble>(c.params.get_double("scale"));
                      }});
    ims::register_format({.name = "counter",
                          .summary = "a generated test series described by a text file",
                          .extensions = {".cnt"},
                          .params = {{.name = "offset", .type = ims::ParamType::integer, .default_value = "0"}},
                          .open = open_counter});
  });
}

std::vector<float> float_frames() {
  std::vector<float> values(kFrames * kPixels);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>((i * 37) % 101) - 50.0f;
  values[5] = std::numeric_limits<float>::quiet_NaN();
  values[kPixels + 6] = std::numeric_limits<float>::infinity();
  values[2 * kPixels + 7] = -std::numeric_limits<float>::infinity();
  values[3 * kPixels + 8] = std::numeric_limits<float>::max();
  return values;
}

ims::Series float_series(const std::vector<float>& values) {
  return ims::from_memory(values.data(),
                          {.frames = kFrames, .rows = kRows, .cols = kCols, .dtype = ims::DType::float32});
}

fs::path counter_file(const std::string& name, std::size_t rows, std::size_t cols, std::size_t frames) {
  const fs::path path = fs::path(testing::TempDir()) / name;
  std::ofstream(path) << rows << " " << cols << " " << frames << "\n";
  return path;
}

std::string error_of(const std::function<void()>& f, ims::ErrorKind expected) {
  try {
    f();
  } catch (const ims::Error& e) {
    EXPECT_EQ(e.kind(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no ims::Error";
  return "";
}

}  // namespace

TEST(Extend, RegisteredStatisticMatchesALoopAtOneAndManyThreads) {
  register_extensions();
  const auto values = float_frames();
  for (unsigned threads : {1u, 2u, 4u}) {
    for (const char* batch : {"64K", "1G"}) {  // a small budget: several pixel tiles, small batches
      SCOPED_TRACE(std::to_string(threads) + " threads, " + batch);
      const auto r = ims::stats(float_series(values), {"peak_frame:10", "max"}, {.memory = batch, .threads = threads});
      const auto& peaks = r["peak_frame"];
      ASSERT_EQ(peaks.dtype(), ims::DType::int64);
      ASSERT_EQ(peaks.rows(), kRows);
      ASSERT_EQ(peaks.cols(), kCols);
      for (std::size_t p = 0; p < kPixels; ++p) {
        ASSERT_EQ(peaks.values<std::int64_t>()[p], peak_frame_by_hand(values, p, 10.0)) << "pixel " << p;
      }
      EXPECT_TRUE(std::isnan(r["max"].values<float>()[5]));
    }
  }
  // Frames picked by a processed series are counted from 0 over those used.
  const auto picked =
      ims::stats(ims::process(float_series(values), {}, ims::frame_list({7, 1})), {"argmax_frame:-1e30"});
  for (std::size_t p = 0; p < kPixels; ++p) {
    const float later = values[1 * kPixels + p], first = values[7 * kPixels + p];
    const std::int64_t expected = std::isnan(first) ? (std::isnan(later) ? -1 : 1) : (later > first ? 1 : 0);
    ASSERT_EQ(picked["peak_frame"].values<std::int64_t>()[p], expected) << p;
  }
}

TEST(Extend, RegisteredStatisticTakesDtypeAndDeclaredParameters) {
  register_extensions();
  const auto values = float_frames();
  const auto r = ims::stats(float_series(values), {"peak_frame;min=1e30"}, "float64", {});
  EXPECT_EQ(r["peak_frame"].dtype(), ims::DType::float64);
  EXPECT_EQ(r["peak_frame"].at<double>(0, 0), -1.0);
  EXPECT_EQ(r["peak_frame"].values<double>()[8], 3.0);  // float max, frame 3
  EXPECT_EQ(r["peak_frame"].values<double>()[6], 1.0);  // +inf, frame 1
  EXPECT_NE(
      error_of([&] { ims::stats(float_series(values), {"peak_frame"}); }, ims::ErrorKind::usage).find("peak_frame:MIN"),
      std::string::npos);
  EXPECT_NE(
      error_of([&] { ims::stats(float_series(values), {"peak_frame:lots"}); }, ims::ErrorKind::usage).find("lots"),
      std::string::npos);
  bool listed = false;
  for (const auto& s : ims::describe_statistics()) listed |= s.name == "peak_frame" && s.params.size() == 1;
  EXPECT_TRUE(listed);
}

TEST(Extend, ExceptionsOfARegisteredStatisticReachTheCallerNested) {
  register_extensions();
  const auto values = float_frames();
  try {
    ims::stats(float_series(values), {"always_throws"}, {.threads = 2});
    FAIL() << "no error";
  } catch (const ims::Error& e) {
    EXPECT_EQ(e.kind(), ims::ErrorKind::callback);
    EXPECT_NE(std::string(e.what()).find("always_throws"), std::string::npos) << e.what();
    try {
      std::rethrow_if_nested(e);
      FAIL() << "nothing nested";
    } catch (const std::runtime_error& nested) {
      EXPECT_STREQ(nested.what(), "the detector is on fire");
    }
  }
}

TEST(Extend, RegisteredOpRunsInAChainWithBuiltInOps) {
  register_extensions();
  const auto values = float_frames();
  const auto proc = ims::process(float_series(values), {"transpose_double=2", "flip=v"}, ims::frames("1:4"));
  ASSERT_EQ(proc.size(), 3u);
  EXPECT_EQ(proc.rows(), kCols);
  EXPECT_EQ(proc.cols(), kRows);
  EXPECT_EQ(proc.dtype(), ims::DType::float64);
  for (std::size_t i = 0; i < proc.size(); ++i) {
    const auto frame = proc.frame(i);
    for (std::size_t r = 0; r < kCols; ++r) {
      for (std::size_t c = 0; c < kRows; ++c) {
        // transposed: (r, c) <- input (c, r); flip=v mirrors the columns.
        const float in = values[(i + 1) * kPixels + (kRows - 1 - c) * kCols + r];
        const double got = frame.at<double>(r, c);
        if (std::isnan(in)) {
          EXPECT_TRUE(std::isnan(got));
        } else {
          EXPECT_EQ(got, 2.0 * static_cast<double>(in)) << i << " " << r << " " << c;
        }
      }
    }
  }
  // Its output check runs when the series is made, naming the op.
  std::vector<std::int64_t> wide(kFrames * kPixels);
  const auto wide_series =
      ims::from_memory(wide.data(), {.frames = kFrames, .rows = kRows, .cols = kCols, .dtype = ims::DType::int64});
  EXPECT_NE(error_of([&] { ims::process(wide_series, {"transpose_double"}); }, ims::ErrorKind::usage).find("int64"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ims::process(float_series(values), {"transpose_double;sale=2"}); }, ims::ErrorKind::usage)
                .find("sale"),
            std::string::npos);
}

TEST(Extend, RegisteredFormatOpensByExtensionAndByName) {
  register_extensions();
  const auto path = counter_file("series.cnt", 4, 3, 5);
  const auto series = ims::open(path.string(), {{"offset", "7"}});
  ASSERT_EQ(series.size(), 5u);
  EXPECT_EQ(series.dtype(), ims::DType::uint32);
  EXPECT_EQ(series.frame(2).at<std::uint32_t>(1, 2), 2000u + 5u + 7u);
  // The engine streams it like any source.
  const auto r = ims::stats(series, {"max", "peak_frame:4000"}, {.threads = 2});
  EXPECT_EQ(r["max"].at<std::uint32_t>(3, 2), 4000u + 11u + 7u);
  EXPECT_EQ(r["peak_frame"].at<std::int64_t>(0, 0), 4);
  const auto renamed = counter_file("series.txt", 2, 2, 3);
  EXPECT_EQ(ims::open(renamed.string(), {}, "counter").size(), 3u);
  EXPECT_NE(error_of(
                [&] {
                  ims::open(path.string(), {{"ofset", "1"}});
                },
                ims::ErrorKind::usage)
                .find("ofset"),
            std::string::npos);
  const auto bad = fs::path(testing::TempDir()) / "empty.cnt";
  std::ofstream(bad) << "nothing";
  const auto message = error_of([&] { ims::open(bad.string()); }, ims::ErrorKind::callback);
  EXPECT_NE(message.find("not a counter file"), std::string::npos) << message;
  EXPECT_NE(message.find("empty.cnt"), std::string::npos) << message;
}

TEST(Extend, NamesAreCheckedWhenRegistered) {
  register_extensions();
  auto make_stat = [](const ims::StatisticContext&) -> std::shared_ptr<const ims::Statistic> { return nullptr; };
  EXPECT_NE(error_of([&] { ims::register_statistic({.name = "max", .make = make_stat}); }, ims::ErrorKind::usage)
                .find("exists already"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { ims::register_statistic({.name = "argmax_frame", .make = make_stat}); }, ims::ErrorKind::usage)
          .find("exists already"),
      std::string::npos);
  EXPECT_NE(error_of([&] { ims::register_statistic({.name = "p:90", .make = make_stat}); }, ims::ErrorKind::usage)
                .find("not an identifier"),
            std::string::npos);
  error_of([&] { ims::register_statistic({.name = "no_factory"}); }, ims::ErrorKind::usage);
  error_of([&] { ims::register_op({.name = "flip", .make = [](const ims::OpContext&) { return nullptr; }}); },
           ims::ErrorKind::usage);
  EXPECT_NE(error_of([&] { ims::register_format({.name = "mine", .extensions = {".npy"}, .open = open_counter}); },
                     ims::ErrorKind::usage)
                .find(".npy"),
            std::string::npos);
  // A factory that returns nothing is the program's bug, reported at use.
  ims::register_statistic({.name = "returns_null", .make = make_stat});
  const auto values = float_frames();
  error_of([&] { ims::stats(float_series(values), {"returns_null"}); }, ims::ErrorKind::callback);
}
