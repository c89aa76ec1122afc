#include "ops/reduce/builtin.hpp"
#include "ops/reduce/sum_accumulator.hpp"

namespace ims {

ReducerInfo mean_reducer_info() {
  return {.name = "mean",
          .aliases = {"average"},
          .group = ReducerGroup::algebraic,
          .summary = "per-pixel mean: exact (or float64) sum divided by the frame count",
          .default_output = "float32",
          .make = make_sum_like<true>};
}

}  // namespace ims
