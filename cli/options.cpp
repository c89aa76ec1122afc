#include "cli/options.hpp"

#include <iostream>

#include "cli/job.hpp"
#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"

namespace ims::cli {

CancelToken& cancel_token() {
  static CancelToken token;
  return token;
}

CLI::Option* one_value_per_use(CLI::Option* option) {
  return option->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

const CLI::Validator& non_empty() {
  static const CLI::Validator validator(
      [](std::string& value) { return value.empty() ? std::string("an empty value is not allowed") : std::string(); },
      "NON-EMPTY");
  return validator;
}

void CommonOptions::add_to(CLI::App& command) {
  settings.add_to(command, {"threads", "memory"});
  command.add_flag("-q,--quiet", quiet, "no progress bar and no summary; errors only");
  command.add_flag("-v,--verbose", verbose, "the full run report and debug messages (the plan, ...)");
  command.add_option("--report", report, "write the run report as JSON to FILE")->check(non_empty());
}

void CommonOptions::init_logging() const {
  ims::init_logging(quiet ? Verbosity::quiet : verbose ? Verbosity::verbose : Verbosity::normal);
}

void CommonOptions::publish(const Report& run_report) const {
  if (verbose) {
    std::cerr << run_report.text;
  } else if (!quiet) {
    std::cerr << "ims: " << run_report.summary << "\n";
  }
}

void CommonOptions::write_report_file(const std::string& json) const {
  if (!report.empty()) write_text_atomically(report, json);
}

void SourceOptions::add_to(CLI::App& command) {
  command.add_option("SOURCE", paths,
                     "the series: a file (several files: one series, in the order given), or a directory "
                     "for some formats; not needed for generated formats such as random");
  command.add_option("-f,--format", format, "source format (default: from the extension; see `ims list`)")
      ->check(non_empty());
  one_value_per_use(command.add_option("--opt", options, "source option KEY=VALUE (repeatable; see `ims list`)"))
      ->type_name("KEY=VALUE");
  command.add_option("--frames", frames, "use these frames of the source, a python slice (0:100, ::2, -50:)")
      ->type_name("SLICE")
      ->check(non_empty());
  command
      .add_option("--frame-list", frame_list,
                  "use these frames of the source, in this order (repeats allowed), e.g. 36,0,5")
      ->type_name("I,J,...")
      ->check(non_empty());
  one_value_per_use(command.add_option("--op", ops,
                                       "a frame op, applied in the order given (repeatable): flip=r90, "
                                       "rectangle=0:512,0:256, dark=dark.npy, dark=median;frames=0:100 ... (see "
                                       "`ims list ops`)"))
      ->type_name("NAME[=VALUE][;KEY=VALUE]");
}

Series SourceOptions::open() const {
  RunConfig config;
  fill(config);
  return job_series(to_job(config, {}));
}

void SourceOptions::fill(RunConfig& job) const {
  job.paths = paths;
  job.format = format;
  job.options = options;
  job.frames = frames;
  job.frame_list = frame_list;
  add_op_texts(job, ops);
}

void OutputOptions::add_to(CLI::App& command, const std::string& what) {
  command.add_option("-o,--output", path, what)->required()->check(non_empty());
  command.add_option("--to", format, "output format (default: from the output's extension)")->check(non_empty());
  one_value_per_use(command.add_option("--out-opt", options, "output option KEY=VALUE (repeatable; see `ims list`)"))
      ->type_name("KEY=VALUE");
}

}  // namespace ims::cli
