#pragma once
// What a run is made of (source -> ops -> reducers and writers) and how it
// may use the machine.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ims/error.hpp"
#include "core/image_series.hpp"
#include "core/series_writer.hpp"
#include "ops/process/op_chain.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims {

class ProgressSink;
struct RunReport;

struct Pipeline {
  std::shared_ptr<const ImageSeries> source;
  OpList ops;                                             ///< applied in order
  std::vector<std::shared_ptr<const Reducer>> reducers;   ///< all fed in one pass
  std::vector<std::shared_ptr<SeriesWriter>> writers;     ///< get every frame, in order
};

/// Calls `f(writer)` for every writer of `pipeline`, naming the writer in any
/// ims::Error it throws (its format and destination, "hdf5: out.h5: ...").
template <class F>
void for_each_writer(const Pipeline& pipeline, F&& f) {
  for (const auto& w : pipeline.writers) {
    try {
      f(*w);
    } catch (Error& e) {
      e.with_source(w->describe());
      throw;
    }
  }
}

/// How quantile reducers (median, percentile) get every value of a pixel.
enum class QuantileMethod {
  automatic,  ///< the planner chooses from the budget and the source's read costs
  memory,     ///< hold the values in memory: all at once, or band by band (region reads)
  histogram,  ///< exact radix select in a few streaming passes over the source
  spill,      ///< decode once into a compressed scratch file, then band by band
};
std::string_view quantile_method_name(QuantileMethod method);
QuantileMethod parse_quantile_method(std::string_view name);  ///< usage ims::Error if unknown
/// Every method's name ("auto", "memory", ...), for help texts and checks.
std::vector<std::string> quantile_method_names();

struct RunOptions {
  unsigned threads = 0;             ///< worker threads; 0 = all available cores
  std::uint64_t memory = 0;         ///< budget in bytes; 0 = a quarter of RAM
  std::size_t nframes = 0;          ///< use the first N frames; 0 = all (hexrd's nframes)
  std::size_t batch_frames = 0;     ///< frames per batch; 0 = the planner decides
  std::shared_ptr<ProgressSink> progress;  ///< optional; shared by the runs an op image needs
  /// What progress bars call the run; empty: the source (its describe()).
  std::string label;
  /// Called, when set, with the report of every run made to compute an op's
  /// image before the frames stream (dark=median;frames=0:100), so that the
  /// caller's report counts it. `what` names the image.
  std::function<void(const std::string& what, const RunReport& report)> on_image_run;
  const std::atomic<bool>* cancel = nullptr;  ///< set to true to stop the run (Ctrl-C)
  QuantileMethod quantile_method = QuantileMethod::automatic;
  std::string scratch_dir;          ///< spill files go here; empty = the system's temp directory
  /// Lets a chain of row-mapping ops run inside the reduction, tile by tile
  /// of the reducer states, when nothing else needs the processed frames;
  /// false always writes processed frames first (the two must agree).
  bool ops_by_tile = true;
  /// Lets pixel-moving ops at the end of the chain (flip, rectangle) apply
  /// once to each result instead of to every frame (engine/rewrite/pixel_moves.hpp);
  /// false applies them to every frame (the two must agree).
  bool move_pixel_ops = true;
  /// Lets a chain that is one pixel map (ops/process/pixel_map.hpp) run
  /// inside the reducers' folds when it runs by tile; false computes its
  /// rows tile by tile first (the two must agree).
  bool fold_pixel_maps = true;
  /// Lets max, min, sum, mean and count over a frame-cache fold only its
  /// kept pixels (engine/sparse_pass.hpp); false densifies every frame (the
  /// two must agree).
  bool sparse_frames = true;
};

}  // namespace ims
