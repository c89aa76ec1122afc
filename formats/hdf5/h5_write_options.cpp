#include "formats/hdf5/h5_write_options.hpp"

#include <cstring>

#include "formats/hdf5/h5_filters.hpp"

namespace ims::h5 {

WriteOptions WriteOptions::from(const Params& p) {
  WriteOptions o;
  o.group = p.get_string("path");
  o.dataname = p.get_string("dataname");
  if (o.dataname.empty() || o.dataname.find('/') != std::string::npos) {
    throw Error(ErrorKind::usage,
                "option 'dataname' is the dataset's name in the group 'path', without '/' (got '" + o.dataname + "')");
  }
  o.compression = p.get_string("compression") == "blosc" ? Compression::blosc : Compression::gzip;
  o.gzip = static_cast<int>(p.get_int("gzip"));
  if (o.gzip < 0 || o.gzip > 9) {
    throw Error(ErrorKind::usage, "option 'gzip' must be a level from 0 (none) to 9, not " + std::to_string(o.gzip));
  }
  const std::string shuffle = p.get_string("shuffle");
  o.shuffle = shuffle == "true" || shuffle == "byte";
  o.blosc_shuffle = shuffle == "bit" ? codec::BloscShuffle::bit
                    : o.shuffle      ? codec::BloscShuffle::byte
                                     : codec::BloscShuffle::none;
  if (shuffle == "bit" && o.compression != Compression::blosc) {
    throw Error(ErrorKind::usage, "shuffle=bit needs compression=blosc (HDF5's own shuffle is by byte)");
  }
  const std::int64_t rows = p.get_int("chunk_rows");
  if (rows < 0) {
    throw Error(ErrorKind::usage,
                "option 'chunk_rows' must be 0 (a chunk per frame) or more, not " + std::to_string(rows));
  }
  o.chunk_rows = static_cast<std::size_t>(rows);
  o.cname = p.get_string("cname");
  codec::blosc_compressor_code(o.cname);  // rejects unknown names
  o.clevel = static_cast<int>(p.get_int("clevel"));
  if (o.clevel < 0 || o.clevel > 9) {
    throw Error(ErrorKind::usage, "option 'clevel' must be from 0 to 9, not " + std::to_string(o.clevel));
  }
  return o;
}

std::size_t WriteOptions::rows_per_chunk(std::size_t rows) const {
  return chunk_rows == 0 || chunk_rows > rows ? rows : chunk_rows;
}

Handle WriteOptions::creation_plist(const std::vector<hsize_t>& chunk, std::size_t element_size) const {
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "cannot create dataset properties"));
  // No timestamps: the same data and options give the same bytes.
  check_status(H5Pset_obj_track_times(dcpl.get(), false), "cannot set dataset properties");
  check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking");
  if (compression == Compression::blosc) {
    std::size_t chunk_bytes = element_size;
    for (auto d : chunk) chunk_bytes *= d;
    // What hdf5plugin's Blosc writes: filter revision 2, blosc format 2,
    // typesize, chunk bytes, clevel, shuffle (0/1/2), compressor code.
    const unsigned params[7] = {2, 2, static_cast<unsigned>(element_size), static_cast<unsigned>(chunk_bytes),
                                static_cast<unsigned>(clevel), static_cast<unsigned>(blosc_shuffle),
                                static_cast<unsigned>(codec::blosc_compressor_code(cname))};
    check_status(H5Pset_filter(dcpl.get(), kFilterBlosc, H5Z_FLAG_OPTIONAL, 7, params), "cannot set the blosc filter");
    return dcpl;
  }
  if (shuffle) check_status(H5Pset_shuffle(dcpl.get()), "cannot set the shuffle filter");
  if (gzip > 0) check_status(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(gzip)), "cannot set the deflate filter");
  return dcpl;
}

void WriteOptions::encode(std::span<const std::byte> chunk, std::size_t element_size, std::vector<std::byte>& out) const {
  if (compression == Compression::blosc) {
    codec::blosc_encode(chunk, element_size, clevel, blosc_shuffle, cname, out);
    return;
  }
  if (!shuffle) {
    if (gzip > 0) {
      codec::deflate_zlib(chunk, gzip, out);
    } else {
      out.assign(chunk.begin(), chunk.end());
    }
    return;
  }
  thread_local std::vector<std::byte> shuffled;
  shuffled.resize(chunk.size());
  codec::shuffle(chunk, shuffled, element_size);
  if (gzip > 0) {
    codec::deflate_zlib(shuffled, gzip, out);
  } else {
    out.assign(shuffled.begin(), shuffled.end());
  }
}

}  // namespace ims::h5
