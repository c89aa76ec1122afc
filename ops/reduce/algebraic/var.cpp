#include "ops/reduce/algebraic/welford.hpp"
#include "ops/reduce/builtin.hpp"

namespace ims {

ReducerInfo var_reducer_info() {
  return {.name = "var",
          .aliases = {"variance"},
          .group = ReducerGroup::algebraic,
          .summary = "per-pixel population variance (ddof=0, like numpy), Welford/Chan merge",
          .default_output = "float64",
          .make = make_welford<false>};
}

}  // namespace ims
