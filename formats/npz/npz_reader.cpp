#include "formats/npz/npz_reader.hpp"

#include <libdeflate.h>

#include <cstdio>

#include "formats/posix_file.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

// Deflate cannot expand data more than about 1032 to 1: a member claiming
// more than that from its compressed size has a corrupt directory entry.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

Error npz_error(const std::string& file, const std::string& message) {
  return Error(ErrorKind::format, message).with_stage("npz").with_file(file);
}

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

/// Reads exactly n bytes of the open member into `out`.
void read_exactly(zip_file_t* f, std::byte* out, std::size_t n, const std::string& file, const std::string& member) {
  std::size_t done = 0;
  while (done < n) {
    const zip_int64_t got = zip_fread(f, out + done, n - done);
    if (got < 0) throw npz_error(file, "member " + member + ": " + zip_file_strerror(f));
    if (got == 0) throw npz_error(file, "member " + member + " is truncated");
    done += static_cast<std::size_t>(got);
  }
}

/// The member's size against what its parsed header promises.
void check_size(const NpzArray& array, const zip_stat_t& st, const std::string& file) {
  const std::uint64_t total = array.header.data_offset + static_cast<std::uint64_t>(array.header.data_bytes());
  if (total != st.size) {
    throw npz_error(file, "member " + array.member + " holds " + std::to_string(st.size) +
                              " bytes; its header promises " + std::to_string(total));
  }
}

/// The member's bytes against the CRC-32 the archive records.
void check_crc(const NpzArray& array, const zip_stat_t& st, const std::string& file) {
  const auto crc = static_cast<std::uint32_t>(libdeflate_crc32(0, array.bytes.data(), array.bytes.size()));
  if (crc != st.crc) {
    throw npz_error(file, "member " + array.member + " is corrupt: its CRC-32 is " + hex(crc) +
                              ", the archive records " + hex(st.crc));
  }
}

/// The header, size and CRC checks of a member whose bytes are all in memory.
void check_member(NpzArray& array, const zip_stat_t& st, const std::string& file, bool allow_text) {
  try {
    array.header = parse_npy_header(array.bytes.data(), array.bytes.size(), file, allow_text);
  } catch (const Error& e) {
    throw Error(e.kind(), "member " + array.member + ": " + e.message()).with_stage("npz").with_file(file);
  }
  check_size(array, st, file);
  check_crc(array, st, file);
}

/// A deflated member: libzip hands over its compressed bytes, libdeflate
/// inflates them (about three times zlib's speed) to exactly the size the
/// directory records.
void inflate_member(zip_t* zip, zip_uint64_t index, const zip_stat_t& st, const std::string& file, bool allow_text,
                    NpzArray& array) {
  array.member = st.name;
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(zip, index, ZIP_FL_COMPRESSED));
  if (!f) throw npz_error(file, "member " + array.member + ": " + zip_strerror(zip));
  thread_local std::vector<std::byte> deflated;
  deflated.resize(st.comp_size);
  read_exactly(f.get(), deflated.data(), deflated.size(), file, array.member);
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> inflater(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  array.bytes.resize(st.size);
  if (libdeflate_deflate_decompress(inflater.get(), deflated.data(), deflated.size(), array.bytes.data(), st.size,
                                    nullptr) != LIBDEFLATE_SUCCESS) {
    throw npz_error(file, "member " + array.member + " is corrupt: its deflated data does not inflate to the " +
                              std::to_string(st.size) + " bytes the archive records");
  }
  check_member(array, st, file, allow_text);
}

/// Member `index` of the open archive `zip`, checked.
void read_member(zip_t* zip, zip_uint64_t index, const std::string& file, bool allow_text, NpzArray& array) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip, index, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE) ||
      !(st.valid & ZIP_STAT_COMP_SIZE) || !(st.valid & ZIP_STAT_CRC)) {
    throw npz_error(file, "member #" + std::to_string(index) + ": cannot read its directory entry");
  }
  array.member = st.name;
  const std::string& member = array.member;
  if (st.comp_method != ZIP_CM_STORE && st.size / kMaxDeflateRatio > st.comp_size) {
    throw npz_error(file, "member " + member + " claims " + std::to_string(st.size) + " bytes from " +
                              std::to_string(st.comp_size) + " compressed: its directory entry is corrupt");
  }
  if (st.comp_method == ZIP_CM_DEFLATE) return inflate_member(zip, index, st, file, allow_text, array);
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(zip, index, 0));
  if (!f) throw npz_error(file, "member " + member + ": " + zip_strerror(zip));

  // The header first: its shape says how much data follows, checked against
  // the member's size before anything that size is allocated.
  const std::size_t preamble = std::min<std::uint64_t>(st.size, kNpyPreambleBytes + 2);
  array.bytes.resize(preamble);
  read_exactly(f.get(), array.bytes.data(), preamble, file, member);
  try {
    const std::size_t header_bytes = npy_header_bytes(array.bytes.data(), preamble, file);
    if (header_bytes > st.size) throw npz_error(file, "member " + member + " is truncated inside its header");
    array.bytes.resize(header_bytes);
    read_exactly(f.get(), array.bytes.data() + preamble, header_bytes - preamble, file, member);
    array.header = parse_npy_header(array.bytes.data(), header_bytes, file, allow_text);
  } catch (const Error& e) {
    if (e.stage() == "npz") throw;
    throw Error(e.kind(), "member " + member + ": " + e.message()).with_stage("npz").with_file(file);
  }
  check_size(array, st, file);  // before the data is allocated
  const std::size_t header_bytes = array.header.data_offset;
  array.bytes.resize(st.size);
  read_exactly(f.get(), array.bytes.data() + header_bytes, st.size - header_bytes, file, member);
  check_crc(array, st, file);
}

}  // namespace

NpzArchive::NpzArchive(std::string file) : file_(std::move(file)) {
  check_not_special(file_, "npz");
  Handle zip = open_handle();
  const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
  names_.reserve(static_cast<std::size_t>(std::max<zip_int64_t>(entries, 0)));
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(zip.get(), static_cast<zip_uint64_t>(i), 0);
    names_.emplace_back(name ? name : "");
  }
  idle_.push_back(std::move(zip));
}

NpzArchive::~NpzArchive() = default;

NpzArchive::Handle NpzArchive::open_handle() const {
  int code = 0;
  Handle zip(zip_open(file_.c_str(), ZIP_RDONLY, &code));
  if (!zip) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(code == ZIP_ER_NOENT ? ErrorKind::not_found : ErrorKind::format, "cannot open as npz: " + why)
        .with_stage("npz")
        .with_file(file_);
  }
  return zip;
}

std::optional<std::size_t> NpzArchive::find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.empty()) idle_.push_back(open_handle());
  const zip_int64_t index = zip_name_locate(idle_.back().get(), name.c_str(), 0);  // libzip hashes the names
  if (index < 0) return std::nullopt;
  return static_cast<std::size_t>(index);
}

NpzArray NpzArchive::read(std::size_t index, bool allow_text) const {
  NpzArray array;
  read_into(index, array, allow_text);
  return array;
}

void NpzArchive::read_into(std::size_t index, NpzArray& array, bool allow_text) const {
  Handle zip;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      zip = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!zip) zip = open_handle();
  try {
    read_member(zip.get(), index, file_, allow_text, array);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(zip));
    throw;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(zip));
}

NpzArray read_npz_array(const std::string& file, const std::string& name) {
  const NpzArchive archive(file);
  if (name.empty()) {
    if (archive.size() != 1) {
      throw npz_error(file, "holds " + std::to_string(archive.size()) + " arrays; name one (" + file + ":NAME)");
    }
    return archive.read(0);
  }
  const bool has_suffix = name.size() >= 4 && name.compare(name.size() - 4, 4, ".npy") == 0;
  const std::string member = has_suffix ? name : name + ".npy";
  const auto index = archive.find(member);
  if (!index) {
    std::string names;
    for (std::size_t i = 0; i < archive.size(); ++i) names += std::string(i ? ", " : "") + archive.name(i);
    throw npz_error(file, "has no array '" + member + "' (it has: " + names + ")");
  }
  return archive.read(*index);
}

}  // namespace ims
