// More words for the SIMD kernels of simd_lanes.h, for the fused ones that make their own Philox
// blocks: a vector W of one block word for 2 * kLanes consecutive samples (the block made in
// registers, philox_rounds.h), float32 arithmetic on all of its lanes (WF), its two halves as the
// kLanes-wide F of simd_lanes.h, per-sample image sides, and the store of kLanes six-column rows
// from six column vectors.
// Fusing skips what a tile of stored blocks costs the kernels that read few words per sample: the
// blocks' transposes and stores, and gathering each word back out of them.
#pragma once

#include "philox_rounds.h"
#include "simd_lanes.h"

#if TORCHRNG_X86_SIMD

#define TORCHRNG_LANE inline __attribute__((always_inline))

#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace torchrng::cpu::lanes_avx512 {

using W = __m512i;  // one uint32 word for each of 2 * kLanes samples
using WF = __m512;  // float32, one per word lane

// Word k of block `plan` for the samples of index low word lo + i in lane i: w[k].
TORCHRNG_LANE void philox_words(const philox_simd::Plan& plan, uint32_t lo, W* w) {
  const W lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  philox_simd::avx512_rounds<1>(plan, lo, lanes, w, w + 1, w + 2, w + 3);
}
// core::u01_f32 of every word: (w >> 8) * 2^-24, exact.
TORCHRNG_LANE WF words_u01_f32(W w) {
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(w, 8)), _mm512_set1_ps(0x1p-24f));
}
TORCHRNG_LANE WF wfset(float x) { return _mm512_set1_ps(x); }
TORCHRNG_LANE WF wffma(WF a, WF b, WF c) { return _mm512_fmadd_ps(a, b, c); }  // rounded once
// Lanes [kLanes * H, kLanes * H + kLanes) of x.
template <int H>
TORCHRNG_LANE F half(WF x) {
  return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), H));
}

// The (height, width) pairs of kLanes samples, int64 in [1, 2^31), as exact doubles.
TORCHRNG_LANE void load_sides(const int64_t* sizes, V& height, V& width) {
  const I a = _mm512_loadu_si512(sizes), b = _mm512_loadu_si512(sizes + 8);
  const I even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
  height = _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(_mm512_permutex2var_epi64(a, even, b)));
  width = _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(_mm512_permutex2var_epi64(a, odd, b)));
}

// rows[6 * j + c] = column c lane j, for the kLanes samples j: unpacks pair the columns (0, 1),
// (2, 3), (4, 5) of each sample, permutes put each pair's four 128-bit chunks of samples 0-3 or
// 4-7 in order, and each 64-byte output vector takes its chunks from three of those.
TORCHRNG_LANE void store_rows6(double* rows, V c0, V c1, V c2, V c3, V c4, V c5) {
  // unpacklo(a, b) has the pairs of samples 0, 2, 4, 6 in its chunks; unpackhi of 1, 3, 5, 7.
  const I low = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), high = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  V p[3][2];  // p[q][g]: pair q (columns 2q, 2q + 1) of samples 4g .. 4g + 3
  const V cols[6] = {c0, c1, c2, c3, c4, c5};
  for (int q = 0; q < 3; ++q) {
    const V even = _mm512_unpacklo_pd(cols[2 * q], cols[2 * q + 1]);
    const V odd = _mm512_unpackhi_pd(cols[2 * q], cols[2 * q + 1]);
    p[q][0] = _mm512_permutex2var_pd(even, low, odd);
    p[q][1] = _mm512_permutex2var_pd(even, high, odd);
  }
  // The 12 chunks of samples 4g .. 4g + 3 in row order are (sample s, pair q) = p[q][g] chunk s:
  // out 0: p0.0 p1.0 p2.0 p0.1 | out 1: p1.1 p2.1 p0.2 p1.2 | out 2: p2.2 p0.3 p1.3 p2.3.
  // Index values: 0-7 pick from the first operand, 8-15 from the second (as 64-bit elements).
  const I a0 = _mm512_setr_epi64(0, 1, 8, 9, 0, 0, 2, 3);    // p0, p1 (chunk 2 from p2 below)
  const I b0 = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 6, 7);    // then p2 chunk 0 into chunk 2
  const I a1 = _mm512_setr_epi64(10, 11, 0, 0, 4, 5, 12, 13);  // p0, p1
  const I b1 = _mm512_setr_epi64(0, 1, 10, 11, 4, 5, 6, 7);  // p2 chunk 1 into chunk 1
  const I a2 = _mm512_setr_epi64(0, 0, 6, 7, 14, 15, 0, 0);   // p0, p1
  const I b2 = _mm512_setr_epi64(12, 13, 2, 3, 4, 5, 14, 15);  // p2 chunks 2, 3 into chunks 0, 3
  for (int g = 0; g < 2; ++g) {
    double* out = rows + 24 * g;
    _mm512_storeu_pd(out, _mm512_permutex2var_pd(_mm512_permutex2var_pd(p[0][g], a0, p[1][g]), b0, p[2][g]));
    _mm512_storeu_pd(out + 8, _mm512_permutex2var_pd(_mm512_permutex2var_pd(p[0][g], a1, p[1][g]), b1, p[2][g]));
    _mm512_storeu_pd(out + 16, _mm512_permutex2var_pd(_mm512_permutex2var_pd(p[0][g], a2, p[1][g]), b2, p[2][g]));
  }
}

}  // namespace torchrng::cpu::lanes_avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace torchrng::cpu::lanes_avx2 {

using W = __m256i;
using WF = __m256;

TORCHRNG_LANE void philox_words(const philox_simd::Plan& plan, uint32_t lo, W* w) {
  const W lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  philox_simd::avx2_rounds<1>(plan, lo, lanes, w, w + 1, w + 2, w + 3);
}
TORCHRNG_LANE WF words_u01_f32(W w) {
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8)), _mm256_set1_ps(0x1p-24f));
}
TORCHRNG_LANE WF wfset(float x) { return _mm256_set1_ps(x); }
TORCHRNG_LANE WF wffma(WF a, WF b, WF c) { return _mm256_fmadd_ps(a, b, c); }
template <int H>
TORCHRNG_LANE F half(WF x) {
  return _mm256_extractf128_ps(x, H);
}

// The (height, width) pairs of 4 samples, below 2^31: the low dwords of each half, then int32 -> double.
TORCHRNG_LANE void load_sides(const int64_t* sizes, V& height, V& width) {
  const __m256i order = _mm256_setr_epi32(0, 4, 2, 6, 0, 4, 2, 6);  // h0 h1 w0 w1 in the low half
  const __m256i a = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sizes)), order);
  const __m256i b = _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sizes + 4)), order);
  height = _mm256_cvtepi32_pd(_mm_unpacklo_epi64(_mm256_castsi256_si128(a), _mm256_castsi256_si128(b)));
  width = _mm256_cvtepi32_pd(_mm_unpackhi_epi64(_mm256_castsi256_si128(a), _mm256_castsi256_si128(b)));
}

// rows[6 * j + c] = column c lane j for the 4 samples j: the pairs (0, 1), (2, 3), (4, 5) of
// samples 0 and 2 (unpacklo) and 1 and 3 (unpackhi), then each 32-byte output takes two chunks.
TORCHRNG_LANE void store_rows6(double* rows, V c0, V c1, V c2, V c3, V c4, V c5) {
  const V a = _mm256_unpacklo_pd(c0, c1), b = _mm256_unpackhi_pd(c0, c1);
  const V c = _mm256_unpacklo_pd(c2, c3), d = _mm256_unpackhi_pd(c2, c3);
  const V e = _mm256_unpacklo_pd(c4, c5), g = _mm256_unpackhi_pd(c4, c5);
  _mm256_storeu_pd(rows, _mm256_permute2f128_pd(a, c, 0x20));
  _mm256_storeu_pd(rows + 4, _mm256_permute2f128_pd(e, b, 0x20));
  _mm256_storeu_pd(rows + 8, _mm256_permute2f128_pd(d, g, 0x20));
  _mm256_storeu_pd(rows + 12, _mm256_permute2f128_pd(a, c, 0x31));
  _mm256_storeu_pd(rows + 16, _mm256_permute2f128_pd(e, b, 0x31));
  _mm256_storeu_pd(rows + 20, _mm256_permute2f128_pd(d, g, 0x31));
}

}  // namespace torchrng::cpu::lanes_avx2
#pragma GCC pop_options

#undef TORCHRNG_LANE

#endif  // TORCHRNG_X86_SIMD
