#include <gtest/gtest.h>

#include <cerrno>

#include "ims/error.hpp"

namespace ims {
namespace {

TEST(Error, ComposesStageLocationAndMessage) {
  Error e(ErrorKind::format, "inflate: data error");
  e.with_stage("hdf5").with_file("run7.h5").with_dataset("/imageseries/images").with_frame(1234);
  EXPECT_STREQ(e.what(), "hdf5: frame 1234 of run7.h5:/imageseries/images: inflate: data error");
  EXPECT_EQ(e.frame(), 1234u);
  EXPECT_EQ(e.file(), "run7.h5");
}

TEST(Error, OuterContextNeverOverwritesInner) {
  Error e(ErrorKind::format, "truncated");
  e.with_stage("npy").with_frame(3);
  e.with_stage("read").with_frame(0).with_file("a.npy");
  EXPECT_STREQ(e.what(), "npy: frame 3 of a.npy: truncated");
}

TEST(Error, PlainMessageWithoutContext) {
  EXPECT_STREQ(Error(ErrorKind::usage, "bad").what(), "bad");
}

TEST(Error, ExitCodes) {
  EXPECT_EQ(exit_code_for(ErrorKind::usage), 2);
  EXPECT_EQ(exit_code_for(ErrorKind::format), 1);
  EXPECT_EQ(exit_code_for(ErrorKind::not_found), 1);
  EXPECT_EQ(exit_code_for(ErrorKind::interrupted), 130);
}

TEST(Error, SystemErrorKeepsTheOsReason) {
  auto e = system_error("cannot open", ENOENT);
  EXPECT_EQ(e.kind(), ErrorKind::not_found);
  EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos);
  EXPECT_EQ(system_error("write", ENOSPC).kind(), ErrorKind::resource);
}

}  // namespace
}  // namespace ims
