// A statistic of one's own: per pixel, how many frames are above a
// threshold (hot pixels, saturation, cosmic-ray hits). Registered once, it
// runs like a built-in one: in the same pass as the median, in parallel over
// pixel tiles and threads, within the memory budget.
//
//   count_above SERIES [THRESHOLD] [OUT.npz]
//
// The program checks its result against a plain loop over the frames.
#include <cstdint>
#include <ims/ims.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace {

class CountAbove final : public ims::Statistic {
 public:
  // One count per pixel of the state's range of pixels.
  struct Counts final : State {
    std::vector<std::uint32_t> counts;
  };

  explicit CountAbove(double threshold) : threshold_(threshold) {}

  ims::DType output_dtype() const override { return ims::DType::uint32; }
  std::size_t state_bytes_per_pixel() const override { return sizeof(std::uint32_t); }

  std::unique_ptr<State> make_state(std::size_t pixels) const override {
    auto state = std::make_unique<Counts>();
    state->counts.assign(pixels, 0);
    return state;
  }

  // Called with frames of the state's pixels; visit_dtype picks the C++ type once.
  void update(State& state, std::span<const ims::ConstPixels> frames, std::size_t /*first_frame*/) const override {
    auto& counts = static_cast<Counts&>(state).counts;
    for (const auto& frame : frames) {
      ims::visit_dtype(frame.dtype(), [&](auto tag) {
        const auto values = frame.values<decltype(tag)>();
        for (std::size_t i = 0; i < values.size(); ++i) counts[i] += static_cast<double>(values[i]) > threshold_;
      });
    }
  }

  // States over disjoint frames add up.
  void combine(State& into, const State& from) const override {
    auto& a = static_cast<Counts&>(into).counts;
    const auto& b = static_cast<const Counts&>(from).counts;
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  }

  void finalize(const State& state, ims::Pixels out) const override {
    const auto& counts = static_cast<const Counts&>(state).counts;
    std::copy(counts.begin(), counts.end(), out.values<std::uint32_t>().begin());
  }

 private:
  double threshold_;
};

void register_count_above() {
  ims::register_statistic({
      .name = "count_above",
      .summary = "per-pixel number of frames above a threshold",
      .params =
          {{.name = "threshold", .type = ims::ParamType::number, .doc = "count values above this", .required = true}},
      .make =
          [](const ims::StatisticContext& context) {
            return std::make_shared<CountAbove>(context.params.get_double("threshold"));
          },
  });
}

// The same count, one pixel at a time, for the check.
std::uint32_t count_by_hand(const ims::Series& series, std::size_t row, std::size_t col, double threshold) {
  std::uint32_t count = 0;
  for (std::size_t i = 0; i < series.size(); ++i) count += series.frame(i).at<double>(row, col) > threshold;
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: count_above SERIES [THRESHOLD] [OUT.npz]\n";
    return 2;
  }
  try {
    register_count_above();
    const std::string threshold = argc >= 3 ? argv[2] : "100";
    const ims::Series series = ims::open(argv[1]);
    const ims::Results results = ims::stats(series, {"count_above:" + threshold, "median"}, {.threads = 2});
    if (argc == 4) ims::write(results, argv[3]);

    const ims::Image& counts = results["count_above"];
    std::uint64_t total = 0;
    for (const auto c : counts.values<std::uint32_t>()) total += c;
    for (std::size_t row = 0; row < counts.rows(); row += std::max<std::size_t>(1, counts.rows() / 7)) {
      const std::size_t col = (row * 31) % counts.cols();
      if (counts.at<std::uint32_t>(row, col) != count_by_hand(series, row, col, std::stod(threshold))) {
        std::cerr << "count_above: pixel (" << row << ", " << col << ") disagrees with the loop\n";
        return 1;
      }
    }
    std::cout << "count_above:" << threshold << " over " << series.size() << " frames: " << total
              << " values above, checked against a loop\n";
  } catch (const ims::Error& e) {
    std::cerr << "count_above: " << e.what() << "\n";
    return ims::exit_code_for(e.kind());
  }
  return 0;
}
