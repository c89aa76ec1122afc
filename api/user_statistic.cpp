// ims::register_statistic: a program's Statistic as an engine Reducer. The
// adapter hands the statistic one row of pixels per frame (the state's
// range), converts its output when the run asks for another dtype (numpy's
// astype, like the built-in reducers), and turns its exceptions into
// ims::Errors of kind callback naming it.

#include <vector>

#include "api/run_settings.hpp"
#include "core/convert.hpp"
#include "ims/extend.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

namespace {

struct UserState final : ReducerState {
  std::unique_ptr<Statistic::State> state;
};

class UserReducer final : public Reducer {
 public:
  UserReducer(std::string name, FrameInfo input, std::shared_ptr<const Statistic> statistic, DType output)
      : Reducer(std::move(name), input, output),
        who_("statistic '" + this->name() + "'"),
        statistic_(std::move(statistic)) {}

  std::size_t state_bytes_per_pixel() const override { return statistic_->state_bytes_per_pixel(); }

 protected:
  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    auto state = std::make_unique<UserState>();
    state->range = range;
    state->state = api::calling_user(who_, [&] { return statistic_->make_state(range.size()); });
    if (!state->state) throw Error(ErrorKind::callback, "make_state returned no state").with_stage(name());
    return state;
  }

  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    const std::size_t item = dtype_size(batch.info.dtype);
    std::vector<ConstPixels> frames;
    frames.reserve(batch.size());
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const std::byte* first = batch.frames[k] + (state.range.begin - batch.window_begin) * item;
      frames.emplace_back(first, 1, state.range.size(), batch.info.dtype);
    }
    api::calling_user(who_, [&] { statistic_->update(*of(state), frames, batch.first); });
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    api::calling_user(who_, [&] { statistic_->combine(*of(into), *of(from)); });
  }

  void do_finalize(const ReducerState& state, FrameView out) const override {
    const DType own = statistic_->output_dtype();
    const std::size_t pixels = state.range.size();
    std::byte* target = out.data() + state.range.begin * dtype_size(out.dtype());
    if (own == out.dtype()) {
      api::calling_user(who_, [&] { statistic_->finalize(*of(state), Pixels(target, 1, pixels, own)); });
      return;
    }
    std::vector<std::byte> own_pixels(pixels * dtype_size(own));
    api::calling_user(who_, [&] { statistic_->finalize(*of(state), Pixels(own_pixels.data(), 1, pixels, own)); });
    convert_pixels(own_pixels.data(), own, target, out.dtype(), pixels);
  }

  void do_serialize(const ReducerState&, ByteWriter&) const override { no_serialised_form(); }
  void do_deserialize(ReducerState&, ByteReader&) const override { no_serialised_form(); }

 private:
  static Statistic::State* of(const ReducerState& state) { return static_cast<const UserState&>(state).state.get(); }
  [[noreturn]] void no_serialised_form() const {
    throw Error(ErrorKind::unsupported, "a registered statistic has no serialised form").with_stage(name());
  }

  std::string who_;  // how errors name the statistic
  std::shared_ptr<const Statistic> statistic_;
};

}  // namespace

void register_statistic(StatisticDefinition definition) {
  if (!definition.make) throw Error(ErrorKind::usage, "statistic '" + definition.name + "' has no factory");
  ReducerInfo info;
  info.name = definition.name;
  info.aliases = definition.aliases;
  info.group = ReducerGroup::algebraic;
  info.summary = definition.summary;
  info.default_output = "the statistic's";
  info.params = definition.params;
  info.make = [name = definition.name, make = definition.make](const ReducerConfig& config) {
    const StatisticContext context{config.input.shape.rows, config.input.shape.cols, config.input.dtype, config.params};
    auto statistic = api::calling_user("statistic '" + name + "'", [&] { return make(context); });
    if (!statistic) throw Error(ErrorKind::callback, "the factory returned no statistic").with_stage(name);
    const DType output = config.output_dtype.value_or(statistic->output_dtype());
    return std::unique_ptr<Reducer>(std::make_unique<UserReducer>(name, config.input, std::move(statistic), output));
  };
  add_reducer(std::move(info));
}

}  // namespace ims
