// add-row, add-column: hexrd's np.insert(img, index, 0, axis=0 / axis=1), a
// row (column) of zeros inserted before row (column) `index`; hexrd's Dexela
// preprocessing inserts one of each ('add-row' 1944, 'add-column' 1296).
// `index` runs from 0 to the number of rows (columns), that last one
// appending at the end; a negative index counts from the end as np.insert's
// does (-1: before the last row).
//
// Only bytes move, so one byte-level kernel serves every pixel type: all-zero
// bits are 0 in each of them (0.0 for floats, as np.insert's 0 becomes).

#include <cstdint>
#include <cstring>
#include <string>

#include "ims/error.hpp"
#include "ops/process/geometry.hpp"

namespace ims {
namespace {

enum class Axis { rows, cols };

class InsertZerosOp final : public FrameOp {
 public:
  InsertZerosOp(Axis axis, std::int64_t index) : axis_(axis), index_(index) {}

  std::string name() const override { return axis_ == Axis::rows ? "add-row" : "add-column"; }
  std::string describe() const override { return name() + "=" + std::to_string(index_); }
  /// A column of zeros keeps every row where it is.
  std::optional<RowSource> row_source(const FrameInfo&) const override {
    if (axis_ == Axis::cols) return kSameRows;
    return std::nullopt;
  }

  FrameInfo output_info(const FrameInfo& input) const override {
    position(input.shape);  // refuses an index out of range
    FrameShape shape = input.shape;
    (axis_ == Axis::rows ? shape.rows : shape.cols) += 1;
    return {shape, input.dtype};
  }

  void apply(ConstFrameView in, FrameView out) const override {
    const std::size_t at = position(in.shape());
    const std::size_t row_bytes = in.shape().cols * dtype_size(in.dtype());
    if (axis_ == Axis::rows) {
      insert_row(in.data(), out.data(), in.shape().rows, row_bytes, at);
    } else {
      insert_column(in.data(), out.data(), in.shape().rows, row_bytes, at * dtype_size(in.dtype()),
                    dtype_size(in.dtype()));
    }
  }

 private:
  // The row (column) before which the zeros go, for frames of `shape`.
  std::size_t position(FrameShape shape) const {
    const std::size_t n = axis_ == Axis::rows ? shape.rows : shape.cols;
    const auto length = static_cast<std::int64_t>(n);
    if (index_ < -length || index_ > length) {
      throw Error(ErrorKind::usage, "index " + std::to_string(index_) +
                                        " is out of range for the " + to_string(shape) +
                                        " frames (expected -" + std::to_string(n) + " to " +
                                        std::to_string(n) + " for " + std::to_string(n) + " " +
                                        (axis_ == Axis::rows ? "rows" : "columns") + ")");
    }
    return static_cast<std::size_t>(index_ < 0 ? index_ + length : index_);
  }

  static void insert_row(const std::byte* in, std::byte* out, std::size_t rows,
                         std::size_t row_bytes, std::size_t at) {
    std::memcpy(out, in, at * row_bytes);
    std::memset(out + at * row_bytes, 0, row_bytes);
    std::memcpy(out + (at + 1) * row_bytes, in + at * row_bytes, (rows - at) * row_bytes);
  }

  // `before` bytes of each row, a zero pixel of `pixel` bytes, the rest.
  static void insert_column(const std::byte* in, std::byte* out, std::size_t rows,
                            std::size_t row_bytes, std::size_t before, std::size_t pixel) {
    const std::size_t after = row_bytes - before;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::byte* from = in + r * row_bytes;
      std::byte* to = out + r * (row_bytes + pixel);
      std::memcpy(to, from, before);
      std::memset(to + before, 0, pixel);
      std::memcpy(to + before + pixel, from + before, after);
    }
  }

  Axis axis_;
  std::int64_t index_;
};

ParamSpec index_param(const char* what) {
  return {.name = "index",
          .type = ParamType::integer,
          .doc = std::string("insert before this ") + what + ": 0 to the number of " + what +
                 "s (which appends), negative counts from the end",
          .required = true};
}

}  // namespace

OpInfo add_row_op_info() {
  return {.name = "add-row",
          .aliases = {"add_row"},
          .origin = OpOrigin::hexrd,
          .summary = "insert a row of zeros (hexrd's add-row, np.insert(img, index, 0, axis=0))",
          .params = {index_param("row")},
          .make = [](const OpConfig& config) -> std::shared_ptr<const FrameOp> {
            return std::make_shared<InsertZerosOp>(Axis::rows, config.params.get_int("index"));
          }};
}

OpInfo add_column_op_info() {
  return {
      .name = "add-column",
      .aliases = {"add_column"},
      .origin = OpOrigin::hexrd,
      .summary = "insert a column of zeros (hexrd's add-column, np.insert(img, index, 0, axis=1))",
      .params = {index_param("column")},
      .make = [](const OpConfig& config) -> std::shared_ptr<const FrameOp> {
        return std::make_shared<InsertZerosOp>(Axis::cols, config.params.get_int("index"));
      }};
}

}  // namespace ims
