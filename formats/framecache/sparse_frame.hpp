#pragma once
// One frame of a frame-cache: the (row, col, value) of each kept pixel, in
// row-major order (hexrd's extract_ijv), and the two kernels on it: keeping
// the pixels above a threshold, and writing a dense frame (or a region of
// one) from it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/image_series.hpp"

namespace ims {

struct SparseFrame {
  std::vector<std::uint16_t> rows;  ///< hexrd stores indices as uint16
  std::vector<std::uint16_t> cols;
  std::vector<std::byte> values;  ///< count() values of the series dtype, native order
  /// Rows never decrease (hexrd's row-major order): set by check_sparse.
  bool row_major = false;

  std::size_t count() const { return rows.size(); }
  void clear() {
    rows.clear();
    cols.clear();
    values.clear();
  }
};

/// hexrd's threshold: a pixel is kept when value > threshold, so equal
/// values are dropped, and so is NaN. Integer pixels compare exactly with
/// the real threshold (hexrd converts both to float64, which rounds int64
/// pixels above 2^53); float pixels compare as float64, as hexrd does.
struct Threshold {
  double value = 0;
};

/// Throws an unsupported ims::Error for frames hexrd's uint16 indices cannot
/// address (more than 65536 rows or columns).
void check_cache_shape(FrameShape shape);

/// Appends to `out` (cleared first) the pixels of `frame` above `threshold`,
/// row by row.
void extract_sparse(ConstFrameView frame, Threshold threshold, SparseFrame& out);

/// Throws a format ims::Error when the arrays' lengths differ or an index
/// lies outside `shape` (the caller adds the file and frame); records in
/// the same pass whether the entries are row-major.
void check_sparse(SparseFrame& frame, DType dtype, FrameShape shape);

/// Writes `region` of the dense frame into `out` (region.shape(), `dtype`):
/// zeros, then the kept pixels that fall inside. A pixel listed twice takes
/// its last value (hexrd's scipy reader would add them; ims never writes one
/// twice).
void densify(const SparseFrame& frame, Region region, FrameView out);

}  // namespace ims
