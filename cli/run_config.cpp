#include "cli/run_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>

#include "cli/job_settings.hpp"
#include "core/strings.hpp"
#include "ims/error.hpp"
#include "formats/posix_file.hpp"

namespace ims::cli {

namespace {

/// A usage error at YAML path `where` of the config file.
Error config_error(const std::string& file, const std::string& where, const std::string& message) {
  Error e(ErrorKind::usage, message);
  e.with_file(file);
  if (!where.empty()) e.with_stage(where);
  return e;
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// ---- --set: a path of keys and [i] indices, then a YAML value

struct PathStep {
  std::string key;             // a map key, or
  long index = -1;             // a sequence index
};

std::vector<PathStep> parse_set_path(const std::string& path, const std::string& text) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) throw Error(ErrorKind::usage, "--set '" + text + "': missing ']'");
      try {
        steps.push_back({"", std::stol(path.substr(i + 1, close - i - 1))});
      } catch (...) {
        throw Error(ErrorKind::usage, "--set '" + text + "': bad index in '" + path + "'");
      }
      i = close + 1;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    steps.push_back({path.substr(i, end - i), -1});
    i = end == std::string::npos ? path.size() : end;
  }
  if (steps.empty()) throw Error(ErrorKind::usage, "--set '" + text + "': no key before '='");
  return steps;
}

/// The child of `node` along `step`, created (as a map entry) if missing.
YAML::Node child(YAML::Node node, const PathStep& step, const std::string& text) {
  if (step.index >= 0) {
    if (!node.IsSequence() || step.index >= static_cast<long>(node.size())) {
      throw Error(ErrorKind::usage, "--set '" + text + "': index [" + std::to_string(step.index) + "] is not in the config");
    }
    return node[static_cast<std::size_t>(step.index)];
  }
  if (node.IsSequence()) {
    // ops[1].flip: the key of a one-entry map inside a sequence.
    throw Error(ErrorKind::usage, "--set '" + text + "': '" + step.key + "' follows a list; give an index");
  }
  return node[step.key];
}

void apply_set(YAML::Node root, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw Error(ErrorKind::usage, "--set '" + text + "': expected KEY=VALUE");
  const auto steps = parse_set_path(trim(std::string_view(text).substr(0, eq)), text);
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::usage, "--set '" + text + "': bad YAML value: " + e.msg);
  }
  // reset(), not operator=: assigning a yaml-cpp Node writes through to the
  // node it refers to.
  YAML::Node node;
  node.reset(root);
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) node.reset(child(node, steps[i], text));
  const PathStep& last = steps.back();
  if (last.index >= 0) {
    child(node, last, text) = value;
  } else {
    if (node.IsSequence()) child(node, last, text);  // throws
    node[last.key] = value;
  }
}

// ---- reading the document

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void keys(const YAML::Node& map, const std::string& where, const std::vector<std::string>& allowed) const {
    if (!map.IsMap()) throw config_error(file_, where, "expected a mapping of keys");
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        throw config_error(file_, join_path(where, key), unknown_name_message("key", key, allowed));
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& where) const {
    if (!node.IsScalar()) throw config_error(file_, where, "expected a single value");
    return node.Scalar();
  }

  /// A value that must be given when its key is: '' is not "leave it out".
  std::string value(const YAML::Node& node, const std::string& where) const {
    std::string v = scalar(node, where);
    if (v.empty()) throw config_error(file_, where, "is empty; give a value or leave the key out");
    return v;
  }

  /// A value as ims's text forms: scalars as they are, [a, b] as "a,b",
  /// [[a, b], [c, d]] as "a:b,c:d" (a rectangle's rows and columns).
  std::string text(const YAML::Node& node, const std::string& where) const {
    if (node.IsScalar()) return node.Scalar();
    if (!node.IsSequence()) throw config_error(file_, where, "expected a value or a list of values");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node& item = node[i];
      const std::string at = where + "[" + std::to_string(i) + "]";
      if (item.IsSequence()) {
        std::vector<std::string> bounds;
        for (const auto& b : item) bounds.push_back(scalar(b, at));
        items.push_back(join(bounds, ":"));
      } else {
        items.push_back(scalar(item, at));
      }
    }
    return join(items, ",");
  }

  std::vector<std::string> key_values(const YAML::Node& map, const std::string& where) const {
    std::vector<std::string> out;
    if (!map) return out;
    if (!map.IsMap()) throw config_error(file_, where, "expected a mapping of KEY: VALUE");
    for (const auto& kv : map) {
      const std::string key = kv.first.as<std::string>();
      out.push_back(key + "=" + text(kv.second, join_path(where, key)));
    }
    return out;
  }

  std::vector<std::string> list(const YAML::Node& node, const std::string& where) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      for (const auto& item : split(node.Scalar(), ',')) {
        out.push_back(trim(item));
        if (out.back().empty()) throw config_error(file_, where, "has an empty item in '" + node.Scalar() + "'");
      }
      return out;
    }
    if (!node.IsSequence()) throw config_error(file_, where, "expected a list");
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(value(node[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }

  FileSpec file_spec(const YAML::Node& node, const std::string& where) const {
    FileSpec spec;
    if (node.IsScalar()) {
      spec.path = value(node, where);
      return spec;
    }
    keys(node, where, {"path", "format", "options"});
    if (!node["path"]) throw config_error(file_, where, "needs a path");
    spec.path = value(node["path"], where + ".path");
    if (node["format"]) spec.format = value(node["format"], where + ".format");
    spec.options = key_values(node["options"], where + ".options");
    return spec;
  }

  void source(const YAML::Node& node, RunConfig& c) const {
    keys(node, "source", {"path", "paths", "format", "options", "frames", "frame_list"});
    if (node["path"] && node["paths"]) throw config_error(file_, "source", "give path or paths, not both");
    if (node["frames"] && node["frame_list"])
      throw config_error(file_, "source", "give frames or frame_list, not both");
    if (node["path"]) c.paths.push_back(value(node["path"], "source.path"));
    if (node["paths"]) {
      c.paths = list(node["paths"], "source.paths");
      if (c.paths.empty()) throw config_error(file_, "source.paths", "is empty; list the files of the series");
    }
    if (node["format"]) c.format = value(node["format"], "source.format");
    c.options = key_values(node["options"], "source.options");
    if (node["frames"]) c.frames = value(node["frames"], "source.frames");
    if (node["frame_list"]) {
      c.frame_list = text(node["frame_list"], "source.frame_list");
      if (c.frame_list.empty()) throw config_error(file_, "source.frame_list", "is empty; list frames or leave it out");
    }
  }

  /// `- flip: v`, `- dark: {image: median, frames: "0:100"}`, `- rectangle: [[0, 512], [0, 256]]`.
  void ops(const YAML::Node& node, RunConfig& c) const {
    if (!node.IsSequence()) throw config_error(file_, "ops", "expected a list of ops (- NAME: VALUE)");
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node& item = node[i];
      const std::string at = "ops[" + std::to_string(i) + "]";
      OpSpec spec;
      if (item.IsScalar()) {
        spec = parse_op_text(item.Scalar());
      } else if (item.IsMap() && item.size() == 1) {
        const auto kv = *item.begin();
        spec.name = kv.first.as<std::string>();
        const OpInfo* info = nullptr;
        try {
          info = &find_op(spec.name);
        } catch (Error& e) {
          throw e.with_file(file_).with_stage(at);
        }
        spec.name = info->name;
        const std::string where = at + "." + spec.name;
        if (kv.second.IsMap()) {
          spec.key_values = key_values(kv.second, where);
        } else if (!kv.second.IsNull()) {
          if (info->params.empty()) throw config_error(file_, where, "takes no value");
          spec.key_values.push_back(info->params.front().name + "=" + text(kv.second, where));
        }
      } else {
        throw config_error(file_, at, "expected one op: NAME: VALUE or NAME: {KEY: VALUE, ...}");
      }
      c.op_names.push_back(at + "." + spec.name);
      c.ops.push_back(std::move(spec));
    }
  }

  RunConfig read(const YAML::Node& root) const {
    RunConfig c;
    c.file = file_;
    std::vector<std::string> allowed{"source", "ops", "stats", "output", "write"};
    for (const auto& setting : job_settings()) allowed.push_back(setting.key);
    keys(root, "", allowed);
    if (!root["source"]) throw config_error(file_, "source", "is missing (where the frames come from)");
    source(root["source"], c);
    if (root["ops"]) ops(root["ops"], c);
    if (root["stats"]) c.stats = list(root["stats"], "stats");
    if (root["output"]) c.output = file_spec(root["output"], "output");
    if (root["write"]) c.write = file_spec(root["write"], "write");
    for (const auto& setting : job_settings()) {
      if (!root[setting.key]) continue;
      const std::string v = scalar(root[setting.key], setting.key);
      if (const std::string why = setting.check(v); !why.empty()) throw config_error(file_, setting.key, why);
      setting.assign(c, v);
    }
    check_outputs(c);
    return c;
  }

 private:
  void check_outputs(const RunConfig& c) const {
    if (!c.stats.empty() && c.output.path.empty()) {
      throw config_error(file_, "output", "is missing: where the statistics go (output: {path: bg.npz})");
    }
    if (c.stats.empty() && !c.output.path.empty()) {
      throw config_error(file_, "stats", "is missing: which statistics go to output (stats: [max, mean])");
    }
    if (c.stats.empty() && c.write.path.empty()) {
      throw config_error(file_, "", "nothing to do: give stats and output, or write (the processed series)");
    }
  }

  std::string file_;
};

/// The file's one YAML document (an empty file is an empty mapping).
YAML::Node load_document(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw Error(ErrorKind::usage, "is a directory; give the pipeline's YAML file").with_file(file);
  }
  check_not_special(file, "");
  std::ifstream in(file);
  if (!in) throw system_error("cannot read the config", errno).with_file(file);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(in);
  } catch (const YAML::ParserException& e) {
    throw Error(ErrorKind::usage, "bad YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                                      std::to_string(e.mark.column + 1) + ": " + e.msg)
        .with_file(file);
  }
  if (documents.size() > 1) {
    throw Error(ErrorKind::usage,
                "holds " + std::to_string(documents.size()) + " YAML documents (separated by '---'); a config is one")
        .with_file(file);
  }
  if (documents.empty() || documents.front().IsNull()) return YAML::Node(YAML::NodeType::Map);
  return documents.front();
}

// A config holds a few dozen values. Aliases can make a small file stand for
// billions of them ("billion laughs"): more than this many is refused.
constexpr std::size_t kMaxConfigValues = 100000;

/// YAML leaves a key given twice to the reader (yaml-cpp keeps the first):
/// refuse it, wherever it is, rather than silently drop a value. `budget`
/// counts the values visited, aliases expanded.
void check_unique_keys(const YAML::Node& node, const std::string& where, const std::string& file, std::size_t& budget) {
  if (budget-- == 0) {
    throw config_error(file, "",
                       "holds more than " + std::to_string(kMaxConfigValues) +
                           " values once its aliases are expanded; a config is a few dozen");
  }
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      check_unique_keys(node[i], where + "[" + std::to_string(i) + "]", file, budget);
    }
  } else if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
      if (!seen.insert(key).second) {
        throw config_error(file, join_path(where, key),
                           "is given twice; keep one (YAML would silently drop the other)");
      }
      check_unique_keys(kv.second, join_path(where, key), file, budget);
    }
  }
}

}  // namespace

RunConfig load_run_config(const std::string& file, const std::vector<std::string>& sets) {
  YAML::Node root = load_document(file);
  if (!root.IsMap()) throw Error(ErrorKind::usage, "a config is a mapping (source:, ops:, stats:, ...)").with_file(file);
  for (const auto& s : sets) {
    try {
      apply_set(root, s);
    } catch (Error& e) {
      throw e.with_file(file);
    } catch (const YAML::Exception& e) {  // a key under a scalar: "source.path.x=1"
      throw Error(ErrorKind::usage, "--set '" + s + "': " + e.msg).with_file(file);
    }
  }
  std::size_t budget = kMaxConfigValues;
  check_unique_keys(root, "", file, budget);
  try {
    return Reader(file).read(root);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::usage, "bad config: " + e.msg).with_file(file);
  }
}

}  // namespace ims::cli
