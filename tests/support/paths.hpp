#pragma once
// Where the tests find things: the ims binary, the shared hexrd fixtures
// (absent on a fresh clone), Debian's python3, and a scratch directory.

#include <csignal>
#include <filesystem>
#include <functional>
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

/// Runs `ims` with `args` (no shell interpretation of the arguments).
CommandResult run_ims(const std::vector<std::string>& args);

/// Runs `ims` and sends it `signal` as soon as `ready()` holds (polled every
/// few milliseconds, for at most a minute). Tests wait for a sign of progress
/// (a temporary file appears) rather than a fixed delay: under sanitizers a
/// fixed delay may end before ims has even installed its signal handlers.
CommandResult run_ims_signalled_when(const std::vector<std::string>& args, const std::function<bool()>& ready,
                                     int signal = SIGINT);

/// A readiness test for run_ims_signalled_when: `dir` holds at least one entry.
std::function<bool()> once_not_empty(const std::filesystem::path& dir);

}  // namespace ims::test
