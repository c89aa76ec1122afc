#include "formats/framecache/npz_sink.hpp"

#include <libdeflate.h>
#include <zip.h>

#include <cstring>

#include "ims/error.hpp"

namespace ims {

namespace {

constexpr int kNumpyDeflateLevel = 6;  // zipfile's ZIP_DEFLATED uses zlib's default

Error zip_failure(const std::string& path, const std::string& what, zip_error_t* error) {
  const std::string why = error ? zip_error_strerror(error) : "unknown error";
  return Error(ErrorKind::io, what + " (" + why + ")").with_stage("frame-cache").with_file(path);
}

/// A libzip source that hands over one member's deflated bytes from the
/// spill file, declaring them deflated so that libzip copies them as they are.
struct SpilledMember {
  const PosixFile* spill;
  std::uint64_t offset, deflated, size;
  std::uint32_t crc;
  std::uint64_t done = 0;
  zip_error_t error;
};

zip_int64_t spilled_source(void* state, void* data, zip_uint64_t length, zip_source_cmd_t command) {
  auto* m = static_cast<SpilledMember*>(state);
  switch (command) {
    case ZIP_SOURCE_OPEN: m->done = 0; return 0;
    case ZIP_SOURCE_READ: {
      const std::uint64_t n = std::min<std::uint64_t>(length, m->deflated - m->done);
      try {
        m->spill->pread_exact(data, n, m->offset + m->done);
      } catch (const Error&) {
        zip_error_set(&m->error, ZIP_ER_READ, errno);
        return -1;
      }
      m->done += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE: return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = m->size;
      st->comp_size = m->deflated;
      st->crc = m->crc;
      st->comp_method = ZIP_CM_DEFLATE;
      st->mtime = 315532800;  // 1980-01-01, as numpy's members
      st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD | ZIP_STAT_MTIME;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR: return zip_error_to_data(&m->error, data, length);
    case ZIP_SOURCE_FREE:
      zip_error_fini(&m->error);
      delete m;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default: zip_error_set(&m->error, ZIP_ER_OPNOTSUPP, 0); return -1;
  }
}

}  // namespace

DeflatedMember deflate_member(std::string name, const std::byte* npy, std::size_t size) {
  thread_local std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(kNumpyDeflateLevel), libdeflate_free_compressor);
  DeflatedMember m;
  m.name = std::move(name);
  m.size = size;
  m.crc = static_cast<std::uint32_t>(libdeflate_crc32(0, npy, size));
  m.deflated.resize(libdeflate_deflate_compress_bound(compressor.get(), size));
  const std::size_t n = libdeflate_deflate_compress(compressor.get(), npy, size, m.deflated.data(), m.deflated.size());
  if (n == 0) throw Error(ErrorKind::internal, "deflate failed on member " + m.name).with_stage("frame-cache");
  m.deflated.resize(n);
  return m;
}

NpzSink::NpzSink(std::string path)
    : path_(std::move(path)),
      output_(path_),
      spill_output_(path_),
      spill_(PosixFile::create(spill_output_.temp_path().string(), "frame-cache", path_)) {}

NpzSink::~NpzSink() = default;

void NpzSink::add(const DeflatedMember& member) {
  spill_.write_all(member.deflated.data(), member.deflated.size());
  entries_.push_back({member.name, spilled_, member.deflated.size(), member.size, member.crc});
  spilled_ += member.deflated.size();
}

void NpzSink::commit(const std::vector<DeflatedMember>& header) {
  for (const auto& member : header) add(member);
  spill_.close();
  spill_ = PosixFile::open_read(spill_output_.temp_path().string(), "frame-cache");
  int code = 0;
  zip_t* archive = zip_open(output_.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    Error e = zip_failure(path_, "cannot create the archive", &error);
    zip_error_fini(&error);
    throw e;
  }
  for (const Entry& entry : entries_) {
    auto* state = new SpilledMember{&spill_, entry.offset, entry.deflated, entry.size, entry.crc};
    zip_error_init(&state->error);
    zip_source_t* source = zip_source_function(archive, spilled_source, state);
    if (!source) {
      zip_error_fini(&state->error);
      delete state;
    }
    if (!source || zip_file_add(archive, entry.name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      if (source) zip_source_free(source);
      Error e = zip_failure(path_, "cannot add member " + entry.name, zip_get_error(archive));
      zip_discard(archive);
      throw e;
    }
  }
  if (zip_close(archive) != 0) {
    Error e = zip_failure(path_, "cannot write the archive", zip_get_error(archive));
    zip_discard(archive);
    throw e;
  }
  output_.commit();
}

}  // namespace ims
