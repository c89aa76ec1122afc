// A memory-mapped input that shrinks under a run: the process ends with exit
// code 1 and one line naming the file, and leaves no partial output.

#include <gtest/gtest.h>

#include <fstream>

#include "core/output_file.hpp"
#include "formats/posix_file.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

TEST(MappedFileDeathTest, ASigbusNamesTheFileThatShrankAndRemovesPendingOutputs) {
  const auto dir = test::scratch_dir("sigbus");
  const auto input = dir / "run7.npy", output = dir / "out.npy";
  std::ofstream(input, std::ios::binary) << std::string(1 << 20, 'x');
  EXPECT_EXIT(
      {
        exit_cleanly_on_sigbus();
        AtomicOutput pending(output);
        PosixFile file = PosixFile::open_read(input.string(), "npy");
        MappedFile map(file, "npy");
        fs::resize_file(input, 0);
        volatile std::byte touched = map.data()[map.size() / 2];  // past the new end: SIGBUS
        (void)touched;
      },
      testing::ExitedWithCode(1), "^ims: error: npy: " + input.string() + ": the file shrank while it was read");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1) << "only the input: no temporary output left";
}

}  // namespace
}  // namespace ims
