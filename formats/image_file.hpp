#pragma once
// One image from a file, for ops that take an image (a dark, a mask, a gain
// map): "dark.npy", "bg.npz:median" (a member of an npz, as `ims stats -o
// bg.npz` writes; the only member when not named), "dark.h5:/median" (a
// dataset; hexrd's /imageseries/images when not named), or any other series
// file ims reads. The file must hold one frame (a 2-D array, or a 3-D array
// of one frame).
//
// probe_image reads only headers, so a plan can check shapes before any
// frame is processed; the returned loader reads the pixels.

#include <functional>
#include <string>
#include <vector>

#include "core/frame.hpp"

namespace ims {

struct ImageFile {
  std::string what;  ///< the text it was named by
  FrameInfo info;
  std::function<FrameBuffer()> load;
  std::vector<std::string> files;  ///< what load() reads
};

/// Throws ims::Errors naming the file (missing, unreadable, several frames,
/// no such member or dataset).
ImageFile probe_image(const std::string& text);

/// True when `text` looks like a file rather than a name ("dark.npy",
/// "x.h5:/d", "/data/dark"): it has a path separator or an extension ims
/// knows, or the file exists.
bool names_a_file(const std::string& text);

}  // namespace ims
