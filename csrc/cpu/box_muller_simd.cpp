// SIMD evaluation of core::box_muller_32 (see box_muller_simd.h): the kernel of
// box_muller_lanes.inc in AVX-512 or AVX2 lanes.
#include "box_muller_simd.h"

#include "../core/distributions.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr double kTwoM32 = 2.3283064365386963e-10;  // core::u01_f64_from32's scale, 2^-32
constexpr int64_t kChunkPairs = 64;                 // pairs gathered per pass (a multiple of 8)

}  // namespace

#if TORCHRNG_X86_SIMD
#pragma GCC push_options
#pragma GCC target("avx512f")
namespace lanes_avx512 {
#include "box_muller_lanes.inc"
}  // namespace lanes_avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2")
namespace lanes_avx2 {
#include "box_muller_lanes.inc"
}  // namespace lanes_avx2
#pragma GCC pop_options
#endif

bool box_muller_32_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || blocks <= 0) return false;
  if (isa == Isa::Avx512) {
    lanes_avx512::box_muller_lanes(words, 2 * blocks, z);
  } else {
    lanes_avx2::box_muller_lanes(words, 2 * blocks, z);
  }
  return true;
#else
  (void)isa, (void)words, (void)blocks, (void)z;
  return false;
#endif
}

bool box_muller_32_simd(const uint32_t* words, int64_t blocks, double* z) {
  return box_muller_32_simd_with(philox_blocks_isa(), words, blocks, z);
}

}  // namespace cpu
}  // namespace torchrng
