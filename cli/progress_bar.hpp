#pragma once
// The terminal's progress: a bar on stderr (frames done, MB/s, ETA) when
// stderr is a terminal, erased when each pass ends; otherwise a line every
// 5 seconds (a short run prints none). Driven by the public API's progress
// callback, as any embedding program's would be.

#include <functional>
#include <memory>

#include "ims/settings.hpp"

namespace ims::cli {

/// The callback for Settings::on_progress; nothing when `quiet`.
std::function<void(const Progress&)> stderr_progress(bool quiet);

/// Erases a bar left on the terminal by a run that failed, before its error
/// is printed.
void clear_progress_line();

}  // namespace ims::cli
