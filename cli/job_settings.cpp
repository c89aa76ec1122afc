#include "cli/job_settings.hpp"

#include <charconv>
#include <cstdint>

#include "core/strings.hpp"
#include "engine/pipeline.hpp"

namespace ims::cli {

namespace {

std::string not_empty(const std::string& value) { return value.empty() ? "an empty value is not allowed" : ""; }

/// Parses a whole decimal count; empty `error` when it is one.
std::uint64_t count_of(const std::string& value, std::string& error) {
  std::uint64_t count = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
  if (ec == std::errc::result_out_of_range) {
    error = "'" + value + "' is too large a count";
  } else if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    error = "'" + value + "' is not a count (0, 1, 2, ...)";
  }
  return count;
}

std::string check_count(const std::string& value) {
  std::string error;
  count_of(value, error);
  return error;
}

std::string check_threads(const std::string& value) {
  std::string error;
  const auto threads = count_of(value, error);
  if (error.empty() && (threads < 1 || threads > 4096)) {
    error = "must be from 1 to 4096, got " + value + " (leave it out for every core)";
  }
  return error;
}

std::string check_method(const std::string& value) {
  const auto names = quantile_method_names();
  if (std::find(names.begin(), names.end(), value) != names.end()) return "";
  return unknown_name_message("quantile method", value, names);
}

std::uint64_t checked_count(const std::string& value) {
  std::string error;
  return count_of(value, error);
}

std::vector<JobSetting> make_settings() {
  return {
      {"threads", "", "N", "worker threads (default: all cores)", check_threads,
       [](RunConfig& c, const std::string& v) { c.threads = static_cast<unsigned>(checked_count(v)); }},
      {"memory", "", "SIZE", "memory budget, e.g. 512M or 8G (default: a quarter of RAM)", not_empty,
       [](RunConfig& c, const std::string& v) { c.memory = v; }},
      {"nframes", "-n", "N", "use the first N frames only (0 = all, like hexrd)", check_count,
       [](RunConfig& c, const std::string& v) { c.nframes = checked_count(v); }},
      {"dtype", "", "DTYPE",
       "output dtype of every statistic (default: hexrd's: max/min keep the input dtype, sum float64, mean "
       "float32, var/std float64, count int64, quantiles float32)",
       not_empty, [](RunConfig& c, const std::string& v) { c.dtype = v; }},
      {"method", "", "METHOD",
       "how quantiles get every value: " + join(quantile_method_names(), ", ") +
           " (auto: the planner chooses from the memory budget and the source's read costs; see `ims list`)",
       check_method, [](RunConfig& c, const std::string& v) { c.method = v; }},
      {"scratch", "", "DIR",
       "directory for the spill method's scratch file (default: $TMPDIR or /tmp); removed on success, failure "
       "and Ctrl-C",
       not_empty, [](RunConfig& c, const std::string& v) { c.scratch = v; }},
  };
}

const JobSetting& setting(std::string_view key) {
  for (const auto& s : job_settings()) {
    if (s.key == key) return s;
  }
  throw Error(ErrorKind::internal, "no job setting '" + std::string(key) + "'");
}

}  // namespace

const std::vector<JobSetting>& job_settings() {
  static const std::vector<JobSetting> settings = make_settings();
  return settings;
}

void GivenSettings::add_to(CLI::App& command, const std::vector<std::string_view>& keys) {
  for (const auto key : keys) {
    const JobSetting& s = setting(key);
    const std::string flags = s.short_flag.empty() ? "--" + s.key : s.short_flag + ",--" + s.key;
    command
        .add_option_function<std::string>(
            flags, [this, key = s.key](const std::string& value) { values_[key] = value; }, s.doc)
        ->type_name(s.type_name)
        ->check(CLI::Validator([check = s.check](std::string& value) { return check(value); }, ""));
  }
}

void GivenSettings::apply(RunConfig& config) const {
  for (const auto& [key, value] : values_) setting(key).assign(config, value);
}

}  // namespace ims::cli
