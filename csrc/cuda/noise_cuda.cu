// CUDA backend of the per-element normal fields: one thread per group of four elements.
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>
#include <torch/library.h>

#include "../ops/noise_entry.h"
#include "launch.cuh"

namespace torchrng {
namespace {

template <typename T>
__global__ void normal_field_kernel(ops::FieldArgs a, int64_t groups, cuda::DeviceStream ds) {
  const core::Stream s = cuda::resolve(ds);
  const int64_t total = a.n * groups;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t i = k / groups;
    ops::field_group<T>(a, samplers::field_key(s, ops::field_index(a, i)), i, k % groups);
  }
}

struct CudaField {
  template <typename T>
  static void field(const at::Tensor& out, const ops::FieldArgs& a, core::Stream s,
                    const std::optional<at::Generator>& gen) {
    TORCH_CHECK(out.is_cuda(), "torchrng: a CUDA generator was given for an output on ", out.device());
    c10::cuda::CUDAGuard guard(out.device());
    const cuda::DeviceStream ds = cuda::make_device_stream(out, s, gen, 1);
    if (a.n == 0 || a.per_sample == 0) return;
    const int64_t groups = (a.per_sample + 3) / 4;
    normal_field_kernel<T><<<cuda::grid_for(a.n * groups), cuda::kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(
        a, groups, ds);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }
};

void normal_field_cuda(const at::Tensor& out, double mean, double std, const std::optional<at::Tensor>& indices,
                       c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  ops::normal_field<CudaField>(out, mean, std, indices, stream, gen);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CUDA, m) { m.impl("normal_field", &normal_field_cuda); }

}  // namespace torchrng
