#pragma once
// Options shared by the commands: where the series comes from, where results
// go, and how the run may use the machine.

#include <CLI/CLI.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/image_series.hpp"
#include "engine/pipeline.hpp"
#include "engine/progress.hpp"
#include "engine/report.hpp"
#include "cli/run_config.hpp"

namespace ims::cli {

/// Set by SIGINT/SIGTERM; the engine stops at the next batch.
std::atomic<bool>& cancel_flag();

/// A repeatable option that takes exactly one value per use. CLI11's vector
/// options otherwise take every word that follows: `--opt path=x raw.h5`
/// swallowed the source.
CLI::Option* one_value_per_use(CLI::Option* option);

/// Refuses an empty value (`-o ''`, `--frame-list ''`): a usage error, never
/// the same as not giving the option.
const CLI::Validator& non_empty();

/// A count that must not be negative (`--nframes -5` is a usage error, not
/// 2^64 - 5).
const CLI::Validator& non_negative_count();

/// --threads, --memory, --quiet, --verbose, --report: on every command.
struct CommonOptions {
  unsigned threads = 0;
  std::string memory;
  bool quiet = false;
  bool verbose = false;
  std::string report;

  void add_to(CLI::App& command);
  /// Applies --quiet/--verbose to logging.
  void init_logging() const;
  /// RunOptions with the budget parsed, progress and Ctrl-C wired in.
  RunOptions run_options(std::shared_ptr<ProgressSink> progress) const;
  /// Writes the report to --report, then prints it whole with -v, else one
  /// summary line (nothing with -q).
  void publish(const RunReport& run_report) const;
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
  /// The series with its frame selection and ops, validated (nothing read
  /// yet); `run` gives the threads and memory of statistics ops compute.
  std::shared_ptr<const ImageSeries> open(const RunOptions& run = {}) const;
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
