#pragma once
/// Parameters declared once per format, op and statistic (built in or
/// registered by a program, ims/extend.hpp): the table drives `--opt
/// KEY=VALUE` and `--stat NAME:VALUE` validation, `ims list`, --help, YAML
/// and Python.
///
/// Threading contract: ParamSpec and Params are plain values; a Params is
/// safe to read from several threads.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ims {

enum class ParamType { boolean, integer, number, string, size, choice };

std::string_view param_type_name(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  std::string default_value;  // "" = no default (optional unless `required`)
  std::string doc;
  std::vector<std::string> choices;  // for ParamType::choice
  bool required = false;
};

/// Values given for a parameter table, checked against it when parsed.
class Params {
 public:
  Params() = default;

  /// Parses `KEY=VALUE` items against `specs`. `owner` names the table in
  /// messages ("format 'random'"). Unknown keys, malformed values, missing
  /// required keys and repeated keys are usage errors.
  static Params parse(const std::vector<ParamSpec>& specs, const std::vector<std::string>& key_values,
                      std::string_view owner);

  /// True when the user gave the key (defaults do not count).
  bool has(std::string_view name) const;

  std::string get_string(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;
  double get_double(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  std::uint64_t get_size(std::string_view name) const;

  /// The values given, as KEY=VALUE (for reports and output attributes).
  std::vector<std::string> given() const;

 private:
  const ParamSpec& spec(std::string_view name) const;
  std::string raw(std::string_view name) const;

  std::vector<ParamSpec> specs_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::string owner_;
};

/// Parses "true/false/1/0/yes/no/on/off"; returns false when malformed.
bool parse_bool(std::string_view text, bool& out);

}  // namespace ims
