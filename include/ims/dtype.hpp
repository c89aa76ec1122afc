#pragma once
// Pixel types and the one place that turns a runtime DType into a C++ type.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ims {

/// The pixel types ims reads, computes on and writes. Names follow numpy.
enum class DType : std::uint8_t { uint8, uint16, uint32, int16, int32, int64, float32, float64 };

inline constexpr DType kAllDTypes[] = {DType::uint8,  DType::uint16, DType::uint32,
                                       DType::int16,  DType::int32,  DType::int64,
                                       DType::float32, DType::float64};

enum class ByteOrder : std::uint8_t { little, big };
inline constexpr ByteOrder kNativeByteOrder =
    std::endian::native == std::endian::little ? ByteOrder::little : ByteOrder::big;

std::size_t dtype_size(DType d);
bool is_floating(DType d);
bool is_signed(DType d);
/// numpy's name: "uint16", "float32", ...
std::string_view dtype_name(DType d);
/// numpy's array-protocol code without the byte-order character: "u2", "f8".
std::string_view dtype_code(DType d);
/// All names, for messages and `ims list`.
std::vector<std::string> dtype_names();
/// Accepts numpy names ("uint16") and array-protocol codes without byte order ("u2", "f4").
std::optional<DType> find_dtype(std::string_view name);
/// Like find_dtype, but throws a usage ims::Error listing the valid names.
DType parse_dtype(std::string_view name);

template <class T> struct dtype_of;
template <> struct dtype_of<std::uint8_t> { static constexpr DType value = DType::uint8; };
template <> struct dtype_of<std::uint16_t> { static constexpr DType value = DType::uint16; };
template <> struct dtype_of<std::uint32_t> { static constexpr DType value = DType::uint32; };
template <> struct dtype_of<std::int16_t> { static constexpr DType value = DType::int16; };
template <> struct dtype_of<std::int32_t> { static constexpr DType value = DType::int32; };
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::int64; };
template <> struct dtype_of<float> { static constexpr DType value = DType::float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::float64; };
template <class T> inline constexpr DType dtype_of_v = dtype_of<T>::value;

/// The single dispatch point from a runtime pixel type to templated code:
/// calls `f(T{})` with T the C++ type of `d`. Every kernel that depends on the
/// pixel type goes through here (directly or through visit_dtype2).
template <class F>
decltype(auto) visit_dtype(DType d, F&& f) {
  switch (d) {
    case DType::uint8: return f(std::uint8_t{});
    case DType::uint16: return f(std::uint16_t{});
    case DType::uint32: return f(std::uint32_t{});
    case DType::int16: return f(std::int16_t{});
    case DType::int32: return f(std::int32_t{});
    case DType::int64: return f(std::int64_t{});
    case DType::float32: return f(float{});
    case DType::float64: return f(double{});
  }
  __builtin_unreachable();
}

/// Two-type dispatch (input x output), built on visit_dtype.
template <class F>
decltype(auto) visit_dtype2(DType a, DType b, F&& f) {
  return visit_dtype(a, [&](auto x) { return visit_dtype(b, [&](auto y) { return f(x, y); }); });
}

/// Reverses the bytes of `count` elements of `elem_size` bytes each, in place.
void byteswap_inplace(void* data, std::size_t count, std::size_t elem_size);

}  // namespace ims
