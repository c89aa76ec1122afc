#pragma once
/// ims::Series: a sequence of equally shaped 2-D frames, as hexrd's
/// imageseries: opened from files of any registered format, wrapped around
/// caller memory or a caller's reader, or processed (frames picked, ops
/// applied) from another series. Nothing is read until a frame is asked for
/// or a run streams the series.
///
/// Threading contract: a Series is a cheap handle to an immutable series
/// (copies share it). Its accessors are safe from any thread. frame() and
/// read() may be called from several threads at once; ims serialises them
/// internally for sources that cannot read concurrently (HDF5, a callback
/// source not declared concurrent).

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ims/dtype.hpp"
#include "ims/image.hpp"
#include "ims/metadata.hpp"
#include "ims/settings.hpp"

namespace ims {

class ImageSeries;  // the engine's source interface (internal)

/// KEY=VALUE options of a format or op, in the order given:
/// `{{"path", "imageseries"}, {"chunk_rows", "4"}}`. `ims list` and
/// ims::describe_formats() (ims/extend.hpp) name every key.
using Options = std::vector<std::pair<std::string, std::string>>;

class Series {
 public:
  Series() = default;
  /// Wraps an engine series (for code that extends ims).
  explicit Series(std::shared_ptr<const ImageSeries> series);

  std::size_t size() const;  ///< number of frames
  std::size_t rows() const;
  std::size_t cols() const;
  DType dtype() const;
  /// hexrd's metadata (omega, panel, ...); the same object on every call.
  const Metadata& metadata() const;
  /// Names the series in messages: "npy:/data/run7.npy", "memory".
  std::string describe() const;
  /// Every file reading the series opens (data, sidecars, op images).
  std::vector<std::string> files() const;

  /// Frame `index` (an out_of_range ims::Error past the end).
  Image frame(std::size_t index) const;
  /// Reads frame `index` into `buffer`, which holds exactly rows * cols
  /// pixels of dtype() (`bytes` says so; a usage ims::Error otherwise).
  void read(std::size_t index, void* buffer, std::size_t bytes) const;

  /// The engine series (for code that extends ims); null when empty.
  const std::shared_ptr<const ImageSeries>& engine_series() const { return series_; }
  explicit operator bool() const { return series_ != nullptr; }

 private:
  const ImageSeries& checked() const;
  std::shared_ptr<const ImageSeries> series_;
};

/// Opens a series; the format follows the extension (or a directory's
/// layout) unless `format` names one. `options` are the format's read
/// options, e.g. {{"path", "imageseries"}} for hexrd's HDF5 layout.
Series open(const std::string& path, const Options& options = {}, const std::string& format = "");
/// Several files of one format as one series, in the order given.
Series open(const std::vector<std::string>& paths, const Options& options = {}, const std::string& format = "");

/// The same frames with `metadata` in place of the series' own (hexrd users
/// set `omega` before writing: ims::write then stores it). Nothing is
/// copied; reads go to `series`.
Series with_metadata(const Series& series, Metadata metadata);

/// How frames lie in caller memory: `frames` x `rows` x `cols` pixels of
/// `dtype`. Strides are in bytes, as numpy's; all zero means C order.
struct MemoryLayout {
  std::size_t frames = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  DType dtype = DType::uint16;
  std::array<std::ptrdiff_t, 3> strides{0, 0, 0};
};

/// A series over caller memory, zero-copy: frames are read in place where
/// the layout allows (C-ordered frames), else copied frame by frame. The
/// memory must stay valid and unchanged while the series (or any series made
/// from it) lives; pass `owner` to tie it to the series' lifetime.
Series from_memory(const void* data, const MemoryLayout& layout, std::shared_ptr<const void> owner = {},
                   Metadata metadata = {});

/// Reads frame `index` into `out` (exactly one frame's bytes) and returns the
/// number of bytes it wrote; any other count is an ims::Error naming the frame.
using FrameReader = std::function<std::size_t(std::size_t index, std::span<std::byte> out)>;

struct CallbackSource {
  std::size_t frames = 0;
  std::size_t rows = 0;
  std::size_t cols = 0;
  DType dtype = DType::uint16;
  FrameReader read;
  /// True when `read` may run on several threads at once (positional reads
  /// of a file); false: ims calls it from one thread at a time.
  bool concurrent = false;
  Metadata metadata;
  std::string name = "callback";  ///< how messages and reports name the source
};

/// A series whose frames a caller's function produces (a foreign reader, a
/// detector stream). An exception `read` throws stops the run and reaches
/// the caller nested in an ims::Error of kind callback that names the frame.
Series from_callback(CallbackSource source);

/// Which frames of a series a run uses: a python slice ("0:100", "::2",
/// "-10:") or hexrd's frame_list (any order, repeats allowed).
struct FrameSelection {
  std::string slice;
  std::vector<std::size_t> list;
  bool empty() const { return slice.empty() && list.empty(); }
};
inline FrameSelection frames(std::string slice) { return {std::move(slice), {}}; }
inline FrameSelection frame_list(std::vector<std::size_t> indices) { return {{}, std::move(indices)}; }

/// One frame op: its text as `--op` takes it ("flip=v", "dark=dark.npy;mode=wrap",
/// "dark=median;frames=0:100"), its name and parameters, or an op whose
/// image is in memory.
class Op {
 public:
  Op(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  Op(const char* text) : text_(text) {}             // NOLINT(google-explicit-constructor)
  /// Op `name` with `params` by name: Op("dark", {{"image", "median"}, {"frames", "0:100"}}).
  /// Values may hold any character (';' and '=' included).
  Op(std::string name, Options params) : name_(std::move(name)), params_(std::move(params)) {}
  /// Op `name` (dark, mask, add, subtract, ...) with `image` as its image,
  /// plus more KEY=VALUE items: Op("dark", bg, {{"mode", "wrap"}}).
  Op(std::string name, Image image, const Options& more = {});

  /// The text form, when the op was given as text (else empty).
  const std::string& text() const { return text_; }
  /// The name and parameters, when the op was given by them (else empty).
  const std::string& name() const { return name_; }
  const Options& params() const { return params_; }
  /// The image in memory, and the key the text names it by ("memory#3").
  const std::shared_ptr<const Image>& image() const { return image_; }
  const std::string& image_key() const { return image_key_; }

 private:
  std::string text_;
  std::string name_;
  Options params_;
  std::shared_ptr<const Image> image_;
  std::string image_key_;
};

/// hexrd's ProcessedImageSeries: `ops` applied in order to the `frames`
/// picked from `series`. Everything is checked now (op names, parameters,
/// image shapes, frame ranges); nothing is read. An op image that is a
/// statistic of the series (dark=median;frames=0:100) is computed when the
/// result is first read or streamed, with `settings`.
Series process(const Series& series, const std::vector<Op>& ops, const FrameSelection& frames = {},
               const Settings& settings = {});

}  // namespace ims
