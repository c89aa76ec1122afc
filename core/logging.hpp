#pragma once
// Logging goes through spdlog to stderr; stdout stays for command output.

#include <spdlog/spdlog.h>

namespace ims {

/// quiet: errors only; normal: warnings (info and debug messages are for
/// verbose, as the full run report is).
enum class Verbosity { quiet, normal, verbose };

/// Installs the "ims" stderr logger as spdlog's default. Safe to call again.
void init_logging(Verbosity verbosity);

}  // namespace ims
