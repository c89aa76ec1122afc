#include "ops/process/op_registry.hpp"

#include <algorithm>

#include "ims/error.hpp"
#include "core/find_named.hpp"
#include "core/registry.hpp"
#include "core/strings.hpp"

namespace ims {

std::vector<OpInfo> builtin_ops();  // register.cpp

std::shared_ptr<LazyImage> OpConfig::image(std::string_view name) const {
  if (!params.has(name)) return nullptr;
  if (!images) throw Error(ErrorKind::internal, "op needs an image but no image resolver was given");
  return images(params.get_string(name), input, params);
}

namespace {

Registry<OpInfo>& registry() {
  static Registry<OpInfo> ops(builtin_ops(), "op");
  return ops;
}

}  // namespace

const std::deque<OpInfo>& op_infos() { return registry().all(); }

void add_op(OpInfo info) { registry().add(std::move(info)); }

const OpInfo& find_op(std::string_view name) { return find_named(op_infos(), name, "op"); }

OpSpec parse_op_text(std::string_view text) {
  const auto items = split(text, ';');
  OpSpec spec;
  const std::string head = trim(items.empty() ? std::string_view{} : std::string_view(items[0]));
  const auto eq = head.find('=');
  spec.name = trim(std::string_view(head).substr(0, eq));
  if (spec.name.empty()) throw Error(ErrorKind::usage, "op '" + std::string(text) + "' has no name");
  const OpInfo& info = find_op(spec.name);
  spec.name = info.name;
  if (eq != std::string::npos) {
    if (info.params.empty()) {
      throw Error(ErrorKind::usage, "op '" + info.name + "' takes no value (got '" + std::string(text) + "')");
    }
    spec.key_values.push_back(info.params.front().name + "=" + trim(std::string_view(head).substr(eq + 1)));
  }
  for (std::size_t i = 1; i < items.size(); ++i) {
    const std::string item = trim(items[i]);
    if (item.find('=') == std::string::npos) {
      throw Error(ErrorKind::usage, "op '" + std::string(text) + "': expected KEY=VALUE after ';', got '" + item + "'");
    }
    spec.key_values.push_back(item);
  }
  return spec;
}

std::shared_ptr<const FrameOp> make_op(const OpSpec& spec, FrameInfo input, const ImageResolver& images,
                                       const std::string& where) {
  try {
    const OpInfo& info = find_op(spec.name);
    OpConfig config{input, Params::parse(info.params, spec.key_values, "op '" + info.name + "'"), images};
    auto op = info.make(config);
    op->output_info(input);  // frames it cannot take fail here, at plan time
    return op;
  } catch (Error& e) {
    if (e.stage().empty()) e.with_stage(where);
    throw;
  }
}

}  // namespace ims
