// The `ims` command as users run it: exit codes, messages, outputs.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "support/cli.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;
using test::run_ims;

using test::args;
using test::expect_error;
using test::kSmallRandom;
using test::sample;

TEST(Cli, HelpAndVersionSucceed) {
  auto r = run_ims({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("exit codes"), std::string::npos);
  for (const char* cmd : {"info", "stats", "convert", "list"}) {
    auto h = run_ims({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_NE(h.out.find("--threads"), std::string::npos) << cmd;
    EXPECT_NE(h.out.find("--report"), std::string::npos) << cmd;
  }
  EXPECT_EQ(run_ims({"--version"}).exit_code, 0);
}

TEST(Cli, UsageErrorsExitTwoWithSuggestions) {
  expect_error(run_ims({"stast"}), 2, "did you mean 'stats'");
  expect_error(run_ims({}), 2, "");
  expect_error(run_ims(args({{"stats"}, kSmallRandom, {"--stat", "meen", "-o", "/tmp/x.npz"}})), 2,
               "did you mean 'mean'");
  expect_error(run_ims({"info", "--format", "nyp", "x"}), 2, "did you mean 'npy'");
  expect_error(run_ims({"info", "--format", "random", "--opt", "frame=3"}), 2, "did you mean 'frames'");
  expect_error(run_ims(args({{"info"}, kSmallRandom, {"--threds", "2"}})), 2, "did you mean '--threads'");
  expect_error(run_ims(args({{"stats"}, kSmallRandom, {"--stat", "max", "-o", "/tmp/x.npz", "--memory", "lots"}})),
               2, "--memory");
  expect_error(run_ims(args({{"stats"}, kSmallRandom, {"--stat", "max,max", "-o", "/tmp/x.npz"}})), 2, "twice");
  expect_error(run_ims(args({{"stats"}, kSmallRandom, {"--stat", "max", "-o", "/tmp/x.unknown"}})), 2,
               "cannot tell the format");
  expect_error(run_ims(args({{"stats"}, kSmallRandom, {"--stat", "max", "-o", "/tmp/x.npz", "--dtype", "float"}})),
               2, "did you mean");
  expect_error(run_ims({"list", "formts"}), 2, "did you mean 'formats'");
}

TEST(Cli, InfoDescribesTheSeries) {
  auto path = sample("cli-info");
  auto r = run_ims({"info", path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("frames:   12"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16 x 8 (rows x cols)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dtype:    uint16"), std::string::npos) << r.out;
  auto g = run_ims(args({{"info"}, kSmallRandom}));
  EXPECT_NE(g.out.find("mode: 'detector'"), std::string::npos) << g.out;
}

TEST(Cli, StatsWritesAnNpzAndAReport) {
  auto path = sample("cli-stats");
  auto out = path.parent_path() / "bg.npz";
  auto report = path.parent_path() / "report.json";
  auto r = run_ims({"stats", path.string(), "--stat", "max,mean,var", "-o", out.string(), "--report",
                    report.string(), "--threads", "2", "--memory", "64M", "--nframes", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_EQ(r.err.rfind("ims: 10 frames in ", 0), 0u) << "one summary line: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  std::ifstream in(report);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["frames"], 10);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["memory_budget_bytes"], 64ull << 20);
  EXPECT_EQ(j["statistics"], nlohmann::json({"max", "mean", "var"}));
  for (const char* key : {"wall_seconds", "cpu_seconds", "peak_rss_bytes", "bytes", "stage_seconds", "plan"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  auto quiet = run_ims({"stats", path.string(), "--stat", "max", "-o", out.string(), "-q"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_TRUE(quiet.err.empty()) << quiet.err;
}

TEST(Cli, PeakRssIsTheRunsOwnNotItsLaunchers) {
  // Linux carries a process's peak RSS across exec; the report must not
  // charge ims with the memory of whatever launched it (here: this test).
  // A 1 GiB launcher against a 512 MiB bound: ims itself stays far below
  // it, even under AddressSanitizer (about 220 MB there).
  std::vector<char> ballast(1u << 30);
  for (std::size_t i = 0; i < ballast.size(); i += 4096) ballast[i] = 1;
  auto path = sample("cli-rss");
  auto report = path.parent_path() / "rss.json";
  auto r = run_ims({"stats", path.string(), "--stat", "max", "-o", (path.parent_path() / "m.npz").string(),
                    "--report", report.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(report);
  auto j = nlohmann::json::parse(in);
  EXPECT_GT(j["peak_rss_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_LT(j["peak_rss_bytes"].get<std::uint64_t>(), 512ull << 20) << "the launcher's 1 GiB leaked in";
  EXPECT_EQ(ballast[4096], 1);
}

TEST(Cli, RuntimeErrorsExitOneNamingTheFile) {
  auto dir = test::scratch_dir("cli-runtime");
  auto missing = (dir / "nope.npy").string();
  expect_error(run_ims({"stats", missing, "--stat", "max", "-o", (dir / "o.npz").string()}), 1, "nope.npy");
  std::ofstream(dir / "junk.npy") << "not numpy";
  expect_error(run_ims({"info", (dir / "junk.npy").string()}), 1, "junk.npy");
  auto path = sample("cli-runtime-sample");
  expect_error(run_ims({"stats", path.string(), "--stat", "mean", "-o", (dir / "o.npz").string(), "--memory", "1K"}),
               1, "too small");
  expect_error(run_ims({"stats", path.string(), "--stat", "max", "-o", "/nonexistent/dir/o.npz"}), 1, "/nonexistent/dir");
  EXPECT_FALSE(fs::exists(dir / "o.npz")) << "no partial output";
}

TEST(Cli, TruncatedInputFailsWithoutPartialOutput) {
  auto path = sample("cli-truncated");
  auto cut = path.parent_path() / "cut.npy";
  fs::copy_file(path, cut);
  fs::resize_file(cut, fs::file_size(cut) - 100);
  auto out = path.parent_path() / "o.npz";
  expect_error(run_ims({"stats", cut.string(), "--stat", "max", "-o", out.string()}), 1, "truncated");
  EXPECT_FALSE(fs::exists(out));
  std::size_t files = static_cast<std::size_t>(std::distance(fs::directory_iterator(path.parent_path()), {}));
  EXPECT_EQ(files, 2u) << "only sample.npy and cut.npy: no temporaries left";
}

TEST(Cli, CtrlCStopsWithoutPartialOutput) {
  auto dir = test::scratch_dir("cli-interrupt");
  auto out = dir / "big.npy";
  // About 16 GB of generated frames: Ctrl-C comes once the temporary output
  // exists, long before the run could end.
  auto r = test::run_ims_signalled_when({"convert", "--format", "random", "--opt", "mode=detector", "--opt",
                                         "frames=1000", "--opt", "rows=2048", "--opt", "cols=2048", "--opt",
                                         "dtype=uint32", "-o", out.string(), "-q"},
                                        test::once_not_empty(dir));
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(dir)) << "neither the output nor a temporary file is left";
}

TEST(Cli, Hdf5RoundTripAndOneLineErrors) {
  auto path = sample("cli-hdf5");
  auto h5 = path.parent_path() / "s.h5";
  ASSERT_EQ(run_ims({"convert", path.string(), "-o", h5.string(), "-q", "--out-opt", "chunk_rows=4"}).exit_code, 0);
  auto stats = path.parent_path() / "st.h5";
  auto r = run_ims({"stats", h5.string(), "--opt", "path=imageseries", "--stat", "max,mean", "-o", stats.string(), "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto bad = run_ims({"info", h5.string(), "--opt", "dataset=/nope"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("no dataset /nope"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("/imageseries/images"), std::string::npos) << "lists what the file holds: " << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << "one line, no HDF5 error stack: " << bad.err;
  EXPECT_EQ(bad.err.find("HDF5-DIAG"), std::string::npos);
}

TEST(Cli, ConvertWritesNpyAndBinary) {
  auto path = sample("cli-convert");
  auto npy = path.parent_path() / "copy.npy";
  auto bin = path.parent_path() / "copy.bin";
  ASSERT_EQ(run_ims({"convert", path.string(), "-o", npy.string(), "-q"}).exit_code, 0);
  ASSERT_EQ(run_ims({"convert", path.string(), "-o", bin.string(), "-q", "--nframes", "5"}).exit_code, 0);
  EXPECT_EQ(fs::file_size(npy), fs::file_size(path));
  EXPECT_EQ(fs::file_size(bin), 5u * 16 * 8 * 2);
  EXPECT_TRUE(fs::exists(path.parent_path() / "copy.json"));
  auto r = run_ims({"info", bin.string()});
  EXPECT_NE(r.out.find("frames:   5"), std::string::npos) << r.out << r.err;
  expect_error(run_ims({"convert", path.string(), "-o", (path.parent_path() / "x.npz").string()}), 2,
               "is format 'npz', which ims cannot write series to");
}

TEST(Cli, ListShowsEveryFormatStatisticAndItsOptions) {
  auto r = run_ims({"list"});
  ASSERT_EQ(r.exit_code, 0);
  for (const char* name : {"npy", "npz", "binary", "random", "array", "max", "min", "sum", "mean", "average",
                           "var", "std", "count", "median", "percentile:Q", "nanmedian", "nanpercentile", "seed=42", "frames=10", "byteorder", "compress=false"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  auto dir = test::scratch_dir("cli-list");
  auto json = (dir / "list.json").string();
  ASSERT_EQ(run_ims({"list", "stats", "--report", json}).exit_code, 0);
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["statistics"].size(), 11u);
}

}  // namespace
}  // namespace ims
