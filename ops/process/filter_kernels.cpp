#include "ops/process/filter_kernels.hpp"

#include <charconv>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims::filters {

namespace {

constexpr std::array<std::pair<BoundaryMode, std::string_view>, 5> kModes = {{
    {BoundaryMode::reflect, "reflect"},
    {BoundaryMode::constant, "constant"},
    {BoundaryMode::nearest, "nearest"},
    {BoundaryMode::mirror, "mirror"},
    {BoundaryMode::wrap, "wrap"},
}};

// Kernels wider than this are a typo (sigma=2000), not a filter: the axis-0
// pass costs one sweep of the row per tap.
constexpr std::int64_t kMaxRadius = 100000;

// numpy's pairwise summation of n doubles (the algorithm of np.sum for a
// contiguous float64 array): blocks of up to 128 are summed with 8 partial
// sums, larger arrays are split in two at a multiple of 8.
double pairwise_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += a[i];
    return s;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - n % 8; i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) s += a[i];
    return s;
  }
  std::size_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

Error bad_axis_value(const std::string& text, std::string_view param, std::string_view op,
                     std::string_view what) {
  return Error(ErrorKind::usage, "invalid value '" + text + "' for option '" + std::string(param) +
                                     "' of op '" + std::string(op) + "' (expected " +
                                     std::string(what) + ")");
}

std::vector<std::string> axis_items(const std::string& text, std::string_view param,
                                    std::string_view op, std::string_view what) {
  auto items = split(text, ',');
  if (items.empty() || items.size() > 2) throw bad_axis_value(text, param, op, what);
  for (auto& item : items) item = trim(item);
  return items;
}

}  // namespace

ParamSpec mode_param() {
  std::vector<std::string> names;
  for (const auto& m : kModes) names.emplace_back(m.second);
  return {.name = "mode",
          .type = ParamType::choice,
          .default_value = "reflect",
          .doc =
              "samples outside the frame, as scipy.ndimage: reflect (d c b a | a b c d | d c b a), "
              "constant (cval), nearest (a a | a b c d | d d), mirror (d c b | a b c d | c b a), "
              "wrap (a b c d | a b c d | a b c d)",
          .choices = names};
}

ParamSpec cval_param() {
  return {.name = "cval",
          .type = ParamType::number,
          .default_value = "0",
          .doc = "the value outside the frame in mode constant"};
}

ParamSpec size_param() {
  return {.name = "size",
          .type = ParamType::string,
          .doc = "window in pixels: one integer, or ROWS,COLS per axis",
          .required = true};
}

ParamSpec truncate_param() {
  return {.name = "truncate",
          .type = ParamType::number,
          .default_value = "4",
          .doc = "kernel radius in sigmas: int(truncate*sigma + 0.5) pixels"};
}

Boundary boundary_from(const Params& params) {
  Boundary b;
  const std::string mode = params.get_string("mode");
  for (const auto& m : kModes) {
    if (m.second == mode) b.mode = m.first;
  }
  b.cval = params.get_double("cval");
  return b;
}

std::string_view mode_name(BoundaryMode mode) {
  for (const auto& m : kModes) {
    if (m.first == mode) return m.second;
  }
  return "?";
}

std::string describe_boundary(Boundary b) {
  std::string text;
  if (b.mode != BoundaryMode::reflect) text += ";mode=" + std::string(mode_name(b.mode));
  if (b.cval != 0.0) text += ";cval=" + format_number(b.cval);
  return text;
}

std::int64_t gaussian_radius(double sigma, double truncate, std::string_view op) {
  const double r = truncate * sigma + 0.5;  // scipy: int(truncate * sd + 0.5)
  if (!(r < static_cast<double>(kMaxRadius + 1))) {
    throw Error(ErrorKind::usage, "the kernel radius of op '" + std::string(op) +
                                      "', int(truncate*sigma + 0.5) = " +
                                      format_number(std::floor(r)) + ", is too large (at most " +
                                      std::to_string(kMaxRadius) + "); lower sigma or truncate");
  }
  return static_cast<std::int64_t>(r);
}

SymmetricKernel gaussian_kernel(double sigma, int order, double truncate, std::string_view op) {
  const auto r = gaussian_radius(sigma, truncate, op);
  const double sigma2 = sigma * sigma;
  const double scale = -0.5 / sigma2;
  std::vector<double> phi(static_cast<std::size_t>(2 * r + 1));
  for (std::int64_t x = -r; x <= r; ++x) {
    phi[static_cast<std::size_t>(x + r)] = std::exp(scale * static_cast<double>(x * x));
  }
  const double total = 0.0 + pairwise_sum(phi.data(), phi.size());  // numpy's sum starts at 0.0
  SymmetricKernel k;
  k.w.resize(static_cast<std::size_t>(r) + 1);
  // phi is symmetric bit for bit (it depends on x*x), so one side is enough.
  for (std::int64_t d = 0; d <= r; ++d) {
    double w = phi[static_cast<std::size_t>(r + d)] / total;
    if (order == 2) {
      // scipy builds q(x) = q0 + q1*x + q2*x^2 with q0 = 1/(-sigma^2), q1 = 0
      // and q2 = q0*q0, evaluated by a matrix product summing in that order.
      const double q0 = 1.0 / -sigma2;
      const double q2 = q0 * q0;
      w = (q0 + static_cast<double>(d * d) * q2) * w;
    }
    k.w[static_cast<std::size_t>(d)] = w;
  }
  return k;
}

std::array<double, 2> parse_axis_numbers(const std::string& text, std::string_view param,
                                         std::string_view op) {
  constexpr std::string_view what = "a number, or ROWS,COLS";
  const auto items = axis_items(text, param, op, what);
  std::array<double, 2> v{};
  for (std::size_t a = 0; a < items.size(); ++a) {
    if (!parse_double(items[a], v[a]) || !std::isfinite(v[a]))
      throw bad_axis_value(text, param, op, what);
  }
  if (items.size() == 1) v[1] = v[0];
  return v;
}

std::array<std::int64_t, 2> parse_axis_ints(const std::string& text, std::string_view param,
                                            std::string_view op) {
  constexpr std::string_view what = "an integer, or ROWS,COLS";
  const auto items = axis_items(text, param, op, what);
  std::array<std::int64_t, 2> v{};
  for (std::size_t a = 0; a < items.size(); ++a) {
    if (!parse_int(items[a], v[a])) throw bad_axis_value(text, param, op, what);
  }
  if (items.size() == 1) v[1] = v[0];
  return v;
}

std::string format_number(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_axis_numbers(const std::array<double, 2>& v) {
  std::string text = format_number(v[0]);
  if (v[1] != v[0]) text.append(",").append(format_number(v[1]));
  return text;
}

std::string format_axis_ints(const std::array<std::int64_t, 2>& v) {
  std::string text = std::to_string(v[0]);
  if (v[1] != v[0]) text.append(",").append(std::to_string(v[1]));
  return text;
}

void taps_add(double* __restrict acc, double v, std::size_t n) {
  for (std::size_t c = 0; c < n; ++c) acc[c] += v;
}

}  // namespace ims::filters
