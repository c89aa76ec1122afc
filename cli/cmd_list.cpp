#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "ims/error.hpp"
#include "core/strings.hpp"
#include "formats/registry.hpp"
#include "ops/process/op_registry.hpp"
#include "ops/reduce/registry.hpp"

namespace ims::cli {

namespace {

std::string param_line(const ParamSpec& p) {
  std::ostringstream out;
  std::string key = p.name + "=" + (p.default_value.empty() ? std::string(param_type_name(p.type)) : p.default_value);
  out << "      " << key;
  if (key.size() < 24) out << std::string(24 - key.size(), ' ');
  out << "  ";
  if (!p.choices.empty()) out << "{" << join(p.choices, ",") << "} ";
  out << p.doc << (p.required ? " (required)" : "") << "\n";
  return out.str();
}

std::string capabilities(const FormatInfo& f) {
  std::vector<std::string> can;
  if (f.open) can.push_back("read");
  if (f.create) can.push_back("write");
  if (f.write_images) can.push_back("statistics output");
  if (can.empty()) can.push_back("API only");
  return join(can, ", ");
}

std::string extensions(const FormatInfo& f) {
  std::vector<std::string> ext;
  for (const auto& e : f.extensions) ext.push_back(e == "/" ? "directory" : e);
  if (!f.needs_path) ext.push_back("no file (generated or in memory)");
  return join(ext, ", ");
}

void print_formats(std::ostream& out) {
  out << "formats (--format for sources, --to for outputs; options with --opt / --out-opt)\n";
  for (const auto& f : format_infos()) {
    out << "  " << f.name << "  [" << capabilities(f) << "; " << extensions(f) << "]\n";
    out << "      " << f.summary << "\n";
    if (!f.read_params.empty()) out << "    read options:\n";
    for (const auto& p : f.read_params) out << param_line(p);
    if (!f.write_params.empty()) out << "    write options:\n";
    for (const auto& p : f.write_params) out << param_line(p);
  }
}

void print_stats(std::ostream& out) {
  out << "statistics (--stat NAME[:VALUE][;KEY=VALUE][,NAME...]; all of them in one pass;\n"
      << "            VALUE sets the first option)\n";
  for (const auto& r : reducer_infos()) {
    out << "  " << r.name;
    if (!r.aliases.empty()) out << " (alias " << join(r.aliases, ", ") << ")";
    out << "  [" << reducer_group_name(r.group) << "; output " << r.default_output << "]\n";
    out << "      " << r.summary << "\n";
    for (const auto& p : r.params) out << param_line(p);
  }
}

std::string_view origin_name(OpOrigin origin) {
  switch (origin) {
    case OpOrigin::hexrd: return "hexrd";
    case OpOrigin::thunder: return "Thunder";
    case OpOrigin::program: return "registered by the program";
    default: return "ims";
  }
}

void print_ops(std::ostream& out) {
  out << "ops (frame -> frame; --op NAME=VALUE[;KEY=VALUE]..., applied in the order given;\n"
      << "     VALUE sets the first option)\n";
  for (const auto& op : op_infos()) {
    out << "  " << op.name;
    if (!op.aliases.empty()) out << " (alias " << join(op.aliases, ", ") << ")";
    out << "  [" << origin_name(op.origin) << "]\n";
    out << "      " << op.summary << "\n";
    for (const auto& p : op.params) out << param_line(p);
  }
}

std::string listing_json() {
  nlohmann::ordered_json j;
  auto params = [](const std::vector<ParamSpec>& specs) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& p : specs) {
      a.push_back({{"name", p.name}, {"type", std::string(param_type_name(p.type))},
                   {"default", p.default_value}, {"choices", p.choices}, {"doc", p.doc},
                   {"required", p.required}});
    }
    return a;
  };
  for (const auto& f : format_infos()) {
    j["formats"].push_back({{"name", f.name}, {"summary", f.summary}, {"extensions", f.extensions},
                            {"read", static_cast<bool>(f.open)}, {"write", static_cast<bool>(f.create)},
                            {"statistics_output", static_cast<bool>(f.write_images)},
                            {"read_options", params(f.read_params)},
                            {"write_options", params(f.write_params)}});
  }
  for (const auto& r : reducer_infos()) {
    j["statistics"].push_back({{"name", r.name}, {"aliases", r.aliases},
                               {"group", std::string(reducer_group_name(r.group))},
                               {"output", r.default_output}, {"summary", r.summary},
                               {"options", params(r.params)}});
  }
  j["ops"] = nlohmann::ordered_json::array();
  for (const auto& op : op_infos()) {
    j["ops"].push_back({{"name", op.name}, {"aliases", op.aliases}, {"origin", std::string(origin_name(op.origin))},
                        {"summary", op.summary}, {"options", params(op.params)}});
  }
  return j.dump(2) + "\n";
}

}  // namespace

void add_list_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("list", "show every format, statistic and op with its options and defaults");
  struct Options {
    std::string what;
    CommonOptions common;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("WHAT", o->what, "formats, stats or ops (default: all)");
  o->common.add_to(*cmd);
  cmd->callback([o] {
    o->common.init_logging();
    const std::vector<std::string> sections = {"formats", "stats", "ops"};
    const std::string& w = o->what == "statistics" || o->what == "reducers" ? "stats" : o->what;
    if (!w.empty() && std::find(sections.begin(), sections.end(), w) == sections.end()) {
      throw Error(ErrorKind::usage, unknown_name_message("list section", o->what, sections));
    }
    if (w.empty() || w == "formats") print_formats(std::cout);
    if (w.empty()) std::cout << "\n";
    if (w.empty() || w == "stats") print_stats(std::cout);
    if (w.empty()) std::cout << "\n";
    if (w.empty() || w == "ops") print_ops(std::cout);
    o->common.write_report_file(listing_json());
  });
}

}  // namespace ims::cli
