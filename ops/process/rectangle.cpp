// rectangle: hexrd's rectangle op, img[r0:r1, c0:c1], written as text
// "r0:r1,c0:c1". Each axis follows python slicing: a bound may be omitted
// (":512,100:"), a negative one counts from the end, and out-of-range bounds
// clamp to the frame as numpy's do (hexrd's ((50,80),(40,60)) on 64x48
// frames gives 14x8). A rectangle left with no pixel is refused: hexrd would
// hand empty frames down the chain.
//
// As the first op of a chain it is a region read (crop_region), as hexrd's
// ProcessedImageSeries fetches it with get_region.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "ims/error.hpp"
#include "core/strings.hpp"
#include "ops/process/geometry.hpp"

namespace ims {
namespace {

// One axis, "start:stop", either bound optional.
struct AxisBounds {
  std::optional<std::int64_t> start, stop;
};

// numpy's clamping of a slice bound over `n` items.
std::size_t clamp_bound(std::int64_t bound, std::size_t n) {
  const auto length = static_cast<std::int64_t>(n);
  if (bound < 0) bound += length;
  return static_cast<std::size_t>(std::clamp<std::int64_t>(bound, 0, length));
}

struct AxisRange {
  std::size_t begin = 0, end = 0;
};

AxisRange resolve(const AxisBounds& bounds, std::size_t n) {
  AxisRange range{bounds.start ? clamp_bound(*bounds.start, n) : 0,
                  bounds.stop ? clamp_bound(*bounds.stop, n) : n};
  range.end = std::max(range.end, range.begin);
  return range;
}

class RectangleSyntax {
 public:
  explicit RectangleSyntax(std::string text) : text_(std::move(text)) {}

  Error error(const std::string& why) const {
    return Error(ErrorKind::usage,
                 "invalid region '" + text_ + "': " + why +
                     " (expected ROW0:ROW1,COL0:COL1 with python slice bounds, e.g. "
                     "5:45,3:30 or :512,-100:)");
  }

  AxisBounds axis(const std::string& part, const char* axis_name) const {
    const auto bounds = split(part, ':');
    if (bounds.size() != 2) throw error(std::string("the ") + axis_name + " are not START:STOP");
    AxisBounds out;
    std::optional<std::int64_t>* targets[2] = {&out.start, &out.stop};
    for (std::size_t i = 0; i < 2; ++i) {
      const std::string bound = trim(bounds[i]);
      if (bound.empty()) continue;
      std::int64_t value = 0;
      if (!parse_int(bound, value)) throw error("'" + bound + "' is not an integer");
      *targets[i] = value;
    }
    return out;
  }

 private:
  std::string text_;
};

class RectangleOp final : public FrameOp {
 public:
  RectangleOp(std::string text, AxisBounds rows, AxisBounds cols)
      : text_(std::move(text)), rows_(rows), cols_(cols) {}

  std::string name() const override { return "rectangle"; }
  std::string describe() const override { return "rectangle=" + text_; }
  bool moves_pixels() const override { return true; }

  FrameInfo output_info(const FrameInfo& input) const override {
    return {region(input.shape).shape(), input.dtype};
  }

  std::optional<Region> crop_region(FrameShape input) const override { return region(input); }

  void apply(ConstFrameView in, FrameView out) const override {
    copy_region(in, region(in.shape()), out);
  }

  bool is_identity(const FrameInfo& input) const override {
    return region(input.shape) == Region{0, input.shape.rows, 0, input.shape.cols};
  }

  /// Output row r is input row row0 + r: a crop runs by bands of rows too.
  std::optional<RowSource> row_source(const FrameInfo& input) const override {
    return RowSource{region(input.shape).row0, false};
  }
  void apply_rows(ConstFrameView in, FrameView out, std::size_t) const override {
    const AxisRange c = resolve(cols_, in.shape().cols);
    copy_region(in, {0, in.shape().rows, c.begin, c.end}, out);
  }

 private:
  // The clamped region of frames of `shape`; a usage error when empty.
  Region region(FrameShape shape) const {
    const AxisRange r = resolve(rows_, shape.rows), c = resolve(cols_, shape.cols);
    if (r.begin == r.end || c.begin == c.end) {
      throw Error(ErrorKind::usage, "region '" + text_ + "' selects no pixel of the " +
                                        to_string(shape) + " frames (rows x cols)");
    }
    return {r.begin, r.end, c.begin, c.end};
  }

  std::string text_;
  AxisBounds rows_, cols_;
};

std::shared_ptr<const FrameOp> make_rectangle(const OpConfig& config) {
  const std::string text = config.params.get_string("region");
  const RectangleSyntax syntax(text);
  const auto axes = split(text, ',');
  if (axes.size() != 2) throw syntax.error("not two axes separated by a comma");
  return std::make_shared<RectangleOp>(text, syntax.axis(axes[0], "rows"),
                                       syntax.axis(axes[1], "columns"));
}

}  // namespace

OpInfo rectangle_op_info() {
  return {
      .name = "rectangle",
      .origin = OpOrigin::hexrd,
      .summary =
          "cut a rectangle out of the frame (hexrd's rectangle, img[r0:r1, c0:c1]); as the first "
          "op, only that region is read",
      .params = {{.name = "region",
                  .type = ParamType::string,
                  .doc =
                      "ROW0:ROW1,COL0:COL1, python slice bounds: omitted = to the edge, negative = "
                      "from the end, out of range = clamped (e.g. 5:45,3:30 or :512,-100:)",
                  .required = true}},
      .make = make_rectangle};
}

}  // namespace ims
