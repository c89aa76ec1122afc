#include "support/zip_make.hpp"

#include <zip.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ims::test {

void write_zip(const std::string& path, const std::vector<ZipMember>& members) {
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!archive) throw std::runtime_error("cannot create " + path);
  for (const auto& m : members) {
    zip_source_t* source = zip_source_buffer(archive, m.bytes.data(), m.bytes.size(), 0);
    const zip_int64_t index = source ? zip_file_add(archive, m.name.c_str(), source, ZIP_FL_OVERWRITE) : -1;
    if (index < 0) {
      if (source) zip_source_free(source);
      zip_discard(archive);
      throw std::runtime_error("cannot add " + m.name + " to " + path);
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), m.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    throw std::runtime_error("cannot write " + path);
  }
}

void corrupt_stored_member(const std::string& path, const std::string& member, std::size_t offset_in_member) {
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The local header: signature, 26 bytes of fields, the name, the extra field.
  const std::string signature("PK\x03\x04", 4);
  for (std::size_t at = bytes.find(signature); at != std::string::npos; at = bytes.find(signature, at + 1)) {
    const auto u16 = [&](std::size_t o) {
      return static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + o])) |
             static_cast<std::size_t>(static_cast<unsigned char>(bytes[at + o + 1])) << 8;
    };
    const std::size_t name_length = u16(26), extra_length = u16(28);
    if (bytes.compare(at + 30, name_length, member) != 0) continue;
    bytes[at + 30 + name_length + extra_length + offset_in_member] ^= 0x01;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return;
  }
  throw std::runtime_error("no member " + member + " in " + path);
}

}  // namespace ims::test
