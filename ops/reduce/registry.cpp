#include "ops/reduce/registry.hpp"

#include <algorithm>

#include "ims/error.hpp"
#include "core/find_named.hpp"
#include "core/strings.hpp"

namespace ims {

std::vector<ReducerInfo> builtin_reducers();  // register.cpp

const std::vector<ReducerInfo>& reducer_infos() {
  static const std::vector<ReducerInfo> infos = builtin_reducers();
  return infos;
}

const ReducerInfo& find_reducer(std::string_view name) { return find_named(reducer_infos(), name, "statistic"); }

std::unique_ptr<Reducer> make_reducer(std::string_view spec, FrameInfo input,
                                      std::optional<DType> output_dtype) {
  auto colon = spec.find(':');
  std::string name = trim(spec.substr(0, colon));
  std::string argument = colon == std::string_view::npos ? "" : trim(spec.substr(colon + 1));
  const auto& info = find_reducer(name);
  if (colon != std::string_view::npos && info.argument_doc.empty()) {
    throw Error(ErrorKind::usage, "statistic '" + info.name + "' takes no argument (got '" +
                                      std::string(spec) + "')");
  }
  if (colon == std::string_view::npos && !info.argument_doc.empty()) {
    throw Error(ErrorKind::usage, "statistic '" + info.name + "' needs an argument: " +
                                      info.name + ":" + info.argument_doc);
  }
  auto reducer = info.make(ReducerConfig{input, output_dtype, argument});
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
    text += r.argument_doc.empty() ? r.name : r.name + ":" + r.argument_doc;
  }
  return text;
}

}  // namespace ims
