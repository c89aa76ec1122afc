#pragma once
// QuantileReducer<T>: the in-memory quantile reducer for input type T.

#include <algorithm>

#include "ops/reduce/holistic/gather_state.hpp"
#include "ops/reduce/holistic/order_key.hpp"
#include "ops/reduce/holistic/quantile.hpp"
#include "ops/reduce/holistic/quantile_math.hpp"
#include "ops/reduce/holistic/rank_select.hpp"

namespace ims {

/// Non-template base, so callers can ask any quantile reducer for its spec.
class QuantileReducerBase : public Reducer {
 public:
  QuantileReducerBase(std::string name, FrameInfo input, DType output, QuantileSpec spec)
      : Reducer(std::move(name), input, output), spec_(spec) {}
  const QuantileSpec& spec() const { return spec_; }

 private:
  QuantileSpec spec_;
};

template <class T>
class QuantileReducer final : public QuantileReducerBase {
 public:
  using K = OrderKey<T>;
  using State = GatherState<K>;
  static constexpr bool kFloat = std::is_floating_point_v<T>;
  // Bytes of keys a selection block keeps in L2 while its bits are counted.
  static constexpr std::size_t kBlockBytes = 256 * 1024;

  using QuantileReducerBase::QuantileReducerBase;

  std::size_t state_bytes_per_pixel() const override { return 0; }
  std::size_t state_bytes_per_pixel_per_frame() const override { return sizeof(K); }
  bool needs_every_value() const override { return true; }
  bool shares_state_with(const Reducer& other) const override {
    return dynamic_cast<const QuantileReducer*>(&other) != nullptr && other.input() == input();
  }
  // Unsigned pixels are their own keys: frames held by the source need no copy.
  static constexpr bool kKeysAreValues = std::is_same_v<K, T>;
  bool keeps_frames_in_place() const override { return kKeysAreValues; }

 protected:
  std::unique_ptr<ReducerState> do_make_state(PixelRange range) const override {
    return std::make_unique<State>(range);
  }

  void do_update(ReducerState& state, const FrameBatch& batch) const override {
    auto& s = static_cast<State&>(state);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const T* values = batch.pixels_as<T>(k, s.range.begin);
      if constexpr (kKeysAreValues) {
        if (batch.owner) {
          s.borrow_row(values, batch.owner);
          continue;
        }
      }
      to_keys(values, s.append_row(), s.width());
    }
  }

  void do_combine(ReducerState& into, const ReducerState& from) const override {
    static_cast<State&>(into).append(static_cast<const State&>(from));
  }

  void do_serialize(const ReducerState& state, ByteWriter& out) const override {
    static_cast<const State&>(state).write(out);
  }
  void do_deserialize(ReducerState& state, ByteReader& in) const override {
    auto& s = static_cast<State&>(state);
    s.read(in);
    if (s.rows() != s.frames) throw Error(ErrorKind::format, "quantile state holds a wrong number of frames");
  }

  void do_finalize(const ReducerState& state, FrameView out) const override {
    const auto& s = static_cast<const State&>(state);
    const std::vector<const K*>& rows = s.row_pointers();
    const std::size_t block = block_width(rows.size(), s.width());
    std::vector<double> values;
    for (std::size_t offset = 0; offset < s.width(); offset += block) {
      const std::size_t width = std::min(block, s.width() - offset);
      select_block(rows, offset, width, values);
      write_pixels(values.data(), PixelRange{s.range.begin + offset, s.range.begin + offset + width}, out,
                   [](double v) { return v; });
    }
  }

 private:
  static std::size_t block_width(std::size_t frames, std::size_t pixels) {
    std::size_t width = kBlockBytes / std::max<std::size_t>(1, frames * sizeof(K));
    width = std::max<std::size_t>(64, width / 64 * 64);
    return std::min(width, pixels);
  }

  /// The quantile of every pixel of one block, as float64.
  void select_block(const std::vector<const K*>& rows, std::size_t offset, std::size_t width,
                    std::vector<double>& values) const {
    thread_local rank_select::Scratch<K> scratch;
    thread_local std::vector<std::uint64_t> rank;
    thread_local std::vector<double> weight;
    thread_local std::vector<char> wanted;
    auto& s = scratch;
    rank_select::key_range<kFloat>(rows.data(), rows.size(), offset, width, s);
    rank.assign(width, 0);
    weight.assign(width, 0.0);
    wanted.assign(width, 0);
    const double fraction = spec().percent / 100.0;  // numpy: np.true_divide(q, 100)
    bool any_between = false;
    for (std::size_t p = 0; p < width; ++p) {
      const std::uint64_t nans = kFloat ? s.nans[p] : 0;
      const std::uint64_t n = spec().nans == NanPolicy::omit ? rows.size() - nans : rows.size();
      if (n == 0 || (nans > 0 && spec().nans == NanPolicy::propagate)) continue;  // NaN
      const QuantilePosition at = quantile_position(n, fraction);
      rank[p] = at.rank;
      weight[p] = at.weight;
      wanted[p] = 1;
      any_between |= at.weight > 0.0;
    }
    rank_select::select_rank(rows.data(), rows.size(), offset, width, rank, wanted, s);
    if (any_between) rank_select::select_successor(rows.data(), rows.size(), offset, width, rank, s);
    values.resize(width);
    for (std::size_t p = 0; p < width; ++p) {
      if (!wanted[p]) {
        values[p] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      const T a = from_key<T>(s.answer[p]);
      values[p] = weight[p] > 0.0 ? numpy_lerp(a, from_key<T>(s.above[p]), weight[p]) : static_cast<double>(a);
    }
  }
};

}  // namespace ims
