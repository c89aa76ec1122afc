#pragma once
// Writing .npy files by hand, headers included, for tests of what numpy
// writes and of what no honest writer would (hostile headers).

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>

namespace ims::test {

/// The bytes of a .npy file: `dict` as its header (version `major`, padded
/// to 64 bytes as numpy pads), then `bytes` of `data`.
inline std::string raw_npy(const std::string& dict, const void* data = nullptr, std::size_t bytes = 0, int major = 1) {
  std::string header = dict;
  const std::size_t preamble = major == 1 ? 10 : 12;
  while ((preamble + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  if (bytes) out.append(static_cast<const char*>(data), bytes);
  return out;
}

inline void write_raw_npy(const std::filesystem::path& path, const std::string& dict, const void* data = nullptr,
                          std::size_t bytes = 0, int major = 1) {
  std::ofstream(path, std::ios::binary) << raw_npy(dict, data, bytes, major);
}

}  // namespace ims::test
