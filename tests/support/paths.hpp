#pragma once
// Where the tests find things: the ims binary, the shared hexrd fixtures
// (absent on a fresh clone), Debian's python3, and a scratch directory.

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace ims::test {

std::filesystem::path ims_binary();
/// ../shared/fixtures/hexrd beside the checkout, or empty when absent.
std::filesystem::path hexrd_fixtures();
/// A fresh directory under the system temp dir, removed at process exit.
std::filesystem::path scratch_dir(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `ims` with `args` (no shell interpretation of the arguments). With
/// `interrupt_after_ms` > 0, sends `signal` (Ctrl-C's SIGINT by default)
/// that long after the start.
CommandResult run_ims(const std::vector<std::string>& args, int interrupt_after_ms = 0, int signal = SIGINT);

}  // namespace ims::test
