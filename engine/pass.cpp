#include "engine/pass.hpp"

#include <chrono>

#include "core/logging.hpp"
#include "engine/budget.hpp"
#include "engine/progress.hpp"

namespace ims {

std::string progress_label(const Pipeline& pipeline, const RunOptions& options) {
  return options.label.empty() ? pipeline.source->describe() : options.label;
}

PassResult run_pass(const Pipeline& pipeline, const RunOptions& options, const std::string& label,
                    PassWriters writers) {
  PassResult out;
  out.plan = make_plan(pipeline, options);
  spdlog::debug("{}: {}", label, out.plan.explain());
  const SeriesInfo info{out.plan.frames, out.plan.frame, pipeline.source->metadata()};
  for_each_writer(pipeline, [&](SeriesWriter& w) { w.begin(info); });
  if (options.progress) options.progress->start(label, out.plan.frames, out.plan.source_frame.bytes());
  StreamResult streamed = stream(pipeline, out.plan, options);
  out.stages = streamed.stages;
  const auto finalize_start = std::chrono::steady_clock::now();
  out.images = streamed.accumulation.finalize();
  out.stages.finalize += seconds_since(finalize_start);
  if (writers == PassWriters::commit) for_each_writer(pipeline, [](SeriesWriter& w) { w.commit(); });
  if (options.progress) options.progress->finish(true);
  out.accumulation = std::move(streamed.accumulation);
  return out;
}

}  // namespace ims
