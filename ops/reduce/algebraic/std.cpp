#include "ops/reduce/algebraic/welford.hpp"
#include "ops/reduce/builtin.hpp"

namespace ims {

ReducerInfo std_reducer_info() {
  return {.name = "std",
          .aliases = {"stdev"},
          .group = ReducerGroup::algebraic,
          .summary = "per-pixel standard deviation (ddof=0, like numpy), Welford/Chan merge",
          .default_output = "float64",
          .make = make_welford<true>};
}

}  // namespace ims
