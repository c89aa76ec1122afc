// The command line's conventions, as a new user meets them: every option
// takes one value per use, a bad or empty value is a one-line usage error
// (exit 2), a YAML config is read strictly, and a successful run says one
// line unless asked for more.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <tuple>

#include "support/cli.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;
using test::args;
using test::expect_error;
using test::kSmallRandom;
using test::run_ims;
using test::sample;

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// Exit 2, one line saying `says`, and no output left behind.
void expect_usage_error(const std::vector<std::string>& a, const std::string& says) {
  auto r = run_ims(a);
  expect_error(r, 2, says);
  EXPECT_EQ(lines(r.err), 1u) << "one line: " << r.err;
}

TEST(CliConventions, BadOrEmptyValuesAreUsageErrors) {
  auto src = sample("conv-values").string();
  const auto out = (fs::path(src).parent_path() / "o.npz").string();
  expect_usage_error({"stats", src, "--stat", "max", "-o", out, "--nframes", "-5"}, "--nframes: '-5' is not a count");
  expect_usage_error({"convert", src, "-o", out + ".npy", "--nframes", "-1"}, "is not a count");
  expect_usage_error({"stats", src, "--stat", "max", "-o", out, "--frame-list", ""},
                     "--frame-list: an empty value is not allowed");
  expect_usage_error({"stats", src, "--stat", "max", "-o", ""}, "--output: an empty value is not allowed");
  expect_usage_error({"stats", src, "--stat", "max", "-o", out, "--report", ""}, "--report: an empty value");
  expect_usage_error({"stats", src, "--stat", "max", "-o", out, "--frames", ""}, "--frames: an empty value");
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliConventions, UsageErrorsAreOneLinePointingAtHelp) {
  expect_usage_error({"stats", "--bogus"}, "(see 'ims stats --help')");
  expect_usage_error({"stast"}, "did you mean 'stats'");
  expect_usage_error(args({{"stats"}, kSmallRandom, {"--stat", "meen", "-o", "/tmp/x.npz"}}), "did you mean 'mean'");
}

TEST(CliConventions, RepeatableOptionsTakeOneValuePerUse) {
  auto src = sample("conv-one-value");
  const auto dir = src.parent_path();
  const auto h5 = (dir / "s.h5").string();
  ASSERT_EQ(run_ims({"convert", src.string(), "-o", h5, "-q"}).exit_code, 0);
  // The word after --opt's value is the source, not a second option.
  auto info = run_ims({"info", "--opt", "path=imageseries", h5});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("frames:   12"), std::string::npos) << info.out;
  // The same for --op: flip=v is one op; the source follows.
  auto flipped = run_ims({"stats", "--op", "flip=v", src.string(), "--stat", "max", "-o", (dir / "f.npz").string()});
  EXPECT_EQ(flipped.exit_code, 0) << flipped.err;
  auto two = run_ims({"info", "--op", "flip=v", "--op", "flip=h", src.string(), "-v"});
  EXPECT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.out.find("flip=v | flip=h"), std::string::npos) << two.out;
  // --out-opt and --set too.
  EXPECT_EQ(run_ims({"convert", "--out-opt", "gzip=2", src.string(), "-o", (dir / "g.h5").string(), "-q"}).exit_code,
            0);
}

TEST(CliConventions, AFrameSelectionOutsideTheSeriesIsAUsageErrorEitherWay) {
  auto src = sample("conv-frames").string();
  expect_usage_error({"info", src, "--frames", "20:"}, "select no frame of 12");
  expect_usage_error({"info", src, "--frame-list", "0,12"}, "frame 12 is out of range (the series has 12 frames)");
  expect_usage_error({"info", src, "--frame-list", "-13"}, "out of range");
}

TEST(CliConventions, ConfigsAreReadStrictly) {
  auto src = sample("conv-config");
  const auto dir = src.parent_path();
  const std::string head = "source: {path: " + src.string() + "}\nstats: [max]\n";
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const auto dup = write("dup.yaml", head + "output: {path: a.npz}\noutput: {path: b.npz}\n");
  expect_usage_error({"run", dup}, "output: " + dup + ": is given twice");
  const auto nested = write("nested.yaml", "source: {path: " + src.string() + ", path: other.npy}\nstats: [max]\n" +
                                               "output: {path: " + (dir / "a.npz").string() + "}\n");
  expect_usage_error({"run", nested}, "source.path: " + nested + ": is given twice");
  const auto two = write("two.yaml", head + "output: {path: a.npz}\n---\nsource: {path: x.npy}\n");
  expect_usage_error({"run", two}, "holds 2 YAML documents");
  expect_usage_error({"run", dir.string()}, dir.string() + ": is a directory");
  const auto out = "output: {path: " + (dir / "a.npz").string() + "}\n";
  const auto empty_list =
      write("empty-list.yaml", "source: {path: " + src.string() + ", frame_list: ''}\nstats: [max]\n" + out);
  expect_usage_error({"run", empty_list}, "source.frame_list: " + empty_list + ": is empty");
  const auto empty_frames =
      write("empty-frames.yaml", "source: {path: " + src.string() + ", frames: ''}\nstats: [max]\n" + out);
  expect_usage_error({"run", empty_frames}, "source.frames: " + empty_frames + ": is empty");
  const auto empty_stat = write("empty-stat.yaml", "source: {path: " + src.string() + "}\nstats: 'max,,mean'\n" + out);
  expect_usage_error({"run", empty_stat}, "stats: " + empty_stat + ": has an empty item");
  for (const auto& [name, text, says] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"threads.yaml", head + out + "threads: 0\n", "threads: "},
           {"both.yaml", "source: {path: " + src.string() + ", paths: [" + src.string() + "]}\nstats: [max]\n" + out,
            "source: "},
           {"frames.yaml", "source: {path: " + src.string() + ", frames: '0:2', frame_list: [1]}\nstats: [max]\n" + out,
            "source: "},
           {"paths.yaml", "source: {paths: []}\nstats: [max]\n" + out, "source.paths: "}}) {
    const auto config = write(name, text);
    expect_usage_error({"run", config}, says + config + ": ");
  }
  // Aliases that expand to billions of values are refused, not walked.
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b', previous = 'a'; c <= 'i'; previous = c++) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) laughs += std::string(i ? ", *" : "*") + previous;
    laughs += "]\n";
  }
  expect_usage_error({"run", write("laughs.yaml", laughs + head + out)}, "values once its aliases are expanded");
  // --set below a value that is not a mapping: a usage error, not an internal one.
  const auto good = write("good.yaml", head + out);
  expect_usage_error({"run", good, "--set", "source.path.x=1"}, "--set 'source.path.x=1': ");
  expect_usage_error({"run", good, "--set", "stats[0].x=1"}, "--set 'stats[0].x=1': ");
  expect_usage_error(
      {"stats", src.string(), "--stat", "max", "-o", (dir / "a.npz").string(), "-n", "99999999999999999999999"},
      "is too large a count");
  const auto negative = write("negative.yaml", head + out + "nframes: -5\n");
  // One declaration of each setting (cli/job_settings.cpp): the same check
  // and message from YAML as from the command line.
  expect_usage_error({"run", negative}, "nframes: " + negative + ": '-5' is not a count");
  expect_usage_error({"run", write("threads0.yaml", head + out + "threads: 0\n")}, "must be from 1 to 4096, got 0");
  expect_usage_error({"stats", src.string(), "--stat", "max", "-o", (dir / "a.npz").string(), "--threads", "0"},
                     "--threads: must be from 1 to 4096, got 0");
  expect_usage_error({"run", write("method.yaml", head + out + "method: spil\n")}, "did you mean 'spill'");
  expect_usage_error({"stats", src.string(), "--stat", "max", "-o", (dir / "a.npz").string(), "--method", "spil"},
                     "did you mean 'spill'");
  auto missing = run_ims({"run", (dir / "nofile.yaml").string()});
  expect_error(missing, 1, "cannot read the config (No such file or directory)");
  EXPECT_FALSE(fs::exists(dir / "a.npz"));
  EXPECT_FALSE(fs::exists(dir / "b.npz"));
}

TEST(CliConventions, ASuccessfulRunSaysOneLineUnlessVerbose) {
  auto src = sample("conv-summary");
  const auto dir = src.parent_path();
  const auto out = (dir / "bg.npz").string();
  auto plain = run_ims({"stats", src.string(), "--stat", "max,median", "-o", out});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(lines(plain.err), 1u) << plain.err;
  EXPECT_EQ(plain.err.rfind("ims: 12 frames in ", 0), 0u) << plain.err;
  EXPECT_NE(plain.err.find("wrote npz:" + out), std::string::npos) << plain.err;
  auto verbose = run_ims({"stats", src.string(), "--stat", "max", "-o", out, "-v"});
  EXPECT_NE(verbose.err.find("run report"), std::string::npos) << verbose.err;
  EXPECT_NE(verbose.err.find("plan "), std::string::npos) << verbose.err;
  auto quiet = run_ims({"stats", src.string(), "--stat", "max", "-o", out, "-q"});
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
  // More threads than cores: no TBB warning, with or without -q.
  for (const char* q : {"-q", "--memory=64M"}) {
    auto many = run_ims({"stats", src.string(), "--stat", "max", "-o", out, "--threads", "64", q});
    EXPECT_EQ(many.exit_code, 0) << many.err;
    EXPECT_EQ(many.err.find("TBB"), std::string::npos) << many.err;
  }
}

TEST(CliConventions, AnImageComputedFirstIsCountedInTheReport) {
  auto dir = test::scratch_dir("conv-image-run");
  const auto out = (dir / "bg.npz").string(), report = (dir / "r.json").string();
  auto r = run_ims(args(
      {{"stats"}, kSmallRandom, {"--op", "dark=median;frames=0:8", "--stat", "max", "-o", out, "--report", report}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("1 image computed first"), std::string::npos) << r.err;
  std::ifstream in(report);
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["image_runs"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["image_runs"][0]["what"], "ops[0].dark = median of frames 0:8");
  EXPECT_EQ(j["image_runs"][0]["frames"], 8);
  const std::uint64_t frame_bytes = 16 * 8 * 2;
  EXPECT_EQ(j["bytes"], (12 + 8) * frame_bytes) << "the pre-pass's 8 frames are streamed bytes too";
  EXPECT_GE(j["wall_seconds"].get<double>(),
            j["engine_seconds"].get<double>() + j["image_runs"][0]["seconds"].get<double>())
      << "wall time covers the whole command";
}

/// What a terminal shows of `command` (run under script(1), so that stderr is
/// a terminal and progress bars are drawn).
std::string on_a_terminal(const std::string& command) {
  const std::string line = "script -qec '" + command + "' /dev/null";
  std::string shown;
  if (FILE* pipe = ::popen(line.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) shown.append(buffer, n);
    ::pclose(pipe);
  }
  return shown;
}

TEST(CliConventions, AnImageComputedFirstShowsProgressLikeTheMainPass) {
  auto src = sample("conv-image-progress");
  const auto out = (src.parent_path() / "bg.npz").string();
  const std::string shown = on_a_terminal(test::ims_binary().string() + " stats " + src.string() +
                                          " --op \"dark=median;frames=0:8\" --stat max -o " + out);
  EXPECT_NE(shown.find("ops[0].dark = median of frames 0:8 ["), std::string::npos) << shown;
  EXPECT_NE(shown.find("npy:" + src.string() + " ["), std::string::npos) << shown;
  EXPECT_NE(shown.find("ims: 12 frames in "), std::string::npos) << shown;
}

}  // namespace
}  // namespace ims
