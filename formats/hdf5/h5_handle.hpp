#pragma once
// RAII handles for HDF5 identifiers and one checked wrapper per C call: a
// failure becomes an ims::Error carrying HDF5's own error stack as its
// message, and HDF5 never prints to stderr. The only folder that includes
// <hdf5.h> is this one.

#include <hdf5.h>

#include <string>
#include <utility>

#include "ims/error.hpp"

namespace ims::h5 {

/// Prepares HDF5 for use on this thread (silences its stderr printing) and,
/// once per process, registers the filters ims implements (Blosc 32001, LZ4
/// 32004). Every function here calls it; callers need not.
void init();

/// HDF5's error stack of this thread as one line (innermost cause first),
/// then cleared. Empty when the stack is empty.
std::string take_error_stack();

/// Throws an ims::Error (kind `kind`, stage "hdf5") saying `what` failed, with
/// HDF5's reason appended.
[[noreturn]] void fail(const std::string& what, ErrorKind kind = ErrorKind::format);

/// Returns `id` if valid, else fails with `what`.
hid_t check(hid_t id, const std::string& what, ErrorKind kind = ErrorKind::format);
/// Fails with `what` when `status` is negative.
void check_status(herr_t status, const std::string& what, ErrorKind kind = ErrorKind::format);

/// Owns an HDF5 identifier; closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// True when `path` names an existing link (each component checked) in `loc`.
bool exists(hid_t loc, const std::string& path);

}  // namespace ims::h5
