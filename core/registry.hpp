#pragma once
// The skeleton of the three registries (formats, ops, reducers): the
// built-in entries, made on first use, then those a program adds
// (ims/extend.hpp). A deque, so that references to entries stay valid while
// entries are added; additions are serialised and their names checked once.

#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

#include "core/find_named.hpp"

namespace ims {

template <class Info>
class Registry {
 public:
  /// `what` names an entry in messages: "format", "op", "statistic".
  Registry(std::vector<Info> builtin, std::string what)
      : infos_(std::make_move_iterator(builtin.begin()), std::make_move_iterator(builtin.end())),
        what_(std::move(what)) {}

  const std::deque<Info>& all() const { return infos_; }

  /// Adds `info` unless its name (or an alias) is not an identifier or is
  /// taken, or `check` (what else the kind of entry requires) throws.
  void add(Info info, const std::function<void(const Info&)>& check = {}) {
    std::lock_guard lock(adding_);
    check_new_name(infos_, info.name, what_);
    if constexpr (requires { info.aliases; }) {
      for (const auto& alias : info.aliases) check_new_name(infos_, alias, what_);
    }
    if (check) check(info);
    infos_.push_back(std::move(info));
  }

 private:
  std::deque<Info> infos_;
  std::string what_;
  std::mutex adding_;
};

}  // namespace ims
