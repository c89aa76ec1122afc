#include "interrupt.hpp"

#include <pybind11/pybind11.h>

#include <atomic>

namespace ims::python {

namespace {

std::atomic<CancelToken*> cancelled_by_sigint{nullptr};

void on_sigint(int) {
  if (CancelToken* token = cancelled_by_sigint.load()) token->cancel();  // async-signal-safe
}

bool on_main_thread() {
  const pybind11::module_ threading = pybind11::module_::import("threading");
  return threading.attr("current_thread")().is(threading.attr("main_thread")());
}

}  // namespace

SigintCancels::SigintCancels(CancelToken& token) {
  if (!on_main_thread() || cancelled_by_sigint.load() != nullptr) return;  // nested runs keep the outer one's
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  cancelled_by_sigint.store(&token);
  installed_ = sigaction(SIGINT, &action, &previous_) == 0;
  if (!installed_) cancelled_by_sigint.store(nullptr);
}

SigintCancels::~SigintCancels() {
  if (!installed_) return;
  sigaction(SIGINT, &previous_, nullptr);
  cancelled_by_sigint.store(nullptr);
}

}  // namespace ims::python
