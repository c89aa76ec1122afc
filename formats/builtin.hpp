#pragma once
// One function per built-in format, defined in the format's folder and listed
// in register.cpp.

#include "formats/registry.hpp"

namespace ims {

FormatInfo npy_format();
FormatInfo npz_format();
FormatInfo hdf5_format();
FormatInfo binary_format();
FormatInfo random_format();
FormatInfo array_format();
FormatInfo framecache_format();

}  // namespace ims
