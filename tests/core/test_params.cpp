#include <gtest/gtest.h>

#include "ims/error.hpp"
#include "ims/params.hpp"

namespace ims {
namespace {

std::vector<ParamSpec> specs() {
  return {
      {.name = "frames", .type = ParamType::integer, .default_value = "10", .doc = "frames"},
      {.name = "scale", .type = ParamType::number, .default_value = "1.5", .doc = "scale"},
      {.name = "shuffle", .type = ParamType::boolean, .default_value = "true", .doc = "shuffle"},
      {.name = "mode", .type = ParamType::choice, .default_value = "a", .doc = "mode", .choices = {"a", "b"}},
      {.name = "chunk", .type = ParamType::size, .default_value = "1M", .doc = "chunk"},
      {.name = "name", .type = ParamType::string, .doc = "name"},
  };
}

std::string usage_error(const std::vector<std::string>& given) {
  try {
    Params::parse(specs(), given, "format 'test'");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(Params, DefaultsAndGivenValues) {
  auto p = Params::parse(specs(), {"frames=3", "shuffle=off", "mode=b", "chunk=2K", "name= x "}, "t");
  EXPECT_EQ(p.get_int("frames"), 3);
  EXPECT_DOUBLE_EQ(p.get_double("scale"), 1.5);
  EXPECT_FALSE(p.get_bool("shuffle"));
  EXPECT_EQ(p.get_string("mode"), "b");
  EXPECT_EQ(p.get_size("chunk"), 2048u);
  EXPECT_EQ(p.get_string("name"), "x");
  EXPECT_TRUE(p.has("frames"));
  EXPECT_FALSE(p.has("scale"));
  EXPECT_EQ(p.given().size(), 5u);
}

TEST(Params, UnknownKeyListsValidOnesAndSuggests) {
  auto msg = usage_error({"frams=3"});
  EXPECT_NE(msg.find("unknown option 'frams'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'frames'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("format 'test'"), std::string::npos) << msg;
}

TEST(Params, BadValuesNameTheOptionAndTheExpectation) {
  EXPECT_NE(usage_error({"frames=ten"}).find("expected an integer"), std::string::npos);
  EXPECT_NE(usage_error({"scale=x"}).find("expected a number"), std::string::npos);
  EXPECT_NE(usage_error({"shuffle=maybe"}).find("true or false"), std::string::npos);
  EXPECT_NE(usage_error({"mode=c"}).find("one of a, b"), std::string::npos);
  EXPECT_NE(usage_error({"chunk=lots"}).find("chunk"), std::string::npos);
  EXPECT_NE(usage_error({"frames"}).find("KEY=VALUE"), std::string::npos);
  EXPECT_NE(usage_error({"frames=1", "frames=2"}).find("given twice"), std::string::npos);
}

TEST(Params, RequiredOptionMustBeGiven) {
  std::vector<ParamSpec> s = {{.name = "path", .type = ParamType::string, .doc = "the group", .required = true}};
  try {
    Params::parse(s, {}, "format 'hdf5'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs option 'path'"), std::string::npos);
  }
}

TEST(Params, TableWithoutOptionsSaysSo) {
  try {
    Params::parse({}, {"x=1"}, "format 'npy'");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("takes no options"), std::string::npos);
  }
}

}  // namespace
}  // namespace ims
