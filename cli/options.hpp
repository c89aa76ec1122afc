#pragma once
// Options shared by the commands: where the series comes from, where results
// go, and how the run may use the machine.

#include <CLI/CLI.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ims/job.hpp"
#include "cli/job_settings.hpp"
#include "cli/run_config.hpp"

namespace ims::cli {

/// Cancelled by SIGINT/SIGTERM/SIGHUP; the run stops at the next batch.
CancelToken& cancel_token();

/// A repeatable option that takes exactly one value per use. CLI11's vector
/// options otherwise take every word that follows: `--opt path=x raw.h5`
/// swallowed the source.
CLI::Option* one_value_per_use(CLI::Option* option);

/// Refuses an empty value (`-o ''`, `--frame-list ''`): a usage error, never
/// the same as not giving the option.
const CLI::Validator& non_empty();

/// --threads, --memory, --quiet, --verbose, --report: on every command.
/// --threads and --memory are job settings (job_settings.hpp), which win
/// over a YAML config's.
struct CommonOptions {
  GivenSettings settings;  ///< --threads, --memory (cli/job_settings.cpp)
  bool quiet = false;
  bool verbose = false;
  std::string report;

  void add_to(CLI::App& command);
  /// Applies --quiet/--verbose to logging.
  void init_logging() const;
  /// Prints the report (the library wrote --report) whole with -v, else one
  /// summary line (nothing with -q).
  void publish(const Report& run_report) const;
  /// Writes `json` to --report if given (for commands without a run).
  void write_report_file(const std::string& json) const;
};

/// SOURCE... [--format F] [--opt KEY=VALUE]... (several files: one series),
/// then which frames and which ops: [--frames SLICE | --frame-list I,J,...]
/// [--op NAME=VALUE]...
struct SourceOptions {
  std::vector<std::string> paths;
  std::string format;
  std::vector<std::string> options;
  std::string frames;
  std::string frame_list;
  std::vector<std::string> ops;

  void add_to(CLI::App& command);
  /// The series with its frame selection and ops, validated (nothing read yet).
  Series open() const;
  /// Copies the source, frames and ops into a job.
  void fill(RunConfig& job) const;
};

/// -o OUT [--to FORMAT] [--out-opt KEY=VALUE]...
struct OutputOptions {
  std::string path;
  std::string format;
  std::vector<std::string> options;

  void add_to(CLI::App& command, const std::string& what);
};

}  // namespace ims::cli
