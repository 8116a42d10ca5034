// The vocabulary the CPU's SIMD kernels are written in, once per instruction set: namespace
// lanes_avx512 (8 doubles, __mmask8 masks) and lanes_avx2 (4 doubles, all-ones lane masks). Each
// is compiled under `#pragma GCC target` for its ISA, so a kernel written once in these words and
// included in both namespaces (the *_lanes.inc files) becomes two kernels, chosen at run time.
//
// Every operation is one correctly rounded IEEE operation or an exact bit manipulation, so a kernel
// written in them computes what the scalar code it mirrors computes, lane by lane. F holds one
// float32 per double lane, for the float32 arithmetic of samplers::uniform_f32 (whose fused
// multiply-add is the one FMA here: both targets include fma, which cpu_has() requires, and
// -ffp-contract=off keeps the compiler from fusing anything else).
#pragma once

#include <cstdint>

#include "../core/uniform.h"
#include "x86_intrinsics.h"

#if TORCHRNG_X86_SIMD

#define TORCHRNG_LANE inline __attribute__((always_inline))

#pragma GCC push_options
#pragma GCC target("avx512f,fma")
namespace torchrng::cpu::lanes_avx512 {

constexpr int kLanes = 8;
using V = __m512d;  // doubles
using I = __m512i;  // int64 lanes
using M = __mmask8;

TORCHRNG_LANE V set(double x) { return _mm512_set1_pd(x); }
TORCHRNG_LANE V load(const double* p) { return _mm512_load_pd(p); }
TORCHRNG_LANE void store(double* p, V v) { _mm512_store_pd(p, v); }
TORCHRNG_LANE V add(V a, V b) { return _mm512_add_pd(a, b); }
TORCHRNG_LANE V sub(V a, V b) { return _mm512_sub_pd(a, b); }
TORCHRNG_LANE V mul(V a, V b) { return _mm512_mul_pd(a, b); }
TORCHRNG_LANE V div(V a, V b) { return _mm512_div_pd(a, b); }
TORCHRNG_LANE V sqrt(V a) { return _mm512_sqrt_pd(a); }
TORCHRNG_LANE I as_int(V a) { return _mm512_castpd_si512(a); }
TORCHRNG_LANE V as_double(I a) { return _mm512_castsi512_pd(a); }
TORCHRNG_LANE V neg(V a) { return as_double(_mm512_xor_si512(as_int(a), _mm512_set1_epi64(INT64_MIN))); }
TORCHRNG_LANE M lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
TORCHRNG_LANE M le(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
// Bit k set where lane k is true.
TORCHRNG_LANE unsigned lane_bits(M m) { return m; }
TORCHRNG_LANE V pick(M m, V if_false, V if_true) { return _mm512_mask_blend_pd(m, if_false, if_true); }
TORCHRNG_LANE M both(M a, M b) { return a & b; }
TORCHRNG_LANE M either(M a, M b) { return a | b; }
TORCHRNG_LANE M eq(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
// static_cast<double>(static_cast<float>(a)): rounded to float32 (nearest even) and back.
TORCHRNG_LANE V round_to_float32(V a) { return _mm512_cvtps_pd(_mm512_cvtpd_ps(a)); }

TORCHRNG_LANE I iset(int64_t x) { return _mm512_set1_epi64(x); }
TORCHRNG_LANE I iadd(I a, I b) { return _mm512_add_epi64(a, b); }
TORCHRNG_LANE I isub(I a, I b) { return _mm512_sub_epi64(a, b); }
TORCHRNG_LANE I iand(I a, I b) { return _mm512_and_si512(a, b); }
TORCHRNG_LANE I ior(I a, I b) { return _mm512_or_si512(a, b); }
template <int N>
TORCHRNG_LANE I shl(I a) { return _mm512_slli_epi64(a, N); }
template <int N>
TORCHRNG_LANE I shr(I a) { return _mm512_srli_epi64(a, N); }
TORCHRNG_LANE M igt(I a, I b) { return _mm512_cmp_epi64_mask(a, b, _MM_CMPINT_NLE); }  // signed a > b
TORCHRNG_LANE M ieq(I a, I b) { return _mm512_cmpeq_epi64_mask(a, b); }
// The low 32 bits of each lane as signed integers, times those of b: the exact int64 product.
TORCHRNG_LANE I mul_i32(I a, I b) { return _mm512_mul_epi32(a, b); }
TORCHRNG_LANE M has_bit(I a, int64_t bit) { return _mm512_test_epi64_mask(a, _mm512_set1_epi64(bit)); }
// Truncation toward zero of doubles below 2^31 in magnitude, and back.
TORCHRNG_LANE I trunc_small(V a) { return _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(a)); }
TORCHRNG_LANE V small_to_double(I a) { return _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(a)); }
// Word k of kLanes consecutive Philox blocks (4 words each, from rec), as eight uint32.
TORCHRNG_LANE __m256i block_word_u32(const uint32_t* rec, int k) {
  const __m512i a = _mm512_loadu_si512(rec), b = _mm512_loadu_si512(rec + 16);
  const __m512i idx = _mm512_add_epi32(_mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0),
                                       _mm512_set1_epi32(k));
  return _mm512_castsi512_si256(_mm512_permutex2var_epi32(a, idx, b));
}
// The same as exact doubles.
TORCHRNG_LANE V block_words(const uint32_t* rec, int k) { return _mm512_cvtepu32_pd(block_word_u32(rec, k)); }

// samplers::uniform_in on a word already converted to double: lo + (w * 2^-32) * width, width = hi - lo.
TORCHRNG_LANE V uniform_in(V word, V lo, V width) { return add(lo, mul(mul(word, set(core::kTwoM32)), width)); }

using F = __m256;  // float32, one per double lane
TORCHRNG_LANE F fset(float x) { return _mm256_set1_ps(x); }
TORCHRNG_LANE F fsub(F a, F b) { return _mm256_sub_ps(a, b); }
TORCHRNG_LANE F ffma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }  // a * b + c, rounded once
TORCHRNG_LANE F fneg(F a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
TORCHRNG_LANE F narrow(V a) { return _mm512_cvtpd_ps(a); }  // rounded to nearest even
TORCHRNG_LANE V widen(F a) { return _mm512_cvtps_pd(a); }  // exact
// core::u01_f32 of word k of kLanes consecutive Philox blocks: (w >> 8) * 2^-24, exact.
TORCHRNG_LANE F block_word_u01_f32(const uint32_t* rec, int k) {
  const __m256i w = block_word_u32(rec, k);
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(w, 8)), _mm256_set1_ps(0x1p-24f));
}

TORCHRNG_LANE I iload(const int64_t* p) { return _mm512_loadu_si512(p); }
TORCHRNG_LANE void istore(int64_t* p, I v) { _mm512_storeu_si512(p, v); }
// The low 32 bits of each lane times those of b, as the exact 64-bit product.
TORCHRNG_LANE I mul_u32(I a, I b) { return _mm512_mul_epu32(a, b); }
// Word k of kLanes consecutive Philox blocks, zero-extended to int64 lanes.
TORCHRNG_LANE I block_word_ints(const uint32_t* rec, int k) { return _mm512_cvtepu32_epi64(block_word_u32(rec, k)); }

}  // namespace torchrng::cpu::lanes_avx512
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace torchrng::cpu::lanes_avx2 {

constexpr int kLanes = 4;
using V = __m256d;
using I = __m256i;
using M = __m256d;  // all-ones lanes where true

TORCHRNG_LANE V set(double x) { return _mm256_set1_pd(x); }
TORCHRNG_LANE V load(const double* p) { return _mm256_load_pd(p); }
TORCHRNG_LANE void store(double* p, V v) { _mm256_store_pd(p, v); }
TORCHRNG_LANE V add(V a, V b) { return _mm256_add_pd(a, b); }
TORCHRNG_LANE V sub(V a, V b) { return _mm256_sub_pd(a, b); }
TORCHRNG_LANE V mul(V a, V b) { return _mm256_mul_pd(a, b); }
TORCHRNG_LANE V div(V a, V b) { return _mm256_div_pd(a, b); }
TORCHRNG_LANE V sqrt(V a) { return _mm256_sqrt_pd(a); }
TORCHRNG_LANE I as_int(V a) { return _mm256_castpd_si256(a); }
TORCHRNG_LANE V as_double(I a) { return _mm256_castsi256_pd(a); }
TORCHRNG_LANE V neg(V a) { return _mm256_xor_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MIN))); }
TORCHRNG_LANE M lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
TORCHRNG_LANE M le(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
TORCHRNG_LANE unsigned lane_bits(M m) { return static_cast<unsigned>(_mm256_movemask_pd(m)); }
TORCHRNG_LANE V pick(M m, V if_false, V if_true) { return _mm256_blendv_pd(if_false, if_true, m); }
TORCHRNG_LANE M both(M a, M b) { return _mm256_and_pd(a, b); }
TORCHRNG_LANE M either(M a, M b) { return _mm256_or_pd(a, b); }
TORCHRNG_LANE M eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
TORCHRNG_LANE V round_to_float32(V a) { return _mm256_cvtps_pd(_mm256_cvtpd_ps(a)); }

TORCHRNG_LANE I iset(int64_t x) { return _mm256_set1_epi64x(x); }
TORCHRNG_LANE I iadd(I a, I b) { return _mm256_add_epi64(a, b); }
TORCHRNG_LANE I isub(I a, I b) { return _mm256_sub_epi64(a, b); }
TORCHRNG_LANE I iand(I a, I b) { return _mm256_and_si256(a, b); }
TORCHRNG_LANE I ior(I a, I b) { return _mm256_or_si256(a, b); }
template <int N>
TORCHRNG_LANE I shl(I a) { return _mm256_slli_epi64(a, N); }
template <int N>
TORCHRNG_LANE I shr(I a) { return _mm256_srli_epi64(a, N); }
TORCHRNG_LANE M igt(I a, I b) { return _mm256_castsi256_pd(_mm256_cmpgt_epi64(a, b)); }
TORCHRNG_LANE M ieq(I a, I b) { return _mm256_castsi256_pd(_mm256_cmpeq_epi64(a, b)); }
TORCHRNG_LANE I mul_i32(I a, I b) { return _mm256_mul_epi32(a, b); }
TORCHRNG_LANE M has_bit(I a, int64_t bit) {
  const I b = _mm256_set1_epi64x(bit);
  return _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(a, b), b));
}
TORCHRNG_LANE I trunc_small(V a) { return _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(a)); }
TORCHRNG_LANE V small_to_double(I a) {  // the low dword of each lane, then int32 -> double
  const I low = _mm256_permutevar8x32_epi32(a, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
  return _mm256_cvtepi32_pd(_mm256_castsi256_si128(low));
}

// samplers::uniform_in on a word already converted to double: lo + (w * 2^-32) * width, width = hi - lo.
TORCHRNG_LANE V uniform_in(V word, V lo, V width) { return add(lo, mul(mul(word, set(core::kTwoM32)), width)); }

using F = __m128;  // float32, one per double lane
TORCHRNG_LANE F fset(float x) { return _mm_set1_ps(x); }
TORCHRNG_LANE F fsub(F a, F b) { return _mm_sub_ps(a, b); }
TORCHRNG_LANE F ffma(F a, F b, F c) { return _mm_fmadd_ps(a, b, c); }  // a * b + c, rounded once
TORCHRNG_LANE F fneg(F a) { return _mm_xor_ps(a, _mm_set1_ps(-0.0f)); }
TORCHRNG_LANE F narrow(V a) { return _mm256_cvtpd_ps(a); }  // rounded to nearest even
TORCHRNG_LANE V widen(F a) { return _mm256_cvtps_pd(a); }  // exact

TORCHRNG_LANE I iload(const int64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
TORCHRNG_LANE void istore(int64_t* p, I v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
TORCHRNG_LANE I mul_u32(I a, I b) { return _mm256_mul_epu32(a, b); }
// Word k of kLanes consecutive Philox blocks, as four uint32.
TORCHRNG_LANE __m128i block_word_u32(const uint32_t* rec, int k) {
  // Two permutes and a blend: a gather is several times slower on AMD cores.
  const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rec));
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rec + 8));
  const __m256i idx = _mm256_setr_epi32(k, k + 4, k, k + 4, k, k + 4, k, k + 4);
  const __m256i w = _mm256_blend_epi32(_mm256_permutevar8x32_epi32(a, idx), _mm256_permutevar8x32_epi32(b, idx), 0x0c);
  return _mm256_castsi256_si128(w);
}
TORCHRNG_LANE I block_word_ints(const uint32_t* rec, int k) { return _mm256_cvtepu32_epi64(block_word_u32(rec, k)); }
// core::u01_f32 of word k: (w >> 8) * 2^-24, exact.
TORCHRNG_LANE F block_word_u01_f32(const uint32_t* rec, int k) {
  return _mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32(block_word_u32(rec, k), 8)), _mm_set1_ps(0x1p-24f));
}

// Word k of kLanes consecutive Philox blocks (4 words each, from rec), as exact doubles: zero-extended
// into the mantissa of 2^52, which is then subtracted.
TORCHRNG_LANE V block_words(const uint32_t* rec, int k) {
  const I bits = _mm256_or_si256(block_word_ints(rec, k), _mm256_set1_epi64x(0x4330000000000000LL));
  return _mm256_sub_pd(_mm256_castsi256_pd(bits), _mm256_set1_pd(0x1p52));
}

}  // namespace torchrng::cpu::lanes_avx2
#pragma GCC pop_options

#undef TORCHRNG_LANE

#endif  // TORCHRNG_X86_SIMD
