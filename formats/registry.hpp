#pragma once
// The formats ims reads and writes, by name and file extension.

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/image_series.hpp"
#include "ims/params.hpp"
#include "core/series_writer.hpp"

namespace ims {

/// One statistic image of a result set (`ims stats` writes one per reducer).
struct NamedImage {
  std::string name;
  ConstFrameView image;
};

struct FormatInfo {
  std::string name;
  std::string summary;
  std::vector<std::string> extensions;  ///< with the dot: ".npy"
  bool needs_path = true;               ///< false for generated sources (random)
  /// A file holds several named images, and an op's image may name one:
  /// FILE:NAME ("bg.npz:max", "dark.h5:/median").
  bool named_images = false;
  std::vector<ParamSpec> read_params;
  std::vector<ParamSpec> write_params;
  /// Opens a series (null when the format cannot be read from a path).
  std::function<std::unique_ptr<ImageSeries>(const std::string& path, const Params&)> open;
  /// Creates a series writer (null when the format cannot hold a series).
  std::function<std::unique_ptr<SeriesWriter>(const std::string& path, const Params&)> create;
  /// Writes named result images with attributes (null when unsupported).
  std::function<void(const std::string& path, const std::vector<NamedImage>& images,
                     const Metadata& attributes, const Params&)>
      write_images;
};

/// Every format, in the order `ims list` shows them: the built-in ones
/// (register.cpp), then those a program added.
const std::deque<FormatInfo>& format_infos();

/// Adds a format (ims::register_format): a usage ims::Error when its name is
/// not an identifier or taken, or an extension belongs to another format.
/// Call before runs start on other threads; additions are serialised.
void add_format(FormatInfo info);

/// By name; a usage ims::Error lists the valid names and suggests one.
const FormatInfo& find_format(std::string_view name);

/// The format whose extensions include `path`'s (null when none does).
const FormatInfo* format_by_extension(const std::string& path);

enum class Access { read_series, write_series, write_images };

/// The format named `format`, or when empty the one `path`'s extension (or,
/// for a directory, its layout) says, able to do `access`.
const FormatInfo& resolve_format(const std::string& path, std::string_view format, Access access);

/// Opens a series: format inferred from the path unless given; `options` are
/// KEY=VALUE items checked against the format's read parameters.
std::unique_ptr<ImageSeries> open_series(const std::string& path, std::string_view format = "",
                                         const std::vector<std::string>& options = {});

/// Opens several files with the same format and options as one series, in
/// the order given (one path: the same as open_series).
std::unique_ptr<ImageSeries> open_series(const std::vector<std::string>& paths, std::string_view format,
                                         const std::vector<std::string>& options);

std::unique_ptr<SeriesWriter> create_writer(const std::string& path, std::string_view format = "",
                                            const std::vector<std::string>& options = {});

void write_images(const std::string& path, std::string_view format,
                  const std::vector<NamedImage>& images, const Metadata& attributes,
                  const std::vector<std::string>& options = {});

}  // namespace ims
