#pragma once
// SeriesWriter: the sink side of a format (hexrd's `write` counterpart). The
// engine streams frames into it in order, then commits.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/frame.hpp"
#include "core/frame_batch.hpp"
#include "ims/metadata.hpp"

namespace ims {

struct SeriesInfo {
  std::size_t frames = 0;
  FrameInfo frame;
  Metadata metadata;
};

/// What a writer computed for one batch ahead of writing it (compressed
/// chunks, say). Writers derive their own.
class PreparedBatch {
 public:
  virtual ~PreparedBatch() = default;
};

/// Threading contract: the engine calls begin, then write for consecutive
/// batches in frame order, then commit, all from one thread at a time.
/// prepare() runs before write() for the same batch, concurrently for
/// different batches and from any thread, so costly encoding happens in
/// parallel while write() only stores. Destroying a writer that was not
/// committed removes everything it wrote.
class SeriesWriter {
 public:
  virtual ~SeriesWriter() = default;
  /// Called once before the first frame.
  virtual void begin(const SeriesInfo& info) = 0;
  /// Work on `batch` that needs no ordering (e.g. compression); the default
  /// does none. Must not change the writer's state.
  virtual std::unique_ptr<PreparedBatch> prepare(const FrameBatch& batch) const;
  /// Upper bound of what prepare() keeps per frame of `frame`, for the
  /// memory plan (default 0: nothing).
  virtual std::size_t prepared_bytes_per_frame(const FrameInfo& frame) const;
  /// Frames batch.first .. batch.first + batch.size() - 1, in order, with
  /// what prepare() returned for them.
  virtual void write(const FrameBatch& batch, PreparedBatch* prepared) = 0;
  /// Makes the output visible at its destination (atomically).
  virtual void commit() = 0;
  /// Names the destination in messages and reports, e.g. "npy:/data/out.npy".
  virtual std::string describe() const = 0;
  /// Every path commit() puts in place (a file and its sidecar, a
  /// directory), known from construction, so that a run can refuse to
  /// write over its own inputs or other outputs before it starts.
  virtual std::vector<std::string> destinations() const = 0;
};

}  // namespace ims
