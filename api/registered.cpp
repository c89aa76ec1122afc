// ims::describe_statistics/ops/formats: the registries as the public API
// lists them.

#include "formats/registry.hpp"
#include "ims/extend.hpp"
#include "ops/process/op_registry.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

std::vector<Registered> describe_statistics() {
  std::vector<Registered> out;
  for (const auto& r : reducer_infos()) out.push_back({r.name, r.aliases, r.summary, r.params});
  return out;
}

std::vector<Registered> describe_ops() {
  std::vector<Registered> out;
  for (const auto& op : op_infos()) out.push_back({op.name, op.aliases, op.summary, op.params});
  return out;
}

std::vector<Registered> describe_formats() {
  std::vector<Registered> out;
  for (const auto& f : format_infos()) out.push_back({f.name, {}, f.summary, f.read_params});
  return out;
}

}  // namespace ims
