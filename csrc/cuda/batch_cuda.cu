// CUDA backend of torchrng::batch_resized_crop: one thread per output pixel (all channels), on the
// current stream, evaluating csrc/batch/fused.h in the CPU backend's order. With ColorJitter, two
// small kernels first compute each sample's contrast mean (per-row double sums of the grayscale
// pixel at the contrast step, then a per-sample sum in row order), so the input is read a second
// time only when contrast is configured. No host synchronisation; graph-capturable.
#include <ATen/ops/empty.h>
#include <torch/library.h>

#include "../batch/fused_entry.h"
#include "launch.cuh"

namespace torchrng {
namespace {

using batch::FusedArgs;
using batch::SampleGeom;

template <typename O>
__device__ __forceinline__ O to_out(float v) {
  if constexpr (std::is_same_v<O, uint8_t>) {
    return static_cast<uint8_t>(v);
  } else {
    return static_cast<O>(v);
  }
}

template <typename T>
__global__ void contrast_row_sums_kernel(FusedArgs a) {
  const int64_t total = a.batch * a.out_h;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int channels = static_cast<int>(a.channels);
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t b = k / a.out_h, oy = k % a.out_h;
    const batch::Jitter j = batch::load_jitter(a.jitter + batch::kJitterColumns * b);
    const int pos = batch::contrast_position(j);
    if (pos == 4) {
      a.row_sums[k] = 0.0;
      continue;
    }
    const SampleGeom g = batch::sample_geom(a, b);
    double row = 0.0;
    for (int64_t ox = 0; ox < a.out_w; ++ox) {
      const batch::PixelTaps t = batch::pixel_taps(a, g, b, oy, ox);
      float px[3];
      for (int c = 0; c < channels; ++c) px[c] = batch::resized_value<T>(a, g, t, c);
      batch::jitter_prefix(j, pos, 0.0f, px, channels, a.domain);
      row += static_cast<double>(batch::gray_of(px, channels, a.domain));
    }
    a.row_sums[k] = row;
  }
}

__global__ void contrast_means_kernel(FusedArgs a) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t b = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; b < a.batch; b += stride) {
    double total = 0.0;
    for (int64_t oy = 0; oy < a.out_h; ++oy) total += a.row_sums[b * a.out_h + oy];
    a.means[b] = static_cast<float>(total) / static_cast<float>(a.out_h * a.out_w);
  }
}

template <typename T, typename O>
__global__ void fused_kernel(FusedArgs a) {
  const int64_t plane = a.out_h * a.out_w;
  const int64_t total = a.batch * plane;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  O* out = static_cast<O*>(a.out);
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t b = k / plane, p = k % plane, oy = p / a.out_w, ox = p % a.out_w;
    const SampleGeom g = batch::sample_geom(a, b);
    const batch::PixelTaps t = batch::pixel_taps(a, g, b, oy, ox);
    O* dst = out + b * a.channels * plane + p;
    if (a.jitter != nullptr) {
      const int channels = static_cast<int>(a.channels);
      const batch::Jitter j = batch::load_jitter(a.jitter + batch::kJitterColumns * b);
      float px[3];
      for (int c = 0; c < channels; ++c) px[c] = batch::resized_value<T>(a, g, t, c);
      batch::jitter_prefix(j, 4, a.means[b], px, channels, a.domain);
      for (int c = 0; c < channels; ++c) {
        dst[c * plane] = to_out<O>(batch::finish_pixel(px[c], a.domain, a.out_type, a.scale, a.normalize, a.mean[c], a.std[c]));
      }
    } else {
      for (int64_t c = 0; c < a.channels; ++c) {
        const int64_t m = c < batch::kMaxChannels ? c : 0;
        const float v = batch::resized_value<T>(a, g, t, c);
        dst[c * plane] = to_out<O>(batch::finish_pixel(v, a.domain, a.out_type, a.scale, a.normalize, a.mean[m], a.std[m]));
      }
    }
  }
}

struct CudaFused {
  template <typename T, typename O>
  static void run(FusedArgs a, const at::Tensor& images, const at::Tensor& out) {
    c10::cuda::CUDAGuard guard(images.device());
    const auto stream = c10::cuda::getCurrentCUDAStream();
    at::Tensor row_sums, means;
    if (a.jitter != nullptr) {
      row_sums = at::empty({a.batch * a.out_h}, images.options().dtype(at::kDouble));
      means = at::empty({a.batch}, images.options().dtype(at::kFloat));
      a.row_sums = row_sums.data_ptr<double>();
      a.means = means.data_ptr<float>();
      contrast_row_sums_kernel<T><<<cuda::grid_for(a.batch * a.out_h), cuda::kThreads, 0, stream>>>(a);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
      contrast_means_kernel<<<cuda::grid_for(a.batch), cuda::kThreads, 0, stream>>>(a);
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    }
    const int64_t pixels = a.batch * a.out_h * a.out_w;
    fused_kernel<T, O><<<cuda::grid_for(pixels), cuda::kThreads, 0, stream>>>(a);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    (void)out;
  }
};

at::Tensor resized_crop_cuda(const at::Tensor& images, const at::Tensor& crops, c10::IntArrayRef size,
                             int64_t interpolation, bool antialias, const std::optional<at::Tensor>& flip,
                             const std::optional<at::Tensor>& jitter, c10::ArrayRef<double> mean,
                             c10::ArrayRef<double> std, bool scale, std::optional<at::ScalarType> dtype,
                             const std::optional<at::Tensor>& offsets, const std::optional<at::Tensor>& sizes,
                             int64_t channels) {
  c10::cuda::CUDAGuard guard(images.device());
  return batch::resized_crop<CudaFused>(images, crops, size, interpolation, antialias, flip, jitter, mean, std, scale,
                                        dtype, offsets, sizes, channels);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CUDA, m) { m.impl("batch_resized_crop", &resized_crop_cuda); }

}  // namespace torchrng
