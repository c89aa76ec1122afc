#include "ops/process/lazy_image.hpp"

#include "ims/error.hpp"

namespace ims {

void LazyImage::throw_changed() const {
  throw Error(ErrorKind::internal, "image " + what_ + " loaded as " + to_string(image_.shape()) + " " +
                                       std::string(dtype_name(image_.dtype())) + ", planned as " +
                                       to_string(info_.shape) + " " + std::string(dtype_name(info_.dtype)));
}

}  // namespace ims
