#pragma once
/// ims::Job: one run as the `ims` command and YAML pipelines describe it (a
/// source, its frames and ops, statistics written to a file and/or the
/// processed series written, in one pass), and ims::run, which does it. The
/// command line, `ims run CONFIG.yaml` and the Python module all end here.
///
/// Everything is checked before the first frame is read: formats, options,
/// ops and their images, statistics, and outputs. An output (statistics,
/// series, report) that names a file the job reads, or another output, is
/// refused. Outputs appear whole or not at all.
///
/// Threading contract: run() may be called concurrently for different jobs.

#include <string>
#include <vector>

#include "ims/results.hpp"
#include "ims/series.hpp"
#include "ims/settings.hpp"

namespace ims {

/// A file a job writes: its path, its format (empty: from the extension)
/// and the format's write options.
struct JobOutput {
  std::string path;
  std::string format;
  Options options;
};

struct Job {
  // The source: files (several: one series) or a generated format.
  std::vector<std::string> paths;
  std::string format;
  Options options;
  std::string frames;      ///< a python slice of the source's frames ("0:100"); empty: all
  std::string frame_list;  ///< "36,0,5" (any order, repeats); not with `frames`
  std::vector<Op> ops;
  /// How errors name each op ("ops[2].flip", a YAML path); default "ops[i].NAME".
  std::vector<std::string> op_names;

  // What to compute and write.
  std::vector<std::string> statistics;
  std::string dtype;   ///< of every statistic; empty: hexrd's defaults
  JobOutput output;    ///< the statistics (path empty: none)
  JobOutput write;     ///< the processed series (path empty: none)
  std::string report;  ///< the run report as JSON (path empty: none)
  Settings settings;

  /// The YAML file the job was read from. Errors then name it and the YAML
  /// path of the part at fault ("stats[1]: c.yaml: unknown statistic ..."),
  /// else the command-line option ("--stat: unknown statistic ...").
  std::string config_file;
};

/// Runs `job` and returns its report (also written to job.report). Throws
/// ims::Error with the messages the command prints.
Report run(const Job& job);

/// The job's source with its frame selection and ops, validated; nothing
/// read yet (what `ims info` describes).
Series job_series(const Job& job);

}  // namespace ims
