#include "core/region_series.hpp"

#include "ims/error.hpp"

namespace ims {

std::string to_string(Region region) {
  return "rows " + std::to_string(region.row0) + ":" + std::to_string(region.row1) + ", cols " +
         std::to_string(region.col0) + ":" + std::to_string(region.col1);
}

void check_region(const ImageSeries& series, Region region) {
  const FrameShape frame = series.frame_shape();
  std::string problem;
  if (region.row0 >= region.row1 || region.col0 >= region.col1) {
    problem = "is empty";
  } else if (region.row1 > frame.rows || region.col1 > frame.cols) {
    problem = "reaches past the " + to_string(frame) + " frames";
  } else {
    return;
  }
  throw Error(ErrorKind::out_of_range, "region " + to_string(region) + " " + problem).with_source(series.describe());
}

void check_region_view(const ImageSeries& series, Region region, const FrameView& out) {
  check_region(series, region);
  check_frame_view(series, out, region.shape());
}

namespace {
// Validates before the member initialisers use the source.
std::shared_ptr<const ImageSeries> checked(std::shared_ptr<const ImageSeries> source,
                                           Region region) {
  if (!source) throw Error(ErrorKind::internal, "region of a null series");
  check_region(*source, region);
  return source;
}
}  // namespace

RegionSeries::RegionSeries(std::shared_ptr<const ImageSeries> source, Region region)
    : source_(checked(std::move(source), region)), region_(region) {}

std::string RegionSeries::describe() const {
  return source_->describe() + "[" + to_string(region_) + "]";
}

void RegionSeries::read_frame(std::size_t index, FrameView out) const {
  check_frame_view(*this, out, region_.shape());
  source_->read_region(index, region_, out);
}

void RegionSeries::read_region(std::size_t index, Region region, FrameView out) const {
  check_region_view(*this, region, out);
  const Region in_source{region_.row0 + region.row0, region_.row0 + region.row1,
                         region_.col0 + region.col0, region_.col0 + region.col1};
  source_->read_region(index, in_source, out);
}

}  // namespace ims
