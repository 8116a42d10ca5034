// SIMD evaluation of core::box_muller_32 / box_muller_53 (see box_muller_simd.h): each pair's two
// uniforms gathered as the integers the scalar code scales (u01_f64_from32: w 2^-32, u01_f64:
// (hi:lo >> 11) 2^-53), then the kernel of box_muller_lanes.inc in AVX-512 or AVX2 lanes.
#include "box_muller_simd.h"

#include "../core/distributions.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kChunkPairs = 64;  // pairs per pass of box_muller_pairs

}  // namespace

#define TORCHRNG_LANES_KERNEL "box_muller_lanes.inc"
#include "simd_lanes_kernel.h"

namespace {

// The kernel on `isa`, or false where there is no SIMD path.
template <class Integers>
bool run_pairs(Isa isa, int64_t pairs, double scale, const Integers& integers, double* z) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || pairs <= 0) return false;
  if (isa == Isa::Avx512) {
    lanes_avx512::box_muller_pairs(pairs, scale, integers, z);
  } else {
    lanes_avx2::box_muller_pairs(pairs, scale, integers, z);
  }
  return true;
#else
  (void)isa, (void)pairs, (void)scale, (void)integers, (void)z;
  return false;
#endif
}

}  // namespace

bool box_muller_32_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
  return run_pairs(isa, 2 * blocks, core::kTwoM32, [words](int64_t p, double* k_r, double* k_a) {
    *k_r = static_cast<double>(words[2 * p]);
    *k_a = static_cast<double>(words[2 * p + 1]);
  }, z);
}

bool box_muller_53_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
  return run_pairs(isa, blocks, core::kTwoM53, [words](int64_t p, double* k_r, double* k_a) {
    const uint32_t* w = words + 4 * p;
    *k_r = static_cast<double>(core::top53(w[0], w[1]));
    *k_a = static_cast<double>(core::top53(w[2], w[3]));
  }, z);
}

bool box_muller_32_simd(const uint32_t* words, int64_t blocks, double* z) {
  return box_muller_32_simd_with(philox_blocks_isa(), words, blocks, z);
}

bool box_muller_53_simd(const uint32_t* words, int64_t blocks, double* z) {
  return box_muller_53_simd_with(philox_blocks_isa(), words, blocks, z);
}

}  // namespace cpu
}  // namespace torchrng
