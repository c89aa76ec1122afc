#pragma once
// The run settings of a job (threads, memory, nframes, dtype, method,
// scratch), declared once: the same table makes the command line's options
// (--threads, -n/--nframes, ...) and the YAML config's keys, with one check
// and one message per value, whichever way it is given.

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/run_config.hpp"

namespace ims::cli {

struct JobSetting {
  std::string key;         ///< the YAML key; `--KEY` on the command line
  std::string short_flag;  ///< "-n", or empty
  std::string type_name;   ///< how --help names the value: "N", "SIZE", "DIR"
  std::string doc;
  /// Empty when `value` is acceptable, else why not ("'-5' is not a count").
  std::function<std::string(const std::string& value)> check;
  /// Stores a checked value into the config.
  std::function<void(RunConfig& config, const std::string& value)> assign;
};

/// Every setting, in --help order.
const std::vector<JobSetting>& job_settings();

/// Settings given on a command line, applied over a config (a YAML file's,
/// or the defaults) once the command line is parsed.
class GivenSettings {
 public:
  /// Adds the options of the settings named `keys` to `command`. The object
  /// must outlive the parse (commands keep it in their shared options).
  void add_to(CLI::App& command, const std::vector<std::string_view>& keys);
  /// Each setting given overrides `config`'s.
  void apply(RunConfig& config) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace ims::cli
