#include "ops/reduce/builtin.hpp"
#include "ops/reduce/distributive/extremum.hpp"

namespace ims {

ReducerInfo max_reducer_info() {
  return {.name = "max",
          .aliases = {"max_projection"},
          .group = ReducerGroup::distributive,
          .summary = "per-pixel maximum over frames (NaN if any frame is NaN, like numpy)",
          .default_output = "input dtype",
          .make = make_extremum<true>};
}

}  // namespace ims
