#include "engine/graph.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/parallel_for.h>

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <new>
#include <span>

#include "ims/error.hpp"
#include "engine/progress.hpp"
#include "ops/process/op_chain.hpp"

namespace ims {

namespace {

namespace flow = tbb::flow;
using Clock = std::chrono::steady_clock;

// Frames whose tile a reduction with ops by tile computes before folding
// them in: the reducers fold four at a time, the ops stream four frames side
// by side, and four 64 KiB tiles stay in L2.
constexpr std::size_t kFramesPerTilePass = OpChain::kMaxFrames;

/// Per thread, for ops by tile: the op chain's band buffers and a few
/// processed frames' rows of one tile.
struct TileWork {
  std::vector<FrameBuffer> scratch;
  FrameBuffer buffer;
};

/// Buffers for one batch in flight, recycled through the pool.
struct BatchSlot {
  std::vector<FrameBuffer> raw;          // source frames, when the source copies
  std::vector<FrameBuffer> processed;    // op-chain output, when there are ops
  std::vector<const std::byte*> input;   // source frames (raw or in place)
  std::vector<const std::byte*> frames;  // what writers and reducers get
  std::vector<std::unique_ptr<PreparedBatch>> prepared;  // one per writer
};

struct Token {
  std::size_t seq = 0;
  std::size_t first = 0;
  std::size_t count = 0;
  BatchSlot* slot = nullptr;
};

/// Accumulates the time spent in one stage across concurrent invocations.
class StageClock {
 public:
  class Scope {
   public:
    explicit Scope(StageClock& clock) : clock_(clock), start_(Clock::now()) {}
    ~Scope() { clock_.ns_ += (Clock::now() - start_).count(); }

   private:
    StageClock& clock_;
    Clock::time_point start_;
  };
  double seconds() const { return static_cast<double>(ns_.load()) * 1e-9; }

 private:
  std::atomic<std::int64_t> ns_{0};
};

class StreamingGraph {
 public:
  StreamingGraph(const Pipeline& pipeline, const Plan& plan, const RunOptions& options)
      : pipeline_(pipeline),
        plan_(plan),
        options_(options),
        source_(*pipeline.source),
        accumulation_(pipeline.reducers, plan.frames),
        chain_(pipeline.ops, plan.source_frame),
        folded_map_(plan.ops_folded ? chain_.pixel_map() : std::nullopt),
        batches_((plan.frames + plan.batch_frames - 1) / plan.batch_frames) {
    allocate_slots();
  }

  StreamResult run() {
    flow::graph g;
    flow::input_node<Token> input(g, [this](tbb::flow_control& fc) { return next(fc); });
    flow::limiter_node<Token> limiter(g, plan_.slots);
    flow::function_node<Token, Token> read(
        g, plan_.parallel_reads ? flow::unlimited : flow::serial,
        [this](Token t) { return read_batch(t); });
    flow::function_node<Token, Token> ops(g, flow::unlimited,
                                          [this](Token t) { return apply_ops(t); });
    flow::sequencer_node<Token> order(g, [](const Token& t) { return t.seq; });
    flow::function_node<Token, flow::continue_msg> consume(
        g, flow::serial, [this](Token t) { return consume_batch(t); });

    flow::make_edge(input, limiter);
    flow::make_edge(limiter, read);
    flow::make_edge(read, ops);
    flow::make_edge(ops, order);
    flow::make_edge(order, consume);
    flow::make_edge(consume, limiter.decrementer());

    input.activate();
    g.wait_for_all();
    if (error_) std::rethrow_exception(error_);

    StreamResult result{std::move(accumulation_), {}};
    result.stages.read = read_clock_.seconds();
    result.stages.ops = ops_clock_.seconds();
    result.stages.reduce = reduce_clock_.seconds();
    result.stages.write = write_clock_.seconds();
    return result;
  }

 private:
  void allocate_slots() {
    slots_.resize(plan_.slots);
    for (auto& slot : slots_) {
      const std::size_t n = plan_.batch_frames;
      if (!plan_.zero_copy) {
        for (std::size_t k = 0; k < n; ++k) slot.raw.emplace_back(plan_.source_frame);
      }
      if (processes_frames()) {
        for (std::size_t k = 0; k < n; ++k) slot.processed.emplace_back(plan_.frame);
      }
      slot.input.resize(n);
      slot.frames.resize(n);
      slot.prepared.resize(pipeline_.writers.size());
      pool_.push(&slot);
    }
  }

  /// Whether the ops stage writes whole processed frames (else there are no
  /// ops, or they run tile by tile in the reduction).
  bool processes_frames() const { return !pipeline_.ops.empty() && !plan_.ops_by_tile; }

  bool cancelled() const { return options_.cancel && options_.cancel->load(); }

  /// Records the first error; every stage then lets its tokens pass untouched.
  void fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!error_) error_ = std::move(e);
    failed_ = true;
  }

  /// Runs `work`, attaching `stage` and `frame` to any error it throws.
  template <class F>
  void guarded(const char* stage, const std::size_t& frame, F&& work) {
    try {
      work();
    } catch (Error& e) {
      e.with_frame(frame).with_stage(stage);
      // The exception in flight, not a copy: a caller's exception nested in
      // it (ErrorKind::callback) reaches the caller.
      fail(std::current_exception());
    } catch (const std::bad_alloc&) {
      fail(std::make_exception_ptr(
          Error(ErrorKind::resource, "out of memory").with_frame(frame).with_stage(stage)));
    } catch (const std::exception& e) {
      fail(std::make_exception_ptr(
          Error(ErrorKind::internal, e.what()).with_frame(frame).with_stage(stage)));
    }
  }

  Token next(tbb::flow_control& fc) {
    if (failed_ || next_seq_ == batches_) {
      fc.stop();
      return {};
    }
    if (cancelled()) {
      fail(std::make_exception_ptr(Error(ErrorKind::interrupted, "interrupted")));
      fc.stop();
      return {};
    }
    Token t;
    t.seq = next_seq_++;
    t.first = t.seq * plan_.batch_frames;
    t.count = std::min(plan_.batch_frames, plan_.frames - t.first);
    return t;
  }

  Token read_batch(Token t) {
    if (failed_) return t;
    if (!pool_.try_pop(t.slot)) {
      fail(std::make_exception_ptr(Error(ErrorKind::internal, "buffer pool is empty")));
      return t;
    }
    StageClock::Scope timer(read_clock_);
    std::size_t frame = t.first;
    guarded("read", frame, [&] {
      if (plan_.zero_copy) {
        source_.prefetch(t.first, t.count);
        for (std::size_t k = 0; k < t.count; ++k) read_one(t, k);
      } else if (plan_.parallel_reads && t.count > 1) {
        // Frames of one batch decode in parallel too: a short series may be
        // a single batch.
        tbb::parallel_for(std::size_t{0}, t.count, [&](std::size_t k) { read_one(t, k); });
      } else {
        for (std::size_t k = 0; k < t.count; ++k) read_one(t, k);
      }
    });
    return t;
  }

  /// Frame k of the batch: a pointer in place, or a read into the pool.
  void read_one(Token t, std::size_t k) {
    const std::size_t frame = t.first + k;
    BatchSlot& slot = *t.slot;
    try {
      if (cancelled()) throw Error(ErrorKind::interrupted, "interrupted");  // slow sources: stop soon
      if (plan_.zero_copy) {
        slot.input[k] = source_.frame_data(frame);
        if (!slot.input[k]) throw Error(ErrorKind::internal, "source stopped giving frames in place");
      } else {
        source_.read_frame(frame, slot.raw[k].view());
        slot.input[k] = slot.raw[k].data();
        // Copied out: a memory-mapped source read by copy (a band of rows,
        // byte-swapped or Fortran-ordered data) need not keep the frame's
        // pages resident. Without this, a banded run over a file larger than
        // RAM ends with the whole file in its RSS; frame by frame, not batch
        // by batch, bounds them to a frame per reading thread.
        source_.release(frame, 1);
      }
    } catch (Error& e) {
      e.with_frame(frame);
      throw;
    }
  }

  /// The parallel stage after reading: the op chain, then what writers can
  /// do ahead of the ordered stage (compression).
  Token apply_ops(Token t) {
    if (failed_ || !t.slot) return t;
    BatchSlot& slot = *t.slot;
    if (!processes_frames()) {
      std::copy_n(slot.input.begin(), t.count, slot.frames.begin());
    } else {
      StageClock::Scope timer(ops_clock_);
      std::size_t frame = t.first;
      guarded("ops", frame, [&] {
        auto& scratch = scratch_.local();
        for (std::size_t k = 0; k < t.count; ++k, ++frame) {
          chain_.apply(ConstFrameView{slot.input[k], plan_.source_frame.shape, plan_.source_frame.dtype},
                       slot.processed[k].view(), scratch);
          slot.frames[k] = slot.processed[k].data();
        }
      });
    }
    prepare_writes(t);
    return t;
  }

  void prepare_writes(Token t) {
    if (pipeline_.writers.empty() || failed_) return;
    StageClock::Scope timer(write_clock_);
    std::size_t frame = t.first;
    guarded("write", frame, [&] {
      const FrameBatch batch = batch_of(t);
      std::size_t w = 0;
      for_each_writer(pipeline_, [&](SeriesWriter& writer) { t.slot->prepared[w++] = writer.prepare(batch); });
    });
  }

  FrameBatch batch_of(Token t) const {
    FrameBatch batch{t.first, std::span<const std::byte* const>(t.slot->frames.data(), t.count), plan_.frame, {}};
    if (plan_.frames_kept_in_place) batch.owner = pipeline_.source;
    return batch;
  }

  flow::continue_msg consume_batch(Token t) {
    if (!failed_ && t.slot) {
      std::size_t frame = t.first;
      guarded("reduce", frame, [&] {
        if (cancelled()) throw Error(ErrorKind::interrupted, "interrupted");
        const FrameBatch batch = batch_of(t);
        write_batch(batch, *t.slot);
        reduce_batch(batch);
        if (options_.progress) options_.progress->advance(t.first + t.count);
      });
    }
    if (t.slot) {
      // Pages reducers keep pointers into stay mapped (released, they would
      // fault in again when the states are finalised).
      if (plan_.zero_copy && !plan_.frames_kept_in_place) source_.release(t.first, t.count);
      pool_.push(t.slot);
    }
    return {};
  }

  void write_batch(const FrameBatch& batch, BatchSlot& slot) {
    if (pipeline_.writers.empty()) return;
    StageClock::Scope timer(write_clock_);
    std::size_t w = 0;
    for_each_writer(pipeline_, [&](SeriesWriter& writer) {
      writer.write(batch, slot.prepared[w].get());
      slot.prepared[w++].reset();
    });
  }

  void reduce_batch(const FrameBatch& batch) {
    if (pipeline_.reducers.empty()) return;
    StageClock::Scope timer(reduce_clock_);
    FrameBatch mapped = batch;
    if (folded_map_) mapped.map = &*folded_map_;
    tbb::parallel_for(std::size_t{0}, accumulation_.tiles().size(), [&](std::size_t tile) {
      if (folded_map_) {
        accumulation_.update_tile(tile, mapped);
      } else if (plan_.ops_by_tile) {
        reduce_tile_with_ops(tile, batch);
      } else {
        accumulation_.update_tile(tile, batch);
      }
    });
    accumulation_.count_frames(batch.size());
  }

  ConstFrameView source_frame(const FrameBatch& batch, std::size_t k) const {
    return {batch.frames[k], plan_.source_frame.shape, plan_.source_frame.dtype};
  }

  /// After a pass over several frames failed: runs them one by one, so that
  /// the error names its frame.
  [[noreturn]] void rethrow_naming_frame(std::size_t first, std::span<const ConstFrameView> in, std::size_t row0,
                                         std::span<const FrameView> out, std::vector<FrameBuffer>& scratch) const {
    for (std::size_t k = 0; k < in.size(); ++k) {
      try {
        chain_.apply_rows(in.subspan(k, 1), row0, out.subspan(k, 1), scratch);
      } catch (Error& e) {
        e.with_frame(first + k);
        throw;
      }
    }
    throw Error(ErrorKind::internal, "op chain failed on frames " + std::to_string(first) + "-" +
                                         std::to_string(first + in.size() - 1) + " together, not one by one");
  }

  /// Plan::ops_by_tile: the tile's rows of a few processed frames at a
  /// time, computed from the source frames into a buffer that stays in
  /// cache, then folded into the tile's states.
  void reduce_tile_with_ops(std::size_t tile, const FrameBatch& source) {
    const PixelRange range = accumulation_.tiles()[tile];
    const std::size_t cols = plan_.frame.shape.cols;
    const FrameShape shape{range.size() / cols, cols};
    const std::size_t row_bytes = cols * dtype_size(plan_.frame.dtype);
    const std::size_t tile_bytes = shape.rows * row_bytes;
    TileWork& work = tile_work_.local();
    if (work.buffer.bytes() == 0) {
      work.buffer = FrameBuffer({kFramesPerTilePass * (plan_.tile_pixels / cols), cols}, plan_.frame.dtype);
    }
    const std::size_t row0 = range.begin / cols;
    std::array<ConstFrameView, kFramesPerTilePass> in;
    std::array<FrameView, kFramesPerTilePass> out;
    std::array<const std::byte*, kFramesPerTilePass> frames;
    for (std::size_t g = 0; g < source.size(); g += kFramesPerTilePass) {
      const std::size_t n = std::min(kFramesPerTilePass, source.size() - g);
      for (std::size_t k = 0; k < n; ++k) {
        in[k] = chain_.input_rows(source_frame(source, g + k), row0, shape.rows);
        out[k] = FrameView{work.buffer.data() + k * tile_bytes, shape, plan_.frame.dtype};
        frames[k] = out[k].data();
      }
      try {
        chain_.apply_rows({in.data(), n}, row0, {out.data(), n}, work.scratch);
      } catch (const Error&) {
        rethrow_naming_frame(source.first + g, {in.data(), n}, row0, {out.data(), n}, work.scratch);
      }
      FrameBatch batch{source.first + g, {frames.data(), n}, plan_.frame, {}, range.begin};
      accumulation_.update_tile(tile, batch);
    }
  }

  const Pipeline& pipeline_;
  const Plan& plan_;
  const RunOptions& options_;
  const ImageSeries& source_;
  Accumulation accumulation_;
  const OpChain chain_;
  const std::optional<PixelMap> folded_map_;  // Plan::ops_folded: the chain, for the reducers to fold
  std::vector<BatchSlot> slots_;
  tbb::concurrent_queue<BatchSlot*> pool_;
  tbb::enumerable_thread_specific<std::vector<FrameBuffer>> scratch_;
  tbb::enumerable_thread_specific<TileWork> tile_work_;
  const std::size_t batches_;
  std::size_t next_seq_ = 0;  // only the input node touches it (serial)
  std::atomic<bool> failed_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
  StageClock read_clock_, ops_clock_, reduce_clock_, write_clock_;
};

}  // namespace

StreamResult stream(const Pipeline& pipeline, const Plan& plan, const RunOptions& options) {
  StreamingGraph graph(pipeline, plan, options);
  return graph.run();
}

}  // namespace ims
