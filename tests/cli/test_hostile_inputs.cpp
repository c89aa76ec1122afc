// Hostile and corrupt inputs through the `ims` command: exit 1 and one line
// naming the file and what is wrong; never a signal, a hang, an output, or a
// damaged input used as if it were good.

#include <gtest/gtest.h>

#include <algorithm>

#include "support/cli.hpp"
#include "support/npy_make.hpp"
#include "support/zip_make.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::run_ims;
using test::sample;

/// One line on stderr, with no "internal error" in it.
void expect_one_line(const test::CommandResult& r) {
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

TEST(HostileInputs, NpyShapesThatOverflowExitOneOnEveryCommand) {
  auto dir = test::scratch_dir("hostile-npy");
  const auto out = (dir / "out.npy").string();
  for (const std::string shape : {"(1, 4294967296, 2147483648)", "(4294967296, 4294967296, 4294967296)",
                                  "(4611686018427387904, 2, 2)"}) {
    const auto path = (dir / "hostile.npy").string();
    test::write_raw_npy(path, "{'descr': '<u2', 'fortran_order': False, 'shape': " + shape + ", }", "\0\0\0\0", 4);
    const std::string says = "npy: " + path + ": shape " + shape + " overflows";
    for (const auto& a : std::vector<std::vector<std::string>>{
             {"info", path},
             {"stats", path, "--stat", "max", "-o", (dir / "m.npz").string()},
             {"stats", path, "--stat", "median", "-o", (dir / "m.npz").string()},
             {"convert", path, "-o", out}}) {
      auto r = run_ims(a);
      expect_error(r, 1, says);
      expect_one_line(r);
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(dir / "m.npz"));
  }
}

TEST(HostileInputs, ADarkFromACorruptNpzMemberIsRefused) {
  auto src = sample("hostile-npz");
  const auto dir = src.parent_path();
  const auto npz = (dir / "bg.npz").string();
  ASSERT_EQ(run_ims({"stats", src.string(), "--stat", "max,min", "-o", npz, "-q"}).exit_code, 0);
  test::corrupt_stored_member(npz, "min.npy", 64 + 11);
  auto r = run_ims({"stats", src.string(), "--op", "dark=" + npz + ":min", "--stat", "max", "-o",
                    (dir / "out.npz").string()});
  expect_error(r, 1, "ops[0].dark: image " + npz + ":min: member min.npy is corrupt: its CRC-32 is");
  expect_one_line(r);
  EXPECT_FALSE(fs::exists(dir / "out.npz"));
  // The other member is intact and still usable.
  EXPECT_EQ(run_ims({"stats", src.string(), "--op", "dark=" + npz + ":max", "--stat", "max", "-o",
                     (dir / "out.npz").string(), "-q"})
                .exit_code,
            0);
}

TEST(HostileInputs, AnOpImageErrorNamesTheOpAndTheImage) {
  auto src = sample("hostile-op-image");
  const auto dir = src.parent_path();
  const auto out = (dir / "out.npz").string();
  const auto missing = (dir / "missing.npy").string();
  auto r = run_ims({"stats", src.string(), "--op", "flip=v", "--op", "dark=" + missing, "--stat", "max", "-o", out});
  expect_error(r, 1, "ops[1].dark: image " + missing + ": no such file");
  expect_one_line(r);
  const auto hostile = (dir / "hostile.npy").string();
  test::write_raw_npy(hostile, "{'descr': '<u2', 'fortran_order': False, 'shape': (4294967296, 4294967296), }");
  r = run_ims({"stats", src.string(), "--op", "mask=" + hostile, "--stat", "max", "-o", out});
  expect_error(r, 1, "ops[0].mask: image " + hostile + ": shape (4294967296, 4294967296) overflows");
  const auto h5 = (dir / "m.h5").string();
  ASSERT_EQ(run_ims({"stats", src.string(), "--stat", "max", "-o", h5, "-q"}).exit_code, 0);
  r = run_ims({"stats", src.string(), "--op", "scale=" + h5 + ":/nope", "--stat", "max", "-o", out});
  expect_error(r, 1, "ops[0].scale: image " + h5 + ":/nope: no dataset /nope; the file holds /max");
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace ims
