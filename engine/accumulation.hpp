#pragma once
// Accumulation: the reducer states of a run, one state per reducer per pixel
// tile. It is what a run leaves behind before finalisation, and what merges
// across threads, processes and nodes (and serialises to travel between them).

#include <cstdint>
#include <memory>
#include <vector>

#include "core/frame.hpp"
#include "core/frame_batch.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims {

/// For each reducer, the index of the reducer whose states it uses: itself,
/// or an earlier reducer that shares_state_with() it.
std::vector<std::size_t> state_owners(const std::vector<std::shared_ptr<const Reducer>>& reducers);

class Accumulation {
 public:
  Accumulation() = default;
  /// Empty states for `reducers` (all over frames of the same shape and
  /// dtype), tiled by tile_pixels_for(frame).
  /// `expected_frames` (0 = unknown) lets states that keep every value
  /// allocate once.
  explicit Accumulation(std::vector<std::shared_ptr<const Reducer>> reducers, std::size_t expected_frames = 0);

  const std::vector<std::shared_ptr<const Reducer>>& reducers() const { return reducers_; }
  const std::vector<PixelRange>& tiles() const { return tiles_; }
  std::uint64_t frames() const { return frames_; }

  /// Folds `batch` into every reducer's state of tile `tile`. Different tiles
  /// may be updated concurrently; one tile by one thread at a time. Call
  /// count_frames() once per batch after all its tiles are done.
  void update_tile(std::size_t tile, const FrameBatch& batch);
  void count_frames(std::size_t frames) { frames_ += frames; }

  /// Adds the frames of `other` (same reducers, disjoint frames).
  void merge(const Accumulation& other);

  /// Every state, portable; deserialize() needs reducers configured alike.
  std::vector<std::byte> serialize() const;
  static Accumulation deserialize(std::vector<std::shared_ptr<const Reducer>> reducers,
                                  const std::vector<std::byte>& bytes);

  /// One image per reducer, in order (tiles finalised in parallel).
  std::vector<FrameBuffer> finalize() const;

 private:
  std::vector<std::shared_ptr<const Reducer>> reducers_;
  std::vector<PixelRange> tiles_;
  // states_[r * tiles_.size() + t]: reducer r, tile t; null unless r owns
  // its states (owners_[r] == r).
  std::vector<std::unique_ptr<ReducerState>> states_;
  std::vector<std::size_t> owners_;

  bool owns(std::size_t r) const { return owners_[r] == r; }
  const ReducerState& state_of(std::size_t r, std::size_t tile) const {
    return *states_[owners_[r] * tiles_.size() + tile];
  }
  std::uint64_t frames_ = 0;
};

}  // namespace ims
