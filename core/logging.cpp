#include "core/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace ims {

void init_logging(Verbosity verbosity) {
  auto logger = spdlog::get("ims");
  if (!logger) {
    logger = spdlog::stderr_color_mt("ims");
    logger->set_pattern("ims: %^%l%$: %v");
    spdlog::set_default_logger(logger);
  }
  // A successful run says one summary line (the command prints it); what
  // the engine notes along the way is for -v. Warnings are about the data.
  switch (verbosity) {
    case Verbosity::quiet:
      logger->set_level(spdlog::level::err);
      break;
    case Verbosity::normal:
      logger->set_level(spdlog::level::warn);
      break;
    case Verbosity::verbose: logger->set_level(spdlog::level::debug); break;
  }
}

}  // namespace ims
