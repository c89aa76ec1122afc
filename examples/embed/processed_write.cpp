// A processed copy of a series: the median of its first frames subtracted
// as a dark, the frames flipped, written as hexrd's blosc-compressed HDF5.
//
//   processed_write SERIES.h5 OUT.h5
#include <iostream>

#include <ims/ims.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: processed_write SERIES.h5 OUT.h5\n";
    return 2;
  }
  try {
    const ims::Series series = ims::open(argv[1], {{"path", "imageseries"}});
    const ims::Series processed = ims::process(series, {"dark=median;frames=0:10", "flip=v"});
    const ims::Report report = ims::write(processed, argv[2], {{"compression", "blosc"}}, "", {.threads = 2});
    std::cout << report.summary << "\n";
  } catch (const ims::Error& e) {
    std::cerr << "processed_write: " << e.what() << "\n";
    return ims::exit_code_for(e.kind());
  }
  return 0;
}
