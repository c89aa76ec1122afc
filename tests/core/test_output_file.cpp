#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "ims/error.hpp"
#include "core/output_file.hpp"
#include "core/temp_files.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicOutput, CommitReplacesTheDestination) {
  auto dir = test::scratch_dir("atomic-commit");
  auto target = dir / "out.txt";
  std::ofstream(target) << "old";
  {
    AtomicOutput out(target);
    EXPECT_NE(out.temp_path(), target);
    EXPECT_EQ(out.temp_path().parent_path(), target.parent_path());
    std::ofstream(out.temp_path()) << "new";
    EXPECT_EQ(read_all(target), "old") << "destination untouched before commit";
    out.commit();
  }
  EXPECT_EQ(read_all(target), "new");
  EXPECT_EQ(entries(dir), 1u) << "no temporary left";
}

TEST(AtomicOutput, AbandonedOutputLeavesNothingAndKeepsTheOldFile) {
  auto dir = test::scratch_dir("atomic-abort");
  auto target = dir / "out.txt";
  std::ofstream(target) << "good";
  {
    AtomicOutput out(target);
    std::ofstream(out.temp_path()) << "half-writ";
  }
  EXPECT_EQ(read_all(target), "good");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicOutput, MissingDirectoryIsNamed) {
  auto dir = test::scratch_dir("atomic-missing");
  try {
    AtomicOutput out(dir / "nope" / "x.npy");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
}

TEST(AtomicDirectory, BuildsBesideAndRenamesIntoPlace) {
  auto dir = test::scratch_dir("atomic-dir");
  auto target = dir / "frames";
  {
    AtomicDirectory out(target);
    std::ofstream(out.temp_path() / "a.bin") << "x";
    EXPECT_FALSE(fs::exists(target));
    out.commit();
  }
  EXPECT_TRUE(fs::exists(target / "a.bin"));
  {
    AtomicDirectory abandoned(dir / "other");
  }
  EXPECT_EQ(entries(dir), 1u);
  EXPECT_THROW(AtomicDirectory{target}, Error) << "non-empty destination";
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    return e.what();
  }
  return "";
}

TEST(OutputChecks, AnOutputThatIsAnInputIsRefusedThroughAnyLink) {
  auto dir = test::scratch_dir("same-file");
  auto input = dir / "a.npy";
  std::ofstream(input) << "x";
  fs::create_symlink(input, dir / "link.npy");
  fs::create_hard_link(input, dir / "hard.npy");
  const std::vector<NamedFile> inputs{{input.string(), "the source"}};
  for (const auto& out : {input, dir / "." / "a.npy", dir / "link.npy", dir / "hard.npy"}) {
    const std::string e = error_of([&] { check_outputs_apart({{out.string(), "--report"}}, inputs); });
    EXPECT_NE(e.find("--report names the source"), std::string::npos) << out << ": " << e;
  }
  EXPECT_NO_THROW(check_outputs_apart({{(dir / "b.npy").string(), "-o"}}, inputs));
  EXPECT_NO_THROW(check_outputs_apart({{"", "-o"}}, inputs)) << "no output given";
  EXPECT_NO_THROW(check_output_writable((dir / "b.npy").string()));
  EXPECT_THROW(check_output_writable((dir / "no" / "b.npy").string()), Error);
}

TEST(OutputChecks, TwoOutputsOfOneRunMustDiffer) {
  auto dir = test::scratch_dir("two-outputs");
  const auto out = (dir / "bg.npz").string();
  const std::string e = error_of([&] {
    check_outputs_apart({{out, "-o"}, {(dir / "." / "bg.npz").string(), "--report"}}, {});
  });
  EXPECT_NE(e.find("--report and -o name the same file"), std::string::npos) << e;
  std::ofstream(out) << "old";
  fs::create_symlink(out, dir / "alias.npz");
  EXPECT_THROW(check_outputs_apart({{out, "-o"}, {(dir / "alias.npz").string(), "--report"}}, {}), Error);
  EXPECT_NO_THROW(check_outputs_apart({{out, "-o"}, {(dir / "r.json").string(), "--report"}}, {}));
}

TEST(TempFiles, AnOutputNameAtTheLengthLimitStillWorks) {
  auto dir = test::scratch_dir("temp-long");
  for (std::size_t length : {249u, 255u}) {
    auto target = dir / (std::string(length - 4, 'a') + ".npy");
    {
      AtomicOutput out(target);
      EXPECT_LE(out.temp_path().filename().string().size(), 255u);
      std::ofstream(out.temp_path()) << "data";
      out.commit();
    }
    EXPECT_EQ(read_all(target), "data") << length;
  }
  // Shortened at a character boundary: 2-byte characters never split.
  std::string accented;
  for (int i = 0; i < 125; ++i) accented += "\xc3\xa9";
  const std::string name = fs::path(temp_template(dir / (accented + ".npy"))).filename().string();
  const std::size_t kept = name.find(".ims-tmp-") - 1;  // after the leading '.'
  EXPECT_EQ(kept % 2, 0u) << name;
  EXPECT_EQ(temp_file_owner(name), ::getpid());
}

TEST(TempFiles, OwnersAreReadOnlyFromImsNamesOfThisHost) {
  const std::string mine = fs::path(temp_template("out.npy")).filename().string();
  const std::string tag = mine.substr(mine.find(".ims-tmp-") + 9, 8);
  EXPECT_EQ(temp_file_owner(".out.npy.ims-tmp-" + tag + "-4242-aB3dE9"), 4242);
  EXPECT_EQ(temp_file_owner("ims-spill-" + tag + "-4242-7.h5"), 4242);
  EXPECT_EQ(temp_file_owner(spill_file_name()), ::getpid());
  const std::string other = tag == "00000000" ? "11111111" : "00000000";
  for (const std::string& name :
       {".out.npy.ims-tmp-" + other + "-4242-aB3dE9", "out.npy.ims-tmp-" + tag + "-4242-aB3dE9",
        ".out.npy.ims-tmp-" + tag + "-4242-aB3", ".out.npy.ims-tmp-" + tag + "-x-aB3dE9",
        "ims-spill-" + tag + "-4242-7.npy", "ims-spill-" + other + "-4242-7.h5", std::string("results.npz")}) {
    EXPECT_FALSE(temp_file_owner(name)) << name;
  }
}

/// A process id that was in use and is gone: a child that has exited.
long gone_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

TEST(TempFiles, AWriteRemovesWhatGoneProcessesOfThisHostLeft) {
  auto dir = test::scratch_dir("temp-stale");
  const std::string mine = fs::path(temp_template(dir / "x")).filename().string();
  const std::string tag = mine.substr(mine.find(".ims-tmp-") + 9, 8);
  const std::string other = tag == "00000000" ? "11111111" : "00000000";
  const std::string dead = std::to_string(gone_pid()), alive = std::to_string(::getppid());
  const std::vector<std::string> stale{".bg.npz.ims-tmp-" + tag + "-" + dead + "-aB3dE9",
                                       "ims-spill-" + tag + "-" + dead + "-0.h5"};
  const std::vector<std::string> kept{".bg.npz.ims-tmp-" + tag + "-" + alive + "-aB3dE9",
                                      ".bg.npz.ims-tmp-" + other + "-" + dead + "-aB3dE9", "bg.npz",
                                      ".bg.npz.ims-tmp-XXXXXX"};
  for (const auto& name : stale) std::ofstream(dir / name) << "left";
  for (const auto& name : kept) std::ofstream(dir / name) << "keep";
  fs::create_directory(dir / (".frames.ims-tmp-" + tag + "-" + dead + "-Qw12Er"));  // an AtomicDirectory's
  std::ofstream(dir / (".frames.ims-tmp-" + tag + "-" + dead + "-Qw12Er") / "f-00000.bin") << "x";
  { AtomicOutput out(dir / "new.npz"); }
  for (const auto& name : stale) EXPECT_FALSE(fs::exists(dir / name)) << name;
  EXPECT_FALSE(fs::exists(dir / (".frames.ims-tmp-" + tag + "-" + dead + "-Qw12Er")));
  for (const auto& name : kept) EXPECT_TRUE(fs::exists(dir / name)) << name;
}

}  // namespace
}  // namespace ims
