#include "formats/image_file.hpp"

#include <cstring>
#include <filesystem>
#include <memory>

#include "ims/error.hpp"
#include "formats/npy/npy_header.hpp"
#include "formats/npz/npz_reader.hpp"
#include "formats/registry.hpp"

namespace ims {

namespace {

namespace fs = std::filesystem;

/// The format of `path` by its extension, when it holds named images.
const FormatInfo* named_images_format(const std::string& path) {
  const FormatInfo* format = format_by_extension(path);
  return format && format->named_images ? format : nullptr;
}

/// Splits "file.npz:member" / "file.h5:/dataset" at the last ':' after the
/// extension; plain paths have no member.
std::pair<std::string, std::string> split_member(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return {text, ""};
  const std::string file = text.substr(0, colon);
  if (!named_images_format(file)) return {text, ""};
  return {file, text.substr(colon + 1)};
}

Error image_error(const std::string& file, const std::string& message) {
  return Error(ErrorKind::format, message).with_file(file).with_stage("image");
}

FrameShape one_frame_shape(const std::string& what, const std::vector<std::size_t>& shape) {
  if (shape.size() == 2) return {shape[0], shape[1]};
  if (shape.size() == 3 && shape[0] == 1) return {shape[1], shape[2]};
  std::string dims;
  for (std::size_t d : shape) {
    if (!dims.empty()) dims += 'x';
    dims += std::to_string(d);
  }
  throw image_error(what, "is a " + dims + " array; an image is 2-D (or one 3-D frame)");
}

FrameBuffer npz_image(const std::string& file, const std::string& member) {
  const NpzArray array = read_npz_array(file, member);
  const NpyHeader& h = array.header;
  if (h.fortran_order) throw image_error(file, "array '" + array.member + "' is in Fortran order (not supported here)");
  FrameBuffer image(one_frame_shape(file, h.shape), h.dtype);
  std::memcpy(image.data(), array.bytes.data() + h.data_offset, image.bytes());
  if (h.byte_order != kNativeByteOrder) byteswap_inplace(image.data(), image.shape().pixels(), dtype_size(h.dtype));
  return image;
}

ImageFile npz_probe(const std::string& text, const std::string& file, const std::string& member) {
  FrameBuffer image = npz_image(file, member);  // small: headers and data are one member
  auto held = std::make_shared<FrameBuffer>(std::move(image));
  return {text, held->info(), [held] { return std::move(*held); }, {file}};
}

// ---- any series file of one frame

ImageFile series_probe(const std::string& text, const std::string& file, const std::string& dataset) {
  std::vector<std::string> options;
  if (!dataset.empty()) options.push_back("dataset=" + dataset);
  std::shared_ptr<const ImageSeries> series = open_series(file, "", options);
  if (series->size() != 1) {
    throw image_error(file, "holds " + std::to_string(series->size()) + " frames; an image is one frame");
  }
  return {text, series->frame_info(),
          [series] {
            FrameBuffer image(series->frame_info());
            series->read_frame(0, image.view());
            return image;
          },
          series->files()};
}

}  // namespace

bool names_a_file(const std::string& text) {
  const std::string file = split_member(text).first;
  std::error_code ec;
  return file.find('/') != std::string::npos || !fs::path(file).extension().empty() || fs::exists(file, ec);
}

ImageFile probe_image(const std::string& text) {
  const auto [file, member] = split_member(text);
  std::error_code ec;
  if (!fs::exists(file, ec)) throw Error(ErrorKind::not_found, "no such file").with_file(file).with_stage("image");
  const FormatInfo* format = named_images_format(file);
  if (format && format->name == "npz") return npz_probe(text, file, member);  // npz holds images, not series
  return series_probe(text, file, member);
}

}  // namespace ims
