// The `ims` command: thin; every command calls the engine.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "ims/error.hpp"
#include "core/output_file.hpp"
#include "core/strings.hpp"
#include "formats/posix_file.hpp"
#include "ims_version.hpp"

namespace {

constexpr const char* kFooter = R"(exit codes:
  0    success
  1    runtime error (missing, truncated or corrupt input; I/O; memory budget too small)
  2    usage error (unknown command, option, format or statistic; bad value)
  130  interrupted (Ctrl-C); no partial output is left behind

`ims COMMAND --help` describes a command; `ims list` shows formats, statistics and ops.)";

// The first Ctrl-C (or SIGTERM, SIGHUP) stops the run cleanly (no partial
// output); a second one kills the process at once, as users expect of a
// stuck program.
extern "C" void on_signal(int signal_number) {
  if (ims::cli::cancel_token().cancel()) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);  // the terminal closed: stop as cleanly as on Ctrl-C
  // A closed stderr pipe (ims ... 2>&1 | head) must not kill the run halfway
  // through a write: writes to it fail instead, and the run goes on.
  ::signal(SIGPIPE, SIG_IGN);
  // So does a file size limit (ulimit -f): the write fails with a clear error
  // and the run cleans up, instead of a core dump that leaves temporaries.
  ::signal(SIGXFSZ, SIG_IGN);
  // A memory-mapped input that shrinks while it is read faults with SIGBUS:
  // end with a clear error naming it and no partial output, not a crash.
  ims::exit_cleanly_on_sigbus();
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

/// Errors are one line: a newline inside a message (a library's, a YAML
/// parser's) would split it.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text.replace(at, 1, "; ");
  return text;
}

/// Where help is: the command's own when one was named.
std::string help_pointer(const CLI::App& app) {
  const auto named = app.get_subcommands();
  return named.empty() ? "see 'ims --help'" : "see 'ims " + named.front()->get_name() + " --help'";
}

/// "did you mean" for a misspelled command or option.
std::string hint_for(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  if (argc > 1 && argv[1][0] != '-') {
    auto names = command_names(app);
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      return ims::unknown_name_message("command", argv[1], names);
    }
  }
  std::string hint = e.what();
  const CLI::App* active = &app;
  for (const auto* sub : app.get_subcommands()) active = sub;
  std::vector<std::string> options;
  for (const auto* opt : active->get_options()) {
    for (const auto& n : opt->get_lnames()) options.push_back("--" + n);
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    arg = arg.substr(0, arg.find('='));
    if (arg.rfind("--", 0) != 0 || std::find(options.begin(), options.end(), arg) != options.end()) continue;
    auto close = ims::closest_match(arg, options);
    if (!close.empty()) hint += "; did you mean '" + close + "'?";
  }
  return hint;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ims: a parallel, memory-bounded streaming engine for image series"};
  app.name("ims");
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("ims ") + ims::kVersion);
  app.require_subcommand(1);
  ims::cli::add_info_command(app);
  ims::cli::add_stats_command(app);
  ims::cli::add_convert_command(app);
  ims::cli::add_process_command(app);
  ims::cli::add_run_command(app);
  ims::cli::add_list_command(app);
  install_signal_handlers();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ims: error: " << one_line(hint_for(app, e, argc, argv)) << " (" << help_pointer(app) << ")\n";
    return 2;
  } catch (const ims::Error& e) {
    ims::cli::clear_progress_line();
    if (e.kind() == ims::ErrorKind::interrupted) {
      std::cerr << "ims: interrupted" << (e.frame() ? " at frame " + std::to_string(*e.frame()) : "")
                << "; no output written\n";
    } else {
      std::cerr << "ims: error: " << one_line(e.what()) << "\n";
    }
    return ims::exit_code_for(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "ims: error: out of memory (try a smaller --memory or fewer threads)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ims: internal error: " << one_line(e.what()) << "\n";
    return 1;
  }
  return 0;
}
