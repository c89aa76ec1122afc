#pragma once
// A YAML pipeline for `ims run CONFIG.yaml [--set KEY=VALUE]...`: a source,
// its frames and ops, statistics and/or a processed-series output, threads
// and memory. Loading checks the document's shape completely (unknown keys,
// wrong types) with errors naming the YAML path ("ops[2].flip: ...",
// "output.path: ..."); everything else (formats, ops, statistics, files) is
// validated by the same code as the command line, before any frame is read.
//
//   source: {path: run7.h5, format: hdf5, options: {path: imageseries},
//            frames: "0:1000"}             # or frame_list: [36, 0, 5]
//   ops:
//     - dark: {image: median, frames: "0:100"}
//     - flip: v
//     - rectangle: [[0, 512], [0, 256]]
//   stats: [max, mean, "percentile:90"]     # with output: the statistics file
//   output: {path: bg.npz}
//   write: {path: pre.h5, options: {gzip: 1}}   # the processed series
//   threads: 2
//   memory: 2G

#include <string>
#include <vector>

#include "ops/process/op_registry.hpp"

namespace ims::cli {

struct FileSpec {
  std::string path;
  std::string format;
  std::vector<std::string> options;  ///< KEY=VALUE
};

struct RunConfig {
  std::string file;  ///< the YAML file, for messages
  std::vector<std::string> paths;
  std::string format;
  std::vector<std::string> options;
  std::string frames, frame_list;
  std::vector<OpSpec> ops;
  std::vector<std::string> op_names;  ///< "ops[2].flip"
  std::vector<std::string> stats;
  std::string dtype;
  std::string method = "auto";
  std::string scratch;
  std::size_t nframes = 0;
  FileSpec output;  ///< statistics (path empty: none)
  FileSpec write;   ///< the processed series (path empty: none)
  unsigned threads = 0;
  std::string memory;
};

/// Reads `file`, applies `sets` ("ops[1].flip=h", "memory=1G",
/// "stats=[max, mean]": a YAML path, then a YAML value) and checks the
/// document. Usage ims::Errors name the file and the YAML path.
RunConfig load_run_config(const std::string& file, const std::vector<std::string>& sets);

}  // namespace ims::cli
