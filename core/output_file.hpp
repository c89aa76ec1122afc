#pragma once
// Atomic outputs: every file ims writes is first written under a temporary
// name beside its destination and renamed into place only when complete, so an
// interrupted or failed run never leaves a half-written file where a good one
// was, and never touches anything else.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ims {

class AtomicOutput {
 public:
  /// Creates an empty temporary file in the destination's directory.
  /// Throws an io ims::Error naming the directory if it cannot.
  explicit AtomicOutput(std::filesystem::path destination);
  ~AtomicOutput();  // removes the temporary file unless committed
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& destination() const { return destination_; }

  /// Renames the temporary file over the destination.
  void commit();
  bool committed() const { return committed_; }

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

/// Writes `text` to `path` through an AtomicOutput (reports, sidecars).
void write_text_atomically(const std::string& path, std::string_view text);

/// The same for a directory of files: built in a temporary directory beside
/// the destination, renamed into place on commit(), removed otherwise. The
/// destination must not exist or be an empty directory.
class AtomicDirectory {
 public:
  explicit AtomicDirectory(std::filesystem::path destination);
  ~AtomicDirectory();
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

/// For fatal-signal handlers (SIGBUS when a memory-mapped input shrinks
/// under the run): removes every temporary file registered below and not
/// yet forgotten (AtomicOutput's, spill files). Async-signal-safe.
void remove_pending_outputs() noexcept;
/// Registers / unregisters a file for remove_pending_outputs().
void remove_on_fatal_signal(const std::filesystem::path& temp);
void forget_on_fatal_signal(const std::filesystem::path& temp);

/// Checks, before any work, that `path` can be created: its directory exists
/// and is writable, and it is not a directory (unless `may_be_directory`:
/// writers of a directory of files), a device, a FIFO or a socket. Throws an
/// ims::Error naming `path` otherwise.
void check_output_writable(const std::string& path, bool may_be_directory = false);

/// A file a run reads or writes, with what the user called it, for
/// messages: "-o", "--report", "the source", "the image of op dark=d.npy".
struct NamedFile {
  std::string path;
  std::string role;
};

/// Refuses, with a usage ims::Error naming both, an output that is one of
/// the run's inputs or another of its outputs: the same file through hard
/// links and symlinks (device and inode), or the same path once resolved
/// for files that do not exist yet. Empty paths are ignored.
void check_outputs_apart(const std::vector<NamedFile>& outputs, const std::vector<NamedFile>& inputs);

}  // namespace ims
