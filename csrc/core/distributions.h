// Normal, Gamma, Beta and Dirichlet variates with a fixed number of Philox blocks per variate.
//
// Each function reads its blocks through a SampleBlocks (stream_block of one sample) starting at a
// given block number, and always reads the same number of blocks whatever the outcome, so a
// variate is a pure function of (key, sample index, first block) and never shifts its neighbours.
#pragma once

#include "portable_math.h"
#include "stream.h"
#include "uniform.h"

namespace torchrng {
namespace core {

constexpr double kTwoPi = 6.283185307179586;

// Box-Muller on two words: returns the cosine branch in *z0 and the sine branch in *z1. u1 is in
// (0, 1] with 32 bits of resolution, so |z| < sqrt(-2 log 2^-32) = 6.66.
TORCHRNG_HD void box_muller_32(uint32_t w_radius, uint32_t w_angle, double* z0, double* z1) {
  const double u1 = 1.0 - u01_f64_from32(w_radius);
  const double r = pm_sqrt(-2.0 * pm_log(u1));
  double s, c;
  pm_sincos(kTwoPi * u01_f64_from32(w_angle), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}

// Box-Muller on a whole block with 53-bit uniforms: |z| < sqrt(-2 log 2^-53) = 8.57.
TORCHRNG_HD void box_muller_53(u32x4 block, double* z0, double* z1) {
  const double u1 = u01_open_low_f64(block.v[0], block.v[1]);
  const double r = pm_sqrt(-2.0 * pm_log(u1));
  double s, c;
  pm_sincos(kTwoPi * u01_f64(block.v[2], block.v[3]), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}

// Gamma(alpha, 1) by Marsaglia and Tsang (2000), returned as its logarithm so that tiny shapes do
// not underflow (a Gamma(0.01) variate is often below the smallest double).
//
// Budget: kGammaBlocks blocks. Blocks 0..3 hold two attempts each (a Box-Muller pair from words 0
// and 1, the acceptance uniforms in words 2 and 3); block 4, word 0, is the boost uniform used when
// alpha < 1 (Gamma(alpha) = Gamma(alpha + 1) * U^(1/alpha)). An attempt is accepted with
// probability above 0.95 for every alpha >= 1, so all 8 fail with probability below 1e-10; the
// fallback is then log(d), the variate at z = 0 (d = a - 1/3 is close to the mean a).
constexpr int kGammaBlocks = 5;

// What Marsaglia and Tsang's method derives from the shape, once per shape rather than per
// variate (a batch shares it): two logs, a square root and a division that each sample repeated.
struct GammaShape {
  double alpha;  // the shape asked for
  bool boost;    // alpha < 1: drawn as Gamma(alpha + 1) * U^(1/alpha)
  double d, c;   // d = a - 1/3 and c = 1 / sqrt(9 d), a the (boosted) shape
  double log_d;
};

TORCHRNG_HD GammaShape gamma_shape(double alpha) {
  const bool boost = alpha < 1.0;
  const double a = boost ? alpha + 1.0 : alpha;
  const double d = a - 1.0 / 3.0;
  return {alpha, boost, d, 1.0 / pm_sqrt(9.0 * d), pm_log(d)};
}

// `blocks` is any callable block source (a SampleBlocks, or a sampler's tile view of one).
template <class Blocks>
TORCHRNG_HD double log_gamma_variate(const Blocks& blocks, uint64_t first_block, const GammaShape& g) {
  double result = g.log_d;
  bool accepted = false;
  for (int b = 0; b < 4 && !accepted; ++b) {
    const u32x4 blk = blocks(first_block + b);
    double z[2];
    box_muller_32(blk.v[0], blk.v[1], &z[0], &z[1]);
    for (int k = 0; k < 2 && !accepted; ++k) {
      const double t = 1.0 + g.c * z[k];
      if (t <= 0.0) continue;
      const double v = t * t * t;
      const double log_u = pm_log(1.0 - u01_f64_from32(blk.v[2 + k]));
      const double log_v = pm_log(v);
      if (log_u < 0.5 * z[k] * z[k] + g.d - g.d * v + g.d * log_v) {
        result = g.log_d + log_v;
        accepted = true;
      }
    }
  }
  if (g.boost) {
    const u32x4 blk = blocks(first_block + 4);
    result = result + pm_log(1.0 - u01_f64_from32(blk.v[0])) / g.alpha;
  }
  return result;
}

template <class Blocks>
TORCHRNG_HD double log_gamma_variate(const Blocks& blocks, uint64_t first_block, double alpha) {
  return log_gamma_variate(blocks, first_block, gamma_shape(alpha));
}

// x / (x + y) from log x and log y, without overflow or 0/0. Equal logs give 1/2, which is also
// the answer when both are -inf (concentrations below about 1e-307, whose boost term log(U) / alpha
// overflows): their difference would be NaN.
TORCHRNG_HD double ratio_from_logs(double log_x, double log_y) {
  if (log_x == log_y) return 0.5;
  if (log_x > log_y) return 1.0 / (1.0 + pm_exp(log_y - log_x));
  const double e = pm_exp(log_x - log_y);
  return e / (1.0 + e);
}

// Beta(a, b) = X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b): blocks [first, first + 2 * kGammaBlocks).
constexpr int kBetaBlocks = 2 * kGammaBlocks;

template <class Blocks>
TORCHRNG_HD double beta_variate(const Blocks& blocks, uint64_t first_block, const GammaShape& a, const GammaShape& b) {
  const double log_x = log_gamma_variate(blocks, first_block, a);
  const double log_y = log_gamma_variate(blocks, first_block + kGammaBlocks, b);
  return ratio_from_logs(log_x, log_y);
}

template <class Blocks>
TORCHRNG_HD double beta_variate(const Blocks& blocks, uint64_t first_block, double a, double b) {
  return beta_variate(blocks, first_block, gamma_shape(a), gamma_shape(b));
}

}  // namespace core
}  // namespace torchrng
