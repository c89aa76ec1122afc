#pragma once
// The reducers ims knows, by name: what `--stat` accepts and `ims list` shows.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ops/reduce/reducer.hpp"

namespace ims {

struct ReducerConfig {
  FrameInfo input;
  std::optional<DType> output_dtype;  ///< overrides the reducer's default (--dtype)
  std::string argument;               ///< text after ':' in `--stat name:arg`
};

struct ReducerInfo {
  std::string name;
  std::vector<std::string> aliases;
  ReducerGroup group = ReducerGroup::distributive;
  std::string summary;
  std::string default_output;  ///< e.g. "input dtype", "float32"
  std::string argument_doc;    ///< empty when the reducer takes no argument
  std::function<std::unique_ptr<Reducer>(const ReducerConfig&)> make;
};

/// Every reducer, in the order `ims list` shows them (register.cpp).
const std::vector<ReducerInfo>& reducer_infos();

/// Looks a reducer up by name or alias; a usage ims::Error lists the valid
/// names and suggests the closest.
const ReducerInfo& find_reducer(std::string_view name);

/// Builds a reducer from `name[:argument]` for frames of `input`.
std::unique_ptr<Reducer> make_reducer(std::string_view spec, FrameInfo input,
                                      std::optional<DType> output_dtype = std::nullopt);

/// Every reducer as --stat takes it, for help texts: "max,min,...,percentile:Q".
std::string stat_usage();

/// Splits "max,mean,percentile:90" into specs; repeated statistics are errors.
std::vector<std::string> split_stat_list(std::string_view list);

}  // namespace ims
