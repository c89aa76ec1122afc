#pragma once
// Memory, CPU and time facts of the process and machine, for the plan and report.

#include <chrono>
#include <cstdint>

namespace ims {

std::uint64_t physical_memory_bytes();
/// The default --memory: a quarter of physical RAM.
std::uint64_t default_memory_budget();
/// Peak resident set size of this process so far (what `time -v` reports).
std::uint64_t peak_rss_bytes();
/// User + system CPU seconds used by this process so far.
double process_cpu_seconds();
/// Worker threads when --threads is not given (respects affinity/cgroups).
unsigned default_thread_count();

/// Wall seconds since `start` (the report's stage times).
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace ims
