#include <gtest/gtest.h>

#include "ims/error.hpp"
#include "formats/registry.hpp"
#include "support/paths.hpp"

namespace ims {
namespace {

TEST(Registry, FormatFollowsTheExtension) {
  EXPECT_EQ(resolve_format("a/b.npy", "", Access::read_series).name, "npy");
  EXPECT_EQ(resolve_format("B.NPY", "", Access::write_series).name, "npy");
  EXPECT_EQ(resolve_format("x.npz", "", Access::write_images).name, "npz");
  EXPECT_EQ(resolve_format("x.bin", "", Access::read_series).name, "binary");
  EXPECT_EQ(resolve_format("scan.h5", "", Access::read_series).name, "hdf5");
  EXPECT_EQ(resolve_format("entry.nxs", "", Access::write_series).name, "hdf5");
  EXPECT_EQ(resolve_format("stats.h5", "", Access::write_images).name, "hdf5");
  auto dir = test::scratch_dir("registry-dir");
  EXPECT_EQ(resolve_format(dir.string(), "", Access::read_series).name, "binary");
  EXPECT_EQ(resolve_format("whatever.dat", "npy", Access::read_series).name, "npy");
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(Registry, UnknownFormatsAndExtensionsAreExplained) {
  auto msg = usage_error([] { find_format("nyp"); });
  EXPECT_NE(msg.find("did you mean 'npy'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("random"), std::string::npos) << "lists the valid names: " << msg;
  msg = usage_error([] { resolve_format("a.tiff", "", Access::read_series); });
  EXPECT_NE(msg.find("extension '.tiff'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--format"), std::string::npos) << msg;
  msg = usage_error([] { resolve_format("a.npy", "", Access::write_images); });
  EXPECT_NE(msg.find("npz"), std::string::npos) << msg;
  msg = usage_error([] { resolve_format("a.npz", "random", Access::write_series); });
  EXPECT_NE(msg.find("cannot write series to format 'random'"), std::string::npos) << msg;
}

TEST(Registry, OptionsAreCheckedAgainstTheFormat) {
  auto msg = usage_error([] { open_series("", "random", {"frame=3"}); });
  EXPECT_NE(msg.find("did you mean 'frames'"), std::string::npos) << msg;
  msg = usage_error([] { open_series("", "npy", {}); });
  EXPECT_NE(msg.find("give SOURCE"), std::string::npos) << msg;
}

TEST(Registry, EveryFormatIsListedOnce) {
  std::vector<std::string> names;
  for (const auto& f : format_infos()) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"npy", "npz", "hdf5", "binary", "random", "array", "frame-cache"}));
}

}  // namespace
}  // namespace ims

TEST(Registry, AnOpImageMayNameAnImageInAnyFileWithNamedImages) {
  // Every extension of the formats that hold named images splits FILE:NAME,
  // .nx5 included (a hand-kept list once missed it).
  for (const auto& f : ims::format_infos()) {
    for (const auto& ext : f.extensions) {
      if (ext == "/") continue;
      const ims::FormatInfo* found = ims::format_by_extension("dir/file" + ext);
      ASSERT_NE(found, nullptr) << ext;
      EXPECT_EQ(found->name, f.name) << ext << ": one format per extension";
    }
  }
  EXPECT_TRUE(ims::format_by_extension("a/b.NX5") && ims::format_by_extension("a/b.NX5")->named_images);
  EXPECT_TRUE(ims::format_by_extension("bg.npz")->named_images);
  EXPECT_FALSE(ims::format_by_extension("x.npy")->named_images);
  EXPECT_EQ(ims::format_by_extension("noextension"), nullptr);
}
