#pragma once
// Small datasets as values: the header datasets and the metadata group of
// hexrd's fch5 frame-caches (§2.7), where metadata lives in datasets, not
// in attributes as in hexrd's imageseries files.

#include <cstdint>
#include <string>
#include <vector>

#include "formats/hdf5/h5_handle.hpp"
#include "ims/metadata.hpp"

namespace ims::h5 {

/// The dimensions of `dataset` (empty for a scalar).
std::vector<hsize_t> dims_of(hid_t dataset);

/// Every element of integer dataset `name` of `loc`, as int64.
std::vector<std::int64_t> read_integers(hid_t loc, const std::string& name);

/// Scalar string dataset `name` (variable- or fixed-length).
std::string read_string(hid_t loc, const std::string& name);

/// Writes a scalar variable-length string dataset, as h5py writes a Python str.
void write_string(hid_t loc, const std::string& name, const std::string& value);

/// Writes integer or float values as dataset `name` with `shape`.
void write_array(hid_t loc, const std::string& name, const NdArray& array);

/// hexrd's unwrap_h5_to_dict: datasets as values (strings as strings; a
/// 1-D dataset of one element as that number; other numbers as arrays),
/// subgroups as nested maps; attributes ignored. What metadata cannot hold
/// is skipped with a warning naming it.
Metadata read_dataset_tree(hid_t group, const std::string& where);

/// hexrd's unwrap_dict_to_h5: maps as subgroups, numbers as 1-element
/// datasets (np.atleast_1d), arrays as they are, strings as scalar strings.
void write_dataset_tree(hid_t group, const Metadata& metadata);

}  // namespace ims::h5
