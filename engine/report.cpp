#include "engine/report.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

#include "core/strings.hpp"

namespace ims {

void RunReport::add_image_run(const std::string& what, const RunReport& run) {
  image_runs.push_back({what, run.frames, run.bytes, run.wall_seconds});
  bytes += run.bytes;
  stages.read += run.stages.read;
  stages.ops += run.stages.ops;
  stages.reduce += run.stages.reduce;
  stages.write += run.stages.write;
  stages.finalize += run.stages.finalize;
}

double RunReport::throughput_mb_s() const {
  return wall_seconds > 0 ? static_cast<double>(bytes) / 1e6 / wall_seconds : 0.0;
}

std::string RunReport::to_json() const {
  nlohmann::ordered_json j;
  j["source"] = source;
  j["statistics"] = statistics;
  j["outputs"] = outputs;
  j["frames"] = frames;
  j["bytes"] = bytes;
  j["wall_seconds"] = wall_seconds;
  j["engine_seconds"] = engine_seconds;
  j["cpu_seconds"] = cpu_seconds;
  j["throughput_mb_s"] = throughput_mb_s();
  j["stage_seconds"] = {{"read", stages.read},
                        {"ops", stages.ops},
                        {"reduce", stages.reduce},
                        {"write", stages.write},
                        {"finalize", stages.finalize}};
  j["peak_rss_bytes"] = peak_rss_bytes;
  j["image_runs"] = nlohmann::ordered_json::array();
  for (const auto& r : image_runs) {
    j["image_runs"].push_back({{"what", r.what}, {"frames", r.frames}, {"bytes", r.bytes}, {"seconds", r.seconds}});
  }
  j["threads"] = plan.threads;
  j["memory_budget_bytes"] = plan.budget;
  j["plan"] = {{"frame_shape", {plan.frame.shape.rows, plan.frame.shape.cols}},
               {"frame_dtype", std::string(dtype_name(plan.frame.dtype))},
               {"state_bytes", plan.state_bytes},
               {"batch_frames", plan.batch_frames},
               {"batches_in_flight", plan.slots},
               {"buffer_bytes", plan.buffer_bytes()},
               {"tile_pixels", plan.tile_pixels},
               {"tiles", plan.tiles},
               {"zero_copy", plan.zero_copy},
               {"ops_by_tile", plan.ops_by_tile},
               {"ops_folded", plan.ops_folded},
               {"ops_on_results", plan.ops_on_results},
               {"parallel_reads", plan.parallel_reads},
               {"quantiles", plan.quantiles.describe()},
               {"explanation", plan.explain()}};
  return j.dump(2) + "\n";
}

std::string RunReport::to_text() const {
  std::ostringstream out;
  char line[256];
  out << "run report\n";
  out << "  source      " << source << "\n";
  if (!statistics.empty()) out << "  statistics  " << join(statistics, ", ") << "\n";
  for (const auto& o : outputs) out << "  output      " << o << "\n";
  std::snprintf(line, sizeof line, "  frames      %zu (%s streamed)\n", frames, format_bytes(bytes).c_str());
  out << line;
  std::snprintf(line, sizeof line, "  time        %.3f s wall (engine %.3f s), %.3f s CPU, %.1f MB/s\n",
                wall_seconds, engine_seconds, cpu_seconds, throughput_mb_s());
  out << line;
  std::snprintf(line, sizeof line,
                "  stages      read %.3f s, ops %.3f s, reduce %.3f s, write %.3f s, "
                "finalize %.3f s (busy time over all threads)\n",
                stages.read, stages.ops, stages.reduce, stages.write, stages.finalize);
  out << line;
  out << "  peak RSS    " << format_bytes(peak_rss_bytes) << "\n";
  for (const auto& r : image_runs) {
    std::snprintf(line, sizeof line, "  computed    %s first: %zu frames (%s) in %.3f s\n", r.what.c_str(), r.frames,
                  format_bytes(r.bytes).c_str(), r.seconds);
    out << line;
  }
  out << "  plan        " << plan.explain() << "\n";
  return out.str();
}

std::string RunReport::summary() const {
  char line[160];
  std::snprintf(line, sizeof line, "%zu frames in %.2f s (%s read, %.1f MB/s), peak RSS %s", frames, wall_seconds,
                format_bytes(bytes).c_str(), throughput_mb_s(), format_bytes(peak_rss_bytes).c_str());
  std::string text = line;
  if (!image_runs.empty()) {
    text +=
        ", " + std::to_string(image_runs.size()) + (image_runs.size() == 1 ? " image" : " images") + " computed first";
  }
  if (!outputs.empty()) text += "; wrote " + join(outputs, ", ");
  return text;
}

}  // namespace ims
