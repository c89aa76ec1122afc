#pragma once
/// Extending ims from a program: its own statistic, frame op or format,
/// registered by name. A registered name works wherever a built-in one does:
/// ims::stats and ims::write, ims::process, ims::open, YAML jobs run through
/// ims::run, and the describe_*() listings.
///
///   ims::register_statistic({.name = "count_above", .summary = "...",
///                            .params = {{.name = "threshold", .type = ims::ParamType::number, .required = true}},
///                            .make = [](const ims::StatisticContext& c) { return std::make_shared<CountAbove>(c); }});
///   ims::stats(series, {"count_above:1000", "median"});
///
/// examples/custom_reducer/ is a whole program.
///
/// Threading contract: register at start-up, before runs start on other
/// threads (registration is serialised, lookups during it are not). A
/// registered statistic, op or format object is shared by every run and
/// called from many threads at once: it must not change after construction.
/// Mutable data lives in a Statistic's states, each used by one thread at a
/// time.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "ims/dtype.hpp"
#include "ims/error.hpp"
#include "ims/params.hpp"
#include "ims/series.hpp"

namespace ims {

/// `rows` x `cols` pixels of `dtype`, C order, native byte order, not owned.
/// A Statistic sees each frame's part as one row of pixels.
template <class Byte>
class BasicPixels {
 public:
  BasicPixels(Byte* data, std::size_t rows, std::size_t cols, DType dtype)
      : data_(data), rows_(rows), cols_(cols), dtype_(dtype) {}

  Byte* data() const { return data_; }
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return rows_ * cols_; }
  DType dtype() const { return dtype_; }

  /// The pixels as T, which must be the C++ type of dtype() (a usage
  /// ims::Error otherwise). With visit_dtype, kernels get the type once:
  ///   visit_dtype(px.dtype(), [&](auto tag) { for (auto v : px.values<decltype(tag)>()) ...; });
  template <class T>
  auto values() const {
    if (dtype_of_v<T> != dtype_) {
      throw Error(ErrorKind::usage, "pixels of " + std::string(dtype_name(dtype_)) + " read as " +
                                        std::string(dtype_name(dtype_of_v<T>)));
    }
    using Out = std::conditional_t<std::is_const_v<Byte>, const T, T>;
    return std::span<Out>(reinterpret_cast<Out*>(data_), size());
  }

 private:
  Byte* data_;
  std::size_t rows_;
  std::size_t cols_;
  DType dtype_;
};
using ConstPixels = BasicPixels<const std::byte>;
using Pixels = BasicPixels<std::byte>;

// ---- statistics ------------------------------------------------------------

/// A per-pixel statistic: frames in, one image out, computed from partial
/// states that merge. ims splits a run across pixel tiles and threads, gives
/// each part a state, and merges states over disjoint frames with combine().
/// The state must stay bounded (independent of the frame count): statistics
/// that need every value of a pixel (quantiles) are built in.
class Statistic {
 public:
  /// The partial result for one range of consecutive pixels over some frames.
  class State {
   public:
    virtual ~State() = default;
  };

  virtual ~Statistic() = default;
  /// The output image's pixel type.
  virtual DType output_dtype() const = 0;
  /// Bytes of state per pixel, for the memory plan.
  virtual std::size_t state_bytes_per_pixel() const = 0;
  /// An empty state for `pixels` consecutive pixels. Any thread.
  virtual std::unique_ptr<State> make_state(std::size_t pixels) const = 0;
  /// Folds frames into `state`: frames[k] is the state's pixels of frame
  /// first_frame + k of the run (frames counted from 0 over those the run
  /// uses), one row in the input dtype. A state sees its frames in order,
  /// but not necessarily all of them: combine() merges the others. One
  /// thread at a time per state.
  virtual void update(State& state, std::span<const ConstPixels> frames, std::size_t first_frame) const = 0;
  /// Merges `from` into `into`: the same pixels over disjoint frames.
  virtual void combine(State& into, const State& from) const = 0;
  /// Writes the statistic of the state's pixels into `out` (one row of
  /// output_dtype()). Only called for states that have seen frames.
  virtual void finalize(const State& state, Pixels out) const = 0;
};

/// What a statistic's factory gets: the frames it will see and its parameters.
struct StatisticContext {
  std::size_t rows = 0;
  std::size_t cols = 0;
  DType input = DType::uint16;
  const Params& params;  ///< checked against StatisticDefinition::params
};

struct StatisticDefinition {
  std::string name;  ///< also the result's name
  std::vector<std::string> aliases;
  std::string summary;
  /// params[0] is set by `name:VALUE`, any by `name;KEY=VALUE` (as ops).
  std::vector<ParamSpec> params;
  std::function<std::shared_ptr<const Statistic>(const StatisticContext&)> make;
};

/// Adds a statistic. A usage ims::Error when its name or an alias is not an
/// identifier ([A-Za-z_][A-Za-z0-9_]*) or is taken, or `make` is empty.
/// Exceptions from its methods reach the caller of the run as an ims::Error
/// of kind callback naming the statistic, the original nested.
void register_statistic(StatisticDefinition definition);

// ---- frame ops ---------------------------------------------------------------

/// The shape and pixel type of frames.
struct FrameFormat {
  std::size_t rows = 0;
  std::size_t cols = 0;
  DType dtype = DType::uint16;
  bool operator==(const FrameFormat&) const = default;
};

/// A frame -> frame op, applied to every frame of a processed series.
class FrameOperation {
 public:
  virtual ~FrameOperation() = default;
  /// The output frames for input frames of `input` (the default: the same);
  /// a usage ims::Error when the op cannot take them. Called when the
  /// series is made, before any frame is read.
  virtual FrameFormat output(const FrameFormat& input) const { return input; }
  /// Computes one output frame. Called concurrently from many threads.
  virtual void apply(ConstPixels in, Pixels out) const = 0;
};

struct OpContext {
  FrameFormat input;     ///< the frames the op will see (after the ops before it)
  const Params& params;  ///< checked against OpDefinition::params
};

struct OpDefinition {
  std::string name;
  std::vector<std::string> aliases;
  std::string summary;
  /// params[0] is the primary parameter, the one `NAME=VALUE` sets.
  std::vector<ParamSpec> params;
  std::function<std::shared_ptr<const FrameOperation>(const OpContext&)> make;
};

/// Adds an op (errors as register_statistic).
void register_op(OpDefinition definition);

// ---- formats -----------------------------------------------------------------

/// A format ims can read: opening a path makes a Series, usually with
/// ims::from_callback (frames read on demand) or ims::from_memory.
struct FormatDefinition {
  std::string name;
  std::string summary;
  std::vector<std::string> extensions;  ///< with the dot, lower case: ".raw16"
  std::vector<ParamSpec> params;        ///< read options (ims::open's `options`)
  std::function<Series(const std::string& path, const Params& options)> open;
};

/// Adds a readable format. A usage ims::Error when its name is not an
/// identifier or is taken, an extension belongs to another format, or
/// `open` is empty.
void register_format(FormatDefinition definition);

// ---- what is registered -------------------------------------------------------

/// A statistic, op or format as `ims list` shows it.
struct Registered {
  std::string name;
  std::vector<std::string> aliases;
  std::string summary;
  std::vector<ParamSpec> params;  ///< a format's read options
};

/// Every statistic, op and format: the built-in ones, then the registered ones.
std::vector<Registered> describe_statistics();
std::vector<Registered> describe_ops();
std::vector<Registered> describe_formats();

}  // namespace ims
