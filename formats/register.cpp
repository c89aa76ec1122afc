// The explicit list of built-in formats (see README.md, "Adding a format").

#include "formats/builtin.hpp"

namespace ims {

std::vector<FormatInfo> builtin_formats() {
  return {npy_format(), npz_format(), hdf5_format(), binary_format(), random_format(), array_format(),
          framecache_format()};
}

}  // namespace ims
