#include "engine/quantiles/spill.hpp"

#include <malloc.h>

#include <filesystem>

#include "ims/error.hpp"
#include "core/logging.hpp"
#include "core/output_file.hpp"
#include "core/temp_files.hpp"
#include "engine/run.hpp"
#include "formats/registry.hpp"

namespace ims {

namespace {

namespace fs = std::filesystem;

std::string scratch_directory(const std::string& dir) {
  if (!dir.empty()) return dir;
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  return ec ? std::string("/tmp") : tmp.string();
}

/// LZ4 at its fastest level with byte shuffle: the scratch file must cost
/// less than re-decoding the source, not be small.
std::vector<std::string> scratch_options(std::size_t band_rows) {
  return {"compression=blosc", "cname=lz4", "clevel=1", "shuffle=byte",
          "chunk_rows=" + std::to_string(band_rows)};
}

}  // namespace

ScratchFile::ScratchFile(const std::string& dir) {
  const fs::path base = scratch_directory(dir);
  path_ = (base / spill_file_name()).string();
  try {
    check_output_writable(path_);
  } catch (Error& e) {
    e.with_stage("spill (--scratch " + base.string() + ")");
    throw;
  }
  remove_on_fatal_signal(path_);
}

ScratchFile::~ScratchFile() {
  std::error_code ec;
  fs::remove(path_, ec);
  forget_on_fatal_signal(path_);
}

StagedImages run_spilled(const Pipeline& pipeline, const QuantilePlan& plan, const RunOptions& options) {
  ScratchFile scratch(options.scratch_dir);
  Pipeline first;
  first.source = pipeline.source;
  first.ops = pipeline.ops;
  Pipeline second;
  std::vector<std::size_t> first_index, second_index;
  for (std::size_t i = 0; i < pipeline.reducers.size(); ++i) {
    const bool quantile = pipeline.reducers[i]->needs_every_value();
    (quantile ? second.reducers : first.reducers).push_back(pipeline.reducers[i]);
    (quantile ? second_index : first_index).push_back(i);
  }
  first.writers.push_back(create_writer(scratch.path(), "hdf5", scratch_options(plan.band_rows)));
  spdlog::debug("spilling to {}", scratch.path());

  RunOptions first_options = options;
  first_options.quantile_method = QuantileMethod::memory;  // no quantiles in this pass
  PassResult spilled = run_pass(first, first_options, progress_label(pipeline, options));
  ::malloc_trim(0);

  second.source = open_series(scratch.path(), "hdf5", {"path=imageseries"});
  RunOptions second_options = options;
  second_options.nframes = second.source->size();  // the scratch file holds exactly the frames to use
  StagedImages banded = run_bands(second, plan, second_options);

  StagedImages result;
  result.images.resize(pipeline.reducers.size());
  for (std::size_t k = 0; k < first_index.size(); ++k) result.images[first_index[k]] = std::move(spilled.images[k]);
  for (std::size_t k = 0; k < second_index.size(); ++k) result.images[second_index[k]] = std::move(banded.images[k]);
  result.stages = spilled.stages;
  add_stages(result.stages, banded.stages);
  result.first_plan = spilled.plan;
  return result;
}

}  // namespace ims
