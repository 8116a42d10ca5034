// SIMD evaluation of core::box_muller_32 / box_muller_53 (see box_muller_simd.h): each pair's two
// uniforms gathered as the scalar code computes them, then the kernel of box_muller_lanes.inc in
// AVX-512 or AVX2 lanes.
#include "box_muller_simd.h"

#include "../core/distributions.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kChunkPairs = 64;  // pairs gathered per pass (a multiple of every ISA's lanes)

}  // namespace

#define TORCHRNG_LANES_KERNEL "box_muller_lanes.inc"
#include "simd_lanes_kernel.h"

namespace {

// z[2p], z[2p + 1] for the `pairs` pairs whose uniforms (radius, angle) uniforms(p, &u_r, &u_a) gives.
template <class Uniforms>
bool run_pairs(Isa isa, int64_t pairs, const Uniforms& uniforms, double* z) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || pairs <= 0) return false;
  alignas(64) double u_radius[kChunkPairs], u_angle[kChunkPairs], z_cos[kChunkPairs], z_sin[kChunkPairs];
  for (int64_t p0 = 0; p0 < pairs; p0 += kChunkPairs) {
    const int64_t m = pairs - p0 < kChunkPairs ? pairs - p0 : kChunkPairs;
    const int64_t padded = (m + lanes_avx512::kLanes - 1) / lanes_avx512::kLanes * lanes_avx512::kLanes;
    for (int64_t j = 0; j < padded; ++j) {
      u_radius[j] = u_angle[j] = 0.0;
      if (j < m) uniforms(p0 + j, &u_radius[j], &u_angle[j]);
    }
    if (isa == Isa::Avx512) {
      lanes_avx512::box_muller_lanes(u_radius, u_angle, padded, z_cos, z_sin);
    } else {
      lanes_avx2::box_muller_lanes(u_radius, u_angle, padded, z_cos, z_sin);
    }
    for (int64_t j = 0; j < m; ++j) {
      z[2 * (p0 + j)] = z_cos[j];
      z[2 * (p0 + j) + 1] = z_sin[j];
    }
  }
  return true;
#else
  (void)isa, (void)pairs, (void)uniforms, (void)z;
  return false;
#endif
}

}  // namespace

bool box_muller_32_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
  return run_pairs(isa, 2 * blocks, [words](int64_t p, double* u_r, double* u_a) {
    *u_r = core::u01_f64_from32(words[2 * p]);
    *u_a = core::u01_f64_from32(words[2 * p + 1]);
  }, z);
}

bool box_muller_53_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
  return run_pairs(isa, blocks, [words](int64_t p, double* u_r, double* u_a) {
    const uint32_t* w = words + 4 * p;
    *u_r = core::u01_f64(w[0], w[1]);
    *u_a = core::u01_f64(w[2], w[3]);
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
