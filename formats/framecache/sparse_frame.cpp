#include "formats/framecache/sparse_frame.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ims/error.hpp"

namespace ims {

namespace {

/// v > threshold, exactly, for integer T: v > t holds iff v > floor(t).
template <class T>
struct IntegerAbove {
  bool none = false, all = false;
  T bound{};
  explicit IntegerAbove(double t) {
    if (std::isnan(t)) {
      none = true;  // nothing compares greater than NaN
      return;
    }
    const double f = std::floor(t);
    if (f < static_cast<double>(std::numeric_limits<T>::lowest())) {
      all = true;
    } else if (f >= static_cast<double>(std::numeric_limits<T>::max())) {
      none = true;  // also covers int64's max, which rounds up to 2^63 as a double
    } else {
      bound = static_cast<T>(f);
    }
  }
  bool operator()(T v) const { return all || (!none && v > bound); }
};

template <class T>
void extract_typed(ConstFrameView frame, double t, SparseFrame& out) {
  const T* pixels = frame.as<T>();
  const std::size_t rows = frame.shape().rows, cols = frame.shape().cols;
  auto keep_pixel = [&](std::size_t r, std::size_t c, T v) {
    out.rows.push_back(static_cast<std::uint16_t>(r));
    out.cols.push_back(static_cast<std::uint16_t>(c));
    const std::size_t at = out.values.size();
    out.values.resize(at + sizeof(T));
    std::memcpy(out.values.data() + at, &v, sizeof(T));
  };
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t r = 0; r < rows; ++r) {
      const T* row = pixels + r * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        if (static_cast<double>(row[c]) > t) keep_pixel(r, c, row[c]);
      }
    }
  } else {
    const IntegerAbove<T> above(t);
    if (above.none) return;
    for (std::size_t r = 0; r < rows; ++r) {
      const T* row = pixels + r * cols;
      for (std::size_t c = 0; c < cols; ++c) {
        if (above(row[c])) keep_pixel(r, c, row[c]);
      }
    }
  }
}

template <class T>
void densify_typed(const SparseFrame& frame, Region region, FrameView out) {
  T* dense = out.as<T>();
  const std::size_t width = region.col1 - region.col0;
  std::memset(out.data(), 0, out.bytes());
  const auto* values = reinterpret_cast<const T*>(frame.values.data());  // aligned: a vector of bytes from new
  for (std::size_t i = 0; i < frame.count(); ++i) {
    const std::size_t r = frame.rows[i], c = frame.cols[i];
    if (r < region.row0 || r >= region.row1 || c < region.col0 || c >= region.col1) continue;
    T v;
    std::memcpy(&v, values + i, sizeof v);
    dense[(r - region.row0) * width + (c - region.col0)] = v;
  }
}

}  // namespace

void check_cache_shape(FrameShape shape) {
  if (shape.rows > 65536 || shape.cols > 65536) {
    throw Error(ErrorKind::unsupported, "frames of " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols) +
                                            " do not fit a frame-cache: hexrd stores rows and columns as uint16 "
                                            "(at most 65536 of each)")
        .with_stage("frame-cache");
  }
}

void extract_sparse(ConstFrameView frame, Threshold threshold, SparseFrame& out) {
  out.clear();
  check_cache_shape(frame.shape());
  visit_dtype(frame.dtype(), [&](auto t) { extract_typed<decltype(t)>(frame, threshold.value, out); });
}

void check_sparse(SparseFrame& frame, DType dtype, FrameShape shape) {
  const std::size_t n = frame.rows.size();
  if (frame.cols.size() != n || frame.values.size() != n * dtype_size(dtype)) {
    throw Error(ErrorKind::format, "rows, columns and values differ in length (" + std::to_string(n) + ", " +
                                       std::to_string(frame.cols.size()) + ", " +
                                       std::to_string(frame.values.size() / dtype_size(dtype)) + ")");
  }
  bool row_major = true;
  std::uint16_t previous = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint16_t r = frame.rows[i];
    if (r >= shape.rows || frame.cols[i] >= shape.cols) {
      throw Error(ErrorKind::format, "pixel (" + std::to_string(r) + ", " + std::to_string(frame.cols[i]) +
                                         ") lies outside the " + std::to_string(shape.rows) + "x" +
                                         std::to_string(shape.cols) + " frame");
    }
    row_major &= r >= previous;
    previous = r;
  }
  frame.row_major = row_major;
}

void densify(const SparseFrame& frame, Region region, FrameView out) {
  visit_dtype(out.dtype(), [&](auto t) { densify_typed<decltype(t)>(frame, region, out); });
}

}  // namespace ims
