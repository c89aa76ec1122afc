#pragma once
// The one exception type of ims. It carries enough context to say what failed
// where: `npy: frame 12 of run7.npy: truncated file (...)`.

#include <cstddef>
#include <exception>
#include <optional>
#include <string>

namespace ims {

enum class ErrorKind {
  usage,         ///< bad command line, option, name or value (exit code 2)
  not_found,     ///< a file, dataset or member does not exist
  io,            ///< the operating system refused a read or write
  format,        ///< malformed, truncated or corrupt input
  unsupported,   ///< valid input that ims cannot handle (dtype, layout, ...)
  out_of_range,  ///< a frame index or region outside the series
  resource,      ///< memory budget or disk space too small
  interrupted,   ///< the run was cancelled (Ctrl-C, a CancelToken)
  callback,      ///< a caller's callback threw; its exception is nested (std::rethrow_if_nested)
  internal,      ///< a bug: an invariant did not hold
};

std::string_view error_kind_name(ErrorKind kind);

class Error : public std::exception {
 public:
  Error(ErrorKind kind, std::string message);

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& file() const noexcept { return file_; }
  const std::string& dataset() const noexcept { return dataset_; }
  const std::string& stage() const noexcept { return stage_; }
  std::optional<std::size_t> frame() const noexcept { return frame_; }

  // Context setters keep what is already set: the innermost thrower knows best,
  // outer layers (graph nodes) only fill the gaps.
  Error& with_file(std::string file);
  Error& with_dataset(std::string dataset);
  Error& with_stage(std::string stage);
  Error& with_frame(std::size_t frame);
  /// Names a series by its describe() text, "format:where" ("npy:/a.npy",
  /// "hdf5:ff1.h5:/imageseries/images"): the format as the stage and the
  /// rest as the file, so that messages read "npy: /a.npy: ...".
  Error& with_source(const std::string& description);

  /// `<stage>: <where>: <message>`, e.g. `npy: frame 3 of a.npy: truncated file`.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  void compose();

  ErrorKind kind_;
  std::string message_;
  std::string file_;
  std::string dataset_;
  std::string stage_;
  std::optional<std::size_t> frame_;
  std::string what_;
};

/// The process exit code for an error: 2 for usage errors, 130 when
/// interrupted, 1 otherwise.
int exit_code_for(ErrorKind kind);

/// An ims::Error of kind io with the text of `errno_value` appended.
Error system_error(const std::string& what, int errno_value);

}  // namespace ims
