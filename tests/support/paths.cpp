#include "support/paths.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace ims::test {

namespace fs = std::filesystem;

fs::path ims_binary() { return IMS_TEST_BINARY; }

fs::path hexrd_fixtures() {
  fs::path p = fs::path(IMS_TEST_SOURCE_DIR) / ".." / "shared" / "fixtures" / "hexrd";
  std::error_code ec;
  return fs::is_directory(p, ec) ? fs::canonical(p) : fs::path();
}

namespace {
struct ScratchRoot {
  fs::path path;
  ScratchRoot() {
    std::string pattern = (fs::temp_directory_path() / "ims-tests-XXXXXX").string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    path = ::mkdtemp(name.data());
  }
  ~ScratchRoot() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

fs::path scratch_dir(const std::string& name) {
  static ScratchRoot root;
  fs::path dir = root.path / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

namespace {

CommandResult run(const std::vector<std::string>& args, const std::function<bool()>* ready, int signal) {
  static int counter = 0;
  fs::path dir = scratch_dir("cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::path out = dir / "stdout", err = dir / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string binary = ims_binary().string();
  std::vector<char*> argv{binary.data()};
  std::vector<std::string> copies = args;
  for (auto& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  CommandResult result;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    bool exited = false;
    if (ready != nullptr) {
      constexpr int kPollMicroseconds = 5000, kMaxPolls = 12000;  // a minute
      for (int poll = 0; poll < kMaxPolls && !(*ready)(); ++poll) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
          exited = true;
          break;
        }
        ::usleep(kPollMicroseconds);
      }
      if (!exited) ::kill(pid, signal);
    }
    if (!exited) waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

}  // namespace

CommandResult run_ims(const std::vector<std::string>& args) { return run(args, nullptr, 0); }

CommandResult run_ims_signalled_when(const std::vector<std::string>& args, const std::function<bool()>& ready,
                                     int signal) {
  return run(args, &ready, signal);
}

std::function<bool()> once_not_empty(const fs::path& dir) {
  return [dir] {
    std::error_code error;
    return fs::directory_iterator(dir, error) != fs::directory_iterator();
  };
}

}  // namespace ims::test
