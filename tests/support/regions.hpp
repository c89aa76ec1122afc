#pragma once
// Region reads checked against crops of whole frames, and the region errors
// every read_region override must give (formats and RegionSeries alike).

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

#include "ims/error.hpp"
#include "core/region_series.hpp"

namespace ims::test {

/// Regions that catch off-by-ones on a frame of at least 3x3: the whole
/// frame, first/last rows and columns, single pixels, a band of full rows,
/// an interior block and one touching the right edge.
inline std::vector<Region> edge_regions(FrameShape s) {
  const std::size_t r = s.rows, c = s.cols;
  return {
      {0, r, 0, c},                          // the whole frame
      {0, 1, 0, c},                          // the first row
      {r - 1, r, 0, c},                      // the last row
      {0, r, 0, 1},                          // the first column
      {0, r, c - 1, c},                      // the last column
      {r / 2, r / 2 + 1, c / 3, c / 3 + 1},  // one pixel inside
      {r - 1, r, c - 1, c},                  // the last pixel
      {r / 3, r - r / 3, 0, c},              // a band of full rows
      {1, r - 1, 1, c - 1},                  // the interior
      {r / 4, r / 2 + 1, c / 2, c},          // up to the right edge
  };
}

/// For every frame of `s` and every region: read_region gives the crop of read_frame.
inline void expect_regions_are_crops(const ImageSeries& s, const std::vector<Region>& regions) {
  FrameBuffer full(s.frame_shape(), s.dtype());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, full.view());
    for (Region r : regions) {
      FrameBuffer got(r.shape(), s.dtype()), want(r.shape(), s.dtype());
      std::memset(got.data(), 0xA5, got.bytes());  // stale bytes must not pass for pixels
      s.read_region(i, r, got.view());
      copy_region(full.view(), r, want.view());
      ASSERT_EQ(std::memcmp(got.data(), want.data(), got.bytes()), 0)
          << s.describe() << ": frame " << i << ", " << to_string(r);
    }
  }
}

inline void expect_regions_are_crops(const ImageSeries& s) {
  expect_regions_are_crops(s, edge_regions(s.frame_shape()));
}

/// The ims::Error `f` throws (a test failure when it throws none).
inline Error error_from(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no ims::Error";
  return Error(ErrorKind::internal, "(none)");
}

/// Regions past the frame or empty are out_of_range errors naming the region,
/// a destination of the wrong shape is an internal error, and a frame index
/// past the end is out_of_range.
inline void expect_bad_regions_refused(const ImageSeries& s) {
  const FrameShape f = s.frame_shape();
  // Large enough for any of the regions below; the views only borrow it.
  FrameBuffer room(FrameShape{f.rows + 1, f.cols + 1}, s.dtype());
  const Region bad[] = {
      {0, f.rows + 1, 0, f.cols},  // one row too many
      {0, f.rows, 1, f.cols + 1},  // one column too far
      {f.rows, f.rows + 1, 0, 1},  // starts below the frame
      {2, 2, 0, f.cols},           // no rows
      {0, 1, 3, 1},                // columns reversed
  };
  for (Region r : bad) {
    Error e =
        error_from([&] { s.read_region(0, r, FrameView(room.data(), r.shape(), s.dtype())); });
    EXPECT_EQ(e.kind(), ErrorKind::out_of_range) << e.what();
    EXPECT_NE(std::string(e.what()).find("region " + to_string(r)), std::string::npos) << e.what();
  }
  Error shape = error_from([&] {
    s.read_region(0, Region{0, 1, 0, 1}, FrameView(room.data(), {1, 2}, s.dtype()));
  });
  EXPECT_EQ(shape.kind(), ErrorKind::internal) << shape.what();
  Error index = error_from([&] {
    s.read_region(s.size(), Region{0, 1, 0, 1}, FrameView(room.data(), {1, 1}, s.dtype()));
  });
  EXPECT_EQ(index.kind(), ErrorKind::out_of_range) << index.what();
}

}  // namespace ims::test
