#include "core/output_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <system_error>
#include <vector>

#include "ims/error.hpp"
#include "core/temp_files.hpp"

namespace fs = std::filesystem;

namespace ims {

namespace {

/// Temporary files not yet committed, for remove_pending_outputs(). Fixed
/// slots of owned C strings: a signal handler can walk them without locks.
constexpr std::size_t kPendingSlots = 64;
std::atomic<char*> g_pending[kPendingSlots];

}  // namespace

void remove_on_fatal_signal(const fs::path& temp) {
  char* copy = ::strdup(temp.c_str());
  for (auto& slot : g_pending) {
    char* expected = nullptr;
    if (slot.compare_exchange_strong(expected, copy)) return;
  }
  std::free(copy);  // more than 64 outputs at once: best effort
}

void forget_on_fatal_signal(const fs::path& temp) {
  for (auto& slot : g_pending) {
    char* p = slot.load();
    if (p && temp == p && slot.compare_exchange_strong(p, nullptr)) {
      std::free(p);
      return;
    }
  }
}

namespace {

std::string directory_of(const fs::path& destination) {
  return destination.parent_path().empty() ? "." : destination.parent_path().string();
}

enum class Holds { file, directory, either };

/// Checks what an output may replace: its directory must exist, and the path
/// be absent or what the writer makes. A device or FIFO is refused: renaming
/// a finished file into place would replace it (as root, -o /dev/null would
/// destroy /dev/null).
void check_destination(const fs::path& destination, Holds holds) {
  const std::string dir = directory_of(destination);
  std::error_code ec;
  const auto dir_status = fs::status(dir, ec);
  if (!fs::exists(dir_status)) {
    throw Error(ErrorKind::not_found, "its directory " + dir + " does not exist").with_file(destination.string());
  }
  if (!fs::is_directory(dir_status)) {
    throw Error(ErrorKind::usage, dir + " is not a directory").with_file(destination.string());
  }
  const auto status = fs::status(destination, ec);
  if (!fs::exists(status)) return;
  if (fs::is_directory(status)) {
    if (holds == Holds::file) throw Error(ErrorKind::usage, "is a directory").with_file(destination.string());
    return;
  }
  if (!fs::is_regular_file(status)) {
    throw Error(ErrorKind::usage,
                "is a device, FIFO or socket, not a file: ims puts a finished output in place "
                "by renaming, which would replace it")
        .with_file(destination.string());
  }
  if (holds == Holds::directory) {
    throw Error(ErrorKind::usage, "is a file; a directory output needs a new or empty directory")
        .with_file(destination.string());
  }
}

/// mkstemp/mkdtemp template for a hidden sibling of `destination`, after
/// checking the destination and clearing its directory of what killed runs
/// left there.
std::vector<char> temp_template_in_place(const fs::path& destination, Holds holds) {
  check_destination(destination, holds);
  const fs::path dir = directory_of(destination);
  remove_stale_temp_files(dir);
  const std::string pattern = temp_template(destination);
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  return name;
}

}  // namespace

AtomicOutput::AtomicOutput(fs::path destination) : destination_(std::move(destination)) {
  auto name = temp_template_in_place(destination_, Holds::file);
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw system_error("cannot create a file in the output directory " + directory_of(destination_), errno)
        .with_file(destination_.string());
  }
  ::close(fd);
  temp_ = fs::path(name.data());
  remove_on_fatal_signal(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_ && !temp_.empty()) {
    std::error_code ec;
    fs::remove(temp_, ec);
    forget_on_fatal_signal(temp_);
  }
}

void AtomicOutput::commit() {
  // No fsync: the rename already guarantees that an interrupted or failed run
  // never shows a partial file; forcing the data to disk first would only add
  // power-loss durability, at the price of writing every output synchronously
  // (measured: 0.68 s of 1.07 s converting 400 MB). numpy's writers don't either.
  // mkstemp creates files 0600; outputs get the usual mode (0666 & ~umask).
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(temp_.c_str(), 0666 & ~mask);
  if (::rename(temp_.c_str(), destination_.c_str()) != 0) {
    throw system_error("cannot move the finished output into place", errno)
        .with_file(destination_.string());
  }
  committed_ = true;
  forget_on_fatal_signal(temp_);
}

void write_text_atomically(const std::string& path, std::string_view text) {
  AtomicOutput output(path);
  const int fd = ::open(output.temp_path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw system_error("cannot write", errno).with_file(path);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t put = ::write(fd, text.data() + done, text.size() - done);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) {
      const int err = errno;
      ::close(fd);
      throw system_error("cannot write", err).with_file(path);
    }
    done += static_cast<std::size_t>(put);
  }
  if (::close(fd) != 0) throw system_error("cannot write", errno).with_file(path);
  output.commit();
}

void remove_pending_outputs() noexcept {
  for (auto& slot : g_pending) {
    if (char* p = slot.load()) ::unlink(p);
  }
}

AtomicDirectory::AtomicDirectory(fs::path destination) : destination_(std::move(destination)) {
  std::error_code ec;
  if (fs::is_directory(destination_, ec) && !fs::is_empty(destination_, ec)) {
    throw Error(ErrorKind::usage, "output directory exists and is not empty")
        .with_file(destination_.string());
  }
  auto name = temp_template_in_place(destination_, Holds::directory);
  if (!::mkdtemp(name.data())) {
    throw system_error("cannot create a directory in " + directory_of(destination_), errno)
        .with_file(destination_.string());
  }
  temp_ = fs::path(name.data());
}

AtomicDirectory::~AtomicDirectory() {
  if (!committed_ && !temp_.empty()) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
  }
}

void AtomicDirectory::commit() {
  std::error_code ec;
  if (fs::is_directory(destination_, ec)) fs::remove(destination_, ec);  // empty, checked above
  if (::rename(temp_.c_str(), destination_.c_str()) != 0) {
    throw system_error("cannot move the finished directory into place", errno)
        .with_file(destination_.string());
  }
  committed_ = true;
}

void check_output_writable(const std::string& path, bool may_be_directory) {
  const fs::path destination(path);
  check_destination(destination, may_be_directory ? Holds::either : Holds::file);
  const std::string dir = directory_of(destination);
  if (::access(dir.c_str(), W_OK) != 0) {
    throw system_error("cannot write to the output directory " + dir, errno).with_file(path);
  }
}

namespace {

/// The file `path` names (device and inode, through symlinks), if it exists.
std::optional<std::pair<dev_t, ino_t>> file_identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return std::pair{st.st_dev, st.st_ino};
}

/// Whether two paths name one file: the same device and inode when both
/// exist (hard links, symlinks), else the same absolute path once the
/// existing directories on the way are resolved.
bool same_file(const std::string& a, const std::string& b) {
  const auto ida = file_identity(a), idb = file_identity(b);
  if (ida || idb) return ida == idb;
  std::error_code ec1, ec2;
  const fs::path pa = fs::weakly_canonical(fs::absolute(a, ec1), ec1);
  const fs::path pb = fs::weakly_canonical(fs::absolute(b, ec2), ec2);
  return !ec1 && !ec2 && pa == pb;
}

}  // namespace

void check_outputs_apart(const std::vector<NamedFile>& outputs, const std::vector<NamedFile>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedFile& out = outputs[i];
    if (out.path.empty()) continue;
    for (const NamedFile& in : inputs) {
      if (in.path.empty() || !same_file(in.path, out.path)) continue;
      const std::string same = in.path == out.path ? "" : " (" + in.path + ")";
      throw Error(ErrorKind::usage,
                  out.role + " names " + in.role + same + ", which this run reads; refusing to overwrite an input")
          .with_file(out.path);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (outputs[j].path.empty() || !same_file(outputs[j].path, out.path)) continue;
      throw Error(ErrorKind::usage,
                  out.role + " and " + outputs[j].role + " name the same file; give each output its own")
          .with_file(out.path);
    }
  }
}

}  // namespace ims
