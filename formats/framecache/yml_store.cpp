#include "formats/framecache/framecache.hpp"
#include "ims/error.hpp"

namespace ims {

SparseStore open_yml_store(const std::string& path) {
  throw Error(ErrorKind::unsupported, "the yml style is not in ims yet").with_stage("frame-cache").with_file(path);
}

}  // namespace ims
