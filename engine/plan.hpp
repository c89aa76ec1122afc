#pragma once
// plan(): validates a pipeline completely and sizes the run from the memory
// budget before any frame is read.

#include <cstdint>
#include <string>

#include "engine/pipeline.hpp"

namespace ims {

/// How a run's quantile reducers got every value of a pixel: what the
/// planner chose and what the passes found. Its text is rendered in one
/// place (describe()), for the report and -v.
struct QuantileRun {
  QuantileMethod method = QuantileMethod::automatic;  ///< automatic: the run had no quantile
  std::string reason;                                  ///< why the planner chose it
  // memory and spill: bands of rows
  std::size_t bands = 0;
  std::size_t band_rows = 0;
  std::uint64_t band_bytes = 0;  ///< of values, per band
  /// Memory, several bands: the whole result images, held throughout, that
  /// each band's budget leaves out (0 otherwise).
  std::uint64_t results_held_bytes = 0;
  // histogram
  std::size_t passes = 0;  ///< over the source
  int digit_bits = 0;      ///< 0: one pass found every pixel's values equal
  std::size_t groups = 1;  ///< pixel groups selected one after the other
  std::uint64_t state_bytes = 0;

  bool ran() const { return method != QuantileMethod::automatic; }
  /// "memory, 4 bands of 512 rows (1.0 GiB of values each) (reason); each band's
  /// budget ...", "histogram: 3 passes, 11-bit digits (state 48 MiB) (reason)"; empty when none ran.
  std::string describe() const;
};

struct Plan {
  std::size_t frames = 0;          ///< frames the run will process
  FrameInfo source_frame;          ///< frames as the source yields them
  FrameInfo frame;                 ///< frames after the op chain
  unsigned threads = 1;
  std::uint64_t budget = 0;        ///< --memory
  std::uint64_t state_bytes = 0;   ///< reducer states + result images
  std::uint64_t frame_cost = 0;    ///< bytes one frame in flight occupies
  std::size_t batch_frames = 1;    ///< frames handed to reducers per call
  std::size_t slots = 1;           ///< batches in flight (each a pooled buffer)
  std::size_t tile_pixels = 0;     ///< pixels per reducer state tile
  std::size_t tiles = 0;
  bool zero_copy = false;          ///< frames used in place (memory-mapped/in-memory)
  /// Reducers keep pointers into the source's frames (zero copy, no ops):
  /// batches carry the source as their owner and pages stay mapped.
  bool frames_kept_in_place = false;
  bool parallel_reads = false;     ///< source reads run concurrently
  /// The op chain maps rows and only reducers consume its frames: each tile
  /// of the reducer states computes its own rows of the processed frames,
  /// in cache, instead of whole processed frames being written to memory
  /// and read back (RunOptions::ops_by_tile).
  bool ops_by_tile = false;
  /// Further, the chain is one map (a dark, uint16 - uint16 or - float32) that every
  /// reducer applies inside its fold, pixel by pixel: the reducers get the
  /// source frames with the map (FrameBatch::map), no processed rows at all
  /// (RunOptions::fold_pixel_maps).
  bool ops_folded = false;
  /// The source is a frame-cache and the statistics fold only its kept
  /// pixels (engine/sparse_pass.hpp): no frame is densified.
  bool sparse = false;
  /// Ops applied once to each result rather than to every frame (their
  /// describe()s; empty when none): `frame` is the frame before them.
  std::string ops_on_results;
  /// Quantile reducers: the method, passes over the data and why.
  QuantileRun quantiles;

  std::uint64_t buffer_bytes() const { return slots * batch_frames * frame_cost; }
  /// One paragraph saying what the planner chose and why.
  std::string explain() const;
};

/// `options` with every default decided, once, at run()'s entry: threads
/// and memory from the machine, nframes the number of frames the run uses
/// (at most the source's). The planners and passes read the fields as they
/// are.
RunOptions resolve_options(RunOptions options, const ImageSeries& source);

/// The plan of one pass; `options` are resolved (an internal ims::Error
/// otherwise).
Plan make_plan(const Pipeline& pipeline, const RunOptions& options);

/// Pixels per reducer-state tile for frames of `frame`: a function of the
/// frame's shape and dtype alone, so that states from different runs
/// (threads, processes, nodes) over the same frames always tile alike and merge.
/// Tiles are whole rows unless a row is wider than a tile.
std::size_t tile_pixels_for(FrameInfo frame);

}  // namespace ims
