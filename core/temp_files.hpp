#pragma once
// The names of ims's temporary files, and the removal of those a killed run
// left behind.
//
// Outputs are written under a hidden temporary name beside their destination
// (".bg.npz.ims-tmp-1a2b3c4d-4242-Xy12Zq") and spill files go to the scratch
// directory ("ims-spill-1a2b3c4d-4242-0.h5"). A failed or interrupted run
// removes its own; only SIGKILL or a power loss leaves them. The name records
// the owner: a hash of the host name (directories are shared between the nodes
// of a cluster, and a process id means nothing on another host) and the
// process id. A later run that writes into the same directory removes the
// files of processes of its own host that are gone. A live process's files
// are never touched: a reused process id only keeps a stale file longer.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ims {

/// mkstemp/mkdtemp template of a hidden sibling of `destination`:
/// ".NAME.ims-tmp-HOST-PID-XXXXXX", with NAME shortened (at a UTF-8
/// character boundary) when the whole would pass the directory's limit on
/// name length, so that any valid output name works.
std::string temp_template(const std::filesystem::path& destination);

/// "ims-spill-HOST-PID-N.h5", N counting the spill files of this process.
std::string spill_file_name();

/// The process id that owns `file_name` when it is one of ims's temporary
/// names made on this host; nullopt otherwise (not ims's, or another host's).
std::optional<long> temp_file_owner(std::string_view file_name);

/// Removes the temporary files (and directories) in `dir` whose owning
/// process of this host is gone, with an info log line for each. Scans each
/// directory once per process; errors (a directory that cannot be read, a
/// file removed meanwhile) are ignored: cleaning up is a courtesy.
void remove_stale_temp_files(const std::filesystem::path& dir);

}  // namespace ims
