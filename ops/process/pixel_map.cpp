#include "ops/process/pixel_map.hpp"

#include <string>

#include "ims/error.hpp"

namespace ims {

void throw_unfolded_map(DType input, DType output) {
  throw Error(ErrorKind::internal, "no reducer folds a pixel map from " +
                                       std::string(dtype_name(input)) + " frames to " +
                                       std::string(dtype_name(output)) + " values");
}

}  // namespace ims
