// ims::register_format: a program's opener as an engine format. The Series
// it returns is shared (ims::Series is a handle), so the engine gets a
// forwarding series around it (forwarding_series.hpp); an opener's exceptions become ims::Errors of
// kind callback naming the format and the file.

#include "api/forwarding_series.hpp"
#include "api/run_settings.hpp"
#include "formats/registry.hpp"
#include "ims/extend.hpp"

namespace ims {

void register_format(FormatDefinition definition) {
  if (!definition.open) throw Error(ErrorKind::usage, "format '" + definition.name + "' has no open function");
  FormatInfo info;
  info.name = definition.name;
  info.summary = definition.summary;
  info.extensions = definition.extensions;
  info.read_params = definition.params;
  info.open = [name = definition.name, open = definition.open](const std::string& path, const Params& params) {
    Series series;
    try {
      series = api::calling_user("format '" + name + "'", [&] { return open(path, params); });
    } catch (Error& e) {
      if (e.file().empty()) e.with_file(path);
      throw;
    }
    if (!series)
      throw Error(ErrorKind::callback, "the open function returned no series").with_stage(name).with_file(path);
    return std::unique_ptr<ImageSeries>(std::make_unique<api::ForwardingSeries>(series.engine_series()));
  };
  add_format(std::move(info));
}

}  // namespace ims
