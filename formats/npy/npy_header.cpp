#include "formats/npy/npy_header.hpp"

#include <cctype>
#include <charconv>
#include <cstring>
#include <string_view>

#include "core/checked.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;
constexpr std::size_t kAlignment = 64;

Error header_error(const std::string& file, const std::string& why) {
  return Error(ErrorKind::format, "malformed .npy header: " + why).with_stage("npy").with_file(file);
}

/// A minimal reader for the Python literal numpy writes: a dict of string
/// keys to strings, True/False, and tuples of integers.
class DictParser {
 public:
  DictParser(std::string_view text, const std::string& file, bool allow_text)
      : text_(text), file_(file), allow_text_(allow_text) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (!peek('}')) {
      std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (peek('[')) {
          throw Error(ErrorKind::unsupported, "structured arrays (record dtypes) are not image series")
              .with_stage("npy").with_file(file_);
        }
        parse_descr(string_literal(), h);
        seen_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        seen_shape = true;
      } else {
        throw header_error(file_, "unexpected key '" + key + "'");
      }
      if (!peek('}')) expect(',');
    }
    expect('}');
    if (!seen_descr || !seen_order || !seen_shape) {
      throw header_error(file_, "missing 'descr', 'fortran_order' or 'shape'");
    }
    return h;
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) throw header_error(file_, std::string("expected '") + c + "' at offset " + std::to_string(pos_));
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      throw header_error(file_, "expected a string at offset " + std::to_string(pos_));
    }
    char quote = text_[pos_++];
    auto end = text_.find(quote, pos_);
    if (end == std::string_view::npos) throw header_error(file_, "unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    throw header_error(file_, "expected True or False for 'fortran_order'");
  }
  std::vector<std::size_t> tuple() {
    std::vector<std::size_t> dims;
    expect('(');
    while (!peek(')')) {
      skip_space();
      std::size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      const std::string_view digits = text_.substr(start, pos_ - start);
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc::result_out_of_range) {
        throw Error(ErrorKind::format, "shape dimension " + std::string(digits) + " overflows")
            .with_stage("npy")
            .with_file(file_);
      }
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        throw header_error(file_, "bad dimension in 'shape' at offset " + std::to_string(start));
      }
      if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long literal
      dims.push_back(v);
      if (!peek(')')) expect(',');
    }
    expect(')');
    return dims;
  }
  void parse_descr(const std::string& descr, NpyHeader& h) {
    if (descr == "|O" || descr == "O") {
      throw Error(ErrorKind::unsupported, "an object array (pickled Python values), which ims does not load")
          .with_stage("npy")
          .with_file(file_);
    }
    if (descr.size() < 3) throw header_error(file_, "bad descr '" + descr + "'");
    switch (descr[0]) {
      case '<': h.byte_order = ByteOrder::little; break;
      case '>': h.byte_order = ByteOrder::big; break;
      case '|':
      case '=': h.byte_order = kNativeByteOrder; break;
      default: throw header_error(file_, "bad byte order in descr '" + descr + "'");
    }
    if (allow_text_ && descr.substr(1) == "b1") {
      h.text_kind = 'b';  // numpy's bool: one byte per element
      h.text_width = 1;
      return;
    }
    if (allow_text_ && (descr[1] == 'S' || descr[1] == 'U')) {
      std::size_t width = 0;
      const auto [end, ec] = std::from_chars(descr.data() + 2, descr.data() + descr.size(), width);
      if (ec != std::errc() || end != descr.data() + descr.size() || width == 0 || width > (1u << 20)) {
        throw header_error(file_, "bad text descr '" + descr + "'");
      }
      h.text_kind = descr[1];
      h.text_width = width;
      return;
    }
    auto dtype = find_dtype(std::string_view(descr).substr(1));
    if (!dtype) {
      throw Error(ErrorKind::unsupported, "unsupported dtype '" + descr + "' (ims reads " +
                                              join(dtype_names(), ", ") + ")")
          .with_stage("npy")
          .with_file(file_);
    }
    h.dtype = *dtype;
  }

  std::string_view text_;
  const std::string& file_;
  bool allow_text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::size_t NpyHeader::elements() const {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::size_t NpyHeader::element_bytes() const {
  if (text_kind == 0) return dtype_size(dtype);
  return text_width * (text_kind == 'U' ? 4 : 1);
}

std::size_t npy_header_bytes(const std::byte* bytes, std::size_t size, const std::string& file) {
  const char* p = reinterpret_cast<const char*>(bytes);
  if (size < kNpyPreambleBytes || std::memcmp(p, kMagic, kMagicBytes) != 0) {
    throw Error(ErrorKind::format, "not a .npy file (no \\x93NUMPY magic)").with_stage("npy").with_file(file);
  }
  const auto major = static_cast<unsigned char>(p[6]);
  std::size_t length = 0, start = 0;
  if (major == 1) {
    length = static_cast<unsigned char>(p[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(p[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(p[8 + i]);
    start = 12;
  } else {
    throw Error(ErrorKind::unsupported, "unsupported .npy format version " + std::to_string(major))
        .with_stage("npy").with_file(file);
  }
  return start + length;
}

NpyHeader parse_npy_header(const std::byte* bytes, std::size_t size, const std::string& file, bool allow_text) {
  const std::size_t end = npy_header_bytes(bytes, size, file);
  if (end > size) {
    throw header_error(file, "header of " + std::to_string(end) + " bytes runs past the end of the file");
  }
  const char* p = reinterpret_cast<const char*>(bytes);
  const std::size_t start = p[6] == 1 ? 10 : 12;  // the preamble of version 1, or of 2 and 3
  NpyHeader h = DictParser(std::string_view(p + start, end - start), file, allow_text).parse();
  check_array_bytes(h.shape, h.element_bytes(), "npy", file);
  h.data_offset = end;
  return h;
}

std::string npy_descr(DType dtype, ByteOrder order) {
  char prefix = dtype_size(dtype) == 1 ? '|' : (order == ByteOrder::little ? '<' : '>');
  return prefix + std::string(dtype_code(dtype));
}

namespace {

std::string header_for_descr(const std::string& descr, const std::vector<std::size_t>& shape) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + ", ";
  if (shape.size() > 1) dict.resize(dict.size() - 2);  // (n,) keeps its comma
  if (shape.size() == 1) dict.resize(dict.size() - 1);
  dict += "), }";
  const bool v1 = dict.size() + 11 < 65536;
  const std::size_t preamble = v1 ? 10 : 12;
  std::size_t total = preamble + dict.size() + 1;  // + '\n'
  std::size_t padded = (total + kAlignment - 1) / kAlignment * kAlignment;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string header(kMagic, kMagicBytes);
  header += static_cast<char>(v1 ? 1 : 2);
  header += '\0';
  std::size_t length = dict.size();
  for (std::size_t i = 0; i < (v1 ? 2u : 4u); ++i) header += static_cast<char>((length >> (8 * i)) & 0xff);
  return header + dict;
}

}  // namespace

std::string make_npy_header(const std::string& descr, const std::vector<std::size_t>& shape) {
  return header_for_descr(descr, shape);
}

std::string make_npy_header(DType dtype, const std::vector<std::size_t>& shape) {
  return header_for_descr(npy_descr(dtype, kNativeByteOrder), shape);
}

std::string make_npy_text_header(char kind, std::size_t width, const std::vector<std::size_t>& shape) {
  const char order = kind == 'U' ? (kNativeByteOrder == ByteOrder::little ? '<' : '>') : '|';
  return header_for_descr(std::string(1, order) + kind + std::to_string(width), shape);
}

}  // namespace ims
