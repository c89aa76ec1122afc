#pragma once
// Helpers of the tests that run the `ims` command: a small generated
// series, argument lists, and the check of a failed run.

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "support/paths.hpp"

namespace ims::test {

/// 12 frames of 16x8 uint16 detector-like data.
inline const std::vector<std::string> kSmallRandom = {"--format", "random",       "--opt", "frames=12",
                                                      "--opt",    "rows=16",      "--opt", "cols=8",
                                                      "--opt",    "dtype=uint16", "--opt", "mode=detector"};

inline std::vector<std::string> args(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

/// A small .npy (kSmallRandom) made by `ims convert` in a fresh directory.
inline std::filesystem::path sample(const std::string& name) {
  auto path = scratch_dir(name) / "sample.npy";
  auto r = run_ims(args({{"convert"}, kSmallRandom, {"-o", path.string(), "-q"}}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

/// The run failed with `code`, saying `says`, without crashing.
inline void expect_error(const CommandResult& r, int code, const std::string& says) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << "stderr: " << r.err;
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
}

}  // namespace ims::test
