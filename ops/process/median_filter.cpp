// median_filter (Thunder's images.median_filter): scipy.ndimage.
// median_filter(frame, size, mode=..., cval=...) on every frame. The window
// of ROWS x COLS pixels covers rows i - ROWS/2 .. i - ROWS/2 + ROWS - 1 (and
// likewise columns; even sizes reach further before the centre), and the
// result is the element of rank (ROWS*COLS)/2 of the sorted window: the upper
// of the two middle values for an even count, never their mean (scipy's rank
// filter). Output dtype = input dtype.
//
// Differences from scipy, where scipy's result is an accident of its
// implementation: NaNs sort after every number (scipy's quickselect leaves
// the result with a NaN in the window dependent on the order it visits
// values); int64 values are selected exactly (scipy goes through double and
// rounds values beyond 2^53). As scipy's rank filter, cval is first
// converted to the input dtype (filters::filter_cast).
//
// Windows of up to 64 pixels go through a selection network: Batcher's
// odd-even merge sort on the window's pixels, pruned to the comparators the
// middle rank depends on, each comparator applied to a whole block of output
// pixels at once (vectorised min/max). Larger windows select per pixel with
// nth_element.

#include <algorithm>
#include <cmath>

#include "ims/error.hpp"
#include "ops/process/filter_kernels.hpp"
#include "ops/process/filter_ops.hpp"

namespace ims {
namespace {

using filters::Boundary;

constexpr const char* kName = "median_filter";
constexpr std::int64_t kMaxWindow = 1 << 20;   // pixels; a larger window is a typo
constexpr std::size_t kMaxNetwork = 64;        // pixels; larger windows use nth_element
constexpr std::size_t kBlockBytes = 32 << 10;  // the window's planes of one block stay in L1

struct Comparator {
  std::size_t lo, hi;  // after it, value[lo] <= value[hi]
};

/// The comparators of Batcher's odd-even merge sort of n values (any n)
/// that position `rank` of the sorted output depends on.
std::vector<Comparator> selection_network(std::size_t n, std::size_t rank) {
  std::vector<Comparator> all;
  for (std::size_t p = 1; p < n; p *= 2) {
    for (std::size_t k = p; k >= 1; k /= 2) {
      for (std::size_t j = k % p; j + k < n; j += 2 * k) {
        for (std::size_t i = 0; i < k && i + j + k < n; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) all.push_back({i + j, i + j + k});
        }
      }
    }
  }
  // Walk back from the output: a comparator matters when it writes a
  // position that something needed later reads.
  std::vector<bool> needed(n, false);
  needed[rank] = true;
  std::vector<Comparator> kept;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!needed[it->lo] && !needed[it->hi]) continue;
    needed[it->lo] = needed[it->hi] = true;
    kept.push_back(*it);
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

/// numpy's sort order: NaN after everything else.
template <class T>
bool less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a < b || (std::isnan(b) && !std::isnan(a));
  } else {
    return a < b;
  }
}

/// Sorts every pair (x[c], y[c]) so that x[c] <= y[c] in numpy's order.
template <class T>
[[gnu::noinline]] void compare_exchange(T* __restrict x, T* __restrict y, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) {
    const T a = x[c];
    const T b = y[c];
    const bool swap = less(b, a);
    x[c] = swap ? b : a;
    y[c] = swap ? a : b;
  }
}

/// `row` (or the constant `outside` when null) extended by `before` and
/// `after` samples under `b`, in the pixel type.
template <class T>
void extend_native(const T* row, std::size_t n, std::size_t before, std::size_t after, Boundary b,
                   T outside, T* out) {
  if (!row) return std::fill(out, out + before + n + after, outside);
  std::copy(row, row + n, out + before);
  const auto len = static_cast<std::ptrdiff_t>(n);
  auto at = [&](std::ptrdiff_t i) {
    const std::ptrdiff_t m = filters::map_index(i, len, b.mode);
    return m < 0 ? outside : row[m];
  };
  for (std::size_t j = 1; j <= before; ++j) out[before - j] = at(-static_cast<std::ptrdiff_t>(j));
  for (std::size_t j = 0; j < after; ++j)
    out[before + n + j] = at(len + static_cast<std::ptrdiff_t>(j));
}

class MedianFilterOp final : public FrameOp {
 public:
  MedianFilterOp(std::array<std::int64_t, 2> size, Boundary boundary)
      : size_(size), boundary_(boundary) {
    const auto pixels = static_cast<std::size_t>(size_[0] * size_[1]);
    if (pixels <= kMaxNetwork) network_ = selection_network(pixels, pixels / 2);
  }

  std::string name() const override { return kName; }
  FrameInfo output_info(const FrameInfo& input) const override { return input; }

  void apply(ConstFrameView in, FrameView out) const override {
    if (in.pixels() == 0) return;  // nothing to filter (and no line to extend)
    visit_dtype(in.dtype(), [&](auto tag) {
      using T = decltype(tag);
      run<T>(in, out);
    });
  }

  std::string describe() const override {
    return std::string(kName) + "=" + filters::format_axis_ints(size_) +
           filters::describe_boundary(boundary_);
  }

 private:
  template <class T>
  void run(ConstFrameView in, FrameView out) const {
    const std::size_t n = in.shape().cols;
    const auto rows = static_cast<std::size_t>(size_[0]);
    const auto cols = static_cast<std::size_t>(size_[1]);
    const std::size_t width = n + cols - 1;
    const filters::RowSource<T> src(in.as<T>(), in.shape(), boundary_);
    const T outside = filters::filter_cast<T>(boundary_.cval);
    std::vector<T> window_rows(rows * width);  // the window's rows, extended along axis 1
    std::vector<T> scratch;
    for (std::size_t i = 0; i < in.shape().rows; ++i) {
      for (std::size_t a = 0; a < rows; ++a) {
        const auto source =
            static_cast<std::ptrdiff_t>(i + a) - static_cast<std::ptrdiff_t>(rows / 2);
        extend_native(src.row(source), n, cols / 2, cols - cols / 2 - 1, boundary_, outside,
                      window_rows.data() + a * width);
      }
      T* row = out.as<T>() + i * n;
      if (rows * cols <= kMaxNetwork) {
        select_by_network(window_rows.data(), width, n, row, scratch);
      } else {
        select_per_pixel(window_rows.data(), width, n, row, scratch);
      }
    }
  }

  /// Output row from the window's extended rows, a block of pixels at a time:
  /// plane e holds window element e of every pixel of the block.
  template <class T>
  void select_by_network(const T* window_rows, std::size_t width, std::size_t n, T* row,
                         std::vector<T>& planes) const {
    const auto rows = static_cast<std::size_t>(size_[0]);
    const auto cols = static_cast<std::size_t>(size_[1]);
    const std::size_t k = rows * cols;
    const std::size_t block = std::max<std::size_t>(16, kBlockBytes / (k * sizeof(T)) / 16 * 16);
    planes.resize(k * block);
    for (std::size_t c0 = 0; c0 < n; c0 += block) {
      const std::size_t m = std::min(block, n - c0);
      for (std::size_t a = 0; a < rows; ++a) {
        for (std::size_t b = 0; b < cols; ++b) {
          std::copy_n(window_rows + a * width + c0 + b, m, planes.data() + (a * cols + b) * block);
        }
      }
      for (const auto& cmp : network_)
        compare_exchange(planes.data() + cmp.lo * block, planes.data() + cmp.hi * block, m);
      std::copy_n(planes.data() + (k / 2) * block, m, row + c0);
    }
  }

  template <class T>
  void select_per_pixel(const T* window_rows, std::size_t width, std::size_t n, T* row,
                        std::vector<T>& window) const {
    const auto rows = static_cast<std::size_t>(size_[0]);
    const auto cols = static_cast<std::size_t>(size_[1]);
    const std::size_t rank = rows * cols / 2;
    window.resize(rows * cols);
    for (std::size_t c = 0; c < n; ++c) {
      for (std::size_t a = 0; a < rows; ++a)
        std::copy_n(window_rows + a * width + c, cols, window.data() + a * cols);
      std::nth_element(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(rank),
                       window.end(), less<T>);
      row[c] = window[rank];
    }
  }

  std::array<std::int64_t, 2> size_;
  Boundary boundary_;
  std::vector<Comparator> network_;  // windows of up to kMaxNetwork pixels
};

std::shared_ptr<const FrameOp> make(const OpConfig& config) {
  const std::string text = config.params.get_string("size");
  const auto size = filters::parse_axis_ints(text, "size", kName);
  if (size[0] < 1 || size[1] < 1 || size[0] > kMaxWindow / size[1]) {
    throw Error(ErrorKind::usage, "size of op '" + std::string(kName) +
                                      "' must be >= 1 along each axis, with at most " +
                                      std::to_string(kMaxWindow) + " pixels in the window (got " +
                                      text + ")");
  }
  return std::make_shared<MedianFilterOp>(size, filters::boundary_from(config.params));
}

}  // namespace

OpInfo median_filter_op_info() {
  return {.name = kName,
          .aliases = {},
          .origin = OpOrigin::thunder,
          .summary =
              "median over a ROWS x COLS window, scipy.ndimage.median_filter (an even window gives "
              "the upper "
              "of its middle values; output dtype = input dtype)",
          .params = {filters::size_param(),
                     filters::mode_param(),
                     filters::cval_param()},
          .make = make};
}

}  // namespace ims
