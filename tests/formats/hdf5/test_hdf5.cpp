// The hdf5 format: hexrd's files read bit-exactly, round trips through our
// writer for every dtype and filter set, region reads, options, and every
// kind of bad input with the message it must give.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "ims/error.hpp"
#include "engine/run.hpp"
#include "support/h5_make.hpp"
#include "formats/npy/npy.hpp"
#include "formats/registry.hpp"
#include "support/generate.hpp"
#include "support/paths.hpp"
#include "support/printers.hpp"

namespace ims {
namespace {

namespace fs = std::filesystem;

std::vector<std::byte> read_all(const ImageSeries& s) {
  std::vector<std::byte> out(s.size() * s.frame_bytes());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s.read_frame(i, FrameView(out.data() + i * s.frame_bytes(), s.frame_shape(), s.dtype()));
  }
  return out;
}

template <class T>
std::vector<std::byte> bytes_of(const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const std::byte*>(v.data());
  return {p, p + v.size() * sizeof(T)};
}

void convert(std::shared_ptr<const ImageSeries> source, const fs::path& out, const std::vector<std::string>& options) {
  Pipeline p;
  p.source = std::move(source);
  p.writers.push_back(create_writer(out.string(), "hdf5", options));
  run(p);
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no ims::Error";
  return Error(ErrorKind::internal, "");
}

/// Captures what `f` writes to stderr (HDF5 must print nothing).
std::string stderr_of(const std::function<void()>& f) {
  auto path = test::scratch_dir("stderr") / "err.txt";
  std::fflush(stderr);
  int saved = ::dup(2);
  std::FILE* sink = std::fopen(path.c_str(), "w");
  ::dup2(::fileno(sink), 2);
  try {
    f();
  } catch (...) {
  }
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(sink);
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// ---- hexrd's files ----

class HexrdFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::hexrd_fixtures();
    if (dir_.empty()) GTEST_SKIP() << "hexrd fixtures not found (../shared/fixtures/hexrd beside the checkout)";
  }
  std::vector<std::byte> source(const std::string& name) { return read_all(*open_npy((dir_ / name).string())); }
  fs::path dir_;
};

TEST_F(HexrdFiles, EveryLayoutReadsBitExactlyByBothDecoders) {
  struct Case {
    const char* file;
    const char* path;
    const char* src;
  };
  for (const Case& c : {Case{"h5_u16_default.h5", "imageseries", "src_u16.npy"},
                        Case{"h5_u16_chunk16_gzip4_noshuffle.h5", "imageseries", "src_u16.npy"},
                        Case{"h5_u16_gzip0.h5", "imageseries", "src_u16.npy"},
                        Case{"h5_u16_nestedpath.h5", "entry/data", "src_u16.npy"},
                        Case{"h5_u16_blosc_zstd5.h5", "imageseries", "src_u16.npy"},
                        Case{"h5_f32_default.h5", "imageseries", "src_f32.npy"}}) {
    for (const char* decoder : {"auto", "library"}) {
      SCOPED_TRACE(std::string(c.file) + " decoder=" + decoder);
      auto s = open_series((dir_ / c.file).string(), "", {std::string("path=") + c.path, std::string("decoder=") + decoder});
      EXPECT_EQ(s->size(), 20u);
      EXPECT_EQ(s->frame_shape(), (FrameShape{64, 48}));
      EXPECT_EQ(read_all(*s), source(c.src));
    }
  }
}

TEST_F(HexrdFiles, MetadataIsTheGroupsAttributes) {
  auto s = open_series((dir_ / "h5_u16_default.h5").string(), "hdf5", {"path=imageseries"});
  const Metadata& m = s->metadata();
  EXPECT_EQ(m.keys(), (std::vector<std::string>{"exposure", "omega", "panel"}));
  EXPECT_DOUBLE_EQ(m.at("exposure").as<double>(), 0.25);
  EXPECT_EQ(m.at("panel").as<std::string>(), "ff1");
  const auto& omega = m.at("omega").as<NdArray>();
  EXPECT_EQ(omega.shape, (std::vector<std::size_t>{20, 2}));
  auto want = read_all(*open_npy((dir_ / "omega_u16.npy").string()));  // 20x2 float64, read as one frame
  EXPECT_EQ(omega.data, want);
}

TEST_F(HexrdFiles, TwoDimensionalDatasetIsOneFrame) {
  auto s = open_series((dir_ / "h5_single_frame_2d.h5").string(), "", {"path=entry"});
  EXPECT_EQ(s->size(), 1u);
  auto src = source("src_u16.npy");
  auto frame = read_all(*s);
  EXPECT_EQ(frame, std::vector<std::byte>(src.begin(), src.begin() + static_cast<std::ptrdiff_t>(frame.size())));
  EXPECT_EQ(s->metadata().at("a").as<std::int64_t>(), 1);
}

// ---- our writer, read back ----

const std::vector<std::vector<std::string>> kFilterSets = {
    {},
    {"gzip=0"},
    {"gzip=0", "shuffle=false"},
    {"gzip=4", "shuffle=false", "chunk_rows=16"},
    {"gzip=9", "chunk_rows=5"},
    {"compression=blosc"},
    {"compression=blosc", "cname=zstd", "clevel=5"},
    {"compression=blosc", "cname=lz4hc", "shuffle=bit"},
    {"compression=blosc", "cname=blosclz", "shuffle=none", "chunk_rows=16"},
    {"compression=blosc", "cname=zlib", "clevel=1"},
};

template <class T>
void round_trip(const fs::path& dir) {
  const FrameShape shape{37, 21};  // 37 rows: partial edge chunks for chunk_rows 16 and 5
  auto stack = test::random_stack<T>(7, shape, 5);
  for (std::size_t k = 0; k < kFilterSets.size(); ++k) {
    auto file = dir / (std::string(dtype_name(dtype_of_v<T>)) + "-" + std::to_string(k) + ".h5");
    convert(test::as_series(stack, shape), file, kFilterSets[k]);
    for (const char* decoder : {"decoder=auto", "decoder=library"}) {
      auto back = open_series(file.string(), "", {"path=imageseries", decoder});
      ASSERT_EQ(back->dtype(), dtype_of_v<T>);
      ASSERT_EQ(back->size(), 7u);
      EXPECT_EQ(read_all(*back), bytes_of(stack.values)) << file << " " << decoder;
    }
  }
}

TEST(Hdf5, EveryDtypeAndFilterSetRoundTrips) {
  auto dir = test::scratch_dir("h5-roundtrip");
  for (DType d : kAllDTypes) visit_dtype(d, [&](auto tag) { round_trip<decltype(tag)>(dir); });
}

TEST(Hdf5, OutputIsTheSameBytesWhateverTheThreadsAndBudget) {
  auto dir = test::scratch_dir("h5-reproducible");
  const FrameShape shape{40, 30};
  auto stack = test::random_stack<std::uint16_t>(30, shape, 8);
  auto write = [&](const std::string& name, unsigned threads, std::uint64_t memory) {
    Pipeline p;
    p.source = test::as_series(stack, shape);
    p.writers.push_back(create_writer((dir / name).string(), "hdf5", {"chunk_rows=7"}));
    RunOptions o;
    o.threads = threads;
    o.memory = memory;
    run(p, o);
    std::ifstream in(dir / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string one = write("a.h5", 1, 0);
  EXPECT_EQ(write("b.h5", 2, 0), one);
  EXPECT_EQ(write("c.h5", 2, 3 * 40 * 30 * 2 * 3), one) << "tiny batches";
}

TEST(Hdf5, MetadataRoundTripsAsGroupAttributes) {
  auto dir = test::scratch_dir("h5-meta");
  Metadata meta;
  meta.set("omega", NdArray::from<double>({0, 1, 1, 2, 2, 3}, {3, 2}));
  meta.set("panel", "ff1");
  meta.set("exposure", 0.25);
  meta.set("frames_dark", std::int64_t{100});
  meta.set("flipped", true);
  meta.set("empty", std::string());
  meta.set("label", "ℵ unicode");
  Metadata scan;
  scan.set("id", std::int64_t{7});
  scan.set("mask", NdArray::from<std::uint8_t>({1, 0, 1, 1}, {2, 2}));
  meta.set("scan", scan);
  auto stack = test::random_stack<std::uint16_t>(3, {4, 4}, 1);
  convert(ArraySeries::from(stack.values, 3, {4, 4}, meta), dir / "m.h5", {});
  auto back = open_series((dir / "m.h5").string(), "", {"path=imageseries"});
  // Attributes come back in name order (as h5py lists them).
  Metadata sorted;
  for (const char* k : {"empty", "exposure", "flipped", "frames_dark", "label", "omega", "panel", "scan"}) {
    sorted.set(k, meta.at(k));
  }
  EXPECT_EQ(back->metadata(), sorted);
}

TEST(Hdf5, RegionReadsEqualCropsOfFrames) {
  auto dir = test::scratch_dir("h5-region");
  const FrameShape shape{50, 40};
  auto stack = test::random_stack<std::int32_t>(3, shape, 2);
  convert(test::as_series(stack, shape), dir / "r.h5", {"chunk_rows=8"});
  for (const char* decoder : {"decoder=auto", "decoder=library"}) {
    auto s = open_series((dir / "r.h5").string(), "", {"path=imageseries", decoder});
    for (Region r : {Region{0, 50, 0, 40}, Region{3, 17, 5, 39}, Region{8, 16, 0, 40}, Region{49, 50, 39, 40}}) {
      FrameBuffer got(r.shape(), DType::int32), full(shape, DType::int32), want(r.shape(), DType::int32);
      s->read_region(2, r, got.view());
      s->read_frame(2, full.view());
      copy_region(full.view(), r, want.view());
      EXPECT_EQ(std::memcmp(got.data(), want.data(), got.bytes()), 0) << decoder << " rows " << r.row0 << ".." << r.row1;
    }
  }
}

TEST(Hdf5, BigEndianContiguousAndUnwrittenChunks) {
  auto dir = test::scratch_dir("h5-layouts");
  std::vector<std::uint16_t> values(2 * 6 * 5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(i * 997);
  test::make_h5((dir / "be.h5").string(), {.file_type = H5T_STD_U16BE, .dims = {2, 6, 5}, .chunk = {1, 6, 5},
                                           .shuffle = true, .deflate = 3, .data = values.data()});
  test::make_h5((dir / "contig.h5").string(), {.file_type = H5T_STD_U16BE, .dims = {2, 6, 5}, .data = values.data()});
  for (const char* f : {"be.h5", "contig.h5"}) {
    for (const char* decoder : {"decoder=auto", "decoder=library"}) {
      auto s = open_series((dir / f).string(), "", {"path=data", decoder});
      EXPECT_EQ(read_all(*s), bytes_of(values)) << f << " " << decoder;
    }
  }
  test::make_h5((dir / "unwritten.h5").string(), {.dims = {3, 4, 4}, .chunk = {1, 4, 4}, .deflate = 1});
  auto s = open_series((dir / "unwritten.h5").string(), "", {"path=data"});
  EXPECT_EQ(read_all(*s), std::vector<std::byte>(3 * 16 * 2, std::byte{0})) << "the fill value";
}

TEST(Hdf5, DatasetPathFrameSliceAndAutomaticChoice) {
  auto dir = test::scratch_dir("h5-options");
  const FrameShape shape{4, 3};
  auto stack = test::random_stack<std::uint16_t>(12, shape, 3);
  test::make_h5((dir / "nexus.h5").string(), {.path = "/entry/data/data", .dims = {12, 4, 3}, .chunk = {1, 4, 3},
                                              .deflate = 1, .data = stack.values.data()});
  auto by_path = open_series((dir / "nexus.h5").string(), "", {"dataset=/entry/data/data", "frames=2:11:3"});
  ASSERT_EQ(by_path->size(), 3u);
  auto frames = read_all(*by_path);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t f = 2 + 3 * i;
    EXPECT_EQ(std::memcmp(frames.data() + i * 24, stack.values.data() + f * 12, 24), 0) << "frame " << f;
  }
  auto chosen = open_series((dir / "nexus.h5").string());  // the only image dataset
  EXPECT_EQ(chosen->describe(), "hdf5:" + (dir / "nexus.h5").string() + ":/entry/data/data");
  auto two = open_series(std::vector<std::string>{(dir / "nexus.h5").string(), (dir / "nexus.h5").string()}, "",
                         {"dataset=/entry/data/data"});
  EXPECT_EQ(two->size(), 24u);
}

// ---- bad input ----

TEST(Hdf5, MissingFileGroupDatasetAndBadShapesAreNamed) {
  auto dir = test::scratch_dir("h5-bad");
  std::vector<std::int8_t> bytes(24, 1);
  test::make_h5((dir / "rank1.h5").string(), {.path = "/g/v", .dims = {24}, .data = nullptr});
  test::make_h5((dir / "rank4.h5").string(), {.path = "/g/images", .dims = {1, 2, 3, 4}});
  test::make_h5((dir / "int8.h5").string(), {.path = "/g/images", .file_type = H5T_STD_I8LE, .mem_type = H5T_NATIVE_INT8,
                                             .dims = {2, 3, 4}, .data = bytes.data()});
  std::ofstream(dir / "text.h5") << "not hdf5";
  struct Case {
    std::string file;
    std::vector<std::string> options;
    ErrorKind kind;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"missing.h5", {"path=g"}, ErrorKind::not_found, "no such file"},
           {"text.h5", {"path=g"}, ErrorKind::format, "not an HDF5 file"},
           {"rank4.h5", {"path=nope"}, ErrorKind::not_found, "no group 'nope'; the file holds"},
           {"rank4.h5", {"path=g", "dataname=img"}, ErrorKind::not_found, "no dataset /g/img"},
           {"rank4.h5", {"dataset=/g/images"}, ErrorKind::unsupported, "rank 4"},
           {"rank1.h5", {"dataset=/g/v"}, ErrorKind::unsupported, "rank 1"},
           {"int8.h5", {"path=g"}, ErrorKind::unsupported, "8-bit signed integer"},
           {"rank1.h5", {}, ErrorKind::usage, "which dataset?"},
       }) {
    SCOPED_TRACE(c.file);
    std::string printed = stderr_of([&] {
      Error e = error_of([&] { open_series((dir / c.file).string(), "hdf5", c.options); });
      EXPECT_EQ(e.kind(), c.kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.file), std::string::npos) << e.what();
    });
    EXPECT_EQ(printed, "") << "HDF5 printed its error stack";
  }
}

TEST(Hdf5, TruncatedFileAndCorruptChunkNameTheCause) {
  auto dir = test::scratch_dir("h5-corrupt");
  const FrameShape shape{64, 64};
  auto stack = test::random_stack<std::uint16_t>(6, shape, 4);
  for (auto& v : stack.values) v = static_cast<std::uint16_t>(v % 200);  // compressible
  convert(test::as_series(stack, shape), dir / "good.h5", {});
  fs::copy_file(dir / "good.h5", dir / "cut.h5");
  fs::resize_file(dir / "cut.h5", fs::file_size(dir / "good.h5") / 2);
  std::string printed = stderr_of([&] {
    Error e = error_of([&] { read_all(*open_series((dir / "cut.h5").string(), "", {"path=imageseries"})); });
    EXPECT_EQ(e.kind(), ErrorKind::format) << e.what();
    EXPECT_NE(std::string(e.what()).find("cut.h5"), std::string::npos) << e.what();
  });
  EXPECT_EQ(printed, "");

  fs::copy_file(dir / "good.h5", dir / "flipped.h5");
  auto where = test::locate_chunk((dir / "flipped.h5").string(), "/imageseries/images", {4, 0, 0});
  ASSERT_GT(where.size, 100u);
  {
    std::fstream f(dir / "flipped.h5", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(where.address + where.size / 2));
    f.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
  }
  auto s = open_series((dir / "flipped.h5").string(), "", {"path=imageseries"});
  FrameBuffer frame(shape, DType::uint16);
  EXPECT_NO_THROW(s->read_frame(3, frame.view()));
  Error e = error_of([&] { s->read_frame(4, frame.view()); });
  EXPECT_EQ(e.kind(), ErrorKind::format);
  EXPECT_EQ(e.frame(), 4u);
  EXPECT_EQ(e.dataset(), "/imageseries/images");
  EXPECT_NE(std::string(e.what()).find("inflate"), std::string::npos) << e.what();
  EXPECT_EQ(std::string(e.what()).rfind("hdf5: frame 4 of ", 0), 0u) << e.what();

  // HDF5's error printing is a per-thread switch: a reader used from a thread
  // that never opened a file (an engine worker) must stay silent too.
  auto library = open_series((dir / "flipped.h5").string(), "", {"path=imageseries", "decoder=library"});
  printed = stderr_of([&] {
    std::thread worker([&] {
      Error failed = error_of([&] { library->read_frame(4, frame.view()); });
      EXPECT_NE(std::string(failed.what()).find("inflate"), std::string::npos) << failed.what();
    });
    worker.join();
  });
  EXPECT_EQ(printed, "");
}

TEST(Hdf5, RegionReadsDecodeOnlyTheChunksTheyNeed) {
  auto dir = test::scratch_dir("h5-region-chunks");
  const FrameShape shape{32, 64};
  auto stack = test::random_stack<std::uint16_t>(2, shape, 6);
  for (auto& v : stack.values) v = static_cast<std::uint16_t>(v % 300);
  convert(test::as_series(stack, shape), dir / "r.h5", {"chunk_rows=8"});
  // Corrupt the chunk of rows 0..7 of frame 1: any read that decodes it fails.
  auto where = test::locate_chunk((dir / "r.h5").string(), "/imageseries/images", {1, 0, 0});
  {
    std::fstream f(dir / "r.h5", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(where.address + where.size / 2));
    f.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
  }
  auto s = open_series((dir / "r.h5").string(), "", {"path=imageseries"});
  FrameBuffer band(FrameShape{16, 64}, DType::uint16), frame(shape, DType::uint16);
  EXPECT_NO_THROW(s->read_region(1, Region{8, 24, 0, 64}, band.view())) << "rows 8..23 never touch rows 0..7";
  EXPECT_EQ(std::memcmp(band.data(), stack.values.data() + 32 * 64 + 8 * 64, band.bytes()), 0);
  EXPECT_THROW(s->read_frame(1, frame.view()), Error);
}

TEST(Hdf5, UnknownFilterGoesToTheLibraryWhichNamesIt) {
  auto dir = test::scratch_dir("h5-filter");
  // Without plugin loading, from creation on: the library would otherwise
  // dlopen every plugin installed on the machine looking for filter 32123
  // (when the dataset is created as well as when it is read), and some of
  // them leak at load (LeakSanitizer failed the sanitizer build on them).
  unsigned loading = 0;
  H5PLget_loading_state(&loading);
  H5PLset_loading_state(0);
  // A dataset whose chunks claim an unregistered filter (optional, so HDF5
  // lets us create it); the raw chunk is written as if filtered.
  std::string file = (dir / "odd.h5").string();
  hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  hsize_t dims[3] = {1, 4, 4}, chunk[3] = {1, 4, 4};
  H5Pset_chunk(dcpl, 3, chunk);
  H5Pset_filter(dcpl, 32123, H5Z_FLAG_OPTIONAL, 0, nullptr);
  hid_t space = H5Screate_simple(3, dims, nullptr);
  hid_t ds = H5Dcreate2(f, "images", H5T_NATIVE_UINT16, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  std::vector<std::uint16_t> raw(16, 7);
  hsize_t offset[3] = {0, 0, 0};
  H5Dwrite_chunk(ds, H5P_DEFAULT, 0, offset, raw.size() * 2, raw.data());
  H5Dclose(ds), H5Sclose(space), H5Pclose(dcpl), H5Fclose(f);
  auto s = open_series(file, "", {"path=/"});
  FrameBuffer frame({4, 4}, DType::uint16);
  Error e = error_of([&] { s->read_frame(0, frame.view()); });
  H5PLset_loading_state(loading);
  EXPECT_EQ(e.frame(), 0u);
  EXPECT_NE(std::string(e.what()).find("filter"), std::string::npos) << e.what();
}

TEST(Hdf5, BadWriteOptionsAreUsageErrors) {
  auto dir = test::scratch_dir("h5-badopts");
  for (std::vector<std::string> opts : {std::vector<std::string>{"gzip=10"}, {"shuffle=bit"}, {"cname=snappy2"},
                                        {"compression=blosc", "clevel=12"}, {"compresion=blosc"}}) {
    Error e = error_of([&] { create_writer((dir / "x.h5").string(), "hdf5", opts); });
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
  }
}

TEST(Hdf5, StatisticsFileHasOneDatasetPerStatisticAndTheAttributes) {
  auto dir = test::scratch_dir("h5-stats");
  FrameBuffer max({3, 2}, DType::uint16), mean({3, 2}, DType::float32);
  for (int i = 0; i < 6; ++i) max.as<std::uint16_t>()[i] = static_cast<std::uint16_t>(i), mean.as<float>()[i] = 0.5f * i;
  Metadata attrs;
  attrs.set("source", "npy:x.npy");
  attrs.set("frames", std::int64_t{20});
  write_images((dir / "s.h5").string(), "", {{"max", max.view()}, {"mean", mean.view()}}, attrs);
  auto m = open_series((dir / "s.h5").string(), "", {"dataset=/mean"});
  EXPECT_EQ(m->size(), 1u);
  EXPECT_EQ(m->dtype(), DType::float32);
  auto values = read_all(*m);
  EXPECT_EQ(std::memcmp(values.data(), mean.data(), mean.bytes()), 0);
  EXPECT_EQ(m->metadata().at("source").as<std::string>(), "npy:x.npy");
  EXPECT_EQ(m->metadata().at("frames").as<std::int64_t>(), 20);
}

}  // namespace
}  // namespace ims
