#include "ops/reduce/holistic/quantile.hpp"

#include <charconv>
#include <cmath>

#include "ims/error.hpp"
#include "ops/reduce/builtin.hpp"
#include "ops/reduce/holistic/quantile_reducer.hpp"

namespace ims {

namespace {

std::string format_percent(double percent) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, percent);  // shortest round trip
  (void)ec;
  return std::string(text, end);
}

ReducerInfo quantile_info(std::string name, bool median, NanPolicy nans) {
  const bool omit = nans == NanPolicy::omit;
  ReducerInfo info;
  info.name = name;
  info.group = ReducerGroup::holistic;
  info.summary = std::string(median ? "per-pixel median" : "per-pixel percentile Q in [0, 100]") +
                 (omit ? ", ignoring NaNs (numpy's nan" + std::string(median ? "median" : "percentile") + ")"
                       : " (numpy's 'linear' method; a NaN makes the pixel NaN)");
  info.default_output = "float32";
  if (!median) {
    info.params = {{.name = "q", .type = ParamType::number, .doc = "the percentile, in [0, 100] (numpy's q)",
                    .required = true}};
  }
  info.make = [name, median, nans](const ReducerConfig& config) {
    QuantileSpec spec{median ? 50.0 : parse_percent(config.params.get_string("q"), name), nans};
    return make_quantile_reducer(spec, quantile_name(spec, median), config);
  };
  return info;
}

}  // namespace

std::string quantile_name(const QuantileSpec& spec, bool median) {
  const std::string prefix = spec.nans == NanPolicy::omit ? "nan" : "";
  return median ? prefix + "median" : prefix + "percentile_" + format_percent(spec.percent);
}

double parse_percent(const std::string& text, const std::string& statistic) {
  double percent = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, percent);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(percent) || percent < 0.0 ||
      percent > 100.0) {
    throw Error(ErrorKind::usage, statistic + ":" + text + ": the percentile must be a number in [0, 100]");
  }
  return percent;
}

std::unique_ptr<Reducer> make_quantile_reducer(const QuantileSpec& spec, const std::string& name,
                                               const ReducerConfig& config) {
  const DType output = config.output_dtype.value_or(DType::float32);
  return visit_dtype(config.input.dtype, [&](auto tag) -> std::unique_ptr<Reducer> {
    using T = decltype(tag);
    return std::make_unique<QuantileReducer<T>>(name, config.input, output, spec);
  });
}

std::optional<QuantileSpec> quantile_spec_of(const Reducer& reducer) {
  if (const auto* q = dynamic_cast<const QuantileReducerBase*>(&reducer)) return q->spec();
  return std::nullopt;
}

ReducerInfo median_reducer_info() { return quantile_info("median", true, NanPolicy::propagate); }
ReducerInfo percentile_reducer_info() { return quantile_info("percentile", false, NanPolicy::propagate); }
ReducerInfo nanmedian_reducer_info() { return quantile_info("nanmedian", true, NanPolicy::omit); }
ReducerInfo nanpercentile_reducer_info() { return quantile_info("nanpercentile", false, NanPolicy::omit); }

}  // namespace ims
