// core::uniform_below(block, s) = floor(X * s / 2^128), X the block's 128 bits (s = 0: the top 64
// bits), against a schoolbook product in 32-bit limbs, for random blocks and bounds including the
// extremes (1, 2, 2^32, 2^63, 2^64 - 1).
#include <cstdint>
#include <random>
#include <string>

#include "core/uniform.h"
#include "harness.h"

namespace {

using torchrng::core::u32x4;

// The top 64 bits of the 192-bit product X * s, with X = w[3]:w[2]:w[1]:w[0] in 32-bit words.
uint64_t reference(const u32x4& w, uint64_t s) {
  const uint64_t b[2] = {s & 0xFFFFFFFFu, s >> 32};
  uint64_t limbs[6] = {0, 0, 0, 0, 0, 0};  // the product in 32-bit limbs, least significant first
  for (int i = 0; i < 4; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < 2; ++j) {
      const uint64_t t = static_cast<uint64_t>(w.v[i]) * b[j] + limbs[i + j] + carry;  // < 2^64
      limbs[i + j] = t & 0xFFFFFFFFu;
      carry = t >> 32;
    }
    for (int k = i + 2; carry != 0 && k < 6; ++k) {
      const uint64_t t = limbs[k] + carry;
      limbs[k] = t & 0xFFFFFFFFu;
      carry = t >> 32;
    }
  }
  return (limbs[5] << 32) | limbs[4];  // bits 128..191
}

}  // namespace

TORCHRNG_TEST(uniform_below_is_the_top_of_the_product) {
  std::mt19937_64 rng(128);
  const uint64_t bounds[] = {1, 2, 3, 14, 31, 224, 1ull << 32, (1ull << 32) + 1, 1ull << 63, ~0ull, ~0ull - 1};
  const uint32_t words[] = {0u, 1u, 0x80000000u, 0xFFFFFFFFu};
  int bad = 0;
  for (int trial = 0; trial < 200000; ++trial) {
    u32x4 x;
    for (int k = 0; k < 4; ++k) x.v[k] = trial % 5 == 0 ? words[rng() % 4] : static_cast<uint32_t>(rng());
    const uint64_t s = trial % 3 == 0 ? bounds[rng() % 11] : (rng() >> (rng() % 64)) | 1u;
    const uint64_t got = torchrng::core::uniform_below(x, s);
    if (got != reference(x, s) || got >= s) {
      if (bad++ == 0) torchrng_test::fail(__FILE__, __LINE__, "s = " + std::to_string(s));
    }
  }
  CHECK_EQ(bad, 0);
  const u32x4 top{{1u, 2u, 3u, 4u}};
  CHECK_EQ(torchrng::core::uniform_below(top, 0), (uint64_t{4} << 32) | 3u);  // s = 0 stands for 2^64
}
