#pragma once
// The frame ops ims knows, by name: what `--op` and YAML `ops:` accept and
// `ims list` shows. Each op declares its parameters once (ParamSpec); the
// first is its primary parameter, the one `--op NAME=VALUE` sets.
//
// Text form of an op (CLI): NAME[=VALUE][;KEY=VALUE]...
//   flip=r90   rectangle=0:512,0:256   dark=dark.npy;mode=wrap
//   dark=median;frames=0:100   gaussian_filter=2;truncate=4

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ims/params.hpp"
#include "ops/process/frame_op.hpp"
#include "ops/process/lazy_image.hpp"

namespace ims {

/// Where an op comes from, for `ims list` and the docs.
enum class OpOrigin { hexrd, thunder, ims, program };  // program: added by ims::register_op

/// Resolves an image-valued parameter (its text, e.g. "dark.npy" or
/// "median") to a LazyImage, for an op whose input frames are `input`. The
/// engine supplies it; ops never open files themselves. `params` lets a
/// resolver read companion parameters (a dark's `frames`).
using ImageResolver =
    std::function<std::shared_ptr<LazyImage>(const std::string& text, FrameInfo input, const Params& params)>;

/// What an op factory gets.
struct OpConfig {
  FrameInfo input;  ///< frames the op will see (after the ops before it)
  Params params;    ///< checked against OpInfo::params
  ImageResolver images;
  /// The image named by parameter `name` (empty pointer when not given).
  std::shared_ptr<LazyImage> image(std::string_view name) const;
};

struct OpInfo {
  std::string name;
  std::vector<std::string> aliases;
  OpOrigin origin = OpOrigin::ims;
  std::string summary;
  std::vector<ParamSpec> params;  ///< params[0] is the primary parameter
  std::function<std::shared_ptr<const FrameOp>(const OpConfig&)> make;
};

/// Every op, in the order `ims list` shows them: the built-in ones
/// (register.cpp), then those a program added.
const std::deque<OpInfo>& op_infos();

/// Adds an op (ims::register_op): a usage ims::Error when its name or an
/// alias is not an identifier or taken. Call before runs start on other
/// threads; additions are serialised.
void add_op(OpInfo info);

/// Looks an op up by name or alias; a usage ims::Error lists the valid names
/// and suggests the closest.
const OpInfo& find_op(std::string_view name);

/// An op as text, split: its name and KEY=VALUE items (the primary VALUE
/// given as its parameter's KEY).
struct OpSpec {
  std::string name;
  std::vector<std::string> key_values;
};

/// Parses "NAME[=VALUE][;KEY=VALUE]...". Usage errors name the text.
OpSpec parse_op_text(std::string_view text);

/// Makes the op for frames of `input`. Errors (unknown op, bad parameter,
/// frames it cannot take) are usage errors whose stage is `where`, e.g.
/// "ops[2].flip" or "--op 3 (flip)".
std::shared_ptr<const FrameOp> make_op(const OpSpec& spec, FrameInfo input, const ImageResolver& images,
                                       const std::string& where);

}  // namespace ims
