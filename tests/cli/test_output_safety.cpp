// The `ims` command never writes over what a run reads, nor one output over
// another, and what a killed run leaves behind is recognisable and removed
// by the next run that writes into the same directory.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

#include "support/cli.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;
using test::args;
using test::expect_error;
using test::kSmallRandom;
using test::run_ims;
using test::sample;

std::string bytes_of(const fs::path& p) {
  if (!fs::is_regular_file(p)) return "(not a file)";  // reading a FIFO would wait for a writer
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// A directory with a series and the files ops and configs name: src.npy,
/// d.npy (a dark), bg.npz (max, mean), m.h5 (/max), run.bin + run.json.
struct Inputs {
  fs::path dir;
  fs::path at(const std::string& name) const { return dir / name; }
};

Inputs make_inputs(const std::string& name) {
  Inputs in{sample(name).parent_path()};
  fs::rename(in.at("sample.npy"), in.at("src.npy"));
  const std::string src = in.at("src.npy").string();
  for (const auto& a :
       std::vector<std::vector<std::string>>{{"convert", src, "--frames", "0:1", "-o", in.at("d.npy").string()},
                                             {"stats", src, "--stat", "max,mean", "-o", in.at("bg.npz").string()},
                                             {"stats", src, "--stat", "max", "-o", in.at("m.h5").string()},
                                             {"convert", src, "-o", in.at("run.bin").string()}}) {
    auto copy = a;
    copy.push_back("-q");
    EXPECT_EQ(run_ims(copy).exit_code, 0) << a[0];
  }
  return in;
}

/// Runs `a`, expects exit 2 saying `says`, and every file of the directory
/// as it was: nothing replaced, nothing left behind.
void expect_refused(const Inputs& in, const std::vector<std::string>& a, const std::string& says) {
  std::map<std::string, std::string> before;
  for (const auto& name : names_in(in.dir)) before[name] = bytes_of(in.at(name));
  expect_error(run_ims(a), 2, says);
  std::map<std::string, std::string> after;
  for (const auto& name : names_in(in.dir)) after[name] = bytes_of(in.at(name));
  EXPECT_TRUE(before == after) << "files changed or added by: " << testing::PrintToString(a);
}

TEST(OutputSafety, AnOutputNamingAnOpImageIsRefused) {
  const Inputs in = make_inputs("safety-op-images");
  const std::string src = in.at("src.npy").string();
  expect_refused(in, {"process", src, "--op", "dark=" + in.at("d.npy").string(), "-o", in.at("d.npy").string()},
                 "-o names the image of op dark=");
  expect_refused(in,
                 {"stats", src, "--op", "dark=" + in.at("bg.npz").string() + ":max", "--stat", "max", "-o",
                  in.at("bg.npz").string()},
                 "-o names the image of op dark=");
  expect_refused(
      in,
      {"stats", src, "--op", "mask=" + in.at("m.h5").string() + ":/max", "--stat", "max", "-o", in.at("m.h5").string()},
      "-o names the image of op mask=");
  // A statistic computed first reads the source, which stays an input.
  expect_refused(in, {"process", src, "--op", "dark=median;frames=0:4", "-o", src}, "-o names the source");
}

TEST(OutputSafety, AReportNamingAnInputOrAnOutputIsRefused) {
  const Inputs in = make_inputs("safety-report");
  const std::string src = in.at("src.npy").string(), out = in.at("out.npz").string();
  expect_refused(in, {"stats", src, "--stat", "max", "-o", out, "--report", src}, "--report names the source");
  expect_refused(in,
                 {"stats", src, "--op", "dark=" + in.at("d.npy").string(), "--stat", "max", "-o", out, "--report",
                  in.at("d.npy").string()},
                 "--report names the image of op dark=");
  expect_refused(in, {"stats", src, "--stat", "max", "-o", out, "--report", out}, "--report and -o name the same file");
  expect_refused(in, {"stats", src, "--stat", "max", "-o", out, "--report", (in.dir / "." / "out.npz").string()},
                 "--report and -o name the same file");
  expect_refused(in, {"info", src, "--report", src}, "--report names the source");
  expect_refused(in, {"convert", src, "-o", in.at("copy.bin").string(), "--report", in.at("copy.json").string()},
                 "name the same file");  // the sidecar of copy.bin
}

TEST(OutputSafety, InputsAreKnownThroughLinksAndSidecars) {
  const Inputs in = make_inputs("safety-links");
  fs::create_symlink(in.at("src.npy"), in.at("alias.npy"));
  fs::create_hard_link(in.at("src.npy"), in.at("hard.npy"));
  const std::string alias = in.at("alias.npy").string();
  expect_refused(in, {"convert", alias, "-o", in.at("src.npy").string()}, "-o names the source");
  expect_refused(in, {"convert", alias, "-o", in.at("hard.npy").string()}, "-o names the source");
  expect_refused(
      in, {"stats", alias, "--stat", "max", "-o", in.at("out.npz").string(), "--report", in.at("hard.npy").string()},
      "--report names the source");
  // A binary series reads its sidecar too.
  expect_refused(in,
                 {"stats", in.at("run.bin").string(), "--stat", "max", "-o", in.at("run.json").string(), "--to", "npz"},
                 "-o names the source");
}

TEST(OutputSafety, AConfigAndTheFilesItNamesAreInputs) {
  const Inputs in = make_inputs("safety-config");
  const auto config = in.at("job.yaml");
  std::ofstream(config) << "source: {path: " << in.at("src.npy").string() << "}\n"
                        << "ops: [{dark: " << in.at("d.npy").string() << "}]\n"
                        << "stats: [max]\n"
                        << "output: {path: " << in.at("out.npz").string() << "}\n";
  expect_refused(in, {"run", config.string(), "--set", "output.path=" + config.string(), "--set", "output.format=npz"},
                 "output.path names the config");
  expect_refused(
      in, {"run", config.string(), "--set", "output.path=" + in.at("d.npy").string(), "--set", "output.format=npz"},
      "output.path names the image of op dark=");
  expect_refused(in, {"run", config.string(), "--set", "write.path=" + in.at("src.npy").string()},
                 "write.path names the source");
  expect_refused(in, {"run", config.string(), "--report", config.string()}, "--report names the config");
  auto ok = run_ims({"run", config.string(), "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(OutputSafety, AnOutputNameWithNoRoomForTheTempSuffixWorks) {
  auto src = sample("safety-long-name");
  const auto out = src.parent_path() / (std::string(245, 'n') + ".npy");  // 249 characters
  auto r = run_ims({"convert", src.string(), "-o", out.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::file_size(out), fs::file_size(src));
}

/// The names in `dir` that are ims's temporaries.
std::vector<std::string> temporaries_in(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& name : names_in(dir)) {
    if (name.find(".ims-tmp-") != std::string::npos || name.rfind("ims-spill-", 0) == 0) found.push_back(name);
  }
  return found;
}

TEST(OutputSafety, WhatSigkillLeavesIsRemovedByTheNextRunWritingThere) {
  auto dir = test::scratch_dir("safety-sigkill");
  const std::vector<std::string> big = {"--format", "random",    "--opt", "mode=detector", "--opt", "frames=2000",
                                        "--opt",    "rows=2048", "--opt", "cols=2048",     "--opt", "dtype=uint16"};
  auto killed = test::run_ims_signalled_when(args({{"convert"}, big, {"-o", (dir / "big.npy").string(), "-q"}}),
                                             test::once_not_empty(dir), SIGKILL);
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  const auto left = temporaries_in(dir);
  ASSERT_EQ(left.size(), 1u) << testing::PrintToString(names_in(dir));
  EXPECT_EQ(left[0].rfind(".big.npy.ims-tmp-", 0), 0u) << left[0];

  auto next = run_ims(args({{"convert"}, kSmallRandom, {"-o", (dir / "small.npy").string()}}));
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("removed " + (dir / left[0]).string()), std::string::npos) << next.err;
  EXPECT_TRUE(temporaries_in(dir).empty()) << testing::PrintToString(names_in(dir));
  EXPECT_FALSE(fs::exists(dir / "big.npy"));
}

TEST(OutputSafety, ASpillFileOfAKilledRunIsRemovedByTheNextSpill) {
  auto dir = test::scratch_dir("safety-spill");
  auto scratch = dir / "scratch";
  fs::create_directory(scratch);
  const std::vector<std::string> big = {"--format", "random",    "--opt", "mode=detector", "--opt", "frames=400",
                                        "--opt",    "rows=1024", "--opt", "cols=1024",     "--opt", "dtype=uint16"};
  auto killed = test::run_ims_signalled_when(args({{"stats"},
                                                   big,
                                                   {"--stat", "median", "--method", "spill", "--scratch",
                                                    scratch.string(), "-o", (dir / "m.npz").string(), "-q"}}),
                                             test::once_not_empty(scratch), SIGKILL);
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  ASSERT_FALSE(temporaries_in(scratch).empty()) << "the spill file of the killed run";

  auto next = run_ims(
      args({{"stats"},
            kSmallRandom,
            {"--stat", "median", "--method", "spill", "--scratch", scratch.string(), "-o", (dir / "m.npz").string()}}));
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("removed " + scratch.string()), std::string::npos) << next.err;
  EXPECT_TRUE(fs::is_empty(scratch)) << testing::PrintToString(names_in(scratch));
}

TEST(OutputSafety, AFifoOrDeviceIsNeverReplacedByAnOutput) {
  const Inputs in = make_inputs("safety-fifo");
  const auto fifo = in.at("p.npy");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string src = in.at("src.npy").string();
  expect_refused(in, {"convert", src, "-o", fifo.string()}, "is a device, FIFO or socket, not a file");
  expect_refused(in, {"stats", src, "--stat", "max", "-o", in.at("o.npz").string(), "--report", fifo.string()},
                 "is a device, FIFO or socket");
  EXPECT_TRUE(fs::is_fifo(fifo)) << "still a FIFO";
  // The same for /dev/null where the test may look at it without harm.
  auto r = run_ims({"stats", src, "--stat", "max", "-o", "/dev/null", "--to", "npz"});
  expect_error(r, 2, "/dev/null: is a device, FIFO or socket, not a file");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(OutputSafety, ABinaryPrefixCannotWriteOutsideItsDirectory) {
  const Inputs in = make_inputs("safety-prefix");
  ASSERT_EQ(
      run_ims({"convert", in.at("src.npy").string(), "-o", in.at("frames").string(), "--to", "binary", "-q"}).exit_code,
      0);
  const std::string frames = in.at("frames").string();
  for (const std::string prefix : {"../frames/image", "../escaped", "sub/x", "/tmp/x", ".."}) {
    expect_refused(in,
                   {"convert", frames, "--op", "flip=v", "-o", in.at("out").string(), "--to", "binary", "--out-opt",
                    "prefix=" + prefix},
                   "option 'prefix' is a file name inside the output directory");
  }
}

TEST(OutputSafety, AReportThatCannotBeWrittenFailsBeforeTheRun) {
  const Inputs in = make_inputs("safety-report-dir");
  fs::create_directory(in.at("rep"));
  std::ofstream(in.at("notadir")) << "x";
  const std::string src = in.at("src.npy").string(), out = in.at("out.npz").string();
  expect_refused(in, {"stats", src, "--stat", "max", "-o", out, "--report", in.at("rep").string()}, "is a directory");
  expect_refused(in, {"stats", src, "--stat", "max", "-o", out, "--report", in.at("notadir").string() + "/r.json"},
                 "notadir is not a directory");
  expect_refused(
      in, {"stats", src, "--stat", "median", "--method", "spill", "--scratch", in.at("notadir").string(), "-o", out},
      "notadir is not a directory");
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputSafety, SighupStopsCleanlyLikeCtrlC) {
  auto dir = test::scratch_dir("safety-sighup");
  auto r = test::run_ims_signalled_when({"convert", "--format", "random", "--opt", "mode=detector", "--opt",
                                         "frames=1000", "--opt", "rows=2048", "--opt", "cols=2048", "--opt",
                                         "dtype=uint32", "-o", (dir / "big.npy").string(), "-q"},
                                        test::once_not_empty(dir), SIGHUP);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_TRUE(fs::is_empty(dir)) << testing::PrintToString(names_in(dir));
}

/// Runs ims with a file size limit of `kib` KiB (ulimit -f): writes past it
/// fail (EFBIG) as on a full disk.
test::CommandResult run_ims_with_file_limit(const std::vector<std::string>& a, int kib, const fs::path& dir) {
  std::string line = "ulimit -f " + std::to_string(kib) + "; exec " + test::ims_binary().string();
  for (const auto& arg : a) line += " '" + arg + "'";
  line += " 2>" + (dir / "stderr.txt").string();
  test::CommandResult r;
  const int status = std::system(("sh -c \"" + line + "\"").c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream err(dir / "stderr.txt");
  r.err.assign(std::istreambuf_iterator<char>(err), {});
  fs::remove(dir / "stderr.txt");
  return r;
}

TEST(OutputSafety, AWriteThatFailsMidwayNamesTheOutputNotItsTemporary) {
  auto dir = test::scratch_dir("safety-full");
  const std::vector<std::string> series = {"--format", "random", "--opt",    "frames=10", "--opt",
                                           "rows=128", "--opt",  "cols=128", "-q"};
  for (const auto& [out, says] : std::vector<std::pair<std::string, std::string>>{
           {"s.h5", "hdf5: " + (dir / "s.h5").string() + ": cannot flush the file (File too large)"},
           {"f.npy", "npy: frame 0 of " + (dir / "f.npy").string() + ": write failed (File too large)"},
           {"b.bin", "binary: frame 0 of " + (dir / "b.bin").string() + ": write failed (File too large)"}}) {
    auto a = args({{out == "s.h5" ? "stats" : "convert"}, series, {"-o", (dir / out).string()}});
    if (out == "s.h5") a.insert(a.begin() + 1, {"--stat", "max,min,mean,std"});
    auto r = run_ims_with_file_limit(a, 4, dir);
    EXPECT_EQ(r.exit_code, 1) << out << ": " << r.err;  // not a crash at exit (HDF5 after a failed close)
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(".ims-tmp-"), std::string::npos) << "names the output: " << r.err;
    EXPECT_TRUE(fs::is_empty(dir)) << testing::PrintToString(names_in(dir));
  }
}

}  // namespace
}  // namespace ims
