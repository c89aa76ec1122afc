#include "core/frame_list_series.hpp"

#include <cstring>

#include "ims/error.hpp"
#include "core/strings.hpp"

namespace ims {

namespace {

/// `omega` rows of the listed frames, when omega has one row per source frame.
void subset_omega(Metadata& metadata, const std::vector<std::size_t>& indices, std::size_t source_frames) {
  const MetaValue* omega = metadata.find("omega");
  if (!omega || !omega->is<NdArray>()) return;
  const NdArray& all = omega->as<NdArray>();
  if (all.shape.empty() || all.shape[0] != source_frames) return;
  const std::size_t row_bytes = all.data.size() / source_frames;
  NdArray picked = all;
  picked.shape[0] = indices.size();
  picked.data.resize(indices.size() * row_bytes);
  for (std::size_t k = 0; k < indices.size(); ++k) {
    std::memcpy(picked.data.data() + k * row_bytes, all.data.data() + indices[k] * row_bytes, row_bytes);
  }
  metadata.set("omega", std::move(picked));
}

std::string list_text(const std::vector<std::size_t>& indices) {
  std::string text;
  for (std::size_t k = 0; k < indices.size() && k < 8; ++k) {
    if (k) text += ',';
    text += std::to_string(indices[k]);
  }
  if (indices.size() > 8) text += ",... (" + std::to_string(indices.size()) + " frames)";
  return text;
}

}  // namespace

FrameListSeries::FrameListSeries(std::shared_ptr<const ImageSeries> source, std::vector<std::size_t> indices)
    : source_(std::move(source)), indices_(std::move(indices)) {
  if (!source_) throw Error(ErrorKind::internal, "frame list over a null series");
  if (indices_.empty()) throw Error(ErrorKind::usage, "the frame list is empty").with_source(source_->describe());
  for (std::size_t i : indices_) {
    if (i >= source_->size()) {
      throw Error(ErrorKind::out_of_range, "frame list: frame " + std::to_string(i) +
                                               " is out of range (the series has " + std::to_string(source_->size()) +
                                               " frames)")
          .with_source(source_->describe());
    }
  }
  metadata_ = source_->metadata();
  subset_omega(metadata_, indices_, source_->size());
}

std::string FrameListSeries::describe() const { return source_->describe() + "[frames " + list_text(indices_) + "]"; }

std::size_t FrameListSeries::source_index(std::size_t index) const {
  check_frame_index(*this, index);
  return indices_[index];
}

void FrameListSeries::read_frame(std::size_t index, FrameView out) const {
  source_->read_frame(source_index(index), out);
}

void FrameListSeries::read_region(std::size_t index, Region region, FrameView out) const {
  source_->read_region(source_index(index), region, out);
}

const std::byte* FrameListSeries::frame_data(std::size_t index) const {
  return index < indices_.size() ? source_->frame_data(indices_[index]) : nullptr;
}

void FrameListSeries::prefetch(std::size_t first, std::size_t count) const {
  for (std::size_t k = first; k < first + count && k < indices_.size(); ++k) source_->prefetch(indices_[k], 1);
}

void FrameListSeries::release(std::size_t first, std::size_t count) const {
  for (std::size_t k = first; k < first + count && k < indices_.size(); ++k) source_->release(indices_[k], 1);
}

std::vector<std::size_t> parse_frame_list(std::string_view text, std::size_t length) {
  std::vector<std::size_t> out;
  for (const auto& item : split(text, ',')) {
    const std::string s = trim(item);
    long long v = 0;
    std::size_t used = 0;
    try {
      v = std::stoll(s, &used);
    } catch (...) {
      used = 0;
    }
    if (s.empty() || used != s.size()) {
      throw Error(ErrorKind::usage, "frame list '" + std::string(text) + "': '" + s + "' is not a frame index");
    }
    const long long n = static_cast<long long>(length);
    // A usage error, as a --frames slice that selects nothing: both are
    // values the user gave, checked before anything is read.
    if (v < -n || v >= n) {
      throw Error(ErrorKind::usage,
                  "frame list: frame " + s + " is out of range (the series has " + std::to_string(length) + " frames)");
    }
    out.push_back(static_cast<std::size_t>(v < 0 ? v + n : v));
  }
  return out;
}

}  // namespace ims
