#include "cli/job.hpp"

#include "cli/progress_bar.hpp"
#include "ims/error.hpp"

namespace ims::cli {

namespace {

/// KEY=VALUE items as the library's Options (the value may hold '=').
Options to_options(const std::vector<std::string>& items) {
  Options options;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    options.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
  }
  return options;
}

JobOutput to_output(const FileSpec& spec) { return {spec.path, spec.format, to_options(spec.options)}; }

}  // namespace

Job to_job(const RunConfig& given, const CommonOptions& common) {
  RunConfig config = given;
  common.settings.apply(config);  // the command line's --threads and --memory win
  Job job;
  job.paths = config.paths;
  job.format = config.format;
  job.options = to_options(config.options);
  job.frames = config.frames;
  job.frame_list = config.frame_list;
  for (const auto& op : config.ops) job.ops.emplace_back(op.name, to_options(op.key_values));
  job.op_names = config.op_names;
  job.statistics = config.stats;
  job.dtype = config.dtype;
  job.output = to_output(config.output);
  job.write = to_output(config.write);
  job.report = common.report;
  job.settings.threads = config.threads;
  job.settings.memory = config.memory;
  job.settings.quantile_method = config.method;
  job.settings.scratch_dir = config.scratch;
  job.settings.nframes = config.nframes;
  job.settings.on_progress = stderr_progress(common.quiet);
  job.settings.cancel = &cancel_token();
  job.config_file = config.file;
  return job;
}

void execute(const RunConfig& config, const CommonOptions& common) { common.publish(run(to_job(config, common))); }

void add_op_texts(RunConfig& job, const std::vector<std::string>& texts) {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    try {
      job.ops.push_back(parse_op_text(texts[i]));
    } catch (Error& e) {
      e.with_stage("ops[" + std::to_string(i) + "]");
      throw;
    }
    job.op_names.push_back("ops[" + std::to_string(i) + "]." + job.ops.back().name);
  }
}

}  // namespace ims::cli
