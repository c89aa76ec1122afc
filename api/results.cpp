#include "ims/results.hpp"

#include <chrono>
#include <set>

#include "api/op_spec.hpp"
#include "api/run_settings.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "engine/budget.hpp"
#include "engine/run.hpp"
#include "engine/series_builder.hpp"
#include "formats/registry.hpp"
#include "ims/ims.hpp"
#include "ims_version.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

Report api::public_report(const RunReport& report) {
  Report out;
  out.frames = report.frames;
  out.bytes = report.bytes;
  out.wall_seconds = report.wall_seconds;
  out.cpu_seconds = report.cpu_seconds;
  out.peak_rss_bytes = report.peak_rss_bytes;
  out.quantile_method =
      report.plan.quantiles.ran() ? std::string(quantile_method_name(report.plan.quantiles.method)) : "";
  out.summary = report.summary();
  out.text = report.to_text();
  out.json = report.to_json();
  return out;
}

const char* version() noexcept { return kVersion; }

const Image* Results::find(std::string_view name) const {
  for (const auto& [key, image] : images_) {
    if (key == name) return &image;
  }
  return nullptr;
}

const Image& Results::operator[](std::string_view name) const {
  if (const Image* image = find(name)) return *image;
  throw Error(ErrorKind::usage, "no result '" + std::string(name) + "' (the results are: " + join(names(), ", ") + ")");
}

std::vector<std::string> Results::names() const {
  std::vector<std::string> names;
  for (const auto& entry : images_) names.push_back(entry.first);
  return names;
}

void Results::add(std::string name, Image image) { images_.emplace_back(std::move(name), std::move(image)); }

namespace {

std::vector<std::shared_ptr<const Reducer>> make_reducers(const std::vector<std::string>& statistics, FrameInfo input,
                                                          const std::string& dtype) {
  std::optional<DType> result_dtype;
  if (!dtype.empty()) result_dtype = parse_dtype(dtype);
  if (statistics.empty()) throw Error(ErrorKind::usage, "no statistic asked for");
  std::vector<std::shared_ptr<const Reducer>> reducers;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < statistics.size(); ++i) {
    try {
      std::shared_ptr<const Reducer> r = make_reducer(statistics[i], input, result_dtype);
      if (!seen.insert(r->name()).second) {
        throw Error(ErrorKind::usage, "statistic '" + r->name() + "' is asked for twice");
      }
      reducers.push_back(std::move(r));
    } catch (Error& e) {
      e.with_stage("stats[" + std::to_string(i) + "]");
      throw;
    }
  }
  return reducers;
}

Metadata result_attributes(const RunReport& report, const ImageSeries& series, const std::string& dtype) {
  Metadata attrs;
  attrs.set("source", report.source);
  attrs.set("frames", static_cast<std::int64_t>(report.frames));
  attrs.set("statistics", join(report.statistics, ","));
  attrs.set("ops", describe_ops(series));
  attrs.set("dtype", dtype.empty() ? std::string("default") : dtype);
  attrs.set("quantile_method", report.plan.quantiles.describe());
  attrs.set("ims_version", std::string(kVersion));
  return attrs;
}

/// RunOptions that also count the runs op images need in the report.
struct CountedRun {
  RunOptions options;
  std::shared_ptr<std::vector<std::pair<std::string, RunReport>>> image_runs =
      std::make_shared<std::vector<std::pair<std::string, RunReport>>>();

  explicit CountedRun(const Settings& settings) : options(api::run_options(settings)) {
    options.on_image_run = [runs = image_runs](const std::string& what, const RunReport& r) {
      runs->emplace_back(what, r);
    };
  }
  void count_into(RunReport& report) const {
    for (const auto& [what, r] : *image_runs) report.add_image_run(what, r);
  }
};

}  // namespace

Results stats(const Series& series, const std::vector<std::string>& statistics, const Settings& settings) {
  return stats(series, statistics, "", settings);
}

Results stats(const Series& series, const std::vector<std::string>& statistics, const std::string& dtype,
              const Settings& settings) {
  if (!series) throw Error(ErrorKind::usage, "stats: the series is empty (default-constructed)");
  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  CountedRun counted(settings);
  Pipeline pipeline;
  pipeline.source = series.engine_series();
  pipeline.reducers = make_reducers(statistics, pipeline.source->frame_info(), dtype);
  prepare_series(*pipeline.source);
  RunResult run_result = run(pipeline, counted.options);
  counted.count_into(run_result.report);
  run_result.report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run_result.report.cpu_seconds = process_cpu_seconds() - cpu_start;

  Results results;
  results.attributes() = result_attributes(run_result.report, *pipeline.source, dtype);
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    const FrameBuffer& buffer = run_result.images[i];
    Image image(buffer.data(), buffer.shape().rows, buffer.shape().cols, buffer.dtype());
    image.metadata() = results.attributes();
    image.metadata().set("statistic", pipeline.reducers[i]->name());
    results.add(pipeline.reducers[i]->name(), std::move(image));
  }
  results.report() = api::public_report(run_result.report);
  return results;
}

Report write(const Series& series, const std::string& path, const Options& options, const std::string& format,
             const Settings& settings) {
  if (!series) throw Error(ErrorKind::usage, "write: the series is empty (default-constructed)");
  const double cpu_start = process_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  CountedRun counted(settings);
  Pipeline pipeline;
  pipeline.source = series.engine_series();
  pipeline.writers.push_back(create_writer(path, format, api::key_values(options)));
  check_output_writable(path, true);
  std::vector<NamedFile> outputs;
  for (auto& file : pipeline.writers[0]->destinations()) outputs.push_back({std::move(file), "the output"});
  check_outputs_apart(outputs, series_inputs(*pipeline.source));
  prepare_series(*pipeline.source);
  RunResult run_result = run(pipeline, counted.options);
  counted.count_into(run_result.report);
  run_result.report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run_result.report.cpu_seconds = process_cpu_seconds() - cpu_start;
  return api::public_report(run_result.report);
}

void write(const Results& results, const std::string& path, const Options& options, const std::string& format) {
  const FormatInfo& info = resolve_format(path, format, Access::write_images);
  const Params params = Params::parse(info.write_params, api::key_values(options), "output format '" + info.name + "'");
  check_output_writable(path);
  std::vector<NamedImage> images;
  for (const auto& [name, image] : results) {
    images.push_back({name, ConstFrameView(image.data(), {image.rows(), image.cols()}, image.dtype())});
  }
  info.write_images(path, images, results.attributes(), params);
}

}  // namespace ims
