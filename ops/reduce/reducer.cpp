#include "ops/reduce/reducer.hpp"

#include "ims/error.hpp"

namespace ims {

namespace {
constexpr std::uint32_t kStateMagic = 0x524d5349;  // "IMSR"
constexpr std::uint16_t kStateVersion = 1;
}  // namespace

std::string_view reducer_group_name(ReducerGroup group) {
  switch (group) {
    case ReducerGroup::distributive: return "distributive";
    case ReducerGroup::algebraic: return "algebraic";
    case ReducerGroup::holistic: return "holistic";
  }
  return "?";
}

Reducer::Reducer(std::string name, FrameInfo input, DType output)
    : name_(std::move(name)), input_(input), output_(output) {}

std::unique_ptr<ReducerState> Reducer::make_state(PixelRange range) const {
  if (range.end < range.begin || range.end > input_.shape.pixels()) {
    throw Error(ErrorKind::internal, "pixel range outside the frame").with_stage(name_);
  }
  return do_make_state(range);
}

void Reducer::update(ReducerState& state, const FrameBatch& batch) const {
  if (batch.info != input_) {
    throw Error(ErrorKind::internal, "frames are " + to_string(batch.info.shape) + " " +
                                         std::string(dtype_name(batch.info.dtype)) +
                                         ", reducer expects " + to_string(input_.shape) + " " +
                                         std::string(dtype_name(input_.dtype)))
        .with_stage(name_);
  }
  if (batch.map && !folds_pixel_maps()) {
    throw Error(ErrorKind::internal, "frames come with a pixel map, which this reducer does not fold")
        .with_stage(name_);
  }
  if (batch.size() == 0) return;
  do_update(state, batch);
  state.frames += batch.size();
}

void Reducer::combine(ReducerState& into, const ReducerState& from) const {
  if (into.range != from.range) {
    throw Error(ErrorKind::internal, "cannot combine states of different pixel ranges")
        .with_stage(name_);
  }
  if (from.frames == 0) return;
  do_combine(into, from);
  into.frames += from.frames;
}

void Reducer::finalize(const ReducerState& state, FrameView out) const {
  if (state.frames == 0) {
    throw Error(ErrorKind::usage, "no frames to reduce").with_stage(name_);
  }
  if (out.shape() != input_.shape || out.dtype() != output_) {
    throw Error(ErrorKind::internal, "output image has the wrong shape or dtype").with_stage(name_);
  }
  do_finalize(state, out);
}

void Reducer::serialize(const ReducerState& state, ByteWriter& out) const {
  out.put(kStateMagic);
  out.put(kStateVersion);
  out.put_string(name_);
  out.put_string(dtype_name(input_.dtype));
  out.put<std::uint64_t>(input_.shape.rows);
  out.put<std::uint64_t>(input_.shape.cols);
  out.put<std::uint64_t>(state.range.begin);
  out.put<std::uint64_t>(state.range.end);
  out.put<std::uint64_t>(state.frames);
  do_serialize(state, out);
}

std::unique_ptr<ReducerState> Reducer::deserialize(ByteReader& in) const {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::format, "not a state of this reducer: " + why).with_stage(name_);
  };
  if (in.get<std::uint32_t>() != kStateMagic) throw bad("bad magic number");
  if (auto v = in.get<std::uint16_t>(); v != kStateVersion) {
    throw bad("state format version " + std::to_string(v) + ", expected " +
              std::to_string(kStateVersion));
  }
  auto name = in.get_string();
  auto dtype = in.get_string();
  FrameShape shape{in.get<std::uint64_t>(), in.get<std::uint64_t>()};
  if (name != name_ || dtype != dtype_name(input_.dtype) || shape != input_.shape) {
    throw bad("it is a '" + name + "' state over " + dtype + " " + to_string(shape) +
              " frames, expected '" + name_ + "' over " + std::string(dtype_name(input_.dtype)) +
              " " + to_string(input_.shape));
  }
  PixelRange range{in.get<std::uint64_t>(), in.get<std::uint64_t>()};
  auto state = make_state(range);
  state->frames = in.get<std::uint64_t>();
  do_deserialize(*state, in);
  return state;
}

}  // namespace ims
