#include "core/temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <set>

#include "core/logging.hpp"

namespace fs = std::filesystem;

namespace ims {

namespace {

constexpr std::string_view kTempMarker = ".ims-tmp-";
constexpr std::string_view kSpillPrefix = "ims-spill-";
constexpr std::size_t kHostTagLength = 8;

/// 8 hex digits of a hash (FNV-1a) of this host's name: short enough to
/// leave room for the output's own name, enough to tell a cluster's nodes apart.
const std::string& host_tag() {
  static const std::string tag = [] {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
    std::uint32_t hash = 2166136261u;
    for (const char* p = name; *p; ++p) hash = (hash ^ static_cast<unsigned char>(*p)) * 16777619u;
    char hex[kHostTagLength + 1];
    std::snprintf(hex, sizeof hex, "%08x", hash);
    return std::string(hex);
  }();
  return tag;
}

/// "HOST-PID-": what follows the marker or prefix in every temporary name.
std::string owner_tag() {
  return host_tag() + "-" + std::to_string(::getpid()) + "-";
}

/// Parses "HOST-PID-REST" of this host; returns PID and leaves `rest`.
std::optional<long> owner_of(std::string_view tagged, std::string_view& rest) {
  if (tagged.size() <= kHostTagLength + 1 || tagged.substr(0, kHostTagLength) != host_tag() ||
      tagged[kHostTagLength] != '-') {
    return std::nullopt;
  }
  tagged.remove_prefix(kHostTagLength + 1);
  long pid = 0;
  const auto [end, ec] = std::from_chars(tagged.data(), tagged.data() + tagged.size(), pid);
  if (ec != std::errc() || pid <= 0 || end == tagged.data() + tagged.size() || *end != '-') return std::nullopt;
  rest = tagged.substr(static_cast<std::size_t>(end - tagged.data()) + 1);
  return pid;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

/// Cuts `name` to at most `room` bytes without splitting a UTF-8 character.
void shorten(std::string& name, std::size_t room) {
  if (name.size() <= room) return;
  std::size_t cut = room;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  name.resize(cut);
}

bool process_is_gone(long pid) {
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::string temp_template(const fs::path& destination) {
  fs::path dir = destination.parent_path();
  if (dir.empty()) dir = ".";
  const std::string suffix = std::string(kTempMarker) + owner_tag() + "XXXXXX";
  long limit = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  if (limit <= 0) limit = NAME_MAX;
  std::string name = destination.filename().string();
  const std::size_t fixed = 1 + suffix.size();  // the leading '.' and the suffix
  shorten(name, static_cast<std::size_t>(limit) > fixed ? static_cast<std::size_t>(limit) - fixed : 0);
  // Built piecewise: GCC 12 warns falsely on chained string concatenation.
  std::string pattern = (dir / ".").string();
  pattern += name;
  pattern += suffix;
  return pattern;
}

std::string spill_file_name() {
  static std::atomic<unsigned> counter{0};
  return std::string(kSpillPrefix) + owner_tag() + std::to_string(counter++) + ".h5";
}

std::optional<long> temp_file_owner(std::string_view name) {
  std::string_view rest;
  if (name.substr(0, kSpillPrefix.size()) == kSpillPrefix) {
    auto pid = owner_of(name.substr(kSpillPrefix.size()), rest);
    const bool h5 = rest.size() > 3 && rest.substr(rest.size() - 3) == ".h5";
    return pid && h5 && all_digits(rest.substr(0, rest.size() - 3)) ? pid : std::nullopt;
  }
  const auto marker = name.rfind(kTempMarker);
  if (name.empty() || name[0] != '.' || marker == std::string_view::npos) return std::nullopt;
  auto pid = owner_of(name.substr(marker + kTempMarker.size()), rest);
  return pid && rest.size() == 6 ? pid : std::nullopt;
}

void remove_stale_temp_files(const fs::path& dir) {
  static std::mutex mutex;
  static std::set<std::string> scanned;
  std::error_code ec;
  const fs::path where = fs::weakly_canonical(dir.empty() ? fs::path(".") : dir, ec);
  {
    std::lock_guard lock(mutex);
    if (ec || !scanned.insert(where.string()).second) return;
  }
  for (fs::directory_iterator it(where, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path path = it->path();
    const auto pid = temp_file_owner(path.filename().string());
    if (!pid || *pid == ::getpid() || !process_is_gone(*pid)) continue;
    std::error_code failed;
    fs::remove_all(path, failed);
    if (!failed) {
      spdlog::warn("removed {}: a temporary file of ims process {} on this host, which is gone (killed?)",
                   path.string(), *pid);
    }
  }
}

}  // namespace ims
