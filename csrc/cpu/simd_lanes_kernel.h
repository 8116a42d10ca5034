// Compiles the kernel file named by TORCHRNG_LANES_KERNEL (a *_lanes.inc written in the words of
// simd_lanes.h) once per ISA: into namespace lanes_avx512 under the avx512f (and fma) target and
// into lanes_avx2 under the avx2 (and fma) target. Include it inside namespace torchrng::cpu, once
// per kernel (deliberately without an include guard).
#if TORCHRNG_X86_SIMD
#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace lanes_avx512 {
#include TORCHRNG_LANES_KERNEL
}  // namespace lanes_avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace lanes_avx2 {
#include TORCHRNG_LANES_KERNEL
}  // namespace lanes_avx2
#pragma GCC pop_options
#endif
#undef TORCHRNG_LANES_KERNEL
