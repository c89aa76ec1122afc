#include "formats/binary/binary_layout.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/checked.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"
#include "formats/metadata_json.hpp"
#include "formats/posix_file.hpp"

namespace fs = std::filesystem;

namespace ims {

namespace {

Error sidecar_error(const fs::path& sidecar, const std::string& why) {
  return Error(ErrorKind::format, "bad sidecar: " + why).with_stage("binary").with_file(sidecar.string());
}

ByteOrder parse_byte_order(const std::string& text, const std::string& where) {
  if (text == "little" || text == "<") return ByteOrder::little;
  if (text == "big" || text == ">") return ByteOrder::big;
  if (text == "native" || text == "=") return kNativeByteOrder;
  throw Error(ErrorKind::usage, "invalid byte order '" + text + "' in " + where + " (expected little, big or native)");
}

FrameShape parse_shape_text(const std::string& text) {
  std::string t = text;
  for (auto& c : t) {
    if (c == 'x' || c == 'X') c = ',';
  }
  auto parts = split(t, ',');
  std::int64_t r = 0, c = 0;
  if (parts.size() != 2 || !parse_int(trim(parts[0]), r) || !parse_int(trim(parts[1]), c) || r <= 0 || c <= 0) {
    throw Error(ErrorKind::usage, "invalid shape '" + text + "' for format 'binary' (expected ROWSxCOLS, e.g. 2048x2048)");
  }
  return {static_cast<std::size_t>(r), static_cast<std::size_t>(c)};
}

/// "uint16", "u2", "<u2", ">f8": a dtype and, when a prefix is given, a byte order.
void parse_dtype_text(const std::string& text, std::optional<DType>& dtype, std::optional<ByteOrder>& order) {
  std::string name = text;
  if (!name.empty() && (name[0] == '<' || name[0] == '>' || name[0] == '|' || name[0] == '=')) {
    if (name[0] == '<') order = ByteOrder::little;
    if (name[0] == '>') order = ByteOrder::big;
    name = name.substr(1);
  }
  dtype = parse_dtype(name);
}

struct Partial {
  std::optional<std::size_t> frames;
  std::optional<FrameShape> shape;
  std::optional<DType> dtype;
  std::optional<ByteOrder> order;
  std::optional<bool> fortran;
  Metadata metadata;
};

Partial read_sidecar(const fs::path& sidecar) {
  Partial p;
  check_not_special(sidecar.string(), "binary");
  std::ifstream in(sidecar);
  if (!in) throw Error(ErrorKind::io, "cannot read sidecar").with_stage("binary").with_file(sidecar.string());
  nlohmann::ordered_json j;  // ordered: metadata keeps its order
  try {
    j = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw sidecar_error(sidecar, std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) throw sidecar_error(sidecar, "expected a JSON object");
  try {
    for (const char* key : {"dims", "shape"}) {
      if (!j.contains(key)) continue;
      const auto& value = j[key];
      const bool integers = value.is_array() && std::all_of(value.begin(), value.end(),
                                                            [](const auto& d) { return d.is_number_integer(); });
      const auto dims = integers ? value.template get<std::vector<std::int64_t>>() : std::vector<std::int64_t>{};
      if (dims.size() != 2 || dims[0] <= 0 || dims[1] <= 0) {
        throw sidecar_error(sidecar, std::string("'") + key + "' must be [rows, cols] of 2-D frames, two positive " +
                                         "integers (got " + value.dump() + ")");
      }
      p.shape = FrameShape{static_cast<std::size_t>(dims[0]), static_cast<std::size_t>(dims[1])};
    }
    if (j.contains("nframes")) {
      const auto& n = j["nframes"];
      if (!n.is_number_integer() || n.get<std::int64_t>() < 0) {
        throw sidecar_error(sidecar, "'nframes' must be a count of frames (got " + n.dump() + ")");
      }
      p.frames = n.get<std::size_t>();
    }
    if (j.contains("dtype")) parse_dtype_text(j["dtype"].get<std::string>(), p.dtype, p.order);
    if (j.contains("byteorder")) p.order = parse_byte_order(j["byteorder"].get<std::string>(), sidecar.string());
    if (j.contains("metadata")) p.metadata = metadata_from_json(j["metadata"], "");
    if (j.contains("order")) {
      auto order = j["order"].get<std::string>();
      if (order != "C" && order != "F") throw sidecar_error(sidecar, "'order' must be \"C\" or \"F\"");
      p.fortran = order == "F";
    }
  } catch (const nlohmann::json::exception& e) {
    throw sidecar_error(sidecar, std::string("unexpected value type (") + e.what() + ")");
  } catch (Error& e) {
    e.with_stage("binary").with_file(sidecar.string());
    throw;
  }
  return p;
}

}  // namespace

fs::path find_sidecar(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    auto conf = path / "conf.json";
    return fs::exists(conf, ec) ? conf : fs::path();
  }
  auto beside = fs::path(path).replace_extension(".json");
  if (fs::exists(beside, ec)) return beside;
  auto conf = path.parent_path() / "conf.json";
  return fs::exists(conf, ec) ? conf : fs::path();
}

BinaryLayout resolve_layout(const fs::path& path, const Params& options) {
  Partial p;
  const fs::path sidecar = find_sidecar(path);
  if (!sidecar.empty()) p = read_sidecar(sidecar);
  if (options.has("shape")) p.shape = parse_shape_text(options.get_string("shape"));
  if (options.has("dtype")) parse_dtype_text(options.get_string("dtype"), p.dtype, p.order);
  if (options.has("byteorder")) p.order = parse_byte_order(options.get_string("byteorder"), "option 'byteorder'");
  if (options.has("order")) p.fortran = options.get_string("order") == "F";
  if (!p.shape || !p.dtype) {
    throw Error(ErrorKind::usage,
                std::string("the frame ") + (!p.shape ? "shape" : "dtype") +
                    " is unknown: give --opt " + (!p.shape ? "shape=ROWSxCOLS" : "dtype=NAME") +
                    " or a sidecar (" + fs::path(path).replace_extension(".json").filename().string() +
                    " beside the file, or conf.json in its directory)")
        .with_stage("binary")
        .with_file(path.string());
  }
  const bool shape_from_sidecar = !sidecar.empty() && !options.has("shape");
  check_series_bytes(1, p.shape->rows, p.shape->cols, *p.dtype, "binary",
                     shape_from_sidecar ? sidecar.string() : path.string());
  std::error_code ec;
  const bool own_sidecar = !sidecar.empty() && (fs::is_directory(path, ec) || sidecar.stem() == path.stem());
  return {*p.shape,
          *p.dtype,
          p.order.value_or(kNativeByteOrder),
          p.fortran.value_or(false),
          std::move(p.metadata),
          own_sidecar ? p.frames : std::nullopt,
          sidecar};
}

std::string sidecar_json(const BinaryLayout& layout, std::size_t frames) {
  nlohmann::ordered_json j;
  j["dims"] = {layout.shape.rows, layout.shape.cols};
  j["dtype"] = std::string(dtype_name(layout.dtype));
  j["byteorder"] = layout.byte_order == ByteOrder::little ? "little" : "big";
  j["order"] = layout.fortran_order ? "F" : "C";
  j["nframes"] = frames;
  if (!layout.metadata.empty()) j["metadata"] = metadata_to_json(layout.metadata);
  return j.dump(2) + "\n";
}

}  // namespace ims
