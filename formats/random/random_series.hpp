#pragma once
// Deterministic synthetic series (Thunder's `fromrandom`), for demos, tests and
// benchmarks. Frame i depends only on (seed, i), so frames can be generated in
// any order and in parallel, and the same options always give the same data.

#include <cstdint>
#include <memory>

#include "core/image_series.hpp"

namespace ims {

enum class RandomMode {
  normal,    ///< loc + scale * N(0, 1) (Thunder's randn), cast to the dtype
  uniform,   ///< integers over the dtype's full range; floats in [0, 1)
  detector,  ///< Poisson(background) plus bright Gaussian spots at random places
};

struct RandomSpec {
  std::uint64_t seed = 42;
  std::size_t frames = 10;
  std::size_t rows = 50;
  std::size_t cols = 50;
  DType dtype = DType::float64;
  RandomMode mode = RandomMode::normal;
  double loc = 0.0;               // normal
  double scale = 1.0;             // normal
  double background = 100.0;      // detector: Poisson mean of every pixel
  std::size_t spots = 20;         // detector: spots per frame
  double spot_sigma = 1.5;        // detector: Gaussian width in pixels
  double spot_intensity = 5000.0; // detector: brightest spot peak above background
};

std::unique_ptr<ImageSeries> make_random_series(const RandomSpec& spec);

}  // namespace ims
