// Hostile and corrupt inputs through the `ims` command: exit 1 and one line
// naming the file and what is wrong; never a signal, a hang, an output, or a
// damaged input used as if it were good.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

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
  for (const std::string shape :
       {"(1, 4294967296, 2147483648)", "(4294967296, 4294967296, 4294967296)", "(4611686018427387904, 2, 2)"}) {
    const auto path = (dir / "hostile.npy").string();
    test::write_raw_npy(path, "{'descr': '<u2', 'fortran_order': False, 'shape': " + shape + ", }", "\0\0\0\0", 4);
    const std::string says = "npy: " + path + ": shape " + shape + " overflows";
    for (const auto& a :
         std::vector<std::vector<std::string>>{{"info", path},
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
  auto r = run_ims(
      {"stats", src.string(), "--op", "dark=" + npz + ":min", "--stat", "max", "-o", (dir / "out.npz").string()});
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

TEST(HostileInputs, AFifoIsRefusedWhereverAFileIsRead) {
  auto src = sample("hostile-fifo");
  const auto dir = src.parent_path();
  const auto fifo = dir / "pipe.npy";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string f = fifo.string(), out = (dir / "o.npz").string();
  for (const auto& [a, says] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"info", f, "--format", "npy"}, "npy: " + f + ": is a FIFO, device or socket, not a file"},
           {{"info", f, "--format", "hdf5"}, "hdf5: " + f + ": is a FIFO"},
           {{"info", f, "--format", "binary", "--opt", "shape=4x4", "--opt", "dtype=uint8"},
            "binary: " + f + ": is a FIFO"},
           {{"stats", src.string(), "--op", "dark=" + f, "--stat", "max", "-o", out},
            "ops[0].dark: image " + f + ": is a FIFO"},
           {{"run", f}, f + ": is a FIFO"}}) {
    auto r = run_ims(a);  // would wait forever for a writer if ims opened it
    expect_error(r, 2, says);
    expect_one_line(r);
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(HostileInputs, OptionsAndSidecarsThatDoNotAddUpAreRefused) {
  auto src = sample("hostile-options");
  const auto dir = src.parent_path();
  const std::string out = (dir / "o.npz").string();
  // A generated series reads no file; a source given with it was ignored.
  expect_error(run_ims({"stats", src.string(), "--format", "random", "--stat", "max", "-o", out}), 2,
               "format 'random' generates its frames and reads no file; remove '" + src.string() + "'");
  expect_error(run_ims({"info", "--format", "random", "--opt", "spots=-1"}), 2,
               "option 'spots' must be from 0 to 100000");
  expect_error(run_ims({"info", "--format", "random", "--opt", "spots=99999999999"}), 2, "must be from 0 to 100000");
  // frames= chooses the frames of a statistic; on an image file it meant nothing.
  const auto dark = (dir / "d.npy").string();
  ASSERT_EQ(run_ims({"convert", src.string(), "--frames", "0:1", "-o", dark, "-q"}).exit_code, 0);
  expect_error(run_ims({"stats", src.string(), "--op", "dark=" + dark + ";frames=0:2", "--stat", "max", "-o", out}), 2,
               "ops[0].dark: frames= picks the frames a statistic is computed over");
  expect_error(run_ims({"convert", src.string(), "-o", (dir / "o.h5").string(), "--out-opt", "chunk_rows=-1"}), 2,
               "option 'chunk_rows' must be 0 (a chunk per frame) or more");
  expect_error(run_ims({"convert", src.string(), "-o", (dir / "o.h5").string(), "--out-opt", "dataname=a/b"}), 2,
               "option 'dataname' is the dataset's name in the group 'path', without '/'");
  // Binary sidecars: whole dims, and a frame count that matches the file.
  const auto bin = dir / "run.bin";
  std::ofstream(bin, std::ios::binary) << std::string(5 * 6 * 7 * 2, '\0');
  for (const auto& [sidecar, says] : std::vector<std::pair<std::string, std::string>>{
           {R"({"dims": [6.5, 7], "dtype": "uint16"})",
            "'dims' must be [rows, cols] of 2-D frames, two positive integers"},
           {R"({"dims": [6, 7], "dtype": "uint16", "nframes": 7})",
            "the sidecar says 7 frames ('nframes'), the file holds 5"},
           {R"({"dims": [6, 7], "dtype": "uint16", "nframes": -1})", "'nframes' must be a count of frames (got -1)"}}) {
    std::ofstream(dir / "run.json") << sidecar;
    expect_error(run_ims({"info", bin.string()}), 1, "binary: " + (dir / "run.json").string() + ": ");
    expect_error(run_ims({"info", bin.string()}), 1, says);
  }
  std::ofstream(dir / "run.json") << R"({"dims": [6, 7], "dtype": "uint16", "nframes": 5})";
  EXPECT_EQ(run_ims({"info", bin.string()}).exit_code, 0);
  EXPECT_FALSE(fs::exists(out));
}

TEST(HostileInputs, MessagesNameTheFormatAndFileTheSameWay) {
  auto dir = test::scratch_dir("hostile-prefix");
  const auto empty = (dir / "empty.npy").string();
  test::write_raw_npy(empty, "{'descr': '<u2', 'fortran_order': False, 'shape': (0, 6, 7), }");
  expect_error(run_ims({"stats", empty, "--stat", "max", "-o", (dir / "o.npz").string()}), 1,
               "ims: error: npy: " + empty + ": the series has no frames");
  // A NUL in a header does not cut the message short.
  const auto nul = (dir / "nul.npy").string();
  test::write_raw_npy(nul, std::string("{'descr': '<u2\0', 'fortran_order': False, 'shape': (1, 2, 2), }", 63));
  expect_error(run_ims({"info", nul}), 1, "unsupported dtype '<u2\\0' (ims reads");
}

}  // namespace
}  // namespace ims
