// Launch helpers shared by the CUDA kernels: grid sizing, the current stream, and the stream
// resolution that takes the key and block base from a CUDA torch.Generator inside the kernel
// (graph-safe: under CUDA-graph capture the seed and offset are read from device memory).
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <ATen/cuda/PhiloxUtils.cuh>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "../core/stream.h"

namespace torchrng {
namespace cuda {

constexpr int kThreads = 256;

inline int64_t grid_for(int64_t work) {
  int device = 0, sms = 0;
  C10_CUDA_CHECK(cudaGetDevice(&device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int64_t needed = (work + kThreads - 1) / kThreads;
  return std::max<int64_t>(1, std::min<int64_t>(needed, static_cast<int64_t>(sms) * 8));
}

// A stream as the kernel receives it: either fixed words, or a CUDA generator's Philox state.
struct DeviceStream {
  core::Stream stream;
  at::PhiloxCudaState philox;
  bool from_generator;
};

__device__ __forceinline__ core::Stream resolve(const DeviceStream& d) {
  core::Stream s = d.stream;
  if (d.from_generator) {
    const auto seed_offset = at::cuda::philox::unpack(d.philox);
    const uint64_t seed = std::get<0>(seed_offset);
    s.key = core::u32x2{{core::lo32(seed), core::hi32(seed)}};
    s.block_base = std::get<1>(seed_offset) / 4;  // PyTorch offsets count 32-bit words, 4 per block
  }
  return s;
}

// Reserves blocks_per_index blocks of a CUDA generator for this launch (PyTorch's own random
// kernels reserve their offsets the same way, under the generator's mutex).
inline DeviceStream make_device_stream(const at::Tensor& out, core::Stream s,
                                       const std::optional<at::Generator>& gen, uint64_t blocks_per_index) {
  DeviceStream d{s, at::PhiloxCudaState(), false};
  if (gen.has_value() && gen->defined()) {
    TORCH_CHECK(gen->device().type() == c10::DeviceType::CUDA,
                "torchrng: only a CUDA torch.Generator can be passed to a CUDA kernel, got one on ", gen->device());
    TORCH_CHECK(gen->device().index() == out.device().index(), "torchrng: the generator is on ", gen->device(),
                " but the output on ", out.device());
    auto* g = at::check_generator<at::CUDAGeneratorImpl>(*gen);
    std::lock_guard<std::mutex> lock(g->mutex_);
    d.philox = g->philox_cuda_state(4 * blocks_per_index);
    d.from_generator = true;
  }
  return d;
}

}  // namespace cuda
}  // namespace torchrng
