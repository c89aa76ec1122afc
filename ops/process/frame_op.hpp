#pragma once
// FrameOp: a frame -> frame operation (dark, flip, rectangle, filters...).
// Ops are immutable and thread-safe; the engine runs them on many frames at
// once. They do no I/O: images they need (a dark, a mask) come in through
// LazyImage, which the engine loads before the first frame is processed.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/image_series.hpp"
#include "ops/process/pixel_map.hpp"

namespace ims {

/// Where an op takes each output row from: output row r is input row
/// first + r, or first - r when reversed (a top-bottom mirror).
struct RowSource {
  std::size_t first = 0;
  bool reversed = false;

  /// The first of the input rows that output rows [row0, row0 + rows) come from.
  std::size_t band_begin(std::size_t row0, std::size_t rows) const {
    return reversed ? first - row0 - (rows - 1) : first + row0;
  }
  /// Output row r of `outer` (an op reading this op's output) comes from
  /// input row composed(outer)(r) of this op.
  RowSource composed(RowSource outer) const {
    return {reversed ? first - outer.first : first + outer.first, reversed != outer.reversed};
  }
  bool operator==(const RowSource&) const = default;
};

/// The source of ops that keep every row where it is.
inline constexpr RowSource kSameRows{};

class FrameOp {
 public:
  virtual ~FrameOp() = default;
  /// The op's name as users write it ("flip").
  virtual std::string name() const = 0;
  /// Shape and dtype of the output for frames of `input`; throws a usage
  /// ims::Error when the op cannot take such frames. Called at plan time, so
  /// errors surface before the first frame is read.
  virtual FrameInfo output_info(const FrameInfo& input) const = 0;
  /// Computes one output frame. Called concurrently from many threads.
  virtual void apply(ConstFrameView in, FrameView out) const = 0;

  /// The op with its parameters, as `--op` takes it ("flip=r90"), for
  /// reports and output attributes.
  virtual std::string describe() const { return name(); }
  /// Ops that only cut a region out of the frame return it: as the first op
  /// of a chain, the source then reads only that region.
  virtual std::optional<Region> crop_region(FrameShape input) const {
    (void)input;
    return std::nullopt;
  }
  /// True when the op only moves or selects pixels, the same way in every
  /// frame, keeping their values and dtype (flips, crops): a per-pixel
  /// statistic of its outputs is then the op applied to the statistic of
  /// its inputs, and a run may apply it once to each result instead of to
  /// every frame.
  virtual bool moves_pixels() const { return false; }
  /// True when the op leaves frames of `input` exactly as they are (a
  /// rectangle covering the whole frame): chains then skip it.
  virtual bool is_identity(const FrameInfo& input) const {
    (void)input;
    return false;
  }
  /// The op as a map the reducers apply inside their folds (PixelMap), when
  /// it is one for frames of `input`: a pixelwise op with an image of its
  /// output dtype, from frames of that dtype or integers converted to it
  /// (folds_pixel_map()). A reduction whose whole chain is such an op then
  /// streams the frames once, as if there were no op. Its image stays valid
  /// as long as the op lives.
  virtual std::optional<PixelMap> pixel_map(const FrameInfo& input) const {
    (void)input;
    return std::nullopt;
  }
  /// Loads what the op needs before the first frame (its LazyImages). Called
  /// once, in chain order, after the whole pipeline has been validated.
  virtual void prepare() const {}
  /// The files loading the op's images reads (LazyImage::files()), so that a
  /// run refuses outputs that would overwrite them.
  virtual std::vector<std::string> input_files() const { return {}; }

  /// For ops whose output row r is computed from one input row alone (a
  /// fixed affine map of r): which. Chains of such ops run band by band of
  /// rows, their intermediate results staying in cache, and a reduction can
  /// compute them tile by tile of its states (OpChain). nullopt for ops that
  /// mix rows (transposes, filters) or pick them otherwise (subsampling).
  virtual std::optional<RowSource> row_source(const FrameInfo& input) const {
    (void)input;
    return std::nullopt;
  }
  /// For ops with a row_source: `out` is output rows [row0, row0 + rows)
  /// and `in` the input rows they come from, in input order (for a reversed
  /// source, output row row0 comes from in's last row). The default suits
  /// ops that treat every row alike; ops with an image of the frame's shape
  /// use its rows.
  virtual void apply_rows(ConstFrameView in, FrameView out, std::size_t row0) const {
    (void)row0;
    apply(in, out);
  }
  /// apply_rows() on the same rows of several frames (OpChain::kMaxFrames at
  /// most). Ops that read memory-bound inputs override it to stream the
  /// frames side by side (more reads in flight) and read their image once
  /// for all frames.
  virtual void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                             std::size_t row0) const {
    for (std::size_t k = 0; k < in.size(); ++k) apply_rows(in[k], out[k], row0);
  }
};

}  // namespace ims
