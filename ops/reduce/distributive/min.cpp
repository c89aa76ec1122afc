#include "ops/reduce/builtin.hpp"
#include "ops/reduce/distributive/extremum.hpp"

namespace ims {

ReducerInfo min_reducer_info() {
  return {.name = "min",
          .aliases = {"min_projection"},
          .group = ReducerGroup::distributive,
          .summary = "per-pixel minimum over frames (NaN if any frame is NaN, like numpy)",
          .default_output = "input dtype",
          .make = make_extremum<false>};
}

}  // namespace ims
