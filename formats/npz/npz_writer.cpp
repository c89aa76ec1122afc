// .npz result sets: one `<name>.npy` member per statistic in a zip archive that
// numpy.load reads (np.savez layout; deflated like np.savez_compressed with
// compress=true). Built by libzip in memory, written to a temporary file in one
// go, then renamed into place.

#include <zip.h>

#include "ims/error.hpp"
#include "core/output_file.hpp"
#include "formats/builtin.hpp"
#include "formats/framecache/framecache.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

Error zip_failure(const std::string& path, const std::string& what, zip_error_t* error) {
  std::string why = error ? zip_error_strerror(error) : "unknown error";
  return Error(ErrorKind::io, what + " (" + why + ")").with_stage("npz").with_file(path);
}

/// An in-memory zip source that libzip writes the archive into.
struct MemorySource {
  zip_source_t* handle = nullptr;
  ~MemorySource() {
    if (handle) zip_source_free(handle);
  }
};

/// Builds the archive in a libzip memory source, then streams it into `file`.
/// (libzip writing to a file itself issues one 4 KiB write per call and
/// initialises OpenSSL to name its own temporary file: 20 ms for an 8 MiB
/// member, against about 1 ms this way.) Members are npy headers followed by
/// the images in place: no copy of the pixels before libzip's own.
void write_archive(const std::string& path, const std::vector<NamedImage>& images, bool compress,
                   PosixFile& file) {
  zip_error_t error;
  zip_error_init(&error);
  MemorySource memory;
  memory.handle = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!memory.handle) throw zip_failure(path, "cannot create zip archive", &error);
  zip_source_keep(memory.handle);  // survives zip_close, which writes into it
  zip_t* archive = zip_open_from_source(memory.handle, ZIP_TRUNCATE, &error);
  if (!archive) throw zip_failure(path, "cannot create zip archive", &error);
  // libzip reads member data when the archive is closed: keep headers alive until then.
  std::vector<std::string> headers;
  headers.reserve(images.size());
  for (const auto& image : images) {
    const ConstFrameView& v = image.image;
    headers.push_back(make_npy_header(v.dtype(), {v.shape().rows, v.shape().cols}));
    zip_buffer_fragment_t fragments[2] = {
        {reinterpret_cast<zip_uint8_t*>(headers.back().data()), headers.back().size()},
        {reinterpret_cast<zip_uint8_t*>(const_cast<std::byte*>(v.data())), v.bytes()}};
    zip_source_t* data = zip_source_buffer_fragment(archive, fragments, 2, 0);
    zip_int64_t index = data ? zip_file_add(archive, (image.name + ".npy").c_str(), data,
                                            ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE)
                             : -1;
    if (index < 0) {
      if (data) zip_source_free(data);
      Error e = zip_failure(path, "cannot add member " + image.name, zip_get_error(archive));
      zip_discard(archive);
      throw e;
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  if (zip_close(archive) != 0) {
    Error e = zip_failure(path, "cannot build zip archive", zip_get_error(archive));
    zip_discard(archive);
    throw e;
  }
  if (zip_source_open(memory.handle) != 0) {
    throw zip_failure(path, "cannot read the built archive", zip_source_error(memory.handle));
  }
  std::vector<std::byte> chunk(1 << 20);
  zip_int64_t got = 0;
  while ((got = zip_source_read(memory.handle, chunk.data(), chunk.size())) > 0) {
    file.write_all(chunk.data(), static_cast<std::size_t>(got));
  }
  zip_source_close(memory.handle);
  if (got < 0) throw zip_failure(path, "cannot read the built archive", zip_source_error(memory.handle));
}

void write_npz(const std::string& path, const std::vector<NamedImage>& images, const Metadata&,
               const Params& params) {
  AtomicOutput output(path);
  PosixFile file = PosixFile::create(output.temp_path().string(), "npz", path);
  write_archive(path, images, params.get_bool("compress"), file);
  file.close();
  output.commit();
}

}  // namespace

FormatInfo npz_format() {
  FormatInfo f;
  f.name = "npz";
  f.summary = "numpy .npz archive of named images: what `ims stats -o OUT.npz` writes, one "
              "member per statistic (max, mean, ...); numpy.load reads it. Read as a series, an .npz "
              "is hexrd's npz frame-cache (see frame-cache)";
  f.extensions = {".npz"};
  f.named_images = true;
  f.write_params = {{.name = "compress",
                     .type = ParamType::boolean,
                     .default_value = "false",
                     .doc = "deflate members (np.savez_compressed) instead of storing them (np.savez)"}};
  f.write_images = write_npz;
  f.open = [](const std::string& path, const Params&) { return make_framecache_series(open_npz_store(path)); };
  return f;
}

}  // namespace ims
