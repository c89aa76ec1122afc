#pragma once
// The spill method: one pass decodes every frame once (through the op chain)
// and writes it to a Blosc-LZ4 HDF5 scratch file chunked by band of rows,
// while the mergeable reducers run; then the quantiles are computed band by
// band from the scratch file, whose region reads decode only their band.

#include "engine/quantiles/banded_run.hpp"

namespace ims {

/// A scratch file path, removed when this goes out of scope: on success, on
/// errors and on Ctrl-C (which unwinds). Only a hard kill leaves it behind.
class ScratchFile {
 public:
  /// A new name in `dir` (the system's temp directory when empty); checks
  /// that the directory exists and is writable.
  explicit ScratchFile(const std::string& dir);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Runs `pipeline` by spilling, in the caller's task arena. Images are in the
/// pipeline's reducer order.
StagedImages run_spilled(const Pipeline& pipeline, const QuantilePlan& plan, const RunOptions& options);

}  // namespace ims
