#pragma once
// Writing zip archives (npz files) member by member with libzip, for tests
// that need members no npz writer makes: hostile headers, bad CRCs.

#include <string>
#include <utility>
#include <vector>

namespace ims::test {

struct ZipMember {
  std::string name;   ///< "max.npy"
  std::string bytes;  ///< the member's contents
  bool deflate = false;
};

/// Creates `path` (replacing it) holding `members`, in order.
void write_zip(const std::string& path, const std::vector<ZipMember>& members);

/// Flips one byte of `member`'s stored data in the archive at `path`, so that
/// its CRC-32 no longer matches (the member must be stored, not deflated).
void corrupt_stored_member(const std::string& path, const std::string& member, std::size_t offset_in_member);

}  // namespace ims::test
