#include "formats/concat_series.hpp"

#include <algorithm>

#include "core/checked.hpp"
#include "ims/error.hpp"

namespace ims {

ConcatSeries::ConcatSeries(std::vector<std::unique_ptr<ImageSeries>> parts) : parts_(std::move(parts)) {
  if (parts_.empty()) throw Error(ErrorKind::internal, "no series to concatenate");
  starts_.push_back(0);
  for (const auto& p : parts_) {
    if (p->frame_info() != parts_.front()->frame_info()) {
      throw Error(ErrorKind::format, "frames are " + to_string(p->frame_shape()) + " " +
                                         std::string(dtype_name(p->dtype())) + ", the first file's are " +
                                         to_string(frame_shape()) + " " + std::string(dtype_name(dtype())))
          .with_source(p->describe());
    }
    check_series_bytes(saturating_add(starts_.back(), p->size()), frame_shape().rows, frame_shape().cols, dtype(), "",
                       p->describe());
    starts_.push_back(starts_.back() + p->size());
    concurrent_ = concurrent_ && p->concurrent_reads();
    // In place only if every part is: the engine decides once for the run.
    in_place_ = in_place_ && (p->size() == 0 || p->frame_data(0) != nullptr);
    const ReadCost cost = p->read_cost();
    cost_.cheap_regions = cost_.cheap_regions && cost.cheap_regions;
    cost_.per_byte = std::max(cost_.per_byte, cost.per_byte);
  }
}

std::vector<std::string> ConcatSeries::files() const {
  std::vector<std::string> all;
  for (const auto& part : parts_) {
    for (auto& file : part->files()) all.push_back(std::move(file));
  }
  return all;
}

std::string ConcatSeries::describe() const {
  return parts_.front()->describe() + " (+" + std::to_string(parts_.size() - 1) + " more files)";
}

std::pair<const ImageSeries*, std::size_t> ConcatSeries::locate(std::size_t index) const {
  check_frame_index(*this, index);
  auto part = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin()) - 1;
  return {parts_[part].get(), index - starts_[part]};
}

void ConcatSeries::read_frame(std::size_t index, FrameView out) const {
  auto [part, local] = locate(index);
  part->read_frame(local, out);
}

void ConcatSeries::read_region(std::size_t index, Region region, FrameView out) const {
  auto [part, local] = locate(index);
  part->read_region(local, region, out);
}

const std::byte* ConcatSeries::frame_data(std::size_t index) const {
  if (!in_place_ || index >= size()) return nullptr;
  auto [part, local] = locate(index);
  return part->frame_data(local);
}

template <class F>
void ConcatSeries::for_each_part_in(std::size_t first, std::size_t count, F&& f) const {
  const std::size_t end = std::min(size(), first + count);
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    const std::size_t b = std::max(first, starts_[k]), e = std::min(end, starts_[k + 1]);
    if (b < e) f(*parts_[k], b - starts_[k], e - b);
  }
}

void ConcatSeries::prefetch(std::size_t first, std::size_t count) const {
  for_each_part_in(first, count, [](const ImageSeries& p, std::size_t f, std::size_t n) { p.prefetch(f, n); });
}

void ConcatSeries::release(std::size_t first, std::size_t count) const {
  for_each_part_in(first, count, [](const ImageSeries& p, std::size_t f, std::size_t n) { p.release(f, n); });
}

}  // namespace ims
