#include "formats/hdf5/h5_attributes.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <optional>

#include "core/checked.hpp"
#include "core/logging.hpp"
#include "formats/hdf5/h5_types.hpp"

namespace ims::h5 {

namespace {

std::string trim_padding(const char* data, std::size_t size, H5T_str_t pad) {
  std::string s(data, size);
  if (pad == H5T_STR_SPACEPAD) {
    s.erase(s.find_last_not_of(' ') + 1);
  } else {
    s.resize(std::strlen(s.c_str()));  // NULLTERM and NULLPAD end at the first NUL
  }
  return s;
}

std::optional<MetaValue> read_string(hid_t attr, hid_t type, hssize_t points) {
  if (points != 1) return std::nullopt;  // arrays of strings have no Metadata type
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(check(H5Tcopy(H5T_C_S1), "cannot make a string type"));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type));
    char* value = nullptr;
    check_status(H5Aread(attr, mem.get(), &value), "cannot read a string attribute");
    std::string s = value ? value : "";
    H5free_memory(value);
    return MetaValue(s);
  }
  std::vector<char> buffer(H5Tget_size(type) + 1, '\0');
  check_status(H5Aread(attr, type, buffer.data()), "cannot read a string attribute");
  return MetaValue(trim_padding(buffer.data(), buffer.size() - 1, H5Tget_strpad(type)));
}

bool is_bool_enum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 2) return false;
  char* first = H5Tget_member_name(type, 0);
  char* second = H5Tget_member_name(type, 1);
  bool yes = first && second && std::strcmp(first, "FALSE") == 0 && std::strcmp(second, "TRUE") == 0;
  H5free_memory(first);
  H5free_memory(second);
  return yes;
}

/// The ims dtype to read an integer/float attribute as: its own when ims has
/// it, else the nearest wider one (int8 -> int16, uint64 -> int64).
DType metadata_dtype(hid_t type) {
  if (auto p = pixel_type_of(type)) return p->dtype;
  if (H5Tget_class(type) == H5T_FLOAT) return DType::float64;
  return H5Tget_size(type) == 1 ? DType::int16 : DType::int64;
}

/// Enum values as int64 (HDF5 converts enums only to enums: read the raw
/// base integers, then convert those).
std::vector<std::int64_t> read_enum_values(hid_t attr, hid_t type, std::size_t count) {
  std::vector<std::int64_t> values(count);
  check_status(H5Aread(attr, type, values.data()), "cannot read an enum attribute");  // base width <= 8
  Handle base(check(H5Tget_super(type), "cannot read an enum's base type"));
  check_status(H5Tconvert(base.get(), H5T_NATIVE_INT64, count, values.data(), nullptr, H5P_DEFAULT),
               "cannot convert enum values");
  return values;
}

std::optional<MetaValue> read_number(hid_t attr, hid_t type, hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  NdArray a;
  a.shape.assign(dims.begin(), dims.end());
  if (H5Tget_class(type) == H5T_ENUM) {
    const bool flags = is_bool_enum(type);  // h5py's numpy bools
    check_array_bytes(std::vector<std::uint64_t>(dims.begin(), dims.end()), sizeof(std::int64_t), "hdf5", "");
    auto values = read_enum_values(attr, type, a.size());
    if (rank == 0) return flags ? MetaValue(values[0] != 0) : MetaValue(values[0]);
    if (flags) {
      std::vector<std::uint8_t> bytes(values.begin(), values.end());
      return MetaValue(NdArray::from(bytes, a.shape));
    }
    return MetaValue(NdArray::from(values, a.shape));
  }
  a.dtype = metadata_dtype(type);
  check_array_bytes(std::vector<std::uint64_t>(dims.begin(), dims.end()), dtype_size(a.dtype), "hdf5", "");
  a.data.resize(a.size() * dtype_size(a.dtype));
  check_status(H5Aread(attr, native_type(a.dtype), a.data.data()), "cannot read a numeric attribute");
  if (rank > 0) return MetaValue(std::move(a));
  if (is_floating(a.dtype)) return MetaValue(a.at<double>(0));
  return MetaValue(a.at<std::int64_t>(0));
}

std::optional<MetaValue> read_attribute(hid_t attr) {
  Handle type(check(H5Aget_type(attr), "cannot read an attribute's type"));
  Handle space(check(H5Aget_space(attr), "cannot read an attribute's shape"));
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: return read_string(attr, type.get(), H5Sget_simple_extent_npoints(space.get()));
    case H5T_INTEGER:
    case H5T_FLOAT:
    case H5T_ENUM: return read_number(attr, type.get(), space.get());
    default: return std::nullopt;
  }
}

struct Reading {
  Metadata* out;
  std::string where;
  std::exception_ptr failure;  // exceptions must not unwind through HDF5's C frames
};

/// Runs an iteration callback's body; a throw stops the iteration (-1) and is
/// kept for read_metadata to rethrow once HDF5 has returned.
template <class F>
herr_t guarded(Reading* r, F&& body) {
  try {
    return body();
  } catch (...) {
    r->failure = std::current_exception();
    return -1;
  }
}

herr_t on_attribute(hid_t location, const char* name, const H5A_info_t*, void* data) {
  auto* r = static_cast<Reading*>(data);
  return guarded(r, [&]() -> herr_t {
    Handle attr(check(H5Aopen(location, name, H5P_DEFAULT), "cannot open attribute " + std::string(name)));
    std::optional<MetaValue> value;
    try {
      value = read_attribute(attr.get());
    } catch (Error& e) {
      throw e.with_dataset(r->where + " attribute '" + name + "'");
    }
    if (value) {
      r->out->set(name, std::move(*value));
    } else {
      Handle type(H5Aget_type(attr.get()));
      spdlog::debug("hdf5: {}: attribute '{}' ({}) has no metadata type; skipped", r->where, name,
                    describe_type(type.get()));
    }
    return 0;
  });
}

/// A subgroup holding only attributes, as a nested Metadata (hexrd's nested metadata).
herr_t read_subgroup(hid_t group, const char* name, Reading& r) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC | H5O_INFO_NUM_ATTRS, H5P_DEFAULT) < 0 ||
      info.type != H5O_TYPE_GROUP || info.num_attrs == 0) {
    H5Eclear2(H5E_DEFAULT);
    return 0;
  }
  Handle sub(check(H5Gopen2(group, name, H5P_DEFAULT), "cannot open group " + std::string(name)));
  H5G_info_t ginfo;
  if (H5Gget_info(sub.get(), &ginfo) >= 0 && ginfo.nlinks == 0) {
    r.out->set(name, read_metadata(sub.get(), r.where + "/" + name));
  }
  return 0;
}

herr_t on_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* r = static_cast<Reading*>(data);
  return guarded(r, [&]() -> herr_t { return read_subgroup(group, name, *r); });
}

hid_t bool_type() {
  static const hid_t type = [] {
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    std::int8_t no = 0, yes = 1;
    H5Tenum_insert(t, "FALSE", &no);
    H5Tenum_insert(t, "TRUE", &yes);
    return t;
  }();
  return type;
}

void write_value(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, hid_t space, const void* data) {
  Handle attr(check(H5Acreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create attribute " + name, ErrorKind::io));
  check_status(H5Awrite(attr.get(), mem_type, data), "cannot write attribute " + name, ErrorKind::io);
}

void write_string(hid_t loc, const std::string& name, const std::string& value) {
  // Fixed-length and NUL-padded, as hexrd's writer stores numpy bytes.
  Handle type(check(H5Tcopy(H5T_C_S1), "cannot make a string type"));
  H5Tset_size(type.get(), std::max<std::size_t>(1, value.size()));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  bool ascii = std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 128; });
  H5Tset_cset(type.get(), ascii ? H5T_CSET_ASCII : H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR));
  std::string padded = value;
  padded.resize(std::max<std::size_t>(1, value.size()), '\0');
  write_value(loc, name, type.get(), type.get(), space.get(), padded.data());
}

void write_array(hid_t loc, const std::string& name, const NdArray& a) {
  std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  write_value(loc, name, native_type(a.dtype), native_type(a.dtype), space.get(), a.data.data());
}

}  // namespace

Metadata read_metadata(hid_t group, const std::string& where) {
  init();
  Metadata m;
  Reading r{&m, where, nullptr};
  hsize_t index = 0;
  const herr_t attributes = H5Aiterate2(group, H5_INDEX_NAME, H5_ITER_INC, &index, on_attribute, &r);
  if (r.failure) std::rethrow_exception(r.failure);
  check_status(attributes, "cannot read the attributes of " + where);
  const herr_t links = H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, on_link, &r);
  if (r.failure) std::rethrow_exception(r.failure);
  check_status(links, "cannot list the members of " + where);
  return m;
}

void write_metadata(hid_t group, const Metadata& metadata) {
  init();
  Handle scalar(H5Screate(H5S_SCALAR));
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    const std::string& key = metadata.keys()[i];
    const MetaValue& v = metadata.value(i);
    if (v.is<bool>()) {
      std::int8_t b = v.as<bool>() ? 1 : 0;
      write_value(group, key, bool_type(), bool_type(), scalar.get(), &b);
    } else if (v.is<std::int64_t>()) {
      write_value(group, key, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar.get(), &v.as<std::int64_t>());
    } else if (v.is<double>()) {
      write_value(group, key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar.get(), &v.as<double>());
    } else if (v.is<std::string>()) {
      write_string(group, key, v.as<std::string>());
    } else if (v.is<NdArray>()) {
      write_array(group, key, v.as<NdArray>());
    } else {
      Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "cannot create group properties"));
      H5Pset_obj_track_times(gcpl.get(), false);  // reproducible files
      Handle sub(check(H5Gcreate2(group, key.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                       "cannot create group " + key, ErrorKind::io));
      write_metadata(sub.get(), v.as<Metadata>());
    }
  }
}

}  // namespace ims::h5
