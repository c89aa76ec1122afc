#include "ims/error.hpp"

#include <cstring>

namespace ims {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::io: return "io";
    case ErrorKind::format: return "format";
    case ErrorKind::unsupported: return "unsupported";
    case ErrorKind::out_of_range: return "out_of_range";
    case ErrorKind::resource: return "resource";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::callback: return "callback";
    case ErrorKind::internal: return "internal";
  }
  return "unknown";
}

Error::Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {
  compose();
}

Error& Error::with_file(std::string file) {
  if (file_.empty()) file_ = std::move(file);
  compose();
  return *this;
}

Error& Error::with_dataset(std::string dataset) {
  if (dataset_.empty()) dataset_ = std::move(dataset);
  compose();
  return *this;
}

Error& Error::with_stage(std::string stage) {
  if (stage_.empty()) stage_ = std::move(stage);
  compose();
  return *this;
}

Error& Error::with_frame(std::size_t frame) {
  if (!frame_) frame_ = frame;
  compose();
  return *this;
}

Error& Error::with_source(const std::string& description) {
  const auto colon = description.find(':');
  if (colon == std::string::npos) return with_file(description);
  with_stage(description.substr(0, colon));
  return with_file(description.substr(colon + 1));
}

void Error::compose() {
  std::string where;
  if (frame_) where = "frame " + std::to_string(*frame_);
  if (!file_.empty()) {
    if (!where.empty()) where += " of ";
    where += file_;
    if (!dataset_.empty()) where += ":" + dataset_;
  } else if (!dataset_.empty()) {
    if (!where.empty()) where += " of ";
    where += dataset_;
  }
  what_.clear();
  if (!stage_.empty()) what_ += stage_ + ": ";
  if (!where.empty()) what_ += where + ": ";
  what_ += message_;
  // A NUL (from a file name or a header) would end the C string what() is.
  for (std::size_t at = what_.find('\0'); at != std::string::npos; at = what_.find('\0', at)) {
    what_.replace(at, 1, "\\0");
  }
}

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return 2;
    case ErrorKind::interrupted: return 130;
    default: return 1;
  }
}

Error system_error(const std::string& what, int errno_value) {
  ErrorKind kind = errno_value == ENOENT ? ErrorKind::not_found
                   : errno_value == ENOSPC ? ErrorKind::resource
                                           : ErrorKind::io;
  return Error(kind, what + " (" + std::strerror(errno_value) + ")");
}

}  // namespace ims
