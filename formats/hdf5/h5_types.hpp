#pragma once
// HDF5 datatypes <-> ims pixel types.

#include <optional>
#include <string>

#include "ims/dtype.hpp"
#include "formats/hdf5/h5_handle.hpp"

namespace ims::h5 {

struct PixelType {
  DType dtype;
  ByteOrder order;
};

/// The ims pixel type of an HDF5 integer or float type, or nullopt.
std::optional<PixelType> pixel_type_of(hid_t type);

/// "16-bit signed integer, big-endian" and the like, for messages.
std::string describe_type(hid_t type);

/// The native-order HDF5 type of `dtype` (a predefined id: never close it).
hid_t native_type(DType dtype);

}  // namespace ims::h5
