// CUDA backend of the parameter samplers: one thread per sample, computing the blocks it reads.
#include <torch/library.h>

#include "../ops/sampler_entry.h"
#include "launch.cuh"

namespace torchrng {
namespace {

template <class S>
__global__ void rows_kernel(S sampler, ops::RowsArgs args, cuda::DeviceStream ds) {
  const core::Stream s = cuda::resolve(ds);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < args.n; i += stride) {
    ops::run_sample(sampler, core::SampleBlocks{s, ops::sample_index(args, i)}, args, i);
  }
}

struct CudaRows {
  template <class S>
  static void rows(const at::Tensor& out, const S& sampler, const ops::RowsArgs& args, core::Stream s,
                   int64_t blocks_per_sample, const std::optional<at::Generator>& gen) {
    TORCH_CHECK(out.is_cuda(), "torchrng: a CUDA generator was given for an output on ", out.device());
    c10::cuda::CUDAGuard guard(out.device());
    const cuda::DeviceStream ds = cuda::make_device_stream(out, s, gen, static_cast<uint64_t>(blocks_per_sample));
    if (args.n == 0) return;
    rows_kernel<<<cuda::grid_for(args.n), cuda::kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(sampler, args, ds);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }
};

void sample_rows_cuda(const at::Tensor& out, int64_t sampler, c10::ArrayRef<double> hyper, c10::IntArrayRef image_size,
                      const std::optional<at::Tensor>& sizes, const std::optional<at::Tensor>& indices,
                      c10::IntArrayRef stream, const std::optional<at::Generator>& gen,
                      const std::optional<at::Tensor>& boxes, const std::optional<at::Tensor>& box_counts) {
  ops::sample_rows<CudaRows>(out, sampler, hyper, image_size, sizes, indices, stream, gen, boxes, box_counts);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CUDA, m) { m.impl("sample_rows", &sample_rows_cuda); }

}  // namespace torchrng

// ---- elastic displacement field ------------------------------------------------------------------

#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>

#include "../ops/elastic_entry.h"

namespace torchrng {
namespace {

__global__ void elastic_noise_kernel(ops::ElasticArgs a, cuda::DeviceStream ds) {
  const core::Stream s = cuda::resolve(ds);
  const int64_t per_sample = 2 * a.height * a.width, total = a.n * per_sample;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t i = k / per_sample;
    const uint64_t index = a.indices ? static_cast<uint64_t>(a.indices[i]) : static_cast<uint64_t>(i);
    a.noise[k] = samplers::elastic_noise(samplers::elastic_sample_key(s, index), static_cast<uint64_t>(k % per_sample));
  }
}

__global__ void elastic_horizontal_kernel(ops::ElasticArgs a, samplers::ElasticPlan plan) {
  const int64_t total = a.n * 2 * a.height * a.width;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    ops::elastic_horizontal(a, plan, k);
  }
}

__global__ void elastic_vertical_kernel(ops::ElasticArgs a, samplers::ElasticPlan plan) {
  const int64_t total = a.n * 2 * a.height * a.width;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    ops::elastic_vertical(a, plan, k);
  }
}

struct CudaElastic {
  static void elastic(const at::Tensor& out, const samplers::ElasticPlan& plan, ops::ElasticArgs a, core::Stream s,
                      const std::optional<at::Generator>& gen) {
    c10::cuda::CUDAGuard guard(out.device());
    const cuda::DeviceStream ds = cuda::make_device_stream(out, s, gen, 1);
    if (a.n == 0) return;
    at::Tensor noise = at::empty({a.n, 2, a.height, a.width}, out.options());
    at::Tensor blurred = at::empty_like(noise);
    a.noise = noise.data_ptr<float>();
    a.blurred = blurred.data_ptr<float>();
    const int64_t total = noise.numel();
    const auto stream = c10::cuda::getCurrentCUDAStream();
    elastic_noise_kernel<<<cuda::grid_for(total), cuda::kThreads, 0, stream>>>(a, ds);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    elastic_horizontal_kernel<<<cuda::grid_for(total), cuda::kThreads, 0, stream>>>(a, plan);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
    elastic_vertical_kernel<<<cuda::grid_for(total), cuda::kThreads, 0, stream>>>(a, plan);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }
};

void elastic_cuda(const at::Tensor& out, c10::ArrayRef<double> hyper, const std::optional<at::Tensor>& indices,
                  c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  ops::elastic_field<CudaElastic>(out, hyper, indices, stream, gen);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CUDA, m) { m.impl("elastic_field", &elastic_cuda); }

}  // namespace torchrng
