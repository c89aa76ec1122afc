#include <gtest/gtest.h>

#include "ims/error.hpp"
#include "ims/metadata.hpp"

namespace ims {
namespace {

Metadata hexrd_like() {
  Metadata m;
  m.set("omega", NdArray::from<double>({0, 1, 1, 2, 2, 3}, {3, 2}));
  m.set("panel", "ff1");
  m.set("exposure", 0.25);
  Metadata scan;
  scan.set("id", std::int64_t{7});
  scan.set("label", "ruby");
  scan.set("ok", true);
  m.set("scan", scan);
  return m;
}

TEST(Metadata, TypedValuesKeepInsertionOrder) {
  Metadata m = hexrd_like();
  EXPECT_EQ(m.keys(), (std::vector<std::string>{"omega", "panel", "exposure", "scan"}));
  EXPECT_EQ(m.at("panel").as<std::string>(), "ff1");
  EXPECT_DOUBLE_EQ(m.at("exposure").as<double>(), 0.25);
  const auto& omega = m.at("omega").as<NdArray>();
  EXPECT_EQ(omega.shape, (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(omega.size(), 6u);
  EXPECT_DOUBLE_EQ(omega.at<double>(5), 3.0);
  const auto& scan = m.at("scan").as<Metadata>();
  EXPECT_EQ(scan.at("id").as<std::int64_t>(), 7);
  EXPECT_TRUE(scan.at("ok").as<bool>());
  EXPECT_EQ(m.at("scan").type_name(), "map");
}

TEST(Metadata, SetReplacesEraseRemovesEqualityCompares) {
  Metadata a = hexrd_like(), b = hexrd_like();
  EXPECT_EQ(a, b);
  b.set("panel", "ff2");
  EXPECT_NE(a, b);
  EXPECT_EQ(b.keys().size(), 4u);
  EXPECT_TRUE(b.erase("panel"));
  EXPECT_FALSE(b.erase("panel"));
  EXPECT_FALSE(b.contains("panel"));
  EXPECT_THROW(b.at("panel"), Error);
}

TEST(Metadata, TextRenderingShowsNestingAndArrays) {
  std::string text = to_text(hexrd_like());
  EXPECT_NE(text.find("panel: 'ff1'"), std::string::npos) << text;
  EXPECT_NE(text.find("float64 array, shape (3, 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("scan:\n  id: 7"), std::string::npos) << text;
}

}  // namespace
}  // namespace ims
