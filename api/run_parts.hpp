#pragma once
// What ims::stats, ims::write and ims::run (a job) share: the reducers for a
// list of statistics, the attributes a statistics file records, and a run
// whose report counts the whole call (op-image runs, writing the results).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/report.hpp"
#include "engine/run.hpp"
#include "ims/error.hpp"
#include "ims/metadata.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims::api {

/// The reducers for `statistics` over frames of `input`, in `dtype` when
/// given. A statistic asked for twice is a usage error. An error about
/// statistic i passes through `name_error(e, i)` first, which names it
/// ("stats[1]", "--stat").
std::vector<std::shared_ptr<const Reducer>> make_reducers(const std::vector<std::string>& statistics, FrameInfo input,
                                                          std::optional<DType> dtype,
                                                          const std::function<void(Error&, std::size_t)>& name_error);

/// What a statistics file records about how it was made; `source_options`
/// (the job's --opt items) when the caller has them.
Metadata result_attributes(const RunReport& report, const ImageSeries& series, const std::string& dtype,
                           const std::optional<std::string>& source_options = std::nullopt);

/// The options of a call that runs the engine, and its clock: complete()
/// adds to a report the runs made for op images (dark=median;frames=0:100)
/// and the call's wall and CPU time since construction.
class CountedRun {
 public:
  explicit CountedRun(RunOptions options);
  const RunOptions& options() const { return options_; }
  void complete(RunReport& report) const;

 private:
  RunOptions options_;
  std::shared_ptr<std::vector<std::pair<std::string, RunReport>>> image_runs_ =
      std::make_shared<std::vector<std::pair<std::string, RunReport>>>();
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double cpu_start_;
};

}  // namespace ims::api
