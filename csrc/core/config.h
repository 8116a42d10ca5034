// Portability macros shared by every header-only core file.
//
// The core is compiled twice: by the host compiler for the CPU kernels and the C++ tests, and by
// nvcc for the CUDA kernels. Everything it computes must give the same bits on both sides, so it
// uses only integer arithmetic and IEEE basic operations (+, -, *, /, sqrt), evaluated in a fixed
// order. The build turns FMA contraction off on both sides (-ffp-contract=off, --fmad=false).
#pragma once

#include <cstdint>

#if defined(__CUDACC__) || defined(__HIPCC__)
#define TORCHRNG_HD __host__ __device__ __forceinline__
#define TORCHRNG_DEVICE_COMPILE 1
#else
#define TORCHRNG_HD inline
#endif

// Loop unrolling hint for the device compiler; host compilers unroll small fixed loops anyway.
#if defined(__CUDACC__)
#define TORCHRNG_UNROLL _Pragma("unroll")
#else
#define TORCHRNG_UNROLL
#endif

#if defined(__CUDA_ARCH__)
#define TORCHRNG_ON_DEVICE 1
#endif

namespace torchrng {
namespace core {

// Version of the stream layout: which Philox words feed which parameter. Golden-value tests pin
// it; any change to what a fixed (key, index) produces must bump it.
constexpr int kStreamVersion = 3;

}  // namespace core
}  // namespace torchrng
