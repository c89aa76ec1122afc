// A background of an HDF5 series: the per-pixel median and max of some of
// its frames, written to one .npz (or .h5) file, with a progress line.
//
//   background SERIES.h5 OUT.npz [FRAMES]     e.g. FRAMES = 0:100
#include <iostream>

#include <ims/ims.hpp>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: background SERIES.h5 OUT.npz [FRAMES]\n";
    return 2;
  }
  try {
    const ims::Series series = ims::open(argv[1], {{"path", "imageseries"}});
    const ims::Series picked = ims::process(series, {}, ims::frames(argc == 4 ? argv[3] : ":"));
    const auto progress = [](const ims::Progress& p) {
      std::cerr << "\r" << p.what << ": " << p.frames_done << "/" << p.frames_total << " frames" << std::flush;
    };
    const ims::Results results = ims::stats(picked, {"median", "max"}, {.memory = "1G", .on_progress = progress});
    std::cerr << "\n";
    ims::write(results, argv[2]);
    const ims::Image& median = results["median"];
    std::cout << "median of " << results.report().frames << " frames: " << median.rows() << "x" << median.cols()
              << " " << ims::dtype_name(median.dtype()) << ", pixel (0, 0) = " << median.at<double>(0, 0) << "\n";
  } catch (const ims::Error& e) {
    std::cerr << "background: " << e.what() << "\n";
    return ims::exit_code_for(e.kind());
  }
  return 0;
}
