#include "formats/registry.hpp"

#include <algorithm>
#include <filesystem>

#include "core/find_named.hpp"
#include "core/registry.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"
#include "formats/concat_series.hpp"

namespace ims {

std::vector<FormatInfo> builtin_formats();  // register.cpp

namespace {

Registry<FormatInfo>& registry() {
  static Registry<FormatInfo> formats(builtin_formats(), "format");
  return formats;
}

}  // namespace

const std::deque<FormatInfo>& format_infos() { return registry().all(); }

void add_format(FormatInfo info) {
  registry().add(std::move(info), [](const FormatInfo& f) {
    for (const auto& ext : f.extensions) {
      if (ext.size() < 2 || ext[0] != '.') {
        throw Error(ErrorKind::usage, "format '" + f.name + "': extension '" + ext + "' does not start with '.'");
      }
      if (const FormatInfo* owner = format_by_extension("x" + ext)) {
        throw Error(ErrorKind::usage,
                    "format '" + f.name + "': extension " + ext + " belongs to format '" + owner->name + "'");
      }
    }
  });
}

namespace {

std::vector<std::string> names_where(const std::function<bool(const FormatInfo&)>& keep) {
  std::vector<std::string> names;
  for (const auto& f : format_infos()) {
    if (keep(f)) names.push_back(f.name);
  }
  return names;
}

bool can(const FormatInfo& f, Access access) {
  switch (access) {
    case Access::read_series: return static_cast<bool>(f.open);
    case Access::write_series: return static_cast<bool>(f.create);
    case Access::write_images: return static_cast<bool>(f.write_images);
  }
  return false;
}

std::string_view access_verb(Access access) {
  switch (access) {
    case Access::read_series: return "read series from";
    case Access::write_series: return "write series to";
    case Access::write_images: return "write statistics to";
  }
  return "";
}

std::string lowercase_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

const FormatInfo& find_format(std::string_view name) {
  for (const auto& f : format_infos()) {
    if (f.name == name) return f;
  }
  throw Error(ErrorKind::usage, unknown_name_message("format", name, names_where([](auto&) { return true; })));
}

const FormatInfo* format_by_extension(const std::string& path) {
  const std::string ext = lowercase_extension(path);
  if (ext.empty()) return nullptr;
  for (const auto& f : format_infos()) {
    if (std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end()) return &f;
  }
  return nullptr;
}

const FormatInfo& resolve_format(const std::string& path, std::string_view format, Access access) {
  auto able = names_where([&](const FormatInfo& f) { return can(f, access); });
  if (!format.empty()) {
    const FormatInfo& f = find_format(format);
    if (!can(f, access)) {
      throw Error(ErrorKind::usage, "ims cannot " + std::string(access_verb(access)) + " format '" +
                                        f.name + "' (it can for: " + join(able, ", ") + ")");
    }
    return f;
  }
  std::error_code ec;
  const bool directory = std::filesystem::is_directory(path, ec);
  const std::string ext = lowercase_extension(path);
  for (const auto& f : format_infos()) {
    if (!can(f, access)) continue;
    bool by_extension = !ext.empty() && std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end();
    bool by_layout = directory && std::find(f.extensions.begin(), f.extensions.end(), "/") != f.extensions.end();
    if (by_extension || by_layout) return f;
  }
  for (const auto& f : format_infos()) {
    if (!ext.empty() && std::find(f.extensions.begin(), f.extensions.end(), ext) != f.extensions.end()) {
      throw Error(ErrorKind::usage, "'" + path + "' is format '" + f.name + "', which ims cannot " +
                                        std::string(access_verb(access)) + " (it can for: " + join(able, ", ") + ")");
    }
  }
  std::vector<std::string> known;
  for (const auto& f : format_infos()) {
    if (!can(f, access)) continue;
    for (const auto& e : f.extensions) {
      if (e != "/") known.push_back(e + " (" + f.name + ")");
    }
  }
  throw Error(ErrorKind::usage, "cannot tell the format of '" + path + "' from its " +
                                    (ext.empty() ? "name" : "extension '" + ext + "'") +
                                    "; give --format/--to (ims can " + std::string(access_verb(access)) +
                                    ": " + join(able, ", ") + "; known extensions: " + join(known, ", ") + ")");
}

std::unique_ptr<ImageSeries> open_series(const std::string& path, std::string_view format,
                                         const std::vector<std::string>& options) {
  const FormatInfo& f = resolve_format(path, format, Access::read_series);
  Params params = Params::parse(f.read_params, options, "format '" + f.name + "'");
  if (f.needs_path && path.empty()) {
    throw Error(ErrorKind::usage, "format '" + f.name + "' reads from a file: give SOURCE");
  }
  if (!f.needs_path && !path.empty()) {
    throw Error(ErrorKind::usage, "format '" + f.name + "' generates its frames and reads no file; remove '" + path +
                                      "' (or give another --format)");
  }
  return f.open(path, params);
}

std::unique_ptr<ImageSeries> open_series(const std::vector<std::string>& paths, std::string_view format,
                                         const std::vector<std::string>& options) {
  if (paths.size() <= 1) return open_series(paths.empty() ? std::string() : paths.front(), format, options);
  std::vector<std::unique_ptr<ImageSeries>> parts;
  for (const auto& p : paths) parts.push_back(open_series(p, format, options));
  return std::make_unique<ConcatSeries>(std::move(parts));
}

std::unique_ptr<SeriesWriter> create_writer(const std::string& path, std::string_view format,
                                            const std::vector<std::string>& options) {
  const FormatInfo& f = resolve_format(path, format, Access::write_series);
  Params params = Params::parse(f.write_params, options, "output format '" + f.name + "'");
  return f.create(path, params);
}

void write_images(const std::string& path, std::string_view format,
                  const std::vector<NamedImage>& images, const Metadata& attributes,
                  const std::vector<std::string>& options) {
  const FormatInfo& f = resolve_format(path, format, Access::write_images);
  Params params = Params::parse(f.write_params, options, "output format '" + f.name + "'");
  f.write_images(path, images, attributes, params);
}

}  // namespace ims
