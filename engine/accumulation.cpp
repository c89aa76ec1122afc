#include "engine/accumulation.hpp"

#include <oneapi/tbb/parallel_for.h>

#include "ims/error.hpp"
#include "engine/plan.hpp"

namespace ims {

namespace {
constexpr std::uint32_t kMagic = 0x41534d49;  // "IMSA"
}

std::vector<std::size_t> state_owners(const std::vector<std::shared_ptr<const Reducer>>& reducers) {
  std::vector<std::size_t> owners(reducers.size());
  for (std::size_t r = 0; r < reducers.size(); ++r) {
    owners[r] = r;
    for (std::size_t earlier = 0; earlier < r; ++earlier) {
      if (owners[earlier] == earlier && reducers[earlier]->shares_state_with(*reducers[r])) {
        owners[r] = earlier;
        break;
      }
    }
  }
  return owners;
}

Accumulation::Accumulation(std::vector<std::shared_ptr<const Reducer>> reducers, std::size_t expected_frames)
    : reducers_(std::move(reducers)) {
  if (reducers_.empty()) return;
  const FrameInfo frame = reducers_.front()->input();
  const FrameShape shape = frame.shape;
  const std::size_t pixels = shape.pixels();
  const std::size_t tile = tile_pixels_for(frame);
  for (std::size_t begin = 0; begin < pixels; begin += tile) {
    tiles_.push_back({begin, std::min(pixels, begin + tile)});
  }
  for (const auto& r : reducers_) {
    if (r->input() != frame) {
      throw Error(ErrorKind::internal, "reducers of one accumulation differ in frame shape or dtype");
    }
  }
  // In parallel: creating a state first-touches its memory (tens of MB for
  // var over large frames), which would otherwise delay the first frame.
  owners_ = state_owners(reducers_);
  states_.resize(reducers_.size() * tiles_.size());
  tbb::parallel_for(std::size_t{0}, states_.size(), [&](std::size_t i) {
    const std::size_t r = i / tiles_.size();
    if (!owns(r)) return;
    states_[i] = reducers_[r]->make_state(tiles_[i % tiles_.size()]);
    states_[i]->reserve_frames(expected_frames);
  });
}

void Accumulation::update_tile(std::size_t tile, const FrameBatch& batch) {
  for (std::size_t r = 0; r < reducers_.size(); ++r) {
    if (owns(r)) reducers_[r]->update(*states_[r * tiles_.size() + tile], batch);
  }
}

void Accumulation::merge(const Accumulation& other) {
  if (other.reducers_.size() != reducers_.size() || other.tiles_ != tiles_) {
    throw Error(ErrorKind::usage, "cannot merge accumulations of different statistics or frame shapes");
  }
  for (std::size_t r = 0; r < reducers_.size(); ++r) {
    if (reducers_[r]->name() != other.reducers_[r]->name() ||
        reducers_[r]->input() != other.reducers_[r]->input()) {
      throw Error(ErrorKind::usage, "cannot merge '" + other.reducers_[r]->name() + "' into '" +
                                        reducers_[r]->name() + "'");
    }
  }
  tbb::parallel_for(std::size_t{0}, states_.size(), [&](std::size_t i) {
    if (states_[i]) reducers_[i / tiles_.size()]->combine(*states_[i], *other.states_[i]);
  });
  frames_ += other.frames_;
}

std::vector<std::byte> Accumulation::serialize() const {
  ByteWriter out;
  out.put(kMagic);
  out.put<std::uint64_t>(frames_);
  out.put<std::uint64_t>(reducers_.size());
  out.put<std::uint64_t>(tiles_.size());
  for (std::size_t i = 0; i < states_.size(); ++i) {
    if (states_[i]) reducers_[i / tiles_.size()]->serialize(*states_[i], out);
  }
  return out.take();
}

Accumulation Accumulation::deserialize(std::vector<std::shared_ptr<const Reducer>> reducers,
                                       const std::vector<std::byte>& bytes) {
  Accumulation acc(std::move(reducers));
  ByteReader in(bytes);
  if (in.get<std::uint32_t>() != kMagic) {
    throw Error(ErrorKind::format, "not a serialised ims accumulation (bad magic number)");
  }
  acc.frames_ = in.get<std::uint64_t>();
  auto nreducers = in.get<std::uint64_t>();
  auto ntiles = in.get<std::uint64_t>();
  if (nreducers != acc.reducers_.size() || ntiles != acc.tiles_.size()) {
    throw Error(ErrorKind::format, "serialised accumulation has " + std::to_string(nreducers) +
                                       " statistics in " + std::to_string(ntiles) +
                                       " tiles; expected " + std::to_string(acc.reducers_.size()) +
                                       " in " + std::to_string(acc.tiles_.size()));
  }
  for (std::size_t i = 0; i < acc.states_.size(); ++i) {
    if (!acc.owns(i / acc.tiles_.size())) continue;
    auto state = acc.reducers_[i / acc.tiles_.size()]->deserialize(in);
    if (state->range != acc.tiles_[i % acc.tiles_.size()]) {
      throw Error(ErrorKind::format, "serialised accumulation has tiles in an unexpected order");
    }
    acc.states_[i] = std::move(state);
  }
  if (in.remaining() != 0) {
    throw Error(ErrorKind::format, "trailing bytes after a serialised accumulation");
  }
  return acc;
}

std::vector<FrameBuffer> Accumulation::finalize() const {
  std::vector<FrameBuffer> images;
  for (const auto& r : reducers_) images.emplace_back(r->output_info());
  // Tile-major, so that the quantiles sharing a tile's gather run one after
  // another while it is warm in cache.
  const std::size_t n = reducers_.size();
  tbb::parallel_for(std::size_t{0}, states_.size(), [&](std::size_t i) {
    const std::size_t r = i % n, tile = i / n;
    reducers_[r]->finalize(state_of(r, tile), images[r].view());
  });
  return images;
}

}  // namespace ims
