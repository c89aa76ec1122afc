#include "ops/reduce/registry.hpp"

#include <algorithm>

#include "ims/error.hpp"
#include "core/find_named.hpp"
#include "core/registry.hpp"
#include "core/strings.hpp"

namespace ims {

std::vector<ReducerInfo> builtin_reducers();  // register.cpp

namespace {

Registry<ReducerInfo>& registry() {
  static Registry<ReducerInfo> reducers(builtin_reducers(), "statistic");
  return reducers;
}

}  // namespace

const std::deque<ReducerInfo>& reducer_infos() { return registry().all(); }

void add_reducer(ReducerInfo info) { registry().add(std::move(info)); }

const ReducerInfo& find_reducer(std::string_view name) { return find_named(reducer_infos(), name, "statistic"); }

namespace {

// "percentile:90;KEY=V" -> the reducer and its KEY=VALUE items, the primary
// VALUE given as its parameter's KEY (the text form of an op, with ':').
std::vector<std::string> stat_key_values(std::string_view spec, const ReducerInfo& info) {
  const auto items = split(spec, ';');
  const std::string_view head = items.empty() ? std::string_view{} : std::string_view(items[0]);
  const auto colon = head.find(':');
  std::vector<std::string> key_values;
  if (colon != std::string_view::npos) {
    if (info.params.empty()) {
      throw Error(ErrorKind::usage, "statistic '" + info.name + "' takes no argument (got '" + std::string(spec) + "')");
    }
    key_values.push_back(info.params.front().name + "=" + trim(head.substr(colon + 1)));
  }
  for (std::size_t i = 1; i < items.size(); ++i) {
    const std::string item = trim(items[i]);
    if (item.find('=') == std::string::npos) {
      throw Error(ErrorKind::usage,
                  "statistic '" + std::string(spec) + "': expected KEY=VALUE after ';', got '" + item + "'");
    }
    key_values.push_back(item);
  }
  const auto given = [&](const ParamSpec& p) {
    return std::any_of(key_values.begin(), key_values.end(),
                       [&](const std::string& kv) { return kv.starts_with(p.name + "="); });
  };
  if (!info.params.empty() && info.params.front().required && !given(info.params.front())) {
    throw Error(ErrorKind::usage, "statistic '" + info.name + "' needs an argument: " + info.name + ":" +
                                      to_upper(info.params.front().name));
  }
  return key_values;
}

}  // namespace

std::unique_ptr<Reducer> make_reducer(std::string_view spec, FrameInfo input,
                                      std::optional<DType> output_dtype) {
  const std::string name = trim(spec.substr(0, spec.find_first_of(":;")));
  const auto& info = find_reducer(name);
  Params params = Params::parse(info.params, stat_key_values(spec, info), "statistic '" + info.name + "'");
  auto reducer = info.make(ReducerConfig{input, output_dtype, std::move(params)});
  reducer->set_spec(std::string(spec));
  return reducer;
}

std::vector<std::string> split_stat_list(std::string_view list) {
  std::vector<std::string> specs;
  for (auto& item : split(list, ',')) {
    std::string s = trim(item);
    if (s.empty()) {
      throw Error(ErrorKind::usage, "empty statistic name in '" + std::string(list) + "'");
    }
    specs.push_back(s);
  }
  return specs;
}

std::string stat_usage() {
  std::string text;
  for (const auto& r : reducer_infos()) {
    if (!text.empty()) text += ',';
    const bool argument = !r.params.empty() && r.params.front().required;
    text += argument ? r.name + ":" + to_upper(r.params.front().name) : r.name;
  }
  return text;
}

}  // namespace ims
