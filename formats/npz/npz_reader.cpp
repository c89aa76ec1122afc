#include "formats/npz/npz_reader.hpp"

#include <libdeflate.h>
#include <zip.h>

#include <cstdio>
#include <memory>

#include "ims/error.hpp"
#include "formats/posix_file.hpp"

namespace ims {

namespace {

// Deflate cannot expand data more than about 1032 to 1: a member claiming
// more than that from its compressed size has a corrupt directory entry.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
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

std::unique_ptr<zip_t, ZipCloser> open_archive(const std::string& file) {
  check_not_special(file, "npz");
  int code = 0;
  std::unique_ptr<zip_t, ZipCloser> zip(zip_open(file.c_str(), ZIP_RDONLY, &code));
  if (!zip) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw Error(code == ZIP_ER_NOENT ? ErrorKind::not_found : ErrorKind::format, "cannot open as npz: " + why)
        .with_stage("npz")
        .with_file(file);
  }
  return zip;
}

/// The member's name: "name.npy", or the only member when `name` is empty.
std::string member_name(zip_t* zip, const std::string& file, const std::string& name) {
  const zip_int64_t entries = zip_get_num_entries(zip, 0);
  if (name.empty()) {
    if (entries != 1) {
      throw npz_error(file, "holds " + std::to_string(entries) + " arrays; name one (" + file + ":NAME)");
    }
    return zip_get_name(zip, 0, 0);
  }
  const bool has_suffix = name.size() >= 4 && name.compare(name.size() - 4, 4, ".npy") == 0;
  const std::string member = has_suffix ? name : name + ".npy";
  if (zip_name_locate(zip, member.c_str(), 0) < 0) {
    std::string names;
    for (zip_int64_t i = 0; i < entries; ++i)
      names += std::string(i ? ", " : "") + zip_get_name(zip, static_cast<zip_uint64_t>(i), 0);
    throw npz_error(file, "has no array '" + member + "' (it has: " + names + ")");
  }
  return member;
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

}  // namespace

NpzArray read_npz_array(const std::string& file, const std::string& name) {
  auto zip = open_archive(file);
  NpzArray array;
  array.member = member_name(zip.get(), file, name);
  const std::string& member = array.member;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(zip.get(), member.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
      !(st.valid & ZIP_STAT_COMP_SIZE) || !(st.valid & ZIP_STAT_CRC)) {
    throw npz_error(file, "member " + member + ": cannot read its directory entry");
  }
  if (st.comp_method != ZIP_CM_STORE && st.size / kMaxDeflateRatio > st.comp_size) {
    throw npz_error(file, "member " + member + " claims " + std::to_string(st.size) + " bytes from " +
                              std::to_string(st.comp_size) + " compressed: its directory entry is corrupt");
  }
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen(zip.get(), member.c_str(), 0));
  if (!f) throw npz_error(file, "member " + member + ": " + zip_strerror(zip.get()));

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
    array.header = parse_npy_header(array.bytes.data(), header_bytes, file);
  } catch (const Error& e) {
    if (e.stage() == "npz") throw;
    throw Error(e.kind(), "member " + member + ": " + e.message()).with_stage("npz").with_file(file);
  }
  const std::size_t header_bytes = array.header.data_offset;
  const std::uint64_t total = header_bytes + static_cast<std::uint64_t>(array.header.data_bytes());
  if (total != st.size) {
    throw npz_error(file, "member " + member + " holds " + std::to_string(st.size) + " bytes; its header promises " +
                              std::to_string(total));
  }
  array.bytes.resize(total);
  read_exactly(f.get(), array.bytes.data() + header_bytes, total - header_bytes, file, member);

  const auto crc = static_cast<std::uint32_t>(libdeflate_crc32(0, array.bytes.data(), array.bytes.size()));
  if (crc != st.crc) {
    throw npz_error(
        file, "member " + member + " is corrupt: its CRC-32 is " + hex(crc) + ", the archive records " + hex(st.crc));
  }
  return array;
}

}  // namespace ims
