#include "ops/reduce/builtin.hpp"
#include "ops/reduce/sum_accumulator.hpp"

namespace ims {

ReducerInfo sum_reducer_info() {
  return {.name = "sum",
          .aliases = {},
          .group = ReducerGroup::distributive,
          .summary = "per-pixel sum over frames (exact for integers; float64 accumulation)",
          .default_output = "float64",
          .make = make_sum_like<false>};
}

}  // namespace ims
