#include <gtest/gtest.h>

#include <cstring>

#include "ims/dtype.hpp"
#include "ims/error.hpp"

namespace ims {
namespace {

TEST(DType, NamesSizesAndCodesRoundTrip) {
  for (DType d : kAllDTypes) {
    EXPECT_EQ(find_dtype(dtype_name(d)), d);
    EXPECT_EQ(find_dtype(dtype_code(d)), d);
    std::size_t size = visit_dtype(d, [](auto tag) { return sizeof(tag); });
    EXPECT_EQ(dtype_size(d), size) << dtype_name(d);
  }
  EXPECT_EQ(dtype_name(DType::uint16), "uint16");
  EXPECT_EQ(dtype_code(DType::float64), "f8");
  EXPECT_TRUE(is_floating(DType::float32));
  EXPECT_FALSE(is_floating(DType::int64));
  EXPECT_TRUE(is_signed(DType::int16));
  EXPECT_FALSE(is_signed(DType::uint32));
}

TEST(DType, VisitDispatchesToTheMatchingCppType) {
  for (DType d : kAllDTypes) {
    DType seen = visit_dtype(d, [](auto tag) { return dtype_of_v<decltype(tag)>; });
    EXPECT_EQ(seen, d);
  }
}

TEST(DType, UnknownNameIsAUsageErrorWithSuggestion) {
  try {
    parse_dtype("unit16");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("did you mean 'uint16'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("float64"), std::string::npos) << "lists valid names";
  }
  EXPECT_FALSE(find_dtype("int8").has_value());
  EXPECT_FALSE(find_dtype("uint64").has_value());
  EXPECT_FALSE(find_dtype("float16").has_value());
}

TEST(DType, ByteswapReversesEachElement) {
  std::uint16_t a[] = {0x0102, 0xa0b0};
  byteswap_inplace(a, 2, 2);
  EXPECT_EQ(a[0], 0x0201);
  EXPECT_EQ(a[1], 0xb0a0);
  std::uint32_t b = 0x01020304;
  byteswap_inplace(&b, 1, 4);
  EXPECT_EQ(b, 0x04030201u);
  double d = 1.5, e = 0;
  std::uint64_t bits;
  std::memcpy(&bits, &d, 8);
  bits = __builtin_bswap64(bits);
  std::memcpy(&e, &bits, 8);
  byteswap_inplace(&e, 1, 8);
  EXPECT_EQ(e, 1.5);
}

}  // namespace
}  // namespace ims
