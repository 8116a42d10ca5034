// Philox4x32-R (Salmon et al., SC11), exactly as Random123 defines it.
//
// Only 32-bit integer multiply, xor and add are used, so the block function gives the same bits on
// every host and device. Matches Random123's known-answer vectors for R = 7 and R = 10.
#pragma once

#include "config.h"

namespace torchrng {
namespace core {

struct u32x4 {
  uint32_t v[4];
};

struct u32x2 {
  uint32_t v[2];
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

TORCHRNG_HD uint32_t mulhilo32(uint32_t a, uint32_t b, uint32_t* hi) {
#if defined(TORCHRNG_ON_DEVICE)
  *hi = __umulhi(a, b);
  return a * b;
#else
  const uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
#endif
}

TORCHRNG_HD u32x4 philox_round(u32x4 c, u32x2 k) {
  uint32_t hi0, hi1;
  const uint32_t lo0 = mulhilo32(kPhiloxM0, c.v[0], &hi0);
  const uint32_t lo1 = mulhilo32(kPhiloxM1, c.v[2], &hi1);
  return u32x4{{hi1 ^ c.v[1] ^ k.v[0], lo1, hi0 ^ c.v[3] ^ k.v[1], lo0}};
}

// The block function. The key is bumped before every round but the first.
template <int Rounds = 10>
TORCHRNG_HD u32x4 philox4x32(u32x4 counter, u32x2 key) {
  static_assert(Rounds >= 1 && Rounds <= 16, "Philox4x32 is defined for 1..16 rounds");
  counter = philox_round(counter, key);
TORCHRNG_UNROLL
  for (int r = 1; r < Rounds; ++r) {
    key.v[0] += kPhiloxW0;
    key.v[1] += kPhiloxW1;
    counter = philox_round(counter, key);
  }
  return counter;
}

}  // namespace core
}  // namespace torchrng
