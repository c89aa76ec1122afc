#include "formats/builtin.hpp"
#include "formats/hdf5/hdf5.hpp"

namespace ims {

std::vector<ParamSpec> hdf5_read_params() {
  using T = ParamType;
  return {
      {.name = "path", .type = T::string, .doc = "group holding the dataset (hexrd's layout: PATH/DATANAME)"},
      {.name = "dataname", .type = T::string, .default_value = "images", .doc = "dataset name within 'path'"},
      {.name = "dataset", .type = T::string,
       .doc = "full path of a 2-D or 3-D dataset instead (NeXus style: /entry/data/data)"},
      {.name = "frames", .type = T::string, .doc = "frames to read as a python slice START:STOP[:STEP]"},
      {.name = "decoder", .type = T::choice, .default_value = "auto",
       .doc = "auto: decode chunks in parallel when ims knows every filter; library: always H5Dread",
       .choices = {"auto", "library"}},
  };
}

std::vector<ParamSpec> hdf5_write_params() {
  using T = ParamType;
  return {
      {.name = "path", .type = T::string, .default_value = "imageseries",
       .doc = "group to write into (statistics: the root unless given)"},
      {.name = "dataname", .type = T::string, .default_value = "images", .doc = "dataset name of a series"},
      {.name = "compression", .type = T::choice, .default_value = "gzip",
       .doc = "gzip: HDF5's shuffle + deflate; blosc: filter 32001 as hdf5plugin writes it",
       .choices = {"gzip", "blosc"}},
      {.name = "gzip", .type = T::integer, .default_value = "1", .doc = "deflate level, 0 (none) to 9"},
      {.name = "shuffle", .type = T::choice, .default_value = "true",
       .doc = "byte shuffle before compressing (bit: blosc only)", .choices = {"true", "false", "byte", "bit", "none"}},
      {.name = "chunk_rows", .type = T::integer, .default_value = "0",
       .doc = "rows per chunk; chunks are (1, chunk_rows, cols); 0 = whole frames"},
      {.name = "cname", .type = T::choice, .default_value = "lz4", .doc = "blosc compressor",
       .choices = {"lz4", "lz4hc", "zstd", "blosclz", "zlib"}},
      {.name = "clevel", .type = T::integer, .default_value = "5", .doc = "blosc compression level, 0 to 9"},
  };
}

FormatInfo hdf5_format() {
  FormatInfo f;
  f.name = "hdf5";
  f.summary = "HDF5: hexrd's layout (group 'path', dataset 'images') or any 2-D/3-D dataset; gzip, shuffle, "
              "blosc and lz4 chunks decoded in parallel, other filters through the library; group attributes "
              "are the metadata";
  f.extensions = {".h5", ".hdf5", ".hdf", ".nxs", ".nx5"};
  f.named_images = true;
  f.read_params = hdf5_read_params();
  f.write_params = hdf5_write_params();
  f.open = open_hdf5;
  f.create = create_hdf5_writer;
  f.write_images = write_hdf5_images;
  return f;
}

}  // namespace ims
