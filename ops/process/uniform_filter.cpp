// uniform_filter (Thunder's images.uniform_filter): scipy.ndimage.
// uniform_filter(frame, size, mode=..., cval=...) on every frame: the mean
// over a size x size window (for an even size the window reaches one pixel
// further before the centre than after it: rows i-size/2 .. i+size/2-1, as
// scipy's origin 0). Output dtype = input dtype, as scipy.
//
// scipy (1.10, NI_UniformFilter1D) computes it with a running sum per line:
// the first window summed in order, then each step adds (entering - leaving),
// every output being sum / size. The running sum rounds differently from a
// direct mean of each window (and so truncates differently for integer
// outputs), so ims runs the same recurrence: along axis 0 on whole rows at
// once (vectorised over the columns), along axis 1 on each extended row.

#include "ims/error.hpp"
#include "ops/process/filter_kernels.hpp"
#include "ops/process/filter_ops.hpp"

namespace ims {
namespace {

using filters::Boundary;

constexpr const char* kName = "uniform_filter";
constexpr std::int64_t kMaxSize = 200001;  // pixels along an axis; a larger window is a typo

[[gnu::noinline]] void add_to(double* __restrict sum, const double* __restrict x, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) sum[c] += x[c];
}

[[gnu::noinline]] void slide(double* __restrict sum, const double* __restrict enter,
                             const double* __restrict leave, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) sum[c] += enter[c] - leave[c];
}

[[gnu::noinline]] void divide(const double* __restrict sum, double size, double* __restrict mean,
                              std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) mean[c] = sum[c] / size;
}

/// The running mean along one extended line (size/2 + n + size - size/2 - 1 samples).
void uniform_line(const double* line, std::size_t n, std::size_t size, double* out) {
  const auto d = static_cast<double>(size);
  double sum = 0.0;
  for (std::size_t j = 0; j < size; ++j) sum += line[j];
  out[0] = sum / d;
  for (std::size_t c = 1; c < n; ++c) {
    sum += line[c - 1 + size] - line[c - 1];
    out[c] = sum / d;
  }
}

/// The axis-0 running mean, one output row after the other (rows in order).
template <class T>
class ColumnMeans {
 public:
  ColumnMeans(const filters::RowSource<T>& src, std::size_t size)
      : src_(src),
        size_(size),
        sum_(src.cols()),
        mean_(src.cols()),
        enter_(src.cols()),
        leave_(src.cols()),
        outside_(src.cols(), src.boundary().cval) {}

  /// The mean of output row i; i must be 0, 1, 2, ... in turn.
  const double* next(std::ptrdiff_t i) {
    const auto before = static_cast<std::ptrdiff_t>(size_ / 2);
    const auto after = static_cast<std::ptrdiff_t>(size_) - before - 1;
    const std::size_t n = src_.cols();
    if (i == 0) {
      std::fill(sum_.begin(), sum_.end(), 0.0);
      for (std::ptrdiff_t j = -before; j <= after; ++j) add_to(sum_.data(), load(j, enter_), n);
    } else {
      slide(sum_.data(), load(i + after, enter_), load(i - 1 - before, leave_), n);
    }
    divide(sum_.data(), static_cast<double>(size_), mean_.data(), n);
    return mean_.data();
  }

 private:
  const double* load(std::ptrdiff_t i, std::vector<double>& buffer) const {
    const T* row = src_.row(i);
    if (!row) return outside_.data();
    filters::to_double(row, buffer.data(), src_.cols());
    return buffer.data();
  }

  const filters::RowSource<T>& src_;
  std::size_t size_;
  std::vector<double> sum_, mean_, enter_, leave_, outside_;
};

class UniformFilterOp final : public FrameOp {
 public:
  UniformFilterOp(std::array<std::int64_t, 2> size, Boundary boundary)
      : size_(size), boundary_(boundary) {}

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
    const filters::RowSource<T> src(in.as<T>(), in.shape(), boundary_);
    // scipy skips axes of size 1 (the identity).
    const auto size0 = static_cast<std::size_t>(size_[0]);
    const auto size1 = static_cast<std::size_t>(size_[1]);
    ColumnMeans<T> columns(src, size0);
    std::vector<T> mid(n);
    std::vector<double> line(n + size1), acc(n);
    for (std::size_t i = 0; i < in.shape().rows; ++i) {
      T* row = out.as<T>() + i * n;
      const auto ii = static_cast<std::ptrdiff_t>(i);
      if (size0 > 1) {
        const double* mean = columns.next(ii);
        if (size1 <= 1) {
          filters::from_double(mean, row, n);
          continue;
        }
        filters::from_double(mean, mid.data(), n);  // scipy's intermediate is of the output dtype
        filters::extend_line(mid.data(), n, size1 / 2, size1 - size1 / 2 - 1, boundary_,
                             line.data());
      } else if (size1 > 1) {
        filters::extend_line(src.row(ii), n, size1 / 2, size1 - size1 / 2 - 1, boundary_,
                             line.data());
      } else {
        std::copy(src.row(ii), src.row(ii) + n, row);
        continue;
      }
      uniform_line(line.data(), n, size1, acc.data());
      filters::from_double(acc.data(), row, n);
    }
  }

  std::array<std::int64_t, 2> size_;
  Boundary boundary_;
};

std::shared_ptr<const FrameOp> make(const OpConfig& config) {
  const std::string text = config.params.get_string("size");
  const auto size = filters::parse_axis_ints(text, "size", kName);
  for (auto s : size) {
    if (s < 1 || s > kMaxSize) {
      throw Error(ErrorKind::usage, "size of op '" + std::string(kName) +
                                        "' must be between 1 and " + std::to_string(kMaxSize) +
                                        " (got " + text + ")");
    }
  }
  return std::make_shared<UniformFilterOp>(size, filters::boundary_from(config.params));
}

}  // namespace

OpInfo uniform_filter_op_info() {
  return {.name = kName,
          .aliases = {},
          .origin = OpOrigin::thunder,
          .summary =
              "mean over a ROWS x COLS window, scipy.ndimage.uniform_filter (output dtype = input "
              "dtype)",
          .params = {filters::size_param(),
                     filters::mode_param(),
                     filters::cval_param()},
          .make = make};
}

}  // namespace ims
