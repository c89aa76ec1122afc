// ims::register_op: a program's FrameOperation as an engine FrameOp. Its
// output format is checked against what the op declared, and its
// exceptions become ims::Errors of kind callback naming the op.

#include "api/run_settings.hpp"
#include "core/strings.hpp"
#include "ims/extend.hpp"
#include "ops/process/op_registry.hpp"

namespace ims {

namespace {

FrameFormat format_of(const FrameInfo& info) { return {info.shape.rows, info.shape.cols, info.dtype}; }

class UserOp final : public FrameOp {
 public:
  UserOp(std::string name, std::string text, std::shared_ptr<const FrameOperation> op)
      : name_(std::move(name)), who_("op '" + name_ + "'"), text_(std::move(text)), op_(std::move(op)) {}

  std::string name() const override { return name_; }
  std::string describe() const override { return text_; }

  FrameInfo output_info(const FrameInfo& input) const override {
    const FrameFormat out = api::calling_user(who_, [&] { return op_->output(format_of(input)); });
    return {{out.rows, out.cols}, out.dtype};
  }

  void apply(ConstFrameView in, FrameView out) const override {
    api::calling_user(who_, [&] {
      op_->apply(ConstPixels(in.data(), in.shape().rows, in.shape().cols, in.dtype()),
                 Pixels(out.data(), out.shape().rows, out.shape().cols, out.dtype()));
    });
  }

 private:
  std::string name_;
  std::string who_;  // how errors name the op
  std::string text_;
  std::shared_ptr<const FrameOperation> op_;
};

}  // namespace

void register_op(OpDefinition definition) {
  if (!definition.make) throw Error(ErrorKind::usage, "op '" + definition.name + "' has no factory");
  OpInfo info;
  info.name = definition.name;
  info.aliases = definition.aliases;
  info.origin = OpOrigin::program;
  info.summary = definition.summary;
  info.params = definition.params;
  info.make = [name = definition.name, make = definition.make](const OpConfig& config) {
    const OpContext context{format_of(config.input), config.params};
    auto op = api::calling_user("op '" + name + "'", [&] { return make(context); });
    if (!op) throw Error(ErrorKind::callback, "the factory returned no op").with_stage(name);
    const auto given = config.params.given();
    const std::string text = given.empty() ? name : name + ";" + join(given, ";");
    return std::shared_ptr<const FrameOp>(std::make_shared<UserOp>(name, text, std::move(op)));
  };
  add_op(std::move(info));
}

}  // namespace ims
