// The ten Philox4x32 rounds on vectors of blocks (AVX2: 8 per vector, AVX-512: 16), for blocks that
// share the key, the block number and the high word of the sample index, so differ only in the
// index's low word. philox_blocks.cpp stores their words as blocks; the fused sampler kernels
// (affine_lanes.inc) use them where they are, one word of many samples per vector.
//
// Counter words 0 and 1 (the block number) and 3 (the index's high word) are scalars here, so
// rounds 1 and 2 need one vector multiply each instead of two, and the scalar parts of rounds 1-3
// are computed once, in the Plan. A 32x32->64 multiply of all lanes is two _mm*_mul_epu32 (even
// lanes, and odd lanes shifted down), recombined into lo and hi words. Every path gives exactly the
// bits of core::philox4x32<10>.
#pragma once

#include <cstdint>

#include "../core/philox.h"
#include "../core/stream.h"
#include "x86_intrinsics.h"

namespace torchrng {
namespace cpu {
namespace philox_simd {

constexpr int kRounds = 10;

// Scalar values shared by every SIMD group with the same (key, block, hi32(index)): the key
// schedule and the parts of rounds 1-3 that do not depend on the low index word.
struct Plan {
  uint32_t k0[kRounds];  // key word 0 for each round
  uint32_t k1[kRounds];  // key word 1 for each round
  uint32_t a;            // round 1: c0' = hi(M1 * c2) ^ a
  uint32_t x;            // round 2: c0'' = c1' ^ x
  uint32_t y;            // round 2: c2'' = hi(M0 * c0') ^ y
  uint32_t z;            // round 3: c0''' = hi(M1 * c2'') ^ z (c1'' is the scalar lo(M1 * s2))
};

inline Plan make_plan(core::u32x2 key, uint64_t block, uint32_t index_hi) {
  Plan p;
  for (int r = 0; r < kRounds; ++r) {
    p.k0[r] = key.v[0] + static_cast<uint32_t>(r) * core::kPhiloxW0;
    p.k1[r] = key.v[1] + static_cast<uint32_t>(r) * core::kPhiloxW1;
  }
  const uint32_t b0 = core::lo32(block), b1 = core::hi32(block);
  // Round 1 on counter [b0, b1, c2, h]:  c0' = hi1 ^ b1 ^ k0, c1' = lo1,
  //                                      c2' = hi(M0*b0) ^ h ^ k1, c3' = lo(M0*b0)  (c2', c3' scalar).
  uint32_t hi0;
  const uint32_t lo0 = core::mulhilo32(core::kPhiloxM0, b0, &hi0);
  p.a = b1 ^ p.k0[0];
  const uint32_t s2 = hi0 ^ index_hi ^ p.k1[0];
  const uint32_t s3 = lo0;
  // Round 2: c0'' = hi(M1*s2) ^ c1' ^ k0, c1'' = lo(M1*s2), c2'' = hi(M0*c0') ^ s3 ^ k1, c3'' = lo(M0*c0').
  uint32_t hi1;
  const uint32_t lo1 = core::mulhilo32(core::kPhiloxM1, s2, &hi1);
  p.x = hi1 ^ p.k0[1];
  p.y = s3 ^ p.k1[1];
  // Round 3: c0''' = hi(M1*c2'') ^ c1'' ^ k0.
  p.z = lo1 ^ p.k0[2];
  return p;
}

#if TORCHRNG_X86_SIMD

#define TORCHRNG_PHILOX_AVX2 __attribute__((target("avx2"), always_inline)) inline
#define TORCHRNG_PHILOX_AVX512 __attribute__((target("avx512f"), always_inline)) inline

// ---------------------------------------------------------------------------------------------
// AVX2: 8 blocks per vector.

TORCHRNG_PHILOX_AVX2 void mulhilo8(__m256i a, __m256i m, __m256i& lo, __m256i& hi) {
  const __m256i pe = _mm256_mul_epu32(a, m);                         // even lanes, 64-bit products
  const __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // odd lanes
  lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}

TORCHRNG_PHILOX_AVX2 __m256i bcast8(uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }

// V vectors of blocks: lane i of vector v is the block of index low word lo + 8 * v + lanes[i].
// Leaves word k of each block in c_k.
template <int V>
TORCHRNG_PHILOX_AVX2 void avx2_rounds(const Plan& p, uint32_t lo, __m256i lanes, __m256i* c0, __m256i* c1,
                                      __m256i* c2, __m256i* c3) {
  const __m256i m0 = bcast8(core::kPhiloxM0);
  const __m256i m1 = bcast8(core::kPhiloxM1);
  // Rounds 1 and 2: counter words 0, 1 and 3 are scalars (see make_plan), one multiply each.
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    const __m256i ctr = _mm256_add_epi32(bcast8(lo + 8u * static_cast<uint32_t>(v)), lanes);
    __m256i l1, h1, l0, h0;
    mulhilo8(ctr, m1, l1, h1);
    mulhilo8(_mm256_xor_si256(h1, bcast8(p.a)), m0, l0, h0);
    c0[v] = _mm256_xor_si256(l1, bcast8(p.x));
    c2[v] = _mm256_xor_si256(h0, bcast8(p.y));
    c3[v] = l0;
  }
  // Round 3: counter word 1 is the scalar folded into p.z.
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    __m256i l0, h0, l1, h1;
    mulhilo8(c0[v], m0, l0, h0);
    mulhilo8(c2[v], m1, l1, h1);
    c0[v] = _mm256_xor_si256(h1, bcast8(p.z));
    c1[v] = l1;
    c2[v] = _mm256_xor_si256(_mm256_xor_si256(h0, c3[v]), bcast8(p.k1[2]));
    c3[v] = l0;
  }
  // Rounds 4..10.
#pragma GCC unroll 8
  for (int r = 3; r < kRounds; ++r) {
    const __m256i k0 = bcast8(p.k0[r]);
    const __m256i k1 = bcast8(p.k1[r]);
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      __m256i l0, h0, l1, h1;
      mulhilo8(c0[v], m0, l0, h0);
      mulhilo8(c2[v], m1, l1, h1);
      c0[v] = _mm256_xor_si256(_mm256_xor_si256(h1, c1[v]), k0);
      c1[v] = l1;
      c2[v] = _mm256_xor_si256(_mm256_xor_si256(h0, c3[v]), k1);
      c3[v] = l0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// AVX-512 (F only): 16 blocks per vector.

TORCHRNG_PHILOX_AVX512 void mulhilo16(__m512i a, __m512i m, __m512i& lo, __m512i& hi) {
  const __m512i pe = _mm512_mul_epu32(a, m);
  const __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  // lo: even dwords of pe, with the even dwords of po moved up into the odd positions.
  lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, static_cast<_MM_PERM_ENUM>(0xA0));
  // hi: odd dwords of po, with the odd dwords of pe moved down into the even positions.
  hi = _mm512_mask_shuffle_epi32(po, 0x5555, pe, static_cast<_MM_PERM_ENUM>(0xF5));
}

TORCHRNG_PHILOX_AVX512 __m512i xor3(__m512i a, __m512i b, __m512i c) {
  return _mm512_ternarylogic_epi32(a, b, c, 0x96);
}

TORCHRNG_PHILOX_AVX512 __m512i bcast16(uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }

// V vectors of blocks: lane i of vector v is the block of index low word lo + 16 * v + lanes[i].
// Leaves word k of each block in c_k.
template <int V>
TORCHRNG_PHILOX_AVX512 void avx512_rounds(const Plan& p, uint32_t lo, __m512i lanes, __m512i* c0, __m512i* c1,
                                         __m512i* c2, __m512i* c3) {
  const __m512i m0 = bcast16(core::kPhiloxM0);
  const __m512i m1 = bcast16(core::kPhiloxM1);
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    const __m512i ctr = _mm512_add_epi32(bcast16(lo + 16u * static_cast<uint32_t>(v)), lanes);
    __m512i l1, h1, l0, h0;
    mulhilo16(ctr, m1, l1, h1);
    mulhilo16(_mm512_xor_si512(h1, bcast16(p.a)), m0, l0, h0);
    c0[v] = _mm512_xor_si512(l1, bcast16(p.x));
    c2[v] = _mm512_xor_si512(h0, bcast16(p.y));
    c3[v] = l0;
  }
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    __m512i l0, h0, l1, h1;
    mulhilo16(c0[v], m0, l0, h0);
    mulhilo16(c2[v], m1, l1, h1);
    c0[v] = _mm512_xor_si512(h1, bcast16(p.z));
    c1[v] = l1;
    c2[v] = xor3(h0, c3[v], bcast16(p.k1[2]));
    c3[v] = l0;
  }
#pragma GCC unroll 8
  for (int r = 3; r < kRounds; ++r) {
    const __m512i k0 = bcast16(p.k0[r]);
    const __m512i k1 = bcast16(p.k1[r]);
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      __m512i l0, h0, l1, h1;
      mulhilo16(c0[v], m0, l0, h0);
      mulhilo16(c2[v], m1, l1, h1);
      c0[v] = xor3(h1, c1[v], k0);
      c1[v] = l1;
      c2[v] = xor3(h0, c3[v], k1);
      c3[v] = l0;
    }
  }
}

#endif  // TORCHRNG_X86_SIMD

}  // namespace philox_simd
}  // namespace cpu
}  // namespace torchrng
