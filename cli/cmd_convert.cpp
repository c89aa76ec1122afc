#include "cli/commands.hpp"
#include "cli/job.hpp"
#include "cli/options.hpp"

namespace ims::cli {

namespace {

void add_writing_command(CLI::App& app, const std::string& name, const std::string& help) {
  auto* cmd = app.add_subcommand(name, help);
  struct Options {
    SourceOptions source;
    OutputOptions output;
    CommonOptions common;
    GivenSettings settings;  // -n/--nframes
  };
  auto o = std::make_shared<Options>();
  o->source.add_to(*cmd);
  o->settings.add_to(*cmd, {"nframes"});
  o->output.add_to(*cmd, "output file (or directory, for --to binary)");
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    RunConfig job;
    o->source.fill(job);
    o->settings.apply(job);
    job.write = {o->output.path, o->output.format, o->output.options};
    execute(job, o->common);
  });
}

}  // namespace

void add_convert_command(CLI::App& app) {
  add_writing_command(app, "convert",
                      "write a series (its frames and ops, if any) to another format (e.g. .npy, .h5)");
}

void add_process_command(CLI::App& app) {
  add_writing_command(app, "process",
                      "apply frame ops (--op) and a frame selection to a series and write the result to any "
                      "writable format (hexrd's preprocessing); the same as convert");
}

}  // namespace ims::cli
