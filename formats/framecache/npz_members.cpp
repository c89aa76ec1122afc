#include "formats/framecache/npz_members.hpp"

#include <cstring>

#include "formats/npy/npy_header.hpp"
#include "ims/error.hpp"

namespace ims {

namespace {

Error member_error(ErrorKind kind, const std::string& file, const NpzArray& array, const std::string& why) {
  return Error(kind, "member " + array.member + ": " + why).with_stage("frame-cache").with_file(file);
}

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

/// UTF-8 to code points; a malformed byte stands for itself (Latin-1).
std::vector<std::uint32_t> code_points(const std::string& text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) {
      out.push_back(b);
      ++i;
      continue;
    }
    std::uint32_t c = n == 1 ? b : b & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    out.push_back(c);
    i += n;
  }
  return out;
}

}  // namespace

std::vector<std::int64_t> npz_integers(const NpzArray& array, const std::string& file) {
  const NpyHeader& h = array.header;
  if (h.text_kind != 0 || is_floating(h.dtype)) {
    throw member_error(ErrorKind::format, file, array, "holds no integers");
  }
  std::vector<std::byte> data(array.data(), array.data() + h.data_bytes());
  if (h.byte_order != kNativeByteOrder) byteswap_inplace(data.data(), h.elements(), dtype_size(h.dtype));
  NdArray values{h.dtype, h.shape, std::move(data)};
  std::vector<std::int64_t> out(h.elements());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = values.at<std::int64_t>(i);
  return out;
}

std::string npz_text(const NpzArray& array, const std::string& file) {
  const NpyHeader& h = array.header;
  if ((h.text_kind != 'S' && h.text_kind != 'U') || !h.shape.empty()) {
    throw member_error(ErrorKind::format, file, array, "is not a text scalar");
  }
  std::string text;
  if (h.text_kind == 'S') {
    text.assign(reinterpret_cast<const char*>(array.data()), h.text_width);
  } else {
    for (std::size_t i = 0; i < h.text_width; ++i) {
      std::uint32_t c;
      std::memcpy(&c, array.data() + 4 * i, 4);
      if (h.byte_order != kNativeByteOrder) c = __builtin_bswap32(c);
      append_utf8(text, c);
    }
  }
  while (!text.empty() && text.back() == '\0') text.pop_back();  // numpy pads with NULs
  return text;
}

MetaValue npz_meta_value(const NpzArray& array, const std::string& file) {
  const NpyHeader& h = array.header;
  if (h.text_kind == 'b') {
    if (!h.shape.empty()) throw member_error(ErrorKind::unsupported, file, array, "an array of bools");
    return MetaValue(*array.data() != std::byte{0});
  }
  if (h.text_kind != 0) {
    if (!h.shape.empty()) throw member_error(ErrorKind::unsupported, file, array, "an array of strings");
    return MetaValue(npz_text(array, file));
  }
  if (h.fortran_order) throw member_error(ErrorKind::unsupported, file, array, "a Fortran-order array");
  std::vector<std::byte> data(array.data(), array.data() + h.data_bytes());
  if (h.byte_order != kNativeByteOrder) byteswap_inplace(data.data(), h.elements(), dtype_size(h.dtype));
  return MetaValue(NdArray{h.dtype, h.shape, std::move(data)});
}

std::string npy_bytes_of(const MetaValue& value) {
  auto with_data = [](std::string header, const void* data, std::size_t bytes) {
    header.append(static_cast<const char*>(data), bytes);
    return header;
  };
  if (value.is<bool>()) {
    const char b = value.as<bool>() ? 1 : 0;
    return with_data(make_npy_header("|b1", {}), &b, 1);
  }
  if (value.is<std::int64_t>()) {
    const std::int64_t v = value.as<std::int64_t>();
    return with_data(make_npy_header(DType::int64, {}), &v, sizeof v);
  }
  if (value.is<double>()) {
    const double v = value.as<double>();
    return with_data(make_npy_header(DType::float64, {}), &v, sizeof v);
  }
  if (value.is<std::string>()) {  // a Python str: numpy's '<U' array, UCS-4
    const std::vector<std::uint32_t> text = code_points(value.as<std::string>());
    const std::size_t width = std::max<std::size_t>(text.size(), 1);
    std::vector<std::uint32_t> padded(width, 0);
    std::copy(text.begin(), text.end(), padded.begin());
    return with_data(make_npy_text_header('U', width, {}), padded.data(), padded.size() * 4);
  }
  if (value.is<NdArray>()) {
    const NdArray& a = value.as<NdArray>();
    return with_data(make_npy_header(a.dtype, a.shape), a.data.data(), a.data.size());
  }
  return {};
}

}  // namespace ims
