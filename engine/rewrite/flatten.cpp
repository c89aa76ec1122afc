#include "engine/rewrite/flatten.hpp"

#include "engine/series/processed_series.hpp"

namespace ims {

Pipeline flatten(Pipeline pipeline) {
  while (auto* processed = dynamic_cast<const ProcessedImageSeries*>(pipeline.source.get())) {
    OpList ops = processed->chain().ops();
    ops.insert(ops.end(), pipeline.ops.begin(), pipeline.ops.end());
    pipeline.ops = std::move(ops);
    pipeline.source = processed->base();
  }
  return pipeline;
}

}  // namespace ims
