#include "ims/job.hpp"

#include <chrono>

#include "api/op_spec.hpp"
#include "api/run_parts.hpp"
#include "api/run_settings.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "engine/run.hpp"
#include "engine/series/series_builder.hpp"
#include "formats/registry.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

namespace {

/// How the user gave a part of the job: its YAML path in a config, else
/// its command-line option.
std::string given_as(const Job& job, const std::string& yaml_path, const std::string& option) {
  return job.config_file.empty() ? option : yaml_path;
}

/// Runs `f`, which checks the part of the job the user gave as `where`
/// (given_as): an error it throws that names no stage then names it, and
/// the config file of a YAML job ("stats[1]: c.yaml: unknown statistic
/// 'bogus'", "--stat: unknown statistic 'bogus'").
template <class F>
auto checking(const Job& job, const std::string& where, F&& f) {
  try {
    return f();
  } catch (Error& e) {
    if (e.stage().empty()) e.with_stage(where).with_file(job.config_file);
    throw;
  }
}

std::vector<std::shared_ptr<const Reducer>> make_reducers(const Job& job, FrameInfo input) {
  std::optional<DType> dtype;
  if (!job.dtype.empty())
    dtype = checking(job, given_as(job, "dtype", "--dtype"), [&] { return parse_dtype(job.dtype); });
  return api::make_reducers(job.statistics, input, dtype, [&](Error& e, std::size_t i) {
    if (e.stage().empty())
      e.with_stage(given_as(job, "stats[" + std::to_string(i) + "]", "--stat")).with_file(job.config_file);
  });
}

/// What the job writes: the statistics, the processed series (its writer's
/// files when made, else the path given) and the report.
std::vector<NamedFile> job_outputs(const Job& job, const SeriesWriter* writer) {
  std::vector<NamedFile> outputs{{job.output.path, given_as(job, "output.path", "-o")}};
  if (writer) {
    for (auto& file : writer->destinations()) outputs.push_back({std::move(file), given_as(job, "write.path", "-o")});
  } else {
    outputs.push_back({job.write.path, given_as(job, "write.path", "-o")});
  }
  outputs.push_back({job.report, "--report"});
  return outputs;
}

/// What the job reads that is known before opening anything.
std::vector<NamedFile> named_inputs(const Job& job) {
  std::vector<NamedFile> inputs{{job.config_file, "the config"}};
  for (const auto& p : job.paths) inputs.push_back({p, "the source"});
  return inputs;
}

void write_statistics(const Job& job, const Pipeline& pipeline, RunResult& result, const Params& params,
                      const FormatInfo& format) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<NamedImage> images;
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    images.push_back({pipeline.reducers[i]->name(), result.images[i].view()});
  }
  const Metadata attributes =
      api::result_attributes(result.report, *pipeline.source, job.dtype, join(api::key_values(job.options), " "));
  format.write_images(job.output.path, images, attributes, params);
  result.report.stages.write += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.report.outputs.push_back(format.name + ":" + job.output.path);
}

/// The statistics' format and options, checked.
struct StatisticsOutput {
  const FormatInfo* format = nullptr;
  Params params;
};

StatisticsOutput check_statistics_output(const Job& job) {
  StatisticsOutput out;
  if (job.output.path.empty()) return out;
  checking(job, given_as(job, "output", "-o"), [&] {
    out.format = &resolve_format(job.output.path, job.output.format, Access::write_images);
    out.params = Params::parse(out.format->write_params, api::key_values(job.output.options),
                               "output format '" + out.format->name + "'");
    check_output_writable(job.output.path);
  });
  return out;
}

RunOptions job_run_options(const Job& job) {
  RunOptions options = checking(job, given_as(job, "memory", "--memory"), [&] {
    Settings settings = job.settings;
    settings.quantile_method = "auto";  // checked below, named as the user gave it
    return api::run_options(settings);
  });
  options.quantile_method = checking(job, given_as(job, "method", "--method"),
                                     [&] { return parse_quantile_method(job.settings.quantile_method); });
  return options;
}

std::shared_ptr<const ImageSeries> open_job_source(const Job& job, const RunOptions& options) {
  if (job.paths.empty() && job.format.empty()) {
    throw Error(ErrorKind::usage, "give SOURCE (a file) or --format for a generated series");
  }
  std::shared_ptr<const ImageSeries> source = open_series(job.paths, job.format, api::key_values(job.options));
  if (job.ops.empty() && job.frames.empty() && job.frame_list.empty()) return source;
  SeriesRecipe recipe{source, job.frames, job.frame_list, {}, job.op_names, {}};
  api::add_ops(job.ops, recipe.ops, recipe.images);
  return build_series(recipe, options);
}

}  // namespace

Series job_series(const Job& job) {
  return Series(checking(job, given_as(job, "source", ""), [&] { return open_job_source(job, job_run_options(job)); }));
}

Report run(const Job& job) {
  // Everything that can be checked without reading a frame, first; outputs
  // against the inputs named so far before opening anything.
  check_outputs_apart(job_outputs(job, nullptr), named_inputs(job));
  const StatisticsOutput statistics_output = check_statistics_output(job);
  if (!job.report.empty()) check_output_writable(job.report);
  // The report counts the whole job: runs that compute op images first and
  // the writing of results included.
  const api::CountedRun counted(job_run_options(job));
  const RunOptions& options = counted.options();

  Pipeline pipeline;
  pipeline.source = checking(job, given_as(job, "source", ""), [&] { return open_job_source(job, options); });
  pipeline.reducers = make_reducers(job, pipeline.source->frame_info());
  if (!job.write.path.empty()) {
    checking(job, given_as(job, "write", "-o"), [&] {
      pipeline.writers.push_back(create_writer(job.write.path, job.write.format, api::key_values(job.write.options)));
      check_output_writable(job.write.path, true);
    });
  }
  // Every file the run reads is known now (sidecars, op images, linked files).
  std::vector<NamedFile> inputs = named_inputs(job);
  for (auto& in : series_inputs(*pipeline.source)) inputs.push_back(std::move(in));
  check_outputs_apart(job_outputs(job, pipeline.writers.empty() ? nullptr : pipeline.writers[0].get()), inputs);
  prepare_series(*pipeline.source, &options);  // all validated: load darks, masks, computed images
  RunResult result = run(pipeline, options);
  if (statistics_output.format) {
    write_statistics(job, pipeline, result, statistics_output.params, *statistics_output.format);
  }
  counted.complete(result.report);
  if (!job.report.empty()) write_text_atomically(job.report, result.report.to_json());
  return api::public_report(result.report);
}

}  // namespace ims
