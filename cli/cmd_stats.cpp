#include "cli/commands.hpp"
#include "cli/job.hpp"
#include "cli/options.hpp"
#include "core/strings.hpp"
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
    GivenSettings settings;
  };
  auto o = std::make_shared<StatsOptions>();
  o->source.add_to(*cmd);
  cmd->add_option("-s,--stat", o->stats, "statistics, comma-separated: " + stat_usage() + " (see `ims list stats`)")
      ->required()
      ->type_name("NAME[,NAME...]")
      ->check(non_empty());
  o->settings.add_to(*cmd, {"nframes", "dtype", "method", "scratch"});
  o->output.add_to(*cmd, "output file; .npz holds one member per statistic");
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    RunConfig job;
    o->settings.apply(job);
    o->source.fill(job);
    job.stats = split_stat_list(o->stats);
    job.output = {o->output.path, o->output.format, o->output.options};
    execute(job, o->common);
  });
}

}  // namespace ims::cli
