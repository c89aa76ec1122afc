#pragma once
// RAII file descriptors and memory maps with errors that name the file.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ims {

/// Throws a usage ims::Error (stage `stage`, naming `path`) when `path` is a
/// FIFO, device or socket: opening a FIFO waits forever for a writer, and a
/// device streams without end. Missing files and directories pass: their
/// readers say what is wrong with them.
void check_not_special(const std::string& path, const std::string& stage);

/// An open file descriptor; reads and writes retry on EINTR and short counts.
class PosixFile {
 public:
  PosixFile() = default;
  /// Opens `path` read-only; a missing file is a not_found error.
  static PosixFile open_read(const std::string& path, const std::string& stage);
  /// Opens `path` for writing, created if missing, truncated if present.
  /// Errors name `shown_as` when given: the output a temporary file becomes.
  static PosixFile create(const std::string& path, const std::string& stage, const std::string& shown_as = "");
  ~PosixFile();
  PosixFile(PosixFile&& other) noexcept;
  PosixFile& operator=(PosixFile&& other) noexcept;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  std::uint64_t size() const;
  /// Reads exactly n bytes at offset; a short file is a format error.
  void pread_exact(void* out, std::size_t n, std::uint64_t offset) const;
  /// Appends n bytes at the current position.
  void write_all(const void* data, std::size_t n);
  void close();

 private:
  int fd_ = -1;
  std::string path_;
  std::string stage_;
};

/// Makes SIGBUS (a memory-mapped input that shrank while it was read) end
/// the process with exit code 1 and one line naming the file, e.g.
/// "ims: error: npy: run7.npy: the file shrank while it was read (SIGBUS); no
/// output written", after removing every pending output (remove_pending_outputs).
/// For programs (the `ims` command); libraries leave signals to their host.
void exit_cleanly_on_sigbus();

/// A read-only shared mapping of a whole file. While it lives, a SIGBUS in
/// its pages is reported naming the file (exit_cleanly_on_sigbus).
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const PosixFile& file, const std::string& stage);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;

  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

  /// Hints that [offset, offset + n) will be read soon (readahead).
  void will_need(std::size_t offset, std::size_t n) const;
  /// Drops the pages of [offset, offset + n) from this process's resident
  /// memory (the page cache keeps them; touching them again is safe).
  void drop(std::size_t offset, std::size_t n) const;

 private:
  void unmap();

  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  std::string path_;
  std::string stage_;
};

}  // namespace ims
