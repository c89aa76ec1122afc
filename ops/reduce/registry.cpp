#include "ops/reduce/registry.hpp"

#include <algorithm>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

std::vector<ReducerInfo> builtin_reducers();  // register.cpp

const std::vector<ReducerInfo>& reducer_infos() {
  static const std::vector<ReducerInfo> infos = builtin_reducers();
  return infos;
}

const ReducerInfo& find_reducer(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& info : reducer_infos()) {
    if (info.name == name) return info;
    if (std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end()) return info;
    names.push_back(info.name);
    names.insert(names.end(), info.aliases.begin(), info.aliases.end());
  }
  throw Error(ErrorKind::usage, unknown_name_message("statistic", name, names));
}

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
