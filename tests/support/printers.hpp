#pragma once
// Readable gtest failure messages for ims types.

#include <ostream>

#include "ims/metadata.hpp"

namespace ims {

inline void PrintTo(const Metadata& metadata, std::ostream* os) { *os << "\n" << to_text(metadata); }

}  // namespace ims
