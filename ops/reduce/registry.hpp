#pragma once
// The reducers ims knows, by name: what `--stat` accepts and `ims list` shows.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ims/params.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims {

struct ReducerConfig {
  FrameInfo input;
  std::optional<DType> output_dtype;  ///< overrides the reducer's default (--dtype)
  Params params;                      ///< checked against ReducerInfo::params
};

struct ReducerInfo {
  std::string name;
  std::vector<std::string> aliases;
  ReducerGroup group = ReducerGroup::distributive;
  std::string summary;
  std::string default_output;  ///< e.g. "input dtype", "float32"
  /// Declared once, like an op's: params[0] is the primary parameter, the
  /// one `--stat NAME:VALUE` sets; more as `NAME:VALUE;KEY=VALUE`.
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Reducer>(const ReducerConfig&)> make;
};

/// Every reducer, in the order `ims list` shows them: the built-in ones
/// (register.cpp), then those a program added.
const std::deque<ReducerInfo>& reducer_infos();

/// Adds a reducer (ims::register_statistic): a usage ims::Error when its
/// name or an alias is not an identifier or taken. Call before runs start on
/// other threads; additions are serialised.
void add_reducer(ReducerInfo info);

/// Looks a reducer up by name or alias; a usage ims::Error lists the valid
/// names and suggests the closest.
const ReducerInfo& find_reducer(std::string_view name);

/// Builds a reducer from `name[:VALUE][;KEY=VALUE]...` for frames of `input`.
std::unique_ptr<Reducer> make_reducer(std::string_view spec, FrameInfo input,
                                      std::optional<DType> output_dtype = std::nullopt);

/// Every reducer as --stat takes it, for help texts: "max,min,...,percentile:Q"
/// (a required primary parameter shown by its name in capitals).
std::string stat_usage();

/// Splits "max,mean,percentile:90" into specs; repeated statistics are errors.
std::vector<std::string> split_stat_list(std::string_view list);

}  // namespace ims
