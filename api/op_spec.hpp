#pragma once
// Public ims::Op and Options to what the engine's registries take.

#include <string>
#include <vector>

#include "ims/series.hpp"
#include "ops/process/op_registry.hpp"

namespace ims::api {

/// KEY=VALUE items, as the registries' Params::parse takes them.
std::vector<std::string> key_values(const Options& options);

/// The op split into name and KEY=VALUE items (usage errors name the text).
OpSpec op_spec(const Op& op);

/// The ops of a series recipe: each op's spec, and its image in memory if any.
void add_ops(const std::vector<Op>& ops, std::vector<OpSpec>& specs,
             std::vector<std::pair<std::string, std::shared_ptr<LazyImage>>>& images);

}  // namespace ims::api
