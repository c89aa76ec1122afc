#pragma once
// Reducer: frames -> one image, computed from partial states that merge.
//
// Reducers are immutable and thread-safe; all mutable data lives in states.
// A state covers one pixel range of the frame over some frames, so the engine
// can split work across pixels (tiles in parallel) and across frames (threads,
// processes, nodes), then merge the partial states with combine().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/bytes.hpp"
#include "core/frame.hpp"
#include "core/frame_batch.hpp"

namespace ims {

/// Flat pixel indices [begin, end) of a frame (row-major).
struct PixelRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  bool operator==(const PixelRange&) const = default;
};

/// How a reducer's states merge (the DuckDB taxonomy).
enum class ReducerGroup { distributive, algebraic, holistic };
std::string_view reducer_group_name(ReducerGroup group);

/// The partial result of one reducer for one pixel range over some frames.
class ReducerState {
 public:
  virtual ~ReducerState() = default;
  PixelRange range;
  std::uint64_t frames = 0;  ///< frames folded in so far

  /// The engine announces how many frames will come, so that states keeping
  /// every value allocate once; a hint, never a limit.
  virtual void reserve_frames(std::size_t frames_to_come) { (void)frames_to_come; }
};

class Reducer {
 public:
  Reducer(std::string name, FrameInfo input, DType output);
  virtual ~Reducer() = default;

  /// The statistic's name, also its member name in outputs ("max", "mean").
  const std::string& name() const { return name_; }
  FrameInfo input() const { return input_; }
  DType output_dtype() const { return output_; }
  FrameInfo output_info() const { return {input_.shape, output_}; }

  /// The `--stat` text it was made from ("percentile:90"), so that a planner
  /// can make the same statistic for other frames (a band of rows); empty for
  /// reducers made directly.
  const std::string& spec() const { return spec_; }
  void set_spec(std::string spec) { spec_ = std::move(spec); }

  /// Bytes of state per pixel, for the memory plan: a fixed part, plus a part
  /// per frame for reducers that keep every value (holistic, in memory).
  virtual std::size_t state_bytes_per_pixel() const = 0;
  virtual std::size_t state_bytes_per_pixel_per_frame() const { return 0; }

  /// True for holistic reducers (median, percentiles): they need every value
  /// of a pixel, so the engine plans them by band, histogram or spill.
  virtual bool needs_every_value() const { return false; }

  /// True when, given batches with an owner, the reducer keeps pointers to
  /// the frames instead of copying them (its per-frame state then lives in
  /// the source's pages): the engine leaves those pages mapped until the
  /// states are finalised instead of releasing them batch by batch.
  virtual bool keeps_frames_in_place() const { return false; }

  /// True when `other` can use this reducer's states as its own (same kind of
  /// state over the same input): an accumulation then keeps one state for both
  /// and feeds it once, e.g. several quantiles over one gather of the values.
  virtual bool shares_state_with(const Reducer& other) const {
    (void)other;
    return false;
  }

  /// True when update() takes batches with a map (FrameBatch::map): the
  /// reducer then folds the mapped values, pixel by pixel, inside its loops.
  virtual bool folds_pixel_maps() const { return false; }

  /// An empty state for `range`. Any thread.
  std::unique_ptr<ReducerState> make_state(PixelRange range) const;

  /// Folds `batch` (frames of input() shape and dtype) into `state`.
  /// One thread at a time per state; different states concurrently.
  void update(ReducerState& state, const FrameBatch& batch) const;

  /// Merges `from` into `into`: same pixel range, disjoint sets of frames.
  /// The result equals folding both sets of frames into one state (for
  /// floating-point sums up to rounding). One thread at a time per `into`.
  void combine(ReducerState& into, const ReducerState& from) const;

  /// Writes the statistic for `state.range` into those pixels of `out`
  /// (input() shape, output_dtype()). Different ranges concurrently.
  /// Throws if the state has seen no frames.
  void finalize(const ReducerState& state, FrameView out) const;

  /// Portable (little-endian) serialisation of a state, self-describing
  /// enough that deserialize() rejects a state of another reducer or input.
  void serialize(const ReducerState& state, ByteWriter& out) const;
  std::unique_ptr<ReducerState> deserialize(ByteReader& in) const;

 protected:
  virtual std::unique_ptr<ReducerState> do_make_state(PixelRange range) const = 0;
  virtual void do_update(ReducerState& state, const FrameBatch& batch) const = 0;
  virtual void do_combine(ReducerState& into, const ReducerState& from) const = 0;
  virtual void do_finalize(const ReducerState& state, FrameView out) const = 0;
  virtual void do_serialize(const ReducerState& state, ByteWriter& out) const = 0;
  virtual void do_deserialize(ReducerState& state, ByteReader& in) const = 0;

 private:
  std::string name_;
  FrameInfo input_;
  DType output_;
  std::string spec_;
};

/// A state holding one accumulator of type Acc per pixel of its range.
template <class Acc>
class ArrayState : public ReducerState {
 public:
  ArrayState(PixelRange r, Acc initial) : values(r.size(), initial) { range = r; }
  std::vector<Acc> values;

  void write(ByteWriter& out) const { out.put_array(values.data(), values.size()); }
  void read(ByteReader& in) { in.get_array(values.data(), values.size()); }
};

/// Writes f(values[i]) for every pixel of `range` into `out`, converting to
/// out's dtype with numpy astype semantics.
template <class Acc, class F>
void write_pixels(const Acc* values, PixelRange range, FrameView out, F&& f);

}  // namespace ims

#include "ops/reduce/reducer_impl.hpp"
