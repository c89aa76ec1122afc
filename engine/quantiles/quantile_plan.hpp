#pragma once
// How a run gets every value of a pixel to its quantile reducers (median,
// percentile), chosen from the memory budget and the source's read costs:
//
// - memory, one band: every frame's values fit the budget; one read.
// - memory, bands of rows: they do not, but region reads are cheap (mapped or
//   finely chunked files): each band reads only its rows, so the input is
//   still read once in total.
// - spill: regions are not cheap and reading is expensive (compressed
//   chunks of whole frames): one pass decodes every frame once and writes it
//   to a Blosc-compressed scratch file chunked by band, then band by band.
// - histogram: exact radix select in a few streaming passes over the source
//   with a small per-pixel state that merges by addition.
//
// Re-reading the whole input once per band is never chosen when one of these
// is cheaper.

#include <cstdint>
#include <string>

#include "engine/pipeline.hpp"

namespace ims {

struct QuantilePlan {
  QuantileMethod method = QuantileMethod::memory;
  std::size_t bands = 1;
  std::size_t band_rows = 0;
  std::uint64_t band_bytes = 0;  ///< reducer states (incl. every value) of one band
  std::string reason;            ///< why, for the report
};

/// True when a reducer of `pipeline` needs every value of a pixel.
bool has_quantiles(const Pipeline& pipeline);

/// Chooses the method (options.quantile_method unless automatic) for a
/// pipeline with quantile reducers. Throws a resource ims::Error when even one
/// row of every frame does not fit the budget.
QuantilePlan plan_quantiles(const Pipeline& pipeline, const RunOptions& options);

/// Bytes of reducer state (including every value kept) per pixel, over
/// `frames` frames, counting shared states once.
std::uint64_t state_bytes_per_pixel(const Pipeline& pipeline, std::size_t frames);

}  // namespace ims
