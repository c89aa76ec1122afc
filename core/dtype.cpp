#include "ims/dtype.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

namespace {
struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::string_view code;  // numpy array-protocol code without the byte-order character
  std::size_t size;
  bool floating;
  bool is_signed;
};

constexpr std::array<DTypeInfo, 8> kInfo{{
    {DType::uint8, "uint8", "u1", 1, false, false},
    {DType::uint16, "uint16", "u2", 2, false, false},
    {DType::uint32, "uint32", "u4", 4, false, false},
    {DType::int16, "int16", "i2", 2, false, true},
    {DType::int32, "int32", "i4", 4, false, true},
    {DType::int64, "int64", "i8", 8, false, true},
    {DType::float32, "float32", "f4", 4, true, true},
    {DType::float64, "float64", "f8", 8, true, true},
}};

const DTypeInfo& info(DType d) { return kInfo[static_cast<std::size_t>(d)]; }
}  // namespace

std::size_t dtype_size(DType d) { return info(d).size; }
bool is_floating(DType d) { return info(d).floating; }
bool is_signed(DType d) { return info(d).is_signed; }
std::string_view dtype_name(DType d) { return info(d).name; }
std::string_view dtype_code(DType d) { return info(d).code; }

std::vector<std::string> dtype_names() {
  std::vector<std::string> names;
  for (const auto& i : kInfo) names.emplace_back(i.name);
  return names;
}

std::optional<DType> find_dtype(std::string_view name) {
  for (const auto& i : kInfo) {
    if (name == i.name || name == i.code) return i.dtype;
  }
  return std::nullopt;
}

DType parse_dtype(std::string_view name) {
  if (auto d = find_dtype(name)) return *d;
  throw Error(ErrorKind::usage, unknown_name_message("dtype", name, dtype_names()));
}

namespace {
template <class U>
void swap_each(unsigned char* bytes, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    U v;
    std::memcpy(&v, bytes + sizeof(U) * i, sizeof(U));
    if constexpr (sizeof(U) == 2) v = __builtin_bswap16(v);
    if constexpr (sizeof(U) == 4) v = __builtin_bswap32(v);
    if constexpr (sizeof(U) == 8) v = __builtin_bswap64(v);
    std::memcpy(bytes + sizeof(U) * i, &v, sizeof(U));
  }
}
}  // namespace

void byteswap_inplace(void* data, std::size_t count, std::size_t elem_size) {
  auto* bytes = static_cast<unsigned char*>(data);
  switch (elem_size) {
    case 1: return;
    case 2: return swap_each<std::uint16_t>(bytes, count);
    case 4: return swap_each<std::uint32_t>(bytes, count);
    case 8: return swap_each<std::uint64_t>(bytes, count);
    default:
      for (std::size_t i = 0; i < count; ++i) std::reverse(bytes + elem_size * i, bytes + elem_size * (i + 1));
  }
}

}  // namespace ims
