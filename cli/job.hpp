#pragma once
// From what the command line or a YAML config says to the library's
// ims::Job, run by ims::run (include/ims/job.hpp): the job itself lives in
// the library, shared with embedding programs and the Python module.

#include "cli/options.hpp"
#include "cli/run_config.hpp"
#include "ims/job.hpp"

namespace ims::cli {

/// The library's job for `config`. `common` (the command line's --threads,
/// --memory, --report, -q) overrides the config's threads and memory when
/// given, and wires in the progress bar and Ctrl-C.
Job to_job(const RunConfig& config, const CommonOptions& common);

/// Runs `config` and prints its report as `common` asks (-v, -q).
void execute(const RunConfig& config, const CommonOptions& common);

/// The ops given as `--op` texts, named "ops[i].name" for errors.
void add_op_texts(RunConfig& job, const std::vector<std::string>& texts);

}  // namespace ims::cli
