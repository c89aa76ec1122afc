#pragma once
// LazyImage: an image an op needs (a dark, a mask, a gain map), known by its
// shape and dtype at plan time and loaded later. The engine makes them:
// from a file ("dark.npy", "bg.npz:median", "dark.h5:/median") or from a
// statistic of the series computed on the fly ("median" of the first 100
// frames). Ops check shapes against info() when they are made, so a wrong
// image fails before any frame is read; prepare() loads it.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/frame.hpp"

namespace ims {

class LazyImage {
 public:
  using Loader = std::function<FrameBuffer()>;

  /// `what` names the image in messages ("dark.npy", "median of frames 0:100");
  /// `files` are those loading it reads (the image file; a statistic's series).
  LazyImage(std::string what, FrameInfo info, Loader load, std::vector<std::string> files = {})
      : what_(std::move(what)), info_(info), load_(std::move(load)), files_(std::move(files)) {}

  /// An image already in memory.
  static std::shared_ptr<LazyImage> of(std::string what, FrameBuffer image) {
    const FrameInfo info = image.info();
    auto held = std::make_shared<FrameBuffer>(std::move(image));
    return std::make_shared<LazyImage>(std::move(what), info, [held] { return std::move(*held); });
  }

  const std::string& what() const { return what_; }
  FrameInfo info() const { return info_; }
  const std::vector<std::string>& files() const { return files_; }

  /// The image, loaded on the first call (thread-safe). Throws what the
  /// loader throws, or an internal error if it returns another shape/dtype.
  const FrameBuffer& get() const {
    std::call_once(once_, [this] {
      image_ = load_();
      if (image_.info() != info_) {
        throw_changed();
      }
    });
    return image_;
  }

 private:
  [[noreturn]] void throw_changed() const;

  std::string what_;
  FrameInfo info_;
  Loader load_;
  std::vector<std::string> files_;
  mutable std::once_flag once_;
  mutable FrameBuffer image_;
};

}  // namespace ims
