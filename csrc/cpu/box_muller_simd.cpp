// SIMD evaluation of core::box_muller_32 (see box_muller_simd.h). Each step mirrors the scalar
// code of core/portable_math.h and core/distributions.h, operation for operation:
//   u1 = 1 - w_r 2^-32;  r = pm_sqrt(-2 pm_log(u1));  pm_sincos(2 pi w_a 2^-32);  z = r cos, r sin.
// pm_log on u1 in [2^-32, 1] (always normal: no subnormal, zero or special branch; u1 = 1 gives +0
// through the formula as through the scalar special case). pm_sincos on [0, 2 pi): |x| <= pi/4
// takes the unreduced kernels (kernel_sin with iy = 0, the tiny-argument shortcuts), the rest the
// three-stage Cody-Waite reduction of rem_pio2, whose data-dependent stages are all computed and
// chosen per lane, then the quadrant swap.
#include "box_muller_simd.h"

#include "../core/distributions.h"

#include "x86_intrinsics.h"

namespace torchrng {
namespace cpu {
namespace {

#if TORCHRNG_X86_SIMD

namespace pm = core::pm_detail;

#define TORCHRNG_AVX512 __attribute__((target("avx512f"), always_inline)) inline

using V = __m512d;
using I = __m512i;

TORCHRNG_AVX512 V k(double x) { return _mm512_set1_pd(x); }
TORCHRNG_AVX512 V add(V a, V b) { return _mm512_add_pd(a, b); }
TORCHRNG_AVX512 V sub(V a, V b) { return _mm512_sub_pd(a, b); }
TORCHRNG_AVX512 V mul(V a, V b) { return _mm512_mul_pd(a, b); }
TORCHRNG_AVX512 V div(V a, V b) { return _mm512_div_pd(a, b); }
TORCHRNG_AVX512 V neg(V a) {  // -a: the sign bit flipped, as the scalar unary minus
  return _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a), _mm512_set1_epi64(INT64_MIN)));
}
TORCHRNG_AVX512 V pick(__mmask8 m, V if_false, V if_true) { return _mm512_mask_blend_pd(m, if_false, if_true); }
TORCHRNG_AVX512 I high_words(V x) { return _mm512_srli_epi64(_mm512_castpd_si512(x), 32); }
TORCHRNG_AVX512 I exponent_field(V x) {
  return _mm512_and_si512(_mm512_srli_epi64(_mm512_castpd_si512(x), 52), _mm512_set1_epi64(0x7ff));
}
TORCHRNG_AVX512 V small_int_to_double(I v) { return _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(v)); }

// pm_log for normal x > 0.
TORCHRNG_AVX512 V log_normal(V x) {
  const I u = _mm512_castpd_si512(x);
  const I hx = _mm512_add_epi64(_mm512_srli_epi64(u, 32), _mm512_set1_epi64(0x3ff00000 - 0x3fe6a09e));
  const I kk = _mm512_sub_epi64(_mm512_srli_epi64(hx, 20), _mm512_set1_epi64(0x3ff));
  const I hm = _mm512_add_epi64(_mm512_and_si512(hx, _mm512_set1_epi64(0x000fffff)), _mm512_set1_epi64(0x3fe6a09e));
  const V m = _mm512_castsi512_pd(
      _mm512_or_si512(_mm512_slli_epi64(hm, 32), _mm512_and_si512(u, _mm512_set1_epi64(0xffffffff))));
  const V f = sub(m, k(1.0));
  const V hfsq = mul(mul(k(0.5), f), f);
  const V s = div(f, add(k(2.0), f));
  const V z = mul(s, s);
  const V w = mul(z, z);
  const V t1 = mul(w, add(k(pm::kLg2), mul(w, add(k(pm::kLg4), mul(w, k(pm::kLg6))))));
  const V t2 = mul(z, add(k(pm::kLg1), mul(w, add(k(pm::kLg3), mul(w, add(k(pm::kLg5), mul(w, k(pm::kLg7))))))));
  const V R = add(t2, t1);
  const V dk = small_int_to_double(kk);
  return add(add(sub(add(mul(s, add(hfsq, R)), mul(dk, k(pm::kLn2Lo))), hfsq), f), mul(dk, k(pm::kLn2Hi)));
}

// kernel_sin with iy = 0 (y = 0) and iy = 1.
TORCHRNG_AVX512 V sin_poly(V x, V z, V* v_out) {
  const V w = mul(z, z);
  const V r = add(add(k(pm::kS2), mul(z, add(k(pm::kS3), mul(z, k(pm::kS4))))),
                  mul(mul(z, w), add(k(pm::kS5), mul(z, k(pm::kS6)))));
  *v_out = mul(z, x);
  return r;
}
TORCHRNG_AVX512 V kernel_sin0(V x) {
  const V z = mul(x, x);
  V v;
  const V r = sin_poly(x, z, &v);
  return add(x, mul(v, add(k(pm::kS1), mul(z, r))));
}
TORCHRNG_AVX512 V kernel_sin1(V x, V y) {
  const V z = mul(x, x);
  V v;
  const V r = sin_poly(x, z, &v);
  return sub(x, sub(sub(mul(z, sub(mul(k(0.5), y), mul(v, r))), y), mul(v, k(pm::kS1))));
}
TORCHRNG_AVX512 V kernel_cos(V x, V y) {
  const V z = mul(x, x);
  const V w = mul(z, z);
  const V r = add(mul(z, add(k(pm::kC1), mul(z, add(k(pm::kC2), mul(z, k(pm::kC3)))))),
                  mul(mul(w, w), add(k(pm::kC4), mul(z, add(k(pm::kC5), mul(z, k(pm::kC6)))))));
  const V hz = mul(k(0.5), z);
  const V one_minus = sub(k(1.0), hz);
  return add(one_minus, add(sub(sub(k(1.0), one_minus), hz), sub(mul(z, r), mul(x, y))));
}

// pm_sincos for x in [0, 2 pi).
TORCHRNG_AVX512 void sincos_turn(V x, V* s, V* c) {
  const I ix = _mm512_and_si512(high_words(x), _mm512_set1_epi64(0x7fffffff));
  const __mmask8 small = _mm512_cmp_epi64_mask(ix, _mm512_set1_epi64(0x3fe921fb), _MM_CMPINT_LE);
  const __mmask8 sin_tiny = _mm512_cmp_epi64_mask(ix, _mm512_set1_epi64(0x3e500000), _MM_CMPINT_LT);
  const __mmask8 cos_tiny = _mm512_cmp_epi64_mask(ix, _mm512_set1_epi64(0x3e46a09e), _MM_CMPINT_LT);
  const V s_small = pick(sin_tiny, kernel_sin0(x), x);
  const V c_small = pick(cos_tiny, kernel_cos(x, _mm512_setzero_pd()), k(1.0));
  // rem_pio2, medium case.
  const V fn = sub(add(mul(x, k(pm::kInvPio2)), k(0x1.8p52)), k(0x1.8p52));
  V r = sub(x, mul(fn, k(pm::kPio2_1)));
  V w = mul(fn, k(pm::kPio2_1t));
  V y = sub(r, w);
  const I ex = _mm512_srli_epi64(ix, 20);
  const __mmask8 second = _mm512_cmp_epi64_mask(_mm512_sub_epi64(ex, exponent_field(y)), _mm512_set1_epi64(16),
                                                _MM_CMPINT_NLE);
  {
    const V t = r;
    const V w1 = mul(fn, k(pm::kPio2_2));
    const V r2 = sub(t, w1);
    const V w2 = sub(mul(fn, k(pm::kPio2_2t)), sub(sub(t, r2), w1));
    const V y2 = sub(r2, w2);
    const __mmask8 third = second & _mm512_cmp_epi64_mask(_mm512_sub_epi64(ex, exponent_field(y2)),
                                                          _mm512_set1_epi64(49), _MM_CMPINT_NLE);
    const V w3a = mul(fn, k(pm::kPio2_3));
    const V r3 = sub(r2, w3a);
    const V w3 = sub(mul(fn, k(pm::kPio2_3t)), sub(sub(r2, r3), w3a));
    const V y3 = sub(r3, w3);
    r = pick(third, pick(second, r, r2), r3);
    w = pick(third, pick(second, w, w2), w3);
    y = pick(third, pick(second, y, y2), y3);
  }
  const V y1 = sub(sub(r, y), w);
  const V sn = kernel_sin1(y, y1);
  const V cs = kernel_cos(y, y1);
  const I n = _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(fn));
  const __mmask8 odd = _mm512_test_epi64_mask(n, _mm512_set1_epi64(1));
  const __mmask8 half = _mm512_test_epi64_mask(n, _mm512_set1_epi64(2));
  // n & 3 = 0: (sn, cs); 1: (cs, -sn); 2: (-sn, -cs); 3: (-cs, sn).
  V sm = pick(odd, sn, cs), cm = pick(odd, cs, neg(sn));
  sm = pick(half, sm, neg(sm));
  cm = pick(half, cm, neg(cm));
  *s = pick(small, sm, s_small);
  *c = pick(small, cm, c_small);
}

constexpr int64_t kChunkPairs = 64;

__attribute__((target("avx512f"))) void avx512_pairs(const uint32_t* words, int64_t pairs, double* z) {
  alignas(64) double radius_word[kChunkPairs], angle_word[kChunkPairs], zc[kChunkPairs], zs[kChunkPairs];
  for (int64_t p0 = 0; p0 < pairs; p0 += kChunkPairs) {
    const int64_t m = pairs - p0 < kChunkPairs ? pairs - p0 : kChunkPairs;
    const int64_t padded = (m + 7) / 8 * 8;
    for (int64_t j = 0; j < padded; ++j) {
      radius_word[j] = j < m ? static_cast<double>(words[2 * (p0 + j)]) : 0.0;
      angle_word[j] = j < m ? static_cast<double>(words[2 * (p0 + j) + 1]) : 0.0;
    }
    for (int64_t j = 0; j < padded; j += 8) {
      const V u1 = sub(k(1.0), mul(_mm512_load_pd(radius_word + j), k(2.3283064365386963e-10)));
      const V r = _mm512_sqrt_pd(mul(k(-2.0), log_normal(u1)));
      V s, c;
      sincos_turn(mul(k(core::kTwoPi), mul(_mm512_load_pd(angle_word + j), k(2.3283064365386963e-10))), &s, &c);
      _mm512_store_pd(zc + j, mul(r, c));
      _mm512_store_pd(zs + j, mul(r, s));
    }
    for (int64_t j = 0; j < m; ++j) {
      z[2 * (p0 + j)] = zc[j];
      z[2 * (p0 + j) + 1] = zs[j];
    }
  }
}

#undef TORCHRNG_AVX512

#endif  // TORCHRNG_X86_SIMD

}  // namespace

bool box_muller_32_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z) {
#if TORCHRNG_X86_SIMD
  if (isa != Isa::Avx512 || !isa_supported(isa) || blocks <= 0) return false;
  avx512_pairs(words, 2 * blocks, z);
  return true;
#else
  (void)isa, (void)words, (void)blocks, (void)z;
  return false;
#endif
}

bool box_muller_32_simd(const uint32_t* words, int64_t blocks, double* z) {
  return box_muller_32_simd_with(philox_blocks_isa(), words, blocks, z);
}

}  // namespace cpu
}  // namespace torchrng
