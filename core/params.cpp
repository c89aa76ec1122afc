#include "ims/params.hpp"

#include <algorithm>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

std::string_view param_type_name(ParamType type) {
  switch (type) {
    case ParamType::boolean: return "bool";
    case ParamType::integer: return "int";
    case ParamType::number: return "float";
    case ParamType::string: return "string";
    case ParamType::size: return "size";
    case ParamType::choice: return "choice";
  }
  return "?";
}

bool parse_bool(std::string_view text, bool& out) {
  std::string t = trim(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "true" || t == "1" || t == "yes" || t == "on") {
    out = true;
    return true;
  }
  if (t == "false" || t == "0" || t == "no" || t == "off") {
    out = false;
    return true;
  }
  return false;
}

namespace {

void check_value(const ParamSpec& spec, const std::string& value, std::string_view owner) {
  auto bad = [&](const std::string& expected) {
    return Error(ErrorKind::usage, "invalid value '" + value + "' for option '" + spec.name +
                                       "' of " + std::string(owner) + " (expected " + expected +
                                       ")");
  };
  std::int64_t i = 0;
  double d = 0;
  bool b = false;
  switch (spec.type) {
    case ParamType::boolean:
      if (!parse_bool(value, b)) throw bad("true or false");
      break;
    case ParamType::integer:
      if (!parse_int(value, i)) throw bad("an integer");
      break;
    case ParamType::number:
      if (!parse_double(value, d)) throw bad("a number");
      break;
    case ParamType::size:
      parse_size(value, "size for option '" + spec.name + "'");
      break;
    case ParamType::choice:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        throw bad("one of " + join(spec.choices, ", "));
      }
      break;
    case ParamType::string:
      break;
  }
}

}  // namespace

Params Params::parse(const std::vector<ParamSpec>& specs,
                     const std::vector<std::string>& key_values, std::string_view owner) {
  Params p;
  p.specs_ = specs;
  p.owner_ = std::string(owner);
  std::vector<std::string> names;
  for (const auto& s : specs) names.push_back(s.name);
  for (const auto& kv : key_values) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorKind::usage, "option '" + kv + "' for " + p.owner_ +
                                        " is not of the form KEY=VALUE");
    }
    std::string key = trim(std::string_view(kv).substr(0, eq));
    std::string value = trim(std::string_view(kv).substr(eq + 1));
    auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == key; });
    if (it == specs.end()) {
      if (names.empty()) {
        throw Error(ErrorKind::usage, p.owner_ + " takes no options (got '" + key + "')");
      }
      throw Error(ErrorKind::usage,
                  unknown_name_message("option", key, names) + " for " + p.owner_);
    }
    if (p.has(key)) {
      throw Error(ErrorKind::usage, "option '" + key + "' given twice for " + p.owner_);
    }
    check_value(*it, value, p.owner_);
    p.values_.emplace_back(key, value);
  }
  for (const auto& s : specs) {
    if (s.required && !p.has(s.name)) {
      throw Error(ErrorKind::usage, p.owner_ + " needs option '" + s.name + "' (" + s.doc + ")");
    }
  }
  return p;
}

bool Params::has(std::string_view name) const {
  return std::any_of(values_.begin(), values_.end(), [&](const auto& kv) { return kv.first == name; });
}

const ParamSpec& Params::spec(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return s;
  }
  throw Error(ErrorKind::internal, "parameter '" + std::string(name) + "' is not declared by " + owner_);
}

std::string Params::raw(std::string_view name) const {
  const auto& s = spec(name);
  for (const auto& kv : values_) {
    if (kv.first == name) return kv.second;
  }
  return s.default_value;
}

std::string Params::get_string(std::string_view name) const { return raw(name); }

std::int64_t Params::get_int(std::string_view name) const {
  std::int64_t v = 0;
  if (!parse_int(raw(name), v)) {
    throw Error(ErrorKind::usage, "option '" + std::string(name) + "' of " + owner_ + " needs an integer");
  }
  return v;
}

double Params::get_double(std::string_view name) const {
  double v = 0;
  if (!parse_double(raw(name), v)) {
    throw Error(ErrorKind::usage, "option '" + std::string(name) + "' of " + owner_ + " needs a number");
  }
  return v;
}

bool Params::get_bool(std::string_view name) const {
  bool v = false;
  if (!parse_bool(raw(name), v)) {
    throw Error(ErrorKind::usage, "option '" + std::string(name) + "' of " + owner_ + " needs true or false");
  }
  return v;
}

std::uint64_t Params::get_size(std::string_view name) const {
  return parse_size(raw(name), "option '" + std::string(name) + "' of " + owner_);
}

std::vector<std::string> Params::given() const {
  std::vector<std::string> out;
  for (const auto& kv : values_) out.push_back(kv.first + "=" + kv.second);
  return out;
}

}  // namespace ims
