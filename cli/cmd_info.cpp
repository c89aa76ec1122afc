#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "engine/series/series_builder.hpp"

namespace ims::cli {

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "print a series' frame count, frame shape, dtype and metadata");
  struct Options {
    SourceOptions source;
    CommonOptions common;
  };
  auto o = std::make_shared<Options>();
  o->source.add_to(*cmd);
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    if (!o->common.report.empty()) check_output_writable(o->common.report);
    const auto series = o->source.open().engine_series();
    check_outputs_apart({{o->common.report, "--report"}}, series_inputs(*series));
    const FrameShape shape = series->frame_shape();
    const std::uint64_t total = series->size() * series->frame_bytes();
    std::cout << "source:   " << series->describe() << "\n"
              << "frames:   " << series->size() << "\n"
              << "shape:    " << shape.rows << " x " << shape.cols << " (rows x cols)\n"
              << "dtype:    " << dtype_name(series->dtype()) << "\n"
              << "size:     " << format_bytes(series->frame_bytes()) << " per frame, "
              << format_bytes(total) << " in all\n"
              << "metadata:" << (series->metadata().empty() ? " (none)\n" : "\n")
              << to_text(series->metadata(), 2);
    nlohmann::ordered_json j;
    j["source"] = series->describe();
    j["frames"] = series->size();
    j["shape"] = {shape.rows, shape.cols};
    j["dtype"] = std::string(dtype_name(series->dtype()));
    j["bytes"] = total;
    j["metadata_keys"] = series->metadata().keys();
    o->common.write_report_file(j.dump(2) + "\n");
  });
}

}  // namespace ims::cli
