#pragma once
// The loops of the element-wise ops (dark, add, clip, astype, scale, mask...):
// out[i] = f(in[i]) or f(a[i], b[i]). Each op passes a small lambda; these
// loops stay out of line with __restrict pointers, because inlined into a
// visit_dtype lambda GCC 12 loses the no-alias facts and does not vectorise.
// Inputs and outputs never overlap: the op chain gives every op its own
// output buffer.

#include <cstddef>
#include <span>
#include <string>

#include "ims/error.hpp"
#include "core/frame.hpp"
#include "ops/process/frame_op.hpp"

namespace ims {

template <class Out, class In, class F>
[[gnu::noinline]] void map_pixels(const In* __restrict in, Out* __restrict out, std::size_t n,
                                  F f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

template <class Out, class A, class B, class F>
[[gnu::noinline]] void map_pixels(const A* __restrict a, const B* __restrict b, Out* __restrict out,
                                  std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
}

// Four frames at once, for ops given the same rows of several frames
// (FrameOp::apply_rows_of): four input streams in flight, as the reducers
// read frames, and an image read once for the four.
template <class Out, class In, class F>
[[gnu::noinline]] void map_pixels4(const In* __restrict i0, const In* __restrict i1, const In* __restrict i2,
                                   const In* __restrict i3, Out* __restrict o0, Out* __restrict o1,
                                   Out* __restrict o2, Out* __restrict o3, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) {
    o0[i] = f(i0[i]);
    o1[i] = f(i1[i]);
    o2[i] = f(i2[i]);
    o3[i] = f(i3[i]);
  }
}

template <class Out, class A, class B, class F>
[[gnu::noinline]] void map_pixels4(const A* __restrict a0, const A* __restrict a1, const A* __restrict a2,
                                   const A* __restrict a3, const B* __restrict b, Out* __restrict o0,
                                   Out* __restrict o1, Out* __restrict o2, Out* __restrict o3, std::size_t n,
                                   F f) {
  for (std::size_t i = 0; i < n; ++i) {
    const B v = b[i];
    o0[i] = f(a0[i], v);
    o1[i] = f(a1[i], v);
    o2[i] = f(a2[i], v);
    o3[i] = f(a3[i], v);
  }
}

/// Guards the views an op's apply() gets against a plan that went wrong
/// (output_info and apply disagreeing): an internal error, not a crash.
template <class Out>
void check_output(const char* op, std::size_t in_pixels, FrameView out) {
  if (out.dtype() != dtype_of_v<Out> || out.pixels() != in_pixels) {
    throw Error(ErrorKind::internal, std::string(op) + ": output frame is " +
                                         to_string(out.shape()) + " " +
                                         std::string(dtype_name(out.dtype())) + ", expected " +
                                         std::to_string(in_pixels) + " pixels of " +
                                         std::string(dtype_name(dtype_of_v<Out>)));
  }
}

/// out = f(in) pixel by pixel, In and Out the views' C++ types.
template <class Out, class In, class F>
void map_frame(const char* op, ConstFrameView in, FrameView out, F f) {
  check_output<Out>(op, in.pixels(), out);
  map_pixels(in.as<In>(), out.as<Out>(), in.pixels(), f);
}

/// map_frame for the same rows of several frames (FrameOp::apply_rows_of).
template <class Out, class In, class F>
void map_frames(const char* op, std::span<const ConstFrameView> in, std::span<const FrameView> out, F f) {
  for (std::size_t k = 0; k < in.size(); ++k) check_output<Out>(op, in[k].pixels(), out[k]);
  if (in.size() == 4) {
    map_pixels4(in[0].as<In>(), in[1].as<In>(), in[2].as<In>(), in[3].as<In>(), out[0].as<Out>(),
                out[1].as<Out>(), out[2].as<Out>(), out[3].as<Out>(), in[0].pixels(), f);
    return;
  }
  for (std::size_t k = 0; k < in.size(); ++k) map_pixels(in[k].as<In>(), out[k].as<Out>(), in[k].pixels(), f);
}

/// Guards an op's image (or band of it) against a frame of another shape.
inline void check_image(const char* op, ConstFrameView image, ConstFrameView frame) {
  if (image.shape() != frame.shape()) {
    throw Error(ErrorKind::internal, std::string(op) + ": image is " + to_string(image.shape()) + ", frame is " +
                                         to_string(frame.shape()));
  }
}

/// Rows [row0, row0 + rows) of an image of a frame's shape, for ops
/// applied band by band (FrameOp::apply_rows).
inline ConstFrameView image_rows(const FrameBuffer& image, std::size_t row0, std::size_t rows) {
  const std::size_t row_bytes = image.shape().cols * dtype_size(image.dtype());
  return {image.data() + row0 * row_bytes, {rows, image.shape().cols}, image.dtype()};
}

/// out = f(in, image) pixel by pixel, for an image (or the band of it) of the frame's shape.
template <class Out, class In, class Img, class F>
void map_frame(const char* op, ConstFrameView in, ConstFrameView image, FrameView out, F f) {
  check_output<Out>(op, in.pixels(), out);
  check_image(op, image, in);
  map_pixels(in.as<In>(), image.as<Img>(), out.as<Out>(), in.pixels(), f);
}

/// map_frame with an image, for the same rows of several frames.
template <class Out, class In, class Img, class F>
void map_frames(const char* op, std::span<const ConstFrameView> in, ConstFrameView image,
                std::span<const FrameView> out, F f) {
  if (in.size() != 4) {
    for (std::size_t k = 0; k < in.size(); ++k) map_frame<Out, In, Img>(op, in[k], image, out[k], f);
    return;
  }
  for (std::size_t k = 0; k < in.size(); ++k) {
    check_output<Out>(op, in[k].pixels(), out[k]);
    check_image(op, image, in[k]);
  }
  map_pixels4(in[0].as<In>(), in[1].as<In>(), in[2].as<In>(), in[3].as<In>(), image.as<Img>(), out[0].as<Out>(),
              out[1].as<Out>(), out[2].as<Out>(), out[3].as<Out>(), in[0].pixels(), f);
}

/// Ops whose output pixel depends on the same pixel of the input (and of
/// an image of the frame's shape) alone: every row stays where it is, and
/// the op only implements apply_rows_of(), for the frames and rows given.
class PixelwiseOp : public FrameOp {
 public:
  void apply(ConstFrameView in, FrameView out) const final { apply_rows(in, out, 0); }
  std::optional<RowSource> row_source(const FrameInfo&) const final { return kSameRows; }
  void apply_rows(ConstFrameView in, FrameView out, std::size_t row0) const final {
    apply_rows_of({&in, 1}, {&out, 1}, row0);
  }
  void apply_rows_of(std::span<const ConstFrameView> in, std::span<const FrameView> out,
                     std::size_t row0) const override = 0;
};

}  // namespace ims
