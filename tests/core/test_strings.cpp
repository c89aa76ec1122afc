#include <gtest/gtest.h>

#include "ims/error.hpp"
#include "core/find_named.hpp"
#include "core/strings.hpp"

namespace ims {
namespace {

TEST(Strings, ParseSizeAcceptsBinaryUnits) {
  EXPECT_EQ(parse_size("4096", "x"), 4096u);
  EXPECT_EQ(parse_size("512K", "x"), 512u * 1024);
  EXPECT_EQ(parse_size("256M", "x"), 256ull << 20);
  EXPECT_EQ(parse_size("256MiB", "x"), 256ull << 20);
  EXPECT_EQ(parse_size("1.5G", "x"), 3ull << 29);
  EXPECT_EQ(parse_size("2 GB", "x"), 2ull << 30);
  EXPECT_EQ(parse_size("1t", "x"), 1ull << 40);
}

TEST(Strings, ParseSizeRejectsJunkNamingTheOption) {
  for (const char* bad : {"", "M", "12Q", "-5M", "1.2.3G", "10 MBs"}) {
    try {
      parse_size(bad, "--memory");
      FAIL() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      EXPECT_NE(std::string(e.what()).find("--memory"), std::string::npos);
    }
  }
}

TEST(Strings, FormatBytes) {
  EXPECT_EQ(format_bytes(812), "812 B");
  EXPECT_EQ(format_bytes(256ull << 20), "256.0 MiB");
  EXPECT_EQ(format_bytes(3ull << 29), "1.50 GiB");
}

TEST(Strings, EditDistanceAndSuggestions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(closest_match("mena", {"max", "mean", "min"}), "mean");
  EXPECT_EQ(closest_match("zzzzzz", {"max", "mean"}), "");
  auto msg = unknown_name_message("statistic", "maxx", {"max", "min"});
  EXPECT_EQ(msg, "unknown statistic 'maxx' (valid: max, min); did you mean 'max'?");
}

TEST(Strings, StrictNumberParsing) {
  std::int64_t i = 0;
  double d = 0;
  EXPECT_TRUE(parse_int("-42", i));
  EXPECT_EQ(i, -42);
  EXPECT_TRUE(parse_int("+7", i));
  EXPECT_FALSE(parse_int("7x", i));
  EXPECT_FALSE(parse_int("", i));
  EXPECT_TRUE(parse_double("2.5e3", d));
  EXPECT_EQ(d, 2500.0);
  EXPECT_FALSE(parse_double("2.5.", d));
}

TEST(Strings, SplitJoinTrim) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(trim("  x y \n"), "x y");
}

}  // namespace
}  // namespace ims

namespace {

struct NamedThing {
  std::string name;
  std::vector<std::string> aliases;
};

}  // namespace

TEST(FindNamed, ByNameOrAliasElseADidYouMeanError) {
  const std::vector<NamedThing> things = {{"gaussian_filter", {"gaussian", "gauss"}}, {"median_filter", {}}};
  EXPECT_EQ(&ims::find_named(things, "gaussian_filter", "op"), &things[0]);
  EXPECT_EQ(&ims::find_named(things, "gauss", "op"), &things[0]);
  EXPECT_EQ(&ims::find_named(things, "median_filter", "op"), &things[1]);
  try {
    ims::find_named(things, "median_filtr", "op");
    FAIL() << "no error";
  } catch (const ims::Error& e) {
    EXPECT_EQ(e.kind(), ims::ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()),
              "unknown op 'median_filtr' (valid: gaussian_filter, gaussian, gauss, median_filter); did you mean "
              "'median_filter'?");
  }
}
