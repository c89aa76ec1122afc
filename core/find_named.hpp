#pragma once
// Looking an entry of a registry (formats, ops, reducers) up by its name or
// an alias, with the same "did you mean" error everywhere; and the checks a
// name must pass before a program adds an entry (ims/extend.hpp).

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.hpp"
#include "ims/error.hpp"

namespace ims {

/// True when `info` has an alias `name` (entries without aliases have none).
template <class Info>
bool aliased(const Info& info, std::string_view name) {
  if constexpr (requires { info.aliases; }) {
    return std::find(info.aliases.begin(), info.aliases.end(), name) != info.aliases.end();
  } else {
    return false;
  }
}

/// The entry of `infos` whose name, or one of whose aliases, is `name`.
/// Otherwise a usage ims::Error: "unknown WHAT 'NAME' (valid: ...); did you
/// mean '...'?". Infos is a container of entries with `name` and `aliases`.
template <class Infos>
const auto& find_named(const Infos& infos, std::string_view name, std::string_view what) {
  std::vector<std::string> names;
  for (const auto& info : infos) {
    if (info.name == name || aliased(info, name)) return info;
    names.push_back(info.name);
    if constexpr (requires { info.aliases; }) names.insert(names.end(), info.aliases.begin(), info.aliases.end());
  }
  throw Error(ErrorKind::usage, unknown_name_message(what, name, names));
}

/// Throws a usage ims::Error unless `name` is an identifier ([A-Za-z_]
/// then [A-Za-z0-9_]: the text forms split on ':', ';', ',' and '=') that no
/// entry of `infos` uses as its name or an alias.
template <class Infos>
void check_new_name(const Infos& infos, const std::string& name, std::string_view what) {
  const bool identifier =
      !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
      std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
  if (!identifier) {
    throw Error(ErrorKind::usage, std::string(what) + " name '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  }
  for (const auto& info : infos) {
    if (info.name == name || aliased(info, name)) {
      throw Error(ErrorKind::usage, std::string(what) + " '" + name + "' exists already");
    }
  }
}

}  // namespace ims
