#pragma once
// OpChain: ops applied in order, with the shape and dtype after each op
// worked out once, at plan time. Shared by the streaming engine's op stage
// and ProcessedImageSeries.

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ops/process/frame_op.hpp"

namespace ims {

using OpList = std::vector<std::shared_ptr<const FrameOp>>;

class OpChain {
 public:
  OpChain() = default;
  /// Propagates `input` through `ops`; an op that cannot take its frames
  /// throws its usage ims::Error with stage "ops[i].name".
  OpChain(OpList ops, FrameInfo input);

  bool empty() const { return ops_.empty(); }
  const OpList& ops() const { return ops_; }
  FrameInfo input() const { return input_; }
  FrameInfo output() const { return infos_.empty() ? input_ : infos_.back(); }

  /// Frames apply_rows() takes at once at most.
  static constexpr std::size_t kMaxFrames = 4;

  /// Buffers for the intermediate results of `frames` frames at once (all
  /// but the last op's; a band of rows for ops inside a banded run), kept
  /// per thread and passed to apply() or apply_rows().
  std::vector<FrameBuffer> make_scratch(std::size_t frames = 1) const;
  /// Runs every op: `in` is input()-shaped, `out` output()-shaped. Errors
  /// get the op's stage. Any thread, each with its own scratch.
  ///
  /// Consecutive ops with a row source (FrameOp::row_source) run together
  /// band by band of rows, so their intermediate results stay in cache
  /// instead of streaming whole frames through memory once per op; the
  /// result is the same as op after op on whole frames.
  void apply(ConstFrameView in, FrameView out, std::vector<FrameBuffer>& scratch) const;

  /// True when every op takes each output row from one input row: the whole
  /// chain can then compute any band of output rows from the input frame.
  bool maps_rows() const { return !ops_.empty() && run_end_.front() == ops_.size() && runs_rows_.front(); }
  /// For chains that map rows: the rows of the input frame `in` that output
  /// rows [row0, row0 + rows) come from.
  ConstFrameView input_rows(ConstFrameView in, std::size_t row0, std::size_t rows) const;
  /// For chains that map rows: output rows [row0, row0 + rows) of up to
  /// kMaxFrames frames at once, into out[k] (bands of output()'s width and
  /// dtype, `rows` rows each), from in[k], the input rows they come from
  /// (input_rows(), or copies of them). Each op gets the same rows of every
  /// frame in one call (FrameOp::apply_rows_of): the first op streams the
  /// frames from memory side by side and reads its image once for all.
  void apply_rows(std::span<const ConstFrameView> in, std::size_t row0, std::span<const FrameView> out,
                  std::vector<FrameBuffer>& scratch) const;
  /// The chain as one map the reducers apply inside their folds: when the
  /// only op that does something (rectangles keeping the whole frame do
  /// nothing) has a FrameOp::pixel_map(). Loads that op's image.
  std::optional<PixelMap> pixel_map() const;
  /// Every op's prepare(), in order.
  void prepare() const;

 private:
  void find_runs(const std::vector<std::optional<RowSource>>& sources);
  /// Output rows [row0, row0 + dst[k].rows), at most band_rows_, of the run
  /// of row-mapping ops starting at op `first`; in[k] starts at row in_first
  /// of op first's input.
  void apply_band(std::size_t first, std::span<const ConstFrameView> in, std::size_t in_first,
                  std::size_t row0, std::span<const FrameView> dst, std::vector<FrameBuffer>& scratch) const;
  /// apply_band over every band of dst (rows [row0, ...) of the run's output).
  void apply_run(std::size_t first, std::span<const ConstFrameView> in, std::size_t in_first,
                 std::size_t row0, std::span<const FrameView> dst, std::vector<FrameBuffer>& scratch) const;
  /// Rows of op i's scratch for `frames` frames: a band or a whole frame each.
  std::size_t scratch_rows(std::size_t i, std::size_t frames) const;
  /// scratch holds what make_scratch(frames) makes.
  bool scratch_fits(const std::vector<FrameBuffer>& scratch, std::size_t frames) const;

  OpList ops_;
  FrameInfo input_;
  std::vector<FrameInfo> infos_;  // output of op i
  // Ops [i, run_end_[i]) form a run starting at op i: either one op without a
  // row source, or ops that all have one (runs_rows_[i]).
  std::vector<std::size_t> run_end_;
  std::vector<bool> runs_rows_;
  // For op i of a row-mapping run: output row r of the run's last op comes
  // from input row in_rows_[i](r) of op i.
  std::vector<RowSource> in_rows_;
  std::vector<bool> in_band_;  // op i's result is a band of rows (inside a run, not its last)
  std::vector<bool> identity_;  // op i leaves its frames as they are: runs skip it
  // For a run starting at op i: the end of its ops that do something (the
  // last of them writes the run's result).
  std::vector<std::size_t> active_end_;
  std::size_t band_rows_ = 0;
};

/// "ops[i].name": how errors and messages name op i of a chain.
std::string op_stage(std::size_t index, const FrameOp& op);

}  // namespace ims
