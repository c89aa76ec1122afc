#include "ims/results.hpp"

#include "api/op_spec.hpp"
#include "api/run_parts.hpp"
#include "api/run_settings.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "engine/run.hpp"
#include "engine/series/series_builder.hpp"
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

Results stats(const Series& series, const std::vector<std::string>& statistics, const Settings& settings) {
  return stats(series, statistics, "", settings);
}

Results stats(const Series& series, const std::vector<std::string>& statistics, const std::string& dtype,
              const Settings& settings) {
  if (!series) throw Error(ErrorKind::usage, "stats: the series is empty (default-constructed)");
  const api::CountedRun counted(api::run_options(settings));
  std::optional<DType> result_dtype;
  if (!dtype.empty()) result_dtype = parse_dtype(dtype);
  if (statistics.empty()) throw Error(ErrorKind::usage, "no statistic asked for");
  Pipeline pipeline;
  pipeline.source = series.engine_series();
  pipeline.reducers =
      api::make_reducers(statistics, pipeline.source->frame_info(), result_dtype,
                         [](Error& e, std::size_t i) { e.with_stage("stats[" + std::to_string(i) + "]"); });
  prepare_series(*pipeline.source, &counted.options());
  RunResult run_result = run(pipeline, counted.options());
  counted.complete(run_result.report);

  Results results;
  results.attributes() = api::result_attributes(run_result.report, *pipeline.source, dtype);
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
  const api::CountedRun counted(api::run_options(settings));
  Pipeline pipeline;
  pipeline.source = series.engine_series();
  pipeline.writers.push_back(create_writer(path, format, api::key_values(options)));
  check_output_writable(path, true);
  std::vector<NamedFile> outputs;
  for (auto& file : pipeline.writers[0]->destinations()) outputs.push_back({std::move(file), "the output"});
  check_outputs_apart(outputs, series_inputs(*pipeline.source));
  prepare_series(*pipeline.source, &counted.options());
  RunResult run_result = run(pipeline, counted.options());
  counted.complete(run_result.report);
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
