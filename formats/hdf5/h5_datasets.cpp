#include "formats/hdf5/h5_datasets.hpp"

#include <cstring>

#include "core/checked.hpp"
#include "core/logging.hpp"
#include "formats/hdf5/h5_types.hpp"

namespace ims::h5 {

namespace {

Handle open_dataset(hid_t loc, const std::string& name) {
  return Handle(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name));
}

std::string read_string_of(hid_t dataset, const std::string& name) {
  Handle type(check(H5Dget_type(dataset), "cannot read the type of " + name));
  if (H5Tget_class(type.get()) != H5T_STRING) throw Error(ErrorKind::format, name + " is not a string");
  Handle space(check(H5Dget_space(dataset), "cannot read the shape of " + name));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) throw Error(ErrorKind::format, name + " is not one string");
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(check(H5Tcopy(H5T_C_S1), "cannot make a string type"));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* value = nullptr;
    check_status(H5Dread(dataset, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), "cannot read " + name);
    std::string s = value ? value : "";
    H5free_memory(value);
    return s;
  }
  std::vector<char> buffer(H5Tget_size(type.get()) + 1, '\0');
  check_status(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "cannot read " + name);
  return std::string(buffer.data());
}

std::optional<MetaValue> read_value(hid_t dataset, const std::string& name) {
  Handle type(check(H5Dget_type(dataset), "cannot read the type of " + name));
  const H5T_class_t kind = H5Tget_class(type.get());
  if (kind == H5T_STRING) return MetaValue(read_string_of(dataset, name));
  if (kind != H5T_INTEGER && kind != H5T_FLOAT) return std::nullopt;
  const auto pixel = pixel_type_of(type.get());
  NdArray a;
  a.dtype = pixel ? pixel->dtype : (kind == H5T_FLOAT ? DType::float64 : DType::int64);
  const std::vector<hsize_t> dims = dims_of(dataset);
  a.shape.assign(dims.begin(), dims.end());
  check_array_bytes(std::vector<std::uint64_t>(dims.begin(), dims.end()), dtype_size(a.dtype), "hdf5", "");
  a.data.resize(a.size() * dtype_size(a.dtype));
  check_status(H5Dread(dataset, native_type(a.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()),
               "cannot read " + name);
  if (a.shape.size() == 1 && a.shape[0] == 1) {  // hexrd: a 1-element 1-D dataset is its element
    if (is_floating(a.dtype)) return MetaValue(a.at<double>(0));
    return MetaValue(a.at<std::int64_t>(0));
  }
  return MetaValue(std::move(a));
}

struct Walk {
  Metadata* out;
  std::string where;
  std::exception_ptr failure;  // exceptions must not unwind through HDF5's C frames
};

herr_t on_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* walk = static_cast<Walk*>(data);
  try {
    H5O_info_t info;
    check_status(H5Oget_info_by_name2(group, name, &info, H5O_INFO_BASIC, H5P_DEFAULT),
                 "cannot inspect " + std::string(name));
    const std::string where = walk->where + "/" + name;
    if (info.type == H5O_TYPE_GROUP) {
      Handle sub(check(H5Gopen2(group, name, H5P_DEFAULT), "cannot open group " + where));
      walk->out->set(name, read_dataset_tree(sub.get(), where));
    } else if (info.type == H5O_TYPE_DATASET) {
      Handle dataset = open_dataset(group, name);
      if (auto value = read_value(dataset.get(), where)) {
        walk->out->set(name, std::move(*value));
      } else {
        spdlog::warn("hdf5: {}: a value metadata cannot hold; skipped", where);
      }
    }
    return 0;
  } catch (...) {
    walk->failure = std::current_exception();
    return -1;
  }
}

Handle scalar_space() { return Handle(check(H5Screate(H5S_SCALAR), "cannot make a dataspace", ErrorKind::io)); }

}  // namespace

std::vector<hsize_t> dims_of(hid_t dataset) {
  Handle space(check(H5Dget_space(dataset), "cannot read a dataset's shape"));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::vector<std::int64_t> read_integers(hid_t loc, const std::string& name) {
  init();
  Handle dataset = open_dataset(loc, name);
  Handle type(check(H5Dget_type(dataset.get()), "cannot read the type of " + name));
  if (H5Tget_class(type.get()) != H5T_INTEGER) throw Error(ErrorKind::format, name + " does not hold integers");
  const std::vector<hsize_t> dims = dims_of(dataset.get());
  check_array_bytes(std::vector<std::uint64_t>(dims.begin(), dims.end()), sizeof(std::int64_t), "hdf5", "");
  std::size_t n = 1;
  for (auto d : dims) n *= d;
  std::vector<std::int64_t> values(n);
  check_status(H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
               "cannot read " + name);
  return values;
}

std::string read_string(hid_t loc, const std::string& name) {
  init();
  Handle dataset = open_dataset(loc, name);
  return read_string_of(dataset.get(), name);
}

void write_string(hid_t loc, const std::string& name, const std::string& value) {
  Handle type(check(H5Tcopy(H5T_C_S1), "cannot make a string type", ErrorKind::io));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space = scalar_space();
  Handle dataset(check(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "cannot create dataset " + name, ErrorKind::io));
  const char* text = value.c_str();
  check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "cannot write " + name,
               ErrorKind::io);
}

void write_array(hid_t loc, const std::string& name, const NdArray& array) {
  std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  check(space.get(), "cannot make a dataspace", ErrorKind::io);
  Handle dataset(
      check(H5Dcreate2(loc, name.c_str(), native_type(array.dtype), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            "cannot create dataset " + name, ErrorKind::io));
  check_status(H5Dwrite(dataset.get(), native_type(array.dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data.data()),
               "cannot write " + name, ErrorKind::io);
}

Metadata read_dataset_tree(hid_t group, const std::string& where) {
  init();
  Metadata metadata;
  Walk walk{&metadata, where, nullptr};
  const herr_t status = H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, on_link, &walk);
  if (walk.failure) std::rethrow_exception(walk.failure);
  check_status(status, "cannot list " + where);
  return metadata;
}

void write_dataset_tree(hid_t group, const Metadata& metadata) {
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    const std::string& key = metadata.keys()[i];
    const MetaValue& value = metadata.value(i);
    if (value.is<Metadata>()) {
      Handle sub(check(H5Gcreate2(group, key.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "cannot create group " + key, ErrorKind::io));
      write_dataset_tree(sub.get(), value.as<Metadata>());
    } else if (value.is<std::string>()) {
      write_string(group, key, value.as<std::string>());
    } else if (value.is<NdArray>()) {
      NdArray a = value.as<NdArray>();
      if (a.shape.empty()) a.shape = {1};  // np.atleast_1d
      write_array(group, key, a);
    } else if (value.is<double>()) {
      write_array(group, key, NdArray::from(std::vector<double>{value.as<double>()}, {1}));
    } else if (value.is<std::int64_t>()) {
      write_array(group, key, NdArray::from(std::vector<std::int64_t>{value.as<std::int64_t>()}, {1}));
    } else if (value.is<bool>()) {
      write_array(group, key,
                  NdArray::from(std::vector<std::uint8_t>{value.as<bool>() ? std::uint8_t{1} : std::uint8_t{0}}, {1}));
    }
  }
}

}  // namespace ims::h5
