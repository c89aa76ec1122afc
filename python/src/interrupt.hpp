#pragma once
// Ctrl-C during a run: while the engine runs with the GIL released, Python's
// own SIGINT handler cannot raise KeyboardInterrupt (it runs only between
// bytecodes of the main thread). For the length of a run started from the
// main thread, SIGINT cancels the run's token instead: the engine stops
// within one batch, and its ims::Error of kind interrupted becomes
// KeyboardInterrupt (module.cpp). The previous handler is restored after.

#include <signal.h>

#include "ims/ims.hpp"

namespace ims::python {

class SigintCancels {
 public:
  /// Installs the handler when called from Python's main thread (with the GIL).
  explicit SigintCancels(CancelToken& token);
  ~SigintCancels();
  SigintCancels(const SigintCancels&) = delete;
  SigintCancels& operator=(const SigintCancels&) = delete;

 private:
  bool installed_ = false;
  struct sigaction previous_ {};
};

}  // namespace ims::python
