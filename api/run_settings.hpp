#pragma once
// From the public Settings to the engine's RunOptions, and the wrapper that
// turns an exception of a caller's callback into an ims::Error of kind
// callback with the original nested (std::rethrow_if_nested gets it back).

#include <exception>
#include <string>

#include "engine/pipeline.hpp"
#include "engine/report.hpp"
#include "ims/error.hpp"
#include "ims/results.hpp"
#include "ims/settings.hpp"

namespace ims::api {

/// The engine's options for `settings`: budget and method parsed (usage
/// errors naming the setting), progress and cancellation wired in.
RunOptions run_options(const Settings& settings);

/// The report a caller gets back.
Report public_report(const RunReport& report);

/// Runs the caller's `f`; an exception other than an ims::Error comes out as
/// an ims::Error of kind callback whose stage is `who` ("on_progress"), with
/// the caller's exception nested.
template <class F>
decltype(auto) calling_user(const std::string& who, F&& f) {
  try {
    return f();
  } catch (Error& e) {
    e.with_stage(who);
    throw;
  } catch (const std::exception& e) {
    std::throw_with_nested(Error(ErrorKind::callback, std::string("threw: ") + e.what()).with_stage(who));
  } catch (...) {
    std::throw_with_nested(Error(ErrorKind::callback, "threw an exception").with_stage(who));
  }
}

}  // namespace ims::api
