#pragma once
// The state of the in-memory holistic reducers: every value of a pixel range,
// as order keys, frame-major (one row of range.size() keys per frame).
//
// A row is either copied into the state or, when the keys are the source's
// own values (unsigned pixels) and the source holds its frames in memory
// (a memory-mapped .npy, an array), borrowed: a pointer into the source's
// frame, with the source kept alive by the state. Copied rows of the frames
// the engine announces (reserve_frames) go in one buffer; more frames go in
// blocks of 16, so that growing never copies or doubles the memory.

#include <cstring>
#include <memory>
#include <vector>

#include "core/bytes.hpp"
#include "ops/reduce/reducer.hpp"

namespace ims {

template <class K>
class GatherState final : public ReducerState {
 public:
  static constexpr std::size_t kBlockFrames = 16;

  explicit GatherState(PixelRange r) { range = r; }

  std::size_t rows() const { return rows_.size(); }
  std::size_t width() const { return range.size(); }

  void reserve_frames(std::size_t frames_to_come) override {
    if (rows_.empty() && reserved_ == 0) {
      reserved_ = frames_to_come;
      rows_.reserve(frames_to_come);
    }
  }

  /// Frame f's keys for the range.
  const K* row(std::size_t f) const { return rows_[f]; }

  /// Room for one more frame's keys, owned by the state.
  K* append_row() {
    K* row = next_owned_row();
    rows_.push_back(row);
    return row;
  }

  /// One more frame's keys, left where they are: `keys` stays valid while
  /// `owner` lives, and the state holds `owner`.
  void borrow_row(const K* keys, const std::shared_ptr<const void>& owner) {
    if (owner_ != owner) owners_.push_back(owner_ = owner);
    rows_.push_back(keys);
  }

  /// Every row, for the selection kernels.
  const std::vector<const K*>& row_pointers() const { return rows_; }

  /// Copies `other`'s rows after these (borrowed ones too: the copy then
  /// does not depend on other's sources).
  void append(const GatherState& other) {
    for (std::size_t f = 0; f < other.rows(); ++f) std::memcpy(append_row(), other.row(f), width() * sizeof(K));
  }

  void write(ByteWriter& out) const {
    out.put<std::uint64_t>(rows());
    for (std::size_t f = 0; f < rows(); ++f) out.put_array(row(f), width());
  }

  void read(ByteReader& in) {
    const auto n = in.get<std::uint64_t>();
    // Checked before allocating: n comes from the stream.
    if (width() > 0 && n > in.remaining() / (width() * sizeof(K))) {
      throw Error(ErrorKind::format, "truncated serialised state (" + std::to_string(n) + " frames of " +
                                         std::to_string(width()) + " values announced, " +
                                         std::to_string(in.remaining()) + " bytes left)");
    }
    for (std::uint64_t f = 0; f < n; ++f) in.get_array(append_row(), width());
  }

 private:
  K* next_owned_row() {
    std::size_t k = owned_++;
    if (k < reserved_) {
      // Allocated at the first copied row: a state that only borrows never
      // allocates (plain pages: huge pages made first touches stall in the
      // kernel's compaction, reduce stage 0.04-0.5 s for the same 210 MB).
      if (!reserved_buffer_) reserved_buffer_ = std::make_unique_for_overwrite<K[]>(reserved_ * width());
      return reserved_buffer_.get() + k * width();
    }
    k -= reserved_;
    if (k % kBlockFrames == 0) blocks_.push_back(std::make_unique_for_overwrite<K[]>(kBlockFrames * width()));
    return blocks_[k / kBlockFrames].get() + (k % kBlockFrames) * width();
  }

  std::vector<const K*> rows_;
  std::unique_ptr<K[]> reserved_buffer_;
  std::size_t reserved_ = 0;
  std::size_t owned_ = 0;
  std::vector<std::unique_ptr<K[]>> blocks_;
  std::shared_ptr<const void> owner_;               // the last owner borrowed from
  std::vector<std::shared_ptr<const void>> owners_;  // every owner borrowed from
};

}  // namespace ims
