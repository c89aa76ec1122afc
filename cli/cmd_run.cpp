#include "cli/commands.hpp"
#include "cli/job.hpp"
#include "cli/options.hpp"
#include "cli/run_config.hpp"

namespace ims::cli {

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "run a YAML pipeline: source, frames, ops, statistics and outputs (see configs/examples)");
  struct Options {
    std::string config;
    std::vector<std::string> sets;
    CommonOptions common;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("CONFIG", o->config, "the pipeline, a YAML file")->required()->check(non_empty());
  one_value_per_use(
      cmd->add_option("--set", o->sets,
                      "override a value of the config by its YAML path (repeatable): source.path=run8.h5, "
                      "ops[1].flip=h, memory=1G, 'stats=[max, mean]'"))
      ->type_name("KEY=VALUE");
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    execute(load_run_config(o->config, o->sets), o->common);
  });
}

}  // namespace ims::cli
