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

#define TORCHRNG_LANES_KERNEL "box_muller_lanes.inc"
#include "simd_lanes_kernel.h"

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
