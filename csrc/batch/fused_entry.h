// Host entry point of torchrng::batch_resized_crop, shared by the CPU and CUDA backends: checks the
// arguments (errors name the argument and its value), builds FusedArgs and hands them to
//
//   Backend::run<InT, OutT>(args, images, out)
//
// which evaluates csrc/batch/fused.h for every output pixel.
#pragma once

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <c10/core/ScalarType.h>
#include <c10/util/Exception.h>

#include <optional>

#include "fused.h"

namespace torchrng {
namespace batch {

inline int domain_of(at::ScalarType t) {
  switch (t) {
    case at::kByte: return kU8;
    case at::kFloat: return kF32;
    case at::kHalf: return kF16;
    case at::kBFloat16: return kBF16;
    default: return -1;
  }
}

inline int out_type_of(at::ScalarType t) {
  switch (t) {
    case at::kByte: return kOutU8;
    case at::kFloat: return kOutF32;
    case at::kHalf: return kOutF16;
    case at::kBFloat16: return kOutBF16;
    default: return -1;
  }
}

template <class F>
void dispatch_in_out(at::ScalarType in, at::ScalarType out, F&& f) {
  auto with_out = [&](auto in_tag) {
    using I = decltype(in_tag);
    switch (out) {
      case at::kByte: f(I{}, uint8_t{}); break;
      case at::kFloat: f(I{}, float{}); break;
      case at::kHalf: f(I{}, c10::Half{}); break;
      default: f(I{}, c10::BFloat16{}); break;
    }
  };
  switch (in) {
    case at::kByte: with_out(uint8_t{}); break;
    case at::kFloat: with_out(float{}); break;
    case at::kHalf: with_out(c10::Half{}); break;
    default: with_out(c10::BFloat16{}); break;
  }
}

inline void check_index_tensor(const at::Tensor& t, const at::Tensor& images, const char* name, int64_t rows,
                               int64_t cols) {
  constexpr const char* op = "torchrng.batch_resized_crop";
  TORCH_CHECK(t.scalar_type() == at::kLong, op, ": ", name, " must be int64, got ", t.scalar_type());
  if (cols > 0) {
    TORCH_CHECK(t.dim() == 2 && t.size(0) == rows && t.size(1) == cols, op, ": ", name, " must have shape (", rows,
                ", ", cols, "), got ", t.sizes());
  } else {
    TORCH_CHECK(t.dim() == 1 && t.size(0) == rows, op, ": ", name, " must have shape (", rows, ",), got ", t.sizes());
  }
  TORCH_CHECK(t.device() == images.device(), op, ": ", name, " must be on ", images.device(), ", got ", t.device());
}

template <class Backend>
at::Tensor resized_crop(const at::Tensor& images_in, const at::Tensor& crops_in, c10::IntArrayRef size,
                        int64_t interpolation, bool antialias, const std::optional<at::Tensor>& flip_in,
                        const std::optional<at::Tensor>& jitter_in, c10::ArrayRef<double> mean,
                        c10::ArrayRef<double> std, bool scale, std::optional<at::ScalarType> dtype,
                        const std::optional<at::Tensor>& offsets_in, const std::optional<at::Tensor>& sizes_in,
                        int64_t channels) {
  constexpr const char* op = "torchrng.batch_resized_crop";
  const at::ScalarType in_type = images_in.scalar_type();
  TORCH_CHECK(domain_of(in_type) >= 0, op, ": images must be uint8, float32, float16 or bfloat16, got ", in_type);
  const at::ScalarType out_t = dtype.value_or(in_type);
  TORCH_CHECK(out_type_of(out_t) >= 0, op, ": dtype must be uint8, float32, float16 or bfloat16, got ", out_t);
  TORCH_CHECK(size.size() == 2 && size[0] >= 1 && size[1] >= 1, op,
              ": size must be (height, width) with both >= 1, got ", size);
  TORCH_CHECK(interpolation >= 0 && interpolation <= 3, op,
              ": interpolation must be 0 (nearest), 1 (nearest-exact), 2 (bilinear) or 3 (bicubic), got ",
              interpolation);

  const bool packed = offsets_in.has_value();
  int64_t B, C, H = 0, W = 0;
  if (packed) {
    TORCH_CHECK(images_in.dim() == 1, op, ": with offsets, images must be the 1-D packed samples, got shape ",
                images_in.sizes());
    TORCH_CHECK(sizes_in.has_value(), op, ": offsets needs sizes (B, 2)");
    TORCH_CHECK(channels >= 1, op, ": with offsets, channels must be >= 1, got ", channels);
    B = offsets_in->size(0);
    C = channels;
    check_index_tensor(*offsets_in, images_in, "offsets", B, 0);
    check_index_tensor(*sizes_in, images_in, "sizes", B, 2);
  } else {
    TORCH_CHECK(!sizes_in.has_value(), op, ": sizes is only used with offsets (packed samples)");
    TORCH_CHECK(images_in.dim() == 4, op, ": images must be a (B, C, H, W) tensor, got shape ", images_in.sizes());
    B = images_in.size(0);
    C = images_in.size(1);
    H = images_in.size(2);
    W = images_in.size(3);
    TORCH_CHECK(C >= 1 && (B == 0 || (H >= 1 && W >= 1)), op, ": images must have C, H, W >= 1, got shape ",
                images_in.sizes());
  }
  check_index_tensor(crops_in, images_in, "crops", B, 4);

  const bool normalize = !mean.empty() || !std.empty();
  if (normalize) {
    TORCH_CHECK(mean.size() == std.size(), op, ": mean and std must have the same length, got ", mean.size(), " and ",
                std.size());
    TORCH_CHECK(mean.size() == 1 || static_cast<int64_t>(mean.size()) == C, op,
                ": mean and std must hold 1 or C = ", C, " values, got ", mean.size());
    TORCH_CHECK(C <= kMaxChannels, op, ": Normalize supports up to ", kMaxChannels, " channels, got ", C);
    TORCH_CHECK(out_t != at::kByte, op, ": Normalize needs a floating output dtype, got ", out_t);
    for (double s : std) TORCH_CHECK(s != 0.0, op, ": std evaluated to zero, leading to division by zero.");
  }
  if (flip_in.has_value()) {
    const at::Tensor& f = *flip_in;
    TORCH_CHECK(f.scalar_type() == at::kBool && f.dim() == 1 && f.size(0) == B, op, ": flip must be a (", B,
                ",) bool tensor, got ", f.scalar_type(), " ", f.sizes());
    TORCH_CHECK(f.device() == images_in.device(), op, ": flip must be on ", images_in.device());
  }
  if (jitter_in.has_value()) {
    const at::Tensor& j = *jitter_in;
    TORCH_CHECK(j.scalar_type() == at::kDouble && j.dim() == 2 && j.size(0) == B && j.size(1) == kJitterColumns, op,
                ": jitter must be a (", B, ", 8) float64 tensor [fn_idx x4, brightness, contrast, saturation, hue], got ",
                j.scalar_type(), " ", j.sizes());
    TORCH_CHECK(j.device() == images_in.device(), op, ": jitter must be on ", images_in.device());
    TORCH_CHECK(C == 1 || C == 3, op, ": ColorJitter needs 1 or 3 channels, got ", C);
  }

  at::Tensor out = at::empty({B, C, size[0], size[1]}, images_in.options().dtype(out_t));
  if (B == 0) return out;

  const at::Tensor images = images_in.contiguous();
  const at::Tensor crops = crops_in.contiguous();
  std::optional<at::Tensor> flip, jitter, offsets, sizes;
  if (flip_in.has_value()) flip = flip_in->contiguous();
  if (jitter_in.has_value()) jitter = jitter_in->contiguous();
  if (packed) {
    offsets = offsets_in->contiguous();
    sizes = sizes_in->contiguous();
  }

  FusedArgs a{};
  a.in = images.data_ptr();
  a.out = out.data_ptr();
  a.batch = B;
  a.channels = C;
  a.out_h = size[0];
  a.out_w = size[1];
  a.height = H;
  a.width = W;
  a.offsets = packed ? offsets->data_ptr<int64_t>() : nullptr;
  a.sizes = packed ? sizes->data_ptr<int64_t>() : nullptr;
  a.crops = crops.data_ptr<int64_t>();
  a.flip = flip.has_value() ? flip->data_ptr<bool>() : nullptr;
  a.jitter = jitter.has_value() ? jitter->data_ptr<double>() : nullptr;
  a.row_sums = nullptr;
  a.means = nullptr;
  a.interp = static_cast<int>(interpolation);
  a.antialias = antialias;
  a.domain = domain_of(in_type);
  a.out_type = out_type_of(out_t);
  a.scale = scale;
  a.normalize = normalize;
  for (int64_t c = 0; c < kMaxChannels; ++c) {
    const size_t k = mean.size() == 1 ? 0 : static_cast<size_t>(c);
    const bool have = normalize && (mean.size() == 1 || c < C);
    a.mean[c] = have ? round_out(static_cast<float>(mean[k]), a.out_type) : 0.0f;
    a.std[c] = have ? round_out(static_cast<float>(std[k]), a.out_type) : 1.0f;
  }

  if (images.device().is_cpu()) {  // the host can read what the device kernels have to trust
    const int64_t* c = a.crops;
    const int64_t total = images.numel();
    for (int64_t b = 0; b < B; ++b) {
      int64_t h = H, w = W;
      if (packed) {
        h = a.sizes[2 * b];
        w = a.sizes[2 * b + 1];
        TORCH_CHECK(h >= 1 && w >= 1, op, ": sizes[", b, "] must be >= 1, got (", h, ", ", w, ")");
        TORCH_CHECK(a.offsets[b] >= 0 && a.offsets[b] + C * h * w <= total, op, ": offsets[", b, "] = ",
                    a.offsets[b], " with size (", C, ", ", h, ", ", w, ") runs past the ", total, " packed values");
      }
      const int64_t* r = c + 4 * b;
      TORCH_CHECK(r[0] >= 0 && r[1] >= 0 && r[2] >= 1 && r[3] >= 1 && r[0] + r[2] <= h && r[1] + r[3] <= w, op,
                  ": crops[", b, "] = (top ", r[0], ", left ", r[1], ", height ", r[2], ", width ", r[3],
                  ") does not fit the ", h, "x", w, " image");
    }
  }
  dispatch_in_out(in_type, out_t, [&](auto in_tag, auto out_tag) {
    Backend::template run<decltype(in_tag), decltype(out_tag)>(a, images, out);
  });
  return out;
}

}  // namespace batch
}  // namespace torchrng
