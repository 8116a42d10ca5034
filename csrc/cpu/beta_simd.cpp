// SIMD Beta variates (see beta_simd.h): the kernel of beta_lanes.inc on the tile's blocks in
// AVX-512 or AVX2 lanes, then the scalar code for the few lanes it flags.
#include "beta_simd.h"

#include <cmath>

#include "simd_lanes.h"
#include "tile_layout.h"

namespace torchrng {
namespace cpu {

#define TORCHRNG_LANES_KERNEL "beta_lanes.inc"
#include "simd_lanes_kernel.h"

namespace {

bool finite_shape(const core::GammaShape& g) {
  return std::isfinite(g.alpha) && g.alpha > 0 && std::isfinite(g.d) && std::isfinite(g.c) && std::isfinite(g.log_d);
}

}  // namespace

bool beta_simd_with(Isa isa, const core::GammaShape& a, const core::GammaShape& b, const uint32_t* words,
                    int64_t count, double* lam) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kBetaMaxCount || !finite_shape(a) ||
      !finite_shape(b)) {
    return false;
  }
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  // The blocks the lanes read: each Gamma's first block and its boost block (whole vectors: a
  // partial last vector is read from a zero-padded copy).
  constexpr int kRead[4] = {0, 4, core::kGammaBlocks, core::kGammaBlocks + 4};
  alignas(64) uint32_t padded_blocks[4][4 * kBetaMaxCount];
  const uint32_t* block[4];
  for (int k = 0; k < 4; ++k) block[k] = padded_block(words, kRead[k], count, padded, padded_blocks[k]);
  alignas(64) double log_x[kBetaMaxCount], log_y[kBetaMaxCount], out[kBetaMaxCount];
  uint64_t redo_x = 0, redo_y = 0, slow = 0;
  for (int64_t j = 0; j < padded; j += lanes) {
    const int64_t w = 4 * j;
    if (isa == Isa::Avx512) {
      redo_x |= uint64_t{lanes_avx512::log_gamma_lanes(a, block[0] + w, block[1] + w, log_x + j)} << j;
      redo_y |= uint64_t{lanes_avx512::log_gamma_lanes(b, block[2] + w, block[3] + w, log_y + j)} << j;
    } else {
      redo_x |= uint64_t{lanes_avx2::log_gamma_lanes(a, block[0] + w, block[1] + w, log_x + j)} << j;
      redo_y |= uint64_t{lanes_avx2::log_gamma_lanes(b, block[2] + w, block[3] + w, log_y + j)} << j;
    }
  }
  const uint64_t all = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  for (uint64_t m = redo_x & all; m != 0; m &= m - 1) {
    const int64_t j = __builtin_ctzll(m);
    log_x[j] = core::log_gamma_variate(TileView{words, count, j}, 0, a);
  }
  for (uint64_t m = redo_y & all; m != 0; m &= m - 1) {
    const int64_t j = __builtin_ctzll(m);
    log_y[j] = core::log_gamma_variate(TileView{words, count, j}, core::kGammaBlocks, b);
  }
  for (int64_t j = 0; j < padded; j += lanes) {
    const unsigned flagged = isa == Isa::Avx512 ? lanes_avx512::ratio_lanes(log_x + j, log_y + j, out + j)
                                                : lanes_avx2::ratio_lanes(log_x + j, log_y + j, out + j);
    slow |= uint64_t{flagged} << j;
  }
  for (int64_t j = 0; j < count; ++j) lam[j] = out[j];
  for (uint64_t m = slow & all; m != 0; m &= m - 1) {
    const int64_t j = __builtin_ctzll(m);
    lam[j] = core::ratio_from_logs(log_x[j], log_y[j]);
  }
  return true;
#else
  (void)isa, (void)a, (void)b, (void)words, (void)count, (void)lam;
  return false;
#endif
}

bool beta_simd(const core::GammaShape& a, const core::GammaShape& b, const uint32_t* words, int64_t count,
               double* lam) {
  return beta_simd_with(philox_blocks_isa(), a, b, words, count, lam);
}

}  // namespace cpu
}  // namespace torchrng
