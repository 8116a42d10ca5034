// CUDA backend of the raw ops: one thread per Philox block (element-wise fills) or per sample
// index (row ops), running the same functors as the CPU backend.
#include <torch/library.h>

#include <vector>

#include "../ops/raw_ops_entry.h"
#include "launch.cuh"

namespace torchrng {
namespace {

using ops::OptGen;
using cuda::DeviceStream;

// Element i is lane i % P of sample index index_base + i / P: one thread per sample index.
template <typename T, class Fill>
__global__ void fill_kernel(T* data, int64_t numel, DeviceStream ds, Fill f) {
  constexpr int P = Fill::kValuesPerBlock;
  const core::Stream s = cuda::resolve(ds);
  const int64_t groups = (numel + P - 1) / P;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < groups; t += stride) {
    T values[P];
    f(core::stream_block(s, static_cast<uint64_t>(t), 0), values);
    const int64_t base = t * P;
#pragma unroll
    for (int l = 0; l < P; ++l) {
      if (base + l < numel) data[base + l] = values[l];
    }
  }
}

template <class Fn>
__global__ void per_index_kernel(int64_t count, DeviceStream ds, Fn fn) {
  const core::Stream s = cuda::resolve(ds);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    fn(core::SampleBlocks{s, static_cast<uint64_t>(i)}, i);
  }
}

__global__ void philox_kernel(const int64_t* counter, const int64_t* key, int64_t* out, int64_t count) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    core::u32x4 c;
    core::u32x2 k;
    for (int w = 0; w < 4; ++w) {
      CUDA_KERNEL_ASSERT(counter[4 * i + w] >= 0 && counter[4 * i + w] <= 0xFFFFFFFFLL);
      c.v[w] = static_cast<uint32_t>(counter[4 * i + w]);
    }
    for (int w = 0; w < 2; ++w) {
      CUDA_KERNEL_ASSERT(key[2 * i + w] >= 0 && key[2 * i + w] <= 0xFFFFFFFFLL);
      k.v[w] = static_cast<uint32_t>(key[2 * i + w]);
    }
    const core::u32x4 r = core::philox4x32<10>(c, k);
    for (int w = 0; w < 4; ++w) out[4 * i + w] = static_cast<int64_t>(r.v[w]);
  }
}

struct CudaBackend {
  template <typename T, class Fill>
  static void fill(const at::Tensor& out, T* data, int64_t numel, core::Stream s, const Fill& f, const OptGen& gen) {
    TORCH_CHECK(out.is_cuda(), "torchrng: a CUDA generator was given for an output on ", out.device());
    c10::cuda::CUDAGuard guard(out.device());
    const DeviceStream ds = cuda::make_device_stream(out, s, gen, 1);
    if (numel == 0) return;
    constexpr int P = Fill::kValuesPerBlock;
    const int64_t groups = (numel + P - 1) / P;
    fill_kernel<<<cuda::grid_for(groups), cuda::kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(data, numel, ds, f);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }

  template <class Fn>
  static void per_index(const at::Tensor& out, int64_t count, core::Stream s, int64_t blocks_per_index, const Fn& fn,
                        const OptGen& gen) {
    TORCH_CHECK(out.is_cuda(), "torchrng: a CUDA generator was given for an output on ", out.device());
    c10::cuda::CUDAGuard guard(out.device());
    const DeviceStream ds = cuda::make_device_stream(out, s, gen, static_cast<uint64_t>(blocks_per_index));
    if (count == 0) return;
    per_index_kernel<<<cuda::grid_for(count), cuda::kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(count, ds, fn);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }

  static void philox(const int64_t* counter, const int64_t* key, int64_t* out, int64_t count, const at::Tensor& like) {
    c10::cuda::CUDAGuard guard(like.device());
    if (count == 0) return;
    philox_kernel<<<cuda::grid_for(count), cuda::kThreads, 0, c10::cuda::getCurrentCUDAStream()>>>(counter, key, out,
                                                                                                    count);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  }
};

using Ops = ops::RawOps<CudaBackend>;

std::vector<int64_t> philox_reserve(const OptGen& gen, int64_t increment) {
  TORCH_CHECK(increment >= 0, "torchrng: increment must be >= 0, got ", increment);
  TORCH_CHECK(gen.has_value() && gen->defined(), "torchrng: _philox_reserve needs a CUDA generator");
  auto* g = at::check_generator<at::CUDAGeneratorImpl>(*gen);
  std::lock_guard<std::mutex> lock(g->mutex_);
  const at::PhiloxCudaState st = g->philox_cuda_state(static_cast<uint64_t>(increment));
  TORCH_CHECK(!st.captured_,
              "torchrng: a CUDA torch.Generator cannot fill a CPU tensor during CUDA-graph capture");
  return {static_cast<int64_t>(st.seed_.val), static_cast<int64_t>(st.offset_.val)};
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CUDA, m) {
  m.impl("philox4x32_10", &Ops::philox);
  m.impl("fill_uniform", &Ops::uniform);
  m.impl("fill_normal", &Ops::normal);
  m.impl("fill_bernoulli", &Ops::bernoulli);
  m.impl("fill_randint", &Ops::randint);
  m.impl("fill_randperm", &Ops::randperm);
  m.impl("fill_gamma", &Ops::gamma);
  m.impl("fill_beta", &Ops::beta);
  m.impl("fill_dirichlet", &Ops::dirichlet);
  m.impl("_philox_reserve", &philox_reserve);
}

}  // namespace torchrng
