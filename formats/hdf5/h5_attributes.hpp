#pragma once
// Group attributes <-> Metadata (hexrd keeps a series' metadata as attributes
// of its group). Numbers and numeric arrays of any byte order, fixed- and
// variable-length strings, h5py's bool enum; a nested map is a subgroup that
// holds only attributes.

#include "ims/metadata.hpp"
#include "formats/hdf5/h5_handle.hpp"

namespace ims::h5 {

/// Every attribute of `group` (in name order, as h5py lists them) and, as
/// nested maps, its subgroups that hold attributes and no links.
/// Attributes of kinds metadata cannot hold are skipped with a warning.
Metadata read_metadata(hid_t group, const std::string& where);

/// Writes `metadata` as attributes of `group` (maps as subgroups).
void write_metadata(hid_t group, const Metadata& metadata);

}  // namespace ims::h5
