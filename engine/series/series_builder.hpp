#pragma once
// build_series: a series as a user names it (a source, which of its frames,
// which ops, as `--frames`/`--frame-list`/`--op` or a YAML pipeline give
// them) made into one ProcessedImageSeries, validated completely without
// reading a frame: every op is made for the frames it will see and every
// image it needs is probed (file headers; a statistic's shape and dtype).
// prepare_series then loads the images (files, and statistics computed on the
// fly, e.g. a dark = the median of the first 100 frames) before streaming.

#include <memory>
#include <string>
#include <vector>

#include "core/output_file.hpp"
#include "engine/series/processed_series.hpp"
#include "engine/run.hpp"
#include "ops/process/op_registry.hpp"

namespace ims {

struct SeriesRecipe {
  std::shared_ptr<const ImageSeries> source;
  std::string frames;       ///< python slice over the source's frames ("" = all)
  std::string frame_list;   ///< "36,0,5" ("" = none); not together with `frames`
  std::vector<OpSpec> ops;  ///< in order
  /// How errors name each op (its YAML path or position); default "ops[i].name".
  std::vector<std::string> op_names;
  /// Images in memory that op texts name by key ("dark=memory#1"): the C++
  /// and Python APIs' images, checked like files.
  std::vector<std::pair<std::string, std::shared_ptr<LazyImage>>> images;
};

/// Throws usage/not_found/format ims::Errors naming the op and the file.
/// `options` (threads, memory) are those statistics for op images run with.
std::shared_ptr<const ProcessedImageSeries> build_series(const SeriesRecipe& recipe, const RunOptions& options);

/// Loads what the series' ops need (in op order). Call after everything
/// else has been validated, before streaming. A statistic image not computed
/// yet is computed with the options of `run`, the run that needs it (its
/// progress, cancel flag, threads and budget), when given; else with those
/// the series was built with (a frame read outside a run).
void prepare_series(const ImageSeries& series, const RunOptions* run = nullptr);

/// The op texts joined for reports and output attributes ("dark=d.npy | flip=r90").
std::string describe_ops(const ImageSeries& series);

/// Every file reading `series` opens, named for messages: "the source" for
/// the source's files, "the image of op dark=d.npy" for an op's (a statistic
/// image's series included), so that outputs can be checked against them
/// (check_outputs_apart).
std::vector<NamedFile> series_inputs(const ImageSeries& series);

}  // namespace ims
