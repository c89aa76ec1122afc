#pragma once
// Looking an entry of a registry (ops, reducers) up by its name or an alias,
// with the same "did you mean" error everywhere.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.hpp"
#include "ims/error.hpp"

namespace ims {

/// The entry of `infos` whose name, or one of whose aliases, is `name`.
/// Otherwise a usage ims::Error: "unknown WHAT 'NAME' (valid: ...); did you
/// mean '...'?". Info has `name` and `aliases`.
template <class Info>
const Info& find_named(const std::vector<Info>& infos, std::string_view name, std::string_view what) {
  std::vector<std::string> names;
  for (const auto& info : infos) {
    if (info.name == name) return info;
    if (std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end()) return info;
    names.push_back(info.name);
    names.insert(names.end(), info.aliases.begin(), info.aliases.end());
  }
  throw Error(ErrorKind::usage, unknown_name_message(what, name, names));
}

}  // namespace ims
