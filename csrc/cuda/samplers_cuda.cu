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
