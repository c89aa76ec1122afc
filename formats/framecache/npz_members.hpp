#pragma once
// From the members of a numpy npz to values: the integers, text and
// metadata a frame-cache's npz holds (hexrd writes them with
// np.savez_compressed), and back.

#include <cstdint>
#include <string>
#include <vector>

#include "formats/npz/npz_reader.hpp"
#include "ims/metadata.hpp"

namespace ims {

/// The member's integers (any integer dtype, either byte order).
std::vector<std::int64_t> npz_integers(const NpzArray& array, const std::string& file);

/// A 0-d text member ('|S6' or '<U6') as UTF-8.
std::string npz_text(const NpzArray& array, const std::string& file);

/// The member as a metadata value: numbers and numeric arrays as NdArrays
/// (0-d for scalars, as numpy gives them), 0-d text as strings. Throws an
/// unsupported ims::Error for what metadata cannot hold (objects, pickles,
/// text arrays, bools).
MetaValue npz_meta_value(const NpzArray& array, const std::string& file);

/// The bytes of an .npy member for `value` (a number, string or NdArray),
/// as np.asanyarray(value) would store it; empty for a map (hexrd skips dicts).
std::string npy_bytes_of(const MetaValue& value);

}  // namespace ims
