#include "cli/commands.hpp"
#include "cli/job.hpp"
#include "cli/options.hpp"
#include "core/strings.hpp"
#include "engine/pipeline.hpp"
#include "ops/reduce/registry.hpp"

namespace ims::cli {

void add_stats_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "stats", "compute per-pixel statistics over the frames in one pass and write them as images");
  struct StatsOptions {
    SourceOptions source;
    OutputOptions output;
    CommonOptions common;
    std::string stats;
    RunConfig job;
  };
  auto o = std::make_shared<StatsOptions>();
  o->source.add_to(*cmd);
  cmd->add_option("-s,--stat", o->stats, "statistics, comma-separated: " + stat_usage() + " (see `ims list stats`)")
      ->required()
      ->type_name("NAME[,NAME...]")
      ->check(non_empty());
  cmd->add_option("-n,--nframes", o->job.nframes, "use the first N frames only (0 = all, like hexrd)")
      ->check(non_negative_count());
  cmd->add_option("--dtype", o->job.dtype,
                  "output dtype of every statistic (default: hexrd's: max/min keep the input "
                  "dtype, sum float64, mean float32, var/std float64, count int64, quantiles float32)")
      ->check(non_empty());
  cmd->add_option("--method", o->job.method,
                  "how quantiles get every value: " + join(quantile_method_names(), ", ") +
                      " (auto: the planner chooses from --memory and the source's read costs; see `ims list`)")
      ->check(CLI::IsMember(quantile_method_names()));
  cmd->add_option("--scratch", o->job.scratch,
                  "directory for the spill method's scratch file (default: $TMPDIR or /tmp); "
                  "removed on success, failure and Ctrl-C")
      ->type_name("DIR")
      ->check(non_empty());
  o->output.add_to(*cmd, "output file; .npz holds one member per statistic");
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    RunConfig job = o->job;
    o->source.fill(job);
    job.stats = split_stat_list(o->stats);
    job.output = {o->output.path, o->output.format, o->output.options};
    execute(job, o->common);
  });
}

}  // namespace ims::cli
