#include "engine/series/series_builder.hpp"

#include "ims/error.hpp"
#include "core/frame_list_series.hpp"
#include "core/logging.hpp"
#include "core/slice.hpp"
#include "formats/image_file.hpp"
#include "ops/reduce/registry.hpp"

namespace ims {

namespace {

/// The run whose prepare_series is computing op images on this thread: the
/// images it needs are computed with its options (loaders run on the thread
/// that calls LazyImage::get, which prepare_series does).
thread_local const RunOptions* asking_run = nullptr;

/// The frames a python slice picks of `length`; usage error when none.
std::vector<std::size_t> slice_frames(const std::string& text, std::size_t length, const std::string& what) {
  const FrameSlice s = parse_slice(text, length, "frames");
  if (s.count == 0) {
    throw Error(ErrorKind::usage, "frames '" + text + "' select no frame of " + std::to_string(length) + what);
  }
  std::vector<std::size_t> picked(s.count);
  for (std::size_t i = 0; i < s.count; ++i) picked[i] = s.at(i);
  return picked;
}

std::optional<std::vector<std::size_t>> selected_frames(const SeriesRecipe& r) {
  if (!r.frames.empty() && !r.frame_list.empty()) {
    throw Error(ErrorKind::usage, "give --frames or --frame-list, not both");
  }
  const std::size_t n = r.source->size();
  if (!r.frame_list.empty()) return parse_frame_list(r.frame_list, n);
  if (r.frames.empty()) return std::nullopt;
  return slice_frames(r.frames, n, "");
}

/// The image a statistic of the series so far gives: `stat` over the source
/// frames `frames` (a slice; all when empty), after the ops before this one.
/// Computing it is a run of its own, before the frames stream: it shows
/// progress as "ops[0].dark = median of frames 0:100" and hands its report
/// to options.on_image_run.
std::shared_ptr<LazyImage> statistic_image(const std::string& stat, const std::string& frames, FrameInfo input,
                                           std::shared_ptr<const ImageSeries> source, const OpList& before,
                                           const RunOptions& options, const std::string& where) {
  std::vector<std::size_t> picked = slice_frames(frames.empty() ? ":" : frames, source->size(), " for the " + stat);
  std::shared_ptr<const Reducer> reducer = make_reducer(stat, input);
  const std::string what = stat + " of frames " + (frames.empty() ? ":" : frames);
  auto series = std::make_shared<ProcessedImageSeries>(std::move(source), before, std::move(picked));
  auto files = series->files();
  return std::make_shared<LazyImage>(
      what, reducer->output_info(),
      [series, reducer, built_with = options, what, where] {
        RunOptions image_run = asking_run != nullptr ? *asking_run : built_with;
        image_run.label = where + " = " + what;
        image_run.nframes = 0;  // the image's own `frames` say which; --nframes is the outer run's
        Pipeline p;
        p.source = series;
        p.reducers = {reducer};
        RunResult r;
        try {
          r = run(p, image_run);
        } catch (const Error& e) {
          if (e.kind() == ErrorKind::interrupted) throw;
          throw Error(e.kind(), what + ": " + e.what()).with_stage(where);  // "ops[0].dark: median of ...: npy: ..."
        }
        spdlog::debug("{}: {} frames in {:.2f} s", image_run.label, r.report.frames, r.report.wall_seconds);
        if (image_run.on_image_run) image_run.on_image_run(image_run.label, r.report);
        return std::move(r.images.front());
      },
      std::move(files));
}

/// Runs `f` (probing or loading op `where`'s image file `text`), so that its
/// errors name the op and the image: "ops[0].dark: image d.npy: no such
/// file". The text names the file, so the inner error's own prefix goes.
template <class F>
auto naming_the_image(const std::string& where, const std::string& text, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    std::string message = "image " + text + ": ";
    if (e.frame() && *e.frame() > 0) message += "frame " + std::to_string(*e.frame()) + ": ";
    throw Error(e.kind(), message + e.message()).with_stage(where);
  }
}

bool names_a_statistic(const std::string& text) {
  try {
    const auto colon = text.find(':');
    find_reducer(text.substr(0, colon));
    return true;
  } catch (const Error&) {
    return false;
  }
}

using MemoryImages = std::vector<std::pair<std::string, std::shared_ptr<LazyImage>>>;

ImageResolver resolver_for(std::shared_ptr<const ImageSeries> source, OpList before, RunOptions options,
                           std::string where, MemoryImages memory) {
  return [source, before, options, where, memory](const std::string& text, FrameInfo input, const Params& params) {
    for (const auto& [key, image] : memory) {
      if (key != text) continue;
      if (params.has("frames")) {
        throw Error(ErrorKind::usage, "frames= picks the frames a statistic is computed over; " + text +
                                          " is an image in memory");
      }
      return image;
    }
    if (names_a_statistic(text) && !names_a_file(text)) {
      const std::string frames = params.has("frames") ? params.get_string("frames") : "";
      return statistic_image(text, frames, input, source, before, options, where);
    }
    if (!names_a_file(text)) {
      throw Error(ErrorKind::usage, "'" + text + "' is neither an image file (dark.npy, bg.npz:median, " +
                                        "dark.h5:/median) nor a statistic (median, mean, percentile:Q, ...)");
    }
    if (params.has("frames")) {
      throw Error(ErrorKind::usage,
                  "frames= picks the frames a statistic is computed over (dark=median;frames=0:100); " +
                      std::string("'") + text + "' is an image file");
    }
    ImageFile file = naming_the_image(where, text, [&] { return probe_image(text); });
    auto load = [where, text, load = std::move(file.load)] { return naming_the_image(where, text, load); };
    return std::make_shared<LazyImage>(file.what, file.info, std::move(load), std::move(file.files));
  };
}

}  // namespace

std::shared_ptr<const ProcessedImageSeries> build_series(const SeriesRecipe& recipe, const RunOptions& options) {
  if (!recipe.source) throw Error(ErrorKind::internal, "build_series without a source");
  auto frames = selected_frames(recipe);
  OpList ops;
  FrameInfo info = recipe.source->frame_info();
  for (std::size_t i = 0; i < recipe.ops.size(); ++i) {
    const std::string where =
        i < recipe.op_names.size() ? recipe.op_names[i] : "ops[" + std::to_string(i) + "]." + recipe.ops[i].name;
    auto op = make_op(recipe.ops[i], info, resolver_for(recipe.source, ops, options, where, recipe.images), where);
    info = op->output_info(info);
    ops.push_back(std::move(op));
  }
  return std::make_shared<ProcessedImageSeries>(recipe.source, std::move(ops), std::move(frames));
}

void prepare_series(const ImageSeries& series, const RunOptions* run) {
  const RunOptions* outer = asking_run;
  asking_run = run;
  try {
    if (auto* processed = dynamic_cast<const ProcessedImageSeries*>(&series)) {
      if (auto* inner = dynamic_cast<const ProcessedImageSeries*>(processed->base().get())) prepare_series(*inner, run);
      processed->chain().prepare();
    }
  } catch (...) {
    asking_run = outer;
    throw;
  }
  asking_run = outer;
}

std::vector<NamedFile> series_inputs(const ImageSeries& series) {
  const auto* processed = dynamic_cast<const ProcessedImageSeries*>(&series);
  if (!processed) {
    std::vector<NamedFile> inputs;
    for (auto& file : series.files()) inputs.push_back({std::move(file), "the source"});
    return inputs;
  }
  std::vector<NamedFile> inputs = series_inputs(*processed->base());
  for (const auto& op : processed->chain().ops()) {
    for (auto& file : op->input_files()) inputs.push_back({std::move(file), "the image of op " + op->describe()});
  }
  return inputs;
}

std::string describe_ops(const ImageSeries& series) {
  std::string text;
  if (auto* processed = dynamic_cast<const ProcessedImageSeries*>(&series)) {
    for (const auto& op : processed->chain().ops()) {
      if (!text.empty()) text += " | ";
      text += op->describe();
    }
  }
  return text;
}

}  // namespace ims
