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

constexpr std::size_t kFrames = 12, kRows = 7, kCols = 9, kPixels = kRows * kCols;

/// Per pixel: how many frames hold a value above `threshold` (NaN is not
/// above anything). The state is one count per pixel.
class CountAbove final : public ims::Statistic {
 public:
  struct Counts final : State {
    std::vector<std::uint32_t> counts;
  };
  explicit CountAbove(double threshold) : threshold_(threshold) {}

  ims::DType output_dtype() const override { return ims::DType::uint32; }
  std::size_t state_bytes_per_pixel() const override { return sizeof(std::uint32_t); }
  std::unique_ptr<State> make_state(std::size_t pixels) const override {
    auto state = std::make_unique<Counts>();
    state->counts.assign(pixels, 0);
    return state;
  }
  void update(State& state, std::span<const ims::ConstPixels> frames) const override {
    auto& counts = static_cast<Counts&>(state).counts;
    for (const auto& frame : frames) {
      ims::visit_dtype(frame.dtype(), [&](auto tag) {
        const auto values = frame.values<decltype(tag)>();
        for (std::size_t i = 0; i < values.size(); ++i) counts[i] += static_cast<double>(values[i]) > threshold_;
      });
    }
  }
  void combine(State& into, const State& from) const override {
    auto& a = static_cast<Counts&>(into).counts;
    const auto& b = static_cast<const Counts&>(from).counts;
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  }
  void finalize(const State& state, ims::Pixels out) const override {
    const auto& counts = static_cast<const Counts&>(state).counts;
    std::copy(counts.begin(), counts.end(), out.values<std::uint32_t>().begin());
  }

 private:
  double threshold_;
};

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
        {.name = "count_above",
         .summary = "per-pixel number of frames above a threshold",
         .params = {{.name = "threshold", .type = ims::ParamType::number, .doc = "the threshold", .required = true}},
         .make = [](const ims::StatisticContext& c) {
           return std::make_shared<CountAbove>(c.params.get_double("threshold"));
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
                                 void update(State&, std::span<const ims::ConstPixels>) const override {
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
    SCOPED_TRACE(threads);
    // A small budget splits the frame into several pixel tiles.
    const auto r = ims::stats(float_series(values), {"count_above:10", "max"}, {.memory = "64K", .threads = threads});
    const auto& counts = r["count_above"];
    ASSERT_EQ(counts.dtype(), ims::DType::uint32);
    ASSERT_EQ(counts.rows(), kRows);
    for (std::size_t p = 0; p < kPixels; ++p) {
      std::uint32_t expected = 0;
      for (std::size_t f = 0; f < kFrames; ++f) expected += values[f * kPixels + p] > 10.0f;
      ASSERT_EQ(counts.values<std::uint32_t>()[p], expected) << "pixel " << p;
    }
    EXPECT_TRUE(std::isnan(r["max"].values<float>()[5]));
  }
}

TEST(Extend, RegisteredStatisticTakesDtypeAndDeclaredParameters) {
  register_extensions();
  const auto values = float_frames();
  const auto r = ims::stats(float_series(values), {"count_above;threshold=-1e30"}, "float64", {});
  EXPECT_EQ(r["count_above"].dtype(), ims::DType::float64);
  EXPECT_EQ(r["count_above"].at<double>(0, 0), static_cast<double>(kFrames));
  EXPECT_NE(error_of([&] { ims::stats(float_series(values), {"count_above"}); }, ims::ErrorKind::usage)
                .find("count_above:THRESHOLD"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { ims::stats(float_series(values), {"count_above:lots"}); }, ims::ErrorKind::usage).find("lots"),
      std::string::npos);
  bool listed = false;
  for (const auto& s : ims::describe_statistics()) listed |= s.name == "count_above" && s.params.size() == 1;
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
  const auto r = ims::stats(series, {"max", "count_above:3000"}, {.threads = 2});
  EXPECT_EQ(r["max"].at<std::uint32_t>(3, 2), 4000u + 11u + 7u);
  EXPECT_EQ(r["count_above"].at<std::uint32_t>(0, 0), 2u);  // frames 3 and 4
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
      error_of([&] { ims::register_statistic({.name = "count_above", .make = make_stat}); }, ims::ErrorKind::usage)
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
