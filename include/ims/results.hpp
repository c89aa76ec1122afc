#pragma once
/// Running ims: per-pixel statistics of a series (ims::stats), and writing
/// series and results to any registered format (ims::write). Both stream
/// the series once (quantiles may need more passes; the report says how
/// many), on Settings::threads threads within Settings::memory.
///
/// Threading contract: stats and write may run concurrently on different
/// series, each with its own threads. Results and Report are plain values
/// the caller owns.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ims/image.hpp"
#include "ims/series.hpp"
#include "ims/settings.hpp"

namespace ims {

/// What a run did: frames, bytes, time, memory and the plan it chose.
struct Report {
  std::size_t frames = 0;
  std::uint64_t bytes = 0;  ///< source bytes streamed, over every pass
  double wall_seconds = 0;
  double cpu_seconds = 0;
  std::uint64_t peak_rss_bytes = 0;
  std::string quantile_method;  ///< how quantiles ran ("memory", "histogram", ...), empty without one
  std::string summary;          ///< one line, as `ims` prints after a run
  std::string text;             ///< the whole report, as `ims -v` prints it
  std::string json;             ///< as `ims --report` writes it
};

/// Named result images, in the order the statistics were asked for.
class Results {
 public:
  /// The image of statistic `name` ("median", "percentile:90"); a usage
  /// ims::Error naming the statistics there are when there is none.
  const Image& operator[](std::string_view name) const;
  const Image* find(std::string_view name) const;
  std::vector<std::string> names() const;
  std::size_t size() const { return images_.size(); }
  auto begin() const { return images_.begin(); }
  auto end() const { return images_.end(); }

  const Report& report() const { return report_; }
  /// How the results were made (source, frames, statistics, ops, versions),
  /// stored as attributes by write().
  const Metadata& attributes() const { return attributes_; }

  // Filled by ims::stats.
  void add(std::string name, Image image);
  Report& report() { return report_; }
  Metadata& attributes() { return attributes_; }

 private:
  std::vector<std::pair<std::string, Image>> images_;
  Report report_;
  Metadata attributes_;
};

/// Per-pixel statistics of `series`, one image each: "max", "mean",
/// "median", "percentile:90", "std", ... (`ims list` names them all).
/// Errors (an unknown statistic, a budget too small, a bad frame) are
/// ims::Errors with the message `ims stats` prints.
Results stats(const Series& series, const std::vector<std::string>& statistics, const Settings& settings = {});
/// The same, with the result images in `dtype` ("float32": hexrd's habit
/// for median and percentiles).
Results stats(const Series& series, const std::vector<std::string>& statistics, const std::string& dtype,
              const Settings& settings);

/// Writes every frame of `series` to `path`, atomically: the format follows
/// the extension unless `format` names one; `options` are its write options
/// ({{"compression", "blosc"}}). A path that names a file the series reads
/// is refused before anything is read.
Report write(const Series& series, const std::string& path, const Options& options = {}, const std::string& format = "",
             const Settings& settings = {});
/// Writes `results` (every image, with its attributes) to one file: npz,
/// hdf5 (one dataset per statistic), npy (one statistic).
void write(const Results& results, const std::string& path, const Options& options = {},
           const std::string& format = "");

}  // namespace ims
