#include "api/run_parts.hpp"

#include <set>

#include "core/strings.hpp"
#include "engine/budget.hpp"
#include "engine/series/series_builder.hpp"
#include "ims_version.hpp"
#include "ops/reduce/registry.hpp"

namespace ims::api {

std::vector<std::shared_ptr<const Reducer>> make_reducers(const std::vector<std::string>& statistics, FrameInfo input,
                                                          std::optional<DType> dtype,
                                                          const std::function<void(Error&, std::size_t)>& name_error) {
  std::vector<std::shared_ptr<const Reducer>> reducers;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < statistics.size(); ++i) {
    try {
      std::shared_ptr<const Reducer> r = make_reducer(statistics[i], input, dtype);
      if (!seen.insert(r->name()).second) {
        throw Error(ErrorKind::usage, "statistic '" + r->name() + "' is asked for twice");
      }
      reducers.push_back(std::move(r));
    } catch (Error& e) {
      name_error(e, i);
      throw;
    }
  }
  return reducers;
}

Metadata result_attributes(const RunReport& report, const ImageSeries& series, const std::string& dtype,
                           const std::optional<std::string>& source_options) {
  Metadata attrs;
  attrs.set("source", report.source);
  attrs.set("frames", static_cast<std::int64_t>(report.frames));
  attrs.set("statistics", join(report.statistics, ","));
  attrs.set("ops", describe_ops(series));
  if (source_options) attrs.set("source_options", *source_options);
  attrs.set("dtype", dtype.empty() ? std::string("default") : dtype);
  attrs.set("quantile_method", report.plan.quantiles.describe());
  attrs.set("ims_version", std::string(kVersion));
  return attrs;
}

CountedRun::CountedRun(RunOptions options) : options_(std::move(options)), cpu_start_(process_cpu_seconds()) {
  options_.on_image_run = [runs = image_runs_](const std::string& what, const RunReport& r) {
    runs->emplace_back(what, r);
  };
}

void CountedRun::complete(RunReport& report) const {
  for (const auto& [what, r] : *image_runs_) report.add_image_run(what, r);
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  report.cpu_seconds = process_cpu_seconds() - cpu_start_;
}

}  // namespace ims::api
