// Turning Philox words into uniform floats, bounded integers and coin flips.
#pragma once

#include "philox.h"

namespace torchrng {
namespace core {

// float32 in [0, 1): the top 24 bits, each value k * 2^-24 exactly representable.
TORCHRNG_HD float u01_f32(uint32_t w) { return static_cast<float>(w >> 8) * 5.9604644775390625e-08f; }

// The scales of the float64 uniforms below: 2^-53 and 2^-32.
constexpr double kTwoM53 = 1.1102230246251565e-16;
constexpr double kTwoM32 = 2.3283064365386963e-10;

// The top 53 bits of the 64-bit word hi:lo, as an integer.
TORCHRNG_HD uint64_t top53(uint32_t lo, uint32_t hi) { return ((static_cast<uint64_t>(hi) << 32) | lo) >> 11; }

// float64 in [0, 1): the top 53 bits of the 64-bit word hi:lo.
TORCHRNG_HD double u01_f64(uint32_t lo, uint32_t hi) { return static_cast<double>(top53(lo, hi)) * kTwoM53; }

// float64 in (0, 1]: for logarithms, which must never see 0.
TORCHRNG_HD double u01_open_low_f64(uint32_t lo, uint32_t hi) { return 1.0 - u01_f64(lo, hi); }

// float64 in [0, 1) from a single word: every value k * 2^-32 is exact. Used where a parameter is
// a plain uniform with 32 bits of resolution (coin flips, p gates).
TORCHRNG_HD double u01_f64_from32(uint32_t w) { return static_cast<double>(w) * kTwoM32; }

// Bernoulli(p) from one word: true with probability exactly ceil(p * 2^32) / 2^32 for p in [0, 1],
// so p = 0 never fires and p = 1 always does.
TORCHRNG_HD bool bernoulli_from32(uint32_t w, double p) { return u01_f64_from32(w) < p; }

// 64 x 64 -> 128-bit product, exact on host and device.
TORCHRNG_HD uint64_t mulhilo64(uint64_t a, uint64_t b, uint64_t* hi) {
#if defined(TORCHRNG_ON_DEVICE)
  *hi = __umul64hi(a, b);
  return a * b;
#else
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  *hi = static_cast<uint64_t>(p >> 64);
  return static_cast<uint64_t>(p);
#endif
}

// Uniform integer in [0, s) for 1 <= s < 2^64 (s = 0 stands for 2^64: all 64 bits) from one whole Philox block: floor(X * s / 2^128)
// with X the block's 128 bits. This is Lemire's multiply-shift with 128 random bits in place of the
// rejection step, so the cost is fixed (the contract wants a fixed number of blocks per value):
// each result has probability floor or ceil of 2^128 / s over 2^128, a relative deviation from
// 1/s below s / 2^128 < 2^-64, far below anything a test or a training run can see.
TORCHRNG_HD uint64_t uniform_below(u32x4 block, uint64_t s) {
  const uint64_t x_lo = (static_cast<uint64_t>(block.v[1]) << 32) | block.v[0];
  const uint64_t x_hi = (static_cast<uint64_t>(block.v[3]) << 32) | block.v[2];
  if (s == 0) return x_hi;
  uint64_t a_hi, b_hi;
  const uint64_t a_lo = mulhilo64(x_hi, s, &a_hi);  // x_hi * s
  mulhilo64(x_lo, s, &b_hi);                        // top word of x_lo * s
  const uint64_t sum = a_lo + b_hi;
  return a_hi + (sum < a_lo ? 1u : 0u);
}

}  // namespace core
}  // namespace torchrng
