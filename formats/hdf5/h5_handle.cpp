#include "formats/hdf5/h5_handle.hpp"

#include <mutex>
#include <vector>

#include "core/strings.hpp"
#include "formats/hdf5/h5_filter_plugins.hpp"

namespace ims::h5 {

void init() {
  // No library shutdown at exit: after a failed close (a full disk), HDF5
  // 1.10 keeps the file in its tables and its exit handler then crashes
  // closing it. ims closes what it opens; the OS reclaims the rest. Must
  // precede every other HDF5 call.
  static const bool no_exit_handler = [] { return H5dont_atexit() >= 0; }();
  (void)no_exit_handler;
  // Automatic printing is a per-thread setting in thread-safe builds.
  thread_local bool quiet = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)quiet;
  static std::once_flag registered;
  std::call_once(registered, register_filters);
}

namespace {

herr_t collect(unsigned, const H5E_error2_t* e, void* data) {
  auto* messages = static_cast<std::vector<std::string>*>(data);
  std::string text = e->desc ? e->desc : "";
  char minor[256] = "";
  if (H5Eget_msg(e->min_num, nullptr, minor, sizeof minor) > 0 && text.find(minor) == std::string::npos) {
    text += text.empty() ? minor : std::string(" (") + minor + ")";
  }
  if (!text.empty() && (messages->empty() || messages->back() != text)) messages->push_back(text);
  return 0;
}

}  // namespace

std::string take_error_stack() {
  std::vector<std::string> messages;
  if (std::string codec = take_filter_error(); !codec.empty()) messages.push_back(codec);
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &messages);
  H5Eclear2(H5E_DEFAULT);
  if (messages.size() > 3) messages.resize(3);  // the innermost causes say enough
  return join(messages, ": ");
}

/// The operating system's words when HDF5's stack holds a failed system
/// call ("..., errno = 28, error message = 'No space left on device', ..."):
/// the stack itself names the temporary file and every byte count.
std::string system_cause(const std::string& stack) {
  const std::string marker = "error message = '";
  const auto at = stack.find(marker);
  if (at == std::string::npos) return "";
  const auto end = stack.find('\'', at + marker.size());
  return end == std::string::npos ? "" : stack.substr(at + marker.size(), end - at - marker.size());
}

void fail(const std::string& what, ErrorKind kind) {
  std::string reason = take_error_stack();
  if (std::string cause = system_cause(reason); !cause.empty()) {
    reason = cause;
    if (cause == "No space left on device") kind = ErrorKind::resource;
  }
  throw Error(kind, reason.empty() ? what : what + " (" + reason + ")").with_stage("hdf5");
}

hid_t check(hid_t id, const std::string& what, ErrorKind kind) {
  if (id < 0) fail(what, kind);
  return id;
}

void check_status(herr_t status, const std::string& what, ErrorKind kind) {
  if (status < 0) fail(what, kind);
}

void Handle::reset() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: H5Idec_ref(id_); break;
  }
  id_ = H5I_INVALID_HID;
}

bool exists(hid_t loc, const std::string& path) {
  init();
  std::string partial;
  for (const auto& part : split(path, '/')) {
    if (part.empty()) continue;
    partial += "/" + part;
    std::string relative = path.rfind('/', 0) == 0 ? partial : partial.substr(1);
    htri_t found = H5Lexists(loc, relative.c_str(), H5P_DEFAULT);
    if (found <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
  }
  return true;
}

}  // namespace ims::h5
