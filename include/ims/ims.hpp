#pragma once
/// The public C++ API of ims: everything an embedding program needs.
///
///   auto series = ims::open("run7.h5", {{"path", "imageseries"}});
///   auto proc = ims::process(series, {"dark=dark.npy", "flip=v"}, ims::frames("0:100"));
///   ims::Results r = ims::stats(proc, {"median", "max"}, {.memory = "2G", .threads = 8});
///   const ims::Image& bg = r["median"];
///   ims::write(r, "bg.npz");
///
/// Link with `find_package(ims)` and `target_link_libraries(app PRIVATE ims::ims)`.
/// Errors are ims::Error, with the messages the `ims` command prints.

#include "ims/dtype.hpp"
#include "ims/error.hpp"
#include "ims/extend.hpp"
#include "ims/image.hpp"
#include "ims/job.hpp"
#include "ims/metadata.hpp"
#include "ims/params.hpp"
#include "ims/results.hpp"
#include "ims/series.hpp"
#include "ims/settings.hpp"
#include "ims/version.hpp"

namespace ims {

/// The library's version, "0.1.0" (the headers' is IMS_VERSION, ims/version.hpp).
const char* version() noexcept;

}  // namespace ims
