#include "ops/process/op_chain.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "ims/error.hpp"

namespace ims {

std::string op_stage(std::size_t index, const FrameOp& op) {
  return "ops[" + std::to_string(index) + "]." + op.name();
}

namespace {
// Runs `body`, giving an escaping ims::Error op i's stage.
template <class Body>
void as_op(std::size_t index, const FrameOp& op, Body&& body) {
  try {
    body();
  } catch (Error& e) {
    e.with_stage(op_stage(index, op));
    throw;
  }
}
}  // namespace

namespace {
// Bytes of the widest row a band holds, per band: a few of them (one per op
// of the run) stay in L2.
constexpr std::size_t kBandBytes = 64 * 1024;

std::size_t row_bytes(FrameInfo info) { return info.shape.cols * dtype_size(info.dtype); }

ConstFrameView rows_of(ConstFrameView frame, std::size_t row0, std::size_t rows) {
  return {frame.data() + row0 * row_bytes(frame.info()), {rows, frame.shape().cols}, frame.dtype()};
}

FrameView rows_of(FrameView frame, std::size_t row0, std::size_t rows) {
  return {frame.data() + row0 * row_bytes(frame.info()), {rows, frame.shape().cols}, frame.dtype()};
}
}  // namespace

OpChain::OpChain(OpList ops, FrameInfo input) : ops_(std::move(ops)), input_(input) {
  FrameInfo info = input;
  std::size_t widest = row_bytes(input);
  std::vector<std::optional<RowSource>> sources;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (!ops_[i]) throw Error(ErrorKind::internal, "null op at ops[" + std::to_string(i) + "]");
    as_op(i, *ops_[i], [&] {
      sources.push_back(ops_[i]->row_source(info));
      identity_.push_back(ops_[i]->is_identity(info));
      info = ops_[i]->output_info(info);
    });
    infos_.push_back(info);
    widest = std::max(widest, row_bytes(info));
  }
  find_runs(sources);
  band_rows_ = std::max<std::size_t>(1, kBandBytes / std::max<std::size_t>(1, widest));
}

void OpChain::find_runs(const std::vector<std::optional<RowSource>>& sources) {
  const std::size_t n = ops_.size();
  run_end_.assign(n, 0);
  runs_rows_.assign(n, false);
  in_rows_.assign(n, kSameRows);
  in_band_.assign(n, false);
  active_end_.assign(n, 0);
  for (std::size_t i = 0; i < n; i = run_end_[i]) {
    std::size_t j = i;
    while (j < n && sources[j]) ++j;
    runs_rows_[i] = j > i;
    run_end_[i] = std::max(j, i + 1);
    // Back from the run's last op, each op's input rows as a function of the
    // run's output rows.
    RowSource to_output = kSameRows;
    for (std::size_t k = j; k-- > i;) {
      in_rows_[k] = sources[k]->composed(to_output);
      to_output = in_rows_[k];
      in_band_[k] = k + 1 < j;
    }
    std::size_t end = run_end_[i];
    while (end > i && identity_[end - 1]) --end;
    active_end_[i] = end;
  }
}

std::size_t OpChain::scratch_rows(std::size_t i, std::size_t frames) const {
  const std::size_t rows = in_band_[i] ? std::min(infos_[i].shape.rows, band_rows_) : infos_[i].shape.rows;
  return rows * frames;  // the frames' results one after the other
}

std::vector<FrameBuffer> OpChain::make_scratch(std::size_t frames) const {
  std::vector<FrameBuffer> scratch;
  for (std::size_t i = 0; i + 1 < ops_.size(); ++i) {
    scratch.emplace_back(FrameShape{scratch_rows(i, frames), infos_[i].shape.cols}, infos_[i].dtype);
  }
  return scratch;
}

bool OpChain::scratch_fits(const std::vector<FrameBuffer>& scratch, std::size_t frames) const {
  if (scratch.size() + 1 != ops_.size()) return false;
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    if (scratch[i].shape().rows < scratch_rows(i, frames)) return false;
  }
  return true;
}

void OpChain::apply_band(std::size_t first, std::span<const ConstFrameView> in,
                         std::size_t in_first, std::size_t row0, std::span<const FrameView> dst,
                         std::vector<FrameBuffer>& scratch) const {
  const std::size_t frames = in.size(), n = dst.front().shape().rows;
  std::array<ConstFrameView, kMaxFrames> from;
  std::array<FrameView, kMaxFrames> to;
  for (std::size_t k = 0; k < frames; ++k) from[k] = rows_of(in[k], in_rows_[first].band_begin(row0, n) - in_first, n);
  const std::size_t end = active_end_[first];
  if (end == first) {  // nothing but identities: the rows as they are
    for (std::size_t k = 0; k < frames; ++k) std::memcpy(dst[k].data(), from[k].data(), from[k].bytes());
    return;
  }
  for (std::size_t i = first; i < end; ++i) {
    if (identity_[i]) continue;
    const bool last_op = i + 1 == end;
    // Op i's output rows are op i+1's input rows; the ops after the run's
    // last active op are identities, which keep its rows.
    const std::size_t out_row0 = last_op ? row0 : in_rows_[i + 1].band_begin(row0, n);
    for (std::size_t k = 0; k < frames; ++k) {
      to[k] = last_op ? dst[k] : rows_of(scratch[i].view(), k * n, n);
    }
    as_op(i, *ops_[i], [&] {
      ops_[i]->apply_rows_of({from.data(), frames}, {to.data(), frames}, out_row0);
    });
    std::copy_n(to.begin(), frames, from.begin());
  }
}

void OpChain::apply_run(std::size_t first, std::span<const ConstFrameView> in,
                        std::size_t in_first, std::size_t row0, std::span<const FrameView> dst,
                        std::vector<FrameBuffer>& scratch) const {
  const std::size_t rows = dst.front().shape().rows;
  std::array<FrameView, kMaxFrames> band;
  for (std::size_t r = 0; r < rows; r += band_rows_) {
    const std::size_t n = std::min(band_rows_, rows - r);
    for (std::size_t k = 0; k < dst.size(); ++k) band[k] = rows_of(dst[k], r, n);
    apply_band(first, in, in_first, row0 + r, {band.data(), dst.size()}, scratch);
  }
}

void OpChain::apply(ConstFrameView in, FrameView out, std::vector<FrameBuffer>& scratch) const {
  if (ops_.empty()) throw Error(ErrorKind::internal, "applying an empty op chain");
  if (!scratch_fits(scratch, 1)) scratch = make_scratch();
  for (std::size_t i = 0; i < ops_.size();) {
    const std::size_t end = run_end_[i];
    FrameView to = end == ops_.size() ? out : FrameView{scratch[end - 1].data(), infos_[end - 1].shape, infos_[end - 1].dtype};
    if (end > i + 1) {
      apply_run(i, {&in, 1}, 0, 0, {&to, 1}, scratch);
    } else {
      // A lone op works on the whole frame: nothing to keep in cache.
      as_op(i, *ops_[i], [&] { ops_[i]->apply(in, to); });
    }
    in = to;
    i = end;
  }
}

void OpChain::apply_rows(std::span<const ConstFrameView> in, std::size_t row0, std::span<const FrameView> out,
                         std::vector<FrameBuffer>& scratch) const {
  if (!maps_rows()) throw Error(ErrorKind::internal, "computing rows of a chain that does not map rows");
  if (in.empty() || in.size() > kMaxFrames || in.size() != out.size()) {
    throw Error(ErrorKind::internal, "op chain: " + std::to_string(in.size()) + " input bands for " +
                                         std::to_string(out.size()) + " outputs");
  }
  const std::size_t rows = out.front().shape().rows;
  for (std::size_t k = 0; k < in.size(); ++k) {
    if (in[k].shape().rows != rows || out[k].shape().rows != rows) {
      throw Error(ErrorKind::internal, "op chain: bands of different rows");
    }
  }
  if (!scratch_fits(scratch, in.size())) scratch = make_scratch(in.size());
  apply_run(0, in, in_rows_.front().band_begin(row0, rows), row0, out, scratch);
}

ConstFrameView OpChain::input_rows(ConstFrameView in, std::size_t row0, std::size_t rows) const {
  return rows_of(in, in_rows_.front().band_begin(row0, rows), rows);
}

std::optional<PixelMap> OpChain::pixel_map() const {
  std::optional<PixelMap> map;
  FrameInfo info = input_;
  for (std::size_t i = 0; i < ops_.size(); info = infos_[i], ++i) {
    if (identity_[i]) continue;
    if (map) return std::nullopt;  // a second op that does something
    as_op(i, *ops_[i], [&] { map = ops_[i]->pixel_map(info); });
    if (!map) return std::nullopt;
  }
  return map;
}

void OpChain::prepare() const {
  for (std::size_t i = 0; i < ops_.size(); ++i) as_op(i, *ops_[i], [&] { ops_[i]->prepare(); });
}

}  // namespace ims
