#include "engine/run.hpp"
#include "engine/sparse_pass.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "engine/quantiles/banded_run.hpp"
#include "engine/budget.hpp"
#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/strings.hpp"
#include "engine/quantiles/histogram_select.hpp"
#include "engine/rewrite/pixel_moves.hpp"
#include "engine/rewrite/flatten.hpp"
#include "engine/pass.hpp"
#include "engine/progress.hpp"
#include "engine/quantiles/quantile_plan.hpp"
#include "engine/series/series_builder.hpp"
#include "engine/quantiles/spill.hpp"

namespace ims {

namespace {

using Clock = std::chrono::steady_clock;

/// One pass over every frame, its reducer states kept in `keep`.
StagedImages run_whole(const Pipeline& pipeline, const RunOptions& options, Accumulation& keep) {
  PassResult pass = run_pass(pipeline, options, progress_label(pipeline, options));
  keep = std::move(pass.accumulation);
  return {std::move(pass.images), pass.stages, std::move(pass.plan)};
}

/// The images of every reducer, by the method the quantile plan chose.
StagedImages run_planned(const Pipeline& pipeline, const RunOptions& options, Accumulation& keep) {
  if (auto sparse = run_sparse(pipeline, options)) return std::move(*sparse);
  if (!has_quantiles(pipeline)) return run_whole(pipeline, options, keep);
  const QuantilePlan q = plan_quantiles(pipeline, options);
  StagedImages result;
  switch (q.method) {
    case QuantileMethod::histogram: result = run_histogram(pipeline, options); break;
    case QuantileMethod::spill: result = run_spilled(pipeline, q, options); break;
    default: result = q.bands == 1 ? run_whole(pipeline, options, keep) : run_bands(pipeline, q, options);
  }
  // The passes filled in what they found; the planner's choice completes it.
  QuantileRun& run = result.first_plan.quantiles;
  run.method = q.method;
  run.reason = q.reason;
  run.bands = q.bands;
  run.band_rows = q.band_rows;
  run.band_bytes = q.band_bytes;
  return result;
}

/// The calling thread's arena of `threads` threads, made on first use and
/// kept: oneTBB (2021.8) keeps about 7 KB of every arena it destroys, so a
/// program that runs many small jobs (the Python module, a reduction loop)
/// grew without bound when every run made its own. One arena per calling
/// thread keeps concurrent runs from different threads apart, as before.
tbb::task_arena& arena_for(unsigned threads) {
  thread_local std::map<unsigned, std::unique_ptr<tbb::task_arena>> arenas;
  auto& arena = arenas[threads];
  if (!arena) arena = std::make_unique<tbb::task_arena>(static_cast<int>(threads));
  return *arena;
}

/// Refuses writers that would replace a file the run reads, or each other's
/// files, however the pipeline was assembled.
void check_writers(const Pipeline& pipeline) {
  std::vector<NamedFile> inputs = series_inputs(*pipeline.source);
  for (const auto& op : pipeline.ops) {
    for (auto& file : op->input_files()) inputs.push_back({std::move(file), "the image of op " + op->describe()});
  }
  std::vector<NamedFile> outputs;
  for (const auto& w : pipeline.writers) {
    for (auto& file : w->destinations()) outputs.push_back({std::move(file), "the output " + w->describe()});
  }
  check_outputs_apart(outputs, inputs);
}

}  // namespace

RunResult run(const Pipeline& given, const RunOptions& asked) {
  if (!given.source) throw Error(ErrorKind::internal, "pipeline has no source");
  check_writers(given);
  ResultOps split = move_pixel_ops_to_results(flatten(given), asked);
  const Pipeline& pipeline = split.pipeline;
  // Threads, budget and frames are decided here, once; every pass reads them.
  const RunOptions options = resolve_options(asked, *pipeline.source);
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  const unsigned threads = options.threads;

  RunResult result;
  StagedImages staged;
  // More threads than cores is what was asked for: lift TBB's limit for the
  // run, or TBB ignores the request and prints a warning on stderr.
  std::optional<tbb::global_control> allow_threads;
  if (threads > default_thread_count()) allow_threads.emplace(tbb::global_control::max_allowed_parallelism, threads);
  tbb::task_arena& arena = arena_for(threads);
  try {
    arena.execute([&] { staged = run_planned(pipeline, options, result.accumulation); });
  } catch (...) {
    if (options.progress) options.progress->finish(false);
    throw;
  }
  const auto moves_start = Clock::now();
  result.images = apply_to_results(split.after, std::move(staged.images));
  staged.stages.finalize += seconds_since(moves_start);
  result.ops_on_results = std::move(split.after);

  RunReport& report = result.report;
  report.stages = staged.stages;
  report.source = given.source->describe();
  for (const auto& r : pipeline.reducers) report.statistics.push_back(r->name());
  for (const auto& w : pipeline.writers) report.outputs.push_back(w->describe());
  report.plan = staged.first_plan;
  report.plan.ops_on_results = ops_text(result.ops_on_results);
  report.frames = report.plan.frames;
  report.bytes = staged.source_passes * report.plan.frames * pipeline.source->frame_bytes();
  report.wall_seconds = report.engine_seconds = seconds_since(start);
  report.cpu_seconds = process_cpu_seconds() - cpu_start;
  report.peak_rss_bytes = peak_rss_bytes();
  return result;
}

}  // namespace ims
