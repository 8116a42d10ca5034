// SIMD evaluation of samplers::area_ratio_sides (see area_ratio_simd.h). Every operation below
// mirrors one of the scalar code, in the same order: core::u01_f64_from32, uniform_in, pm_exp
// (fdlibm's reduction k = trunc(x / ln2 +- 1/2) for |x| >= 1.5 ln2, k = +-1 below that down to
// 0.5 ln2, k = 0 below, 1 + x under 2^-28; then exp_kernel and the scaling by 2^k), pm_sqrt and
// pm_rint (x >= 0 here: (x + 2^52) - 2^52 below 2^52).
#include "area_ratio_simd.h"

#include <cmath>

#include "x86_intrinsics.h"

namespace torchrng {
namespace cpu {
namespace {

namespace pm = core::pm_detail;

// The inputs of one tile, one contiguous array per operand, padded to a whole number of vectors.
struct Lanes {
  alignas(64) double scale_word[kAreaRatioMaxCount];
  alignas(64) double ratio_word[kAreaRatioMaxCount];
  alignas(64) double area[kAreaRatioMaxCount];
  alignas(64) double with_ratio[kAreaRatioMaxCount];
  alignas(64) double against_ratio[kAreaRatioMaxCount];
};

constexpr double kTwo52 = 0x1p52;
constexpr double kTwoM32 = 2.3283064365386963e-10;  // core::u01_f64_from32's scale, 2^-32
constexpr int64_t kHalfLn2Hx = 0x3fd62e42;           // pm_exp's thresholds on the high word
constexpr int64_t kOneAndHalfLn2Hx = 0x3ff0a2b2;
constexpr int64_t kTinyHx = 0x3e300000;

// Where the vector exp is exact: finite ranges, a non-negative scale, |log ratio| <= 700 (so
// 2^k stays a normal double and pm_exp's overflow and underflow branches never fire).
bool in_domain(const samplers::AreaRatioRange& r) {
  const double v[4] = {r.scale_lo, r.scale_hi, r.log_ratio_lo, r.log_ratio_hi};
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return r.scale_lo >= 0 && r.scale_hi >= 0 && std::isfinite(r.scale_hi - r.scale_lo) &&
         std::isfinite(r.log_ratio_hi - r.log_ratio_lo) && std::fabs(r.log_ratio_lo) <= 700 &&
         std::fabs(r.log_ratio_hi) <= 700;
}

#if TORCHRNG_X86_SIMD

__attribute__((target("avx512f"))) void avx512_sides(const samplers::AreaRatioRange& r, Lanes& l, int64_t count) {
  const __m512d two_m32 = _mm512_set1_pd(kTwoM32);
  const __m512d scale_lo = _mm512_set1_pd(r.scale_lo), scale_width = _mm512_set1_pd(r.scale_hi - r.scale_lo);
  const __m512d ratio_lo = _mm512_set1_pd(r.log_ratio_lo), ratio_width = _mm512_set1_pd(r.log_ratio_hi - r.log_ratio_lo);
  const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0), two52 = _mm512_set1_pd(kTwo52);
  for (int64_t j = 0; j < count; j += 8) {
    const __m512d target = _mm512_mul_pd(
        _mm512_load_pd(l.area + j),
        _mm512_add_pd(scale_lo, _mm512_mul_pd(_mm512_mul_pd(_mm512_load_pd(l.scale_word + j), two_m32), scale_width)));
    const __m512d x =
        _mm512_add_pd(ratio_lo, _mm512_mul_pd(_mm512_mul_pd(_mm512_load_pd(l.ratio_word + j), two_m32), ratio_width));
    // pm_exp(x)
    const __m512i hx = _mm512_and_si512(_mm512_srli_epi64(_mm512_castpd_si512(x), 32), _mm512_set1_epi64(0x7fffffff));
    const __mmask8 negative = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_LT_OQ);
    const __mmask8 big = _mm512_cmp_epi64_mask(hx, _mm512_set1_epi64(kOneAndHalfLn2Hx), _MM_CMPINT_NLT);
    const __mmask8 mid = _mm512_cmp_epi64_mask(hx, _mm512_set1_epi64(kHalfLn2Hx), _MM_CMPINT_NLE);
    const __mmask8 tiny = _mm512_cmp_epi64_mask(hx, _mm512_set1_epi64(kTinyHx), _MM_CMPINT_LE);
    const __m512d half = _mm512_mask_blend_pd(negative, _mm512_set1_pd(0.5), _mm512_set1_pd(-0.5));
    const __m512d k_big = _mm512_cvtepi32_pd(_mm512_cvttpd_epi32(_mm512_add_pd(_mm512_mul_pd(_mm512_set1_pd(pm::kInvLn2), x), half)));
    const __m512d k_mid = _mm512_mask_blend_pd(negative, one, _mm512_set1_pd(-1.0));
    const __m512d dk = _mm512_mask_blend_pd(big, _mm512_maskz_mov_pd(mid, k_mid), k_big);
    const __m512d hi = _mm512_sub_pd(x, _mm512_mul_pd(dk, _mm512_set1_pd(pm::kLn2Hi)));
    const __m512d lo = _mm512_mul_pd(dk, _mm512_set1_pd(pm::kLn2Lo));
    const __m512d rd = _mm512_sub_pd(hi, lo);
    const __m512d rr = _mm512_mul_pd(rd, rd);
    __m512d poly = _mm512_add_pd(_mm512_set1_pd(pm::kExpP4), _mm512_mul_pd(rr, _mm512_set1_pd(pm::kExpP5)));
    poly = _mm512_add_pd(_mm512_set1_pd(pm::kExpP3), _mm512_mul_pd(rr, poly));
    poly = _mm512_add_pd(_mm512_set1_pd(pm::kExpP2), _mm512_mul_pd(rr, poly));
    poly = _mm512_add_pd(_mm512_set1_pd(pm::kExpP1), _mm512_mul_pd(rr, poly));
    const __m512d c = _mm512_sub_pd(rd, _mm512_mul_pd(rr, poly));
    const __m512d y = _mm512_add_pd(
        one, _mm512_add_pd(_mm512_sub_pd(_mm512_div_pd(_mm512_mul_pd(rd, c), _mm512_sub_pd(two, c)), lo), hi));
    const __m512i k64 = _mm512_cvtepi32_epi64(_mm512_cvttpd_epi32(dk));
    const __m512d scale = _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_add_epi64(k64, _mm512_set1_epi64(1023)), 52));
    const __m512d aspect = _mm512_mask_blend_pd(tiny, _mm512_mul_pd(y, scale), _mm512_add_pd(one, x));
    // py_round(pm_sqrt(target * aspect)), py_round(pm_sqrt(target / aspect))
    const __m512d sa = _mm512_sqrt_pd(_mm512_mul_pd(target, aspect));
    const __m512d sb = _mm512_sqrt_pd(_mm512_div_pd(target, aspect));
    const __mmask8 a_small = _mm512_cmp_pd_mask(sa, two52, _CMP_LT_OQ);
    const __mmask8 b_small = _mm512_cmp_pd_mask(sb, two52, _CMP_LT_OQ);
    _mm512_store_pd(l.with_ratio + j, _mm512_mask_blend_pd(a_small, sa, _mm512_sub_pd(_mm512_add_pd(sa, two52), two52)));
    _mm512_store_pd(l.against_ratio + j, _mm512_mask_blend_pd(b_small, sb, _mm512_sub_pd(_mm512_add_pd(sb, two52), two52)));
  }
}

__attribute__((target("avx2"))) __m256d blend(__m256d mask, __m256d if_false, __m256d if_true) {
  return _mm256_blendv_pd(if_false, if_true, mask);
}

__attribute__((target("avx2"))) void avx2_sides(const samplers::AreaRatioRange& r, Lanes& l, int64_t count) {
  const __m256d two_m32 = _mm256_set1_pd(kTwoM32);
  const __m256d scale_lo = _mm256_set1_pd(r.scale_lo), scale_width = _mm256_set1_pd(r.scale_hi - r.scale_lo);
  const __m256d ratio_lo = _mm256_set1_pd(r.log_ratio_lo), ratio_width = _mm256_set1_pd(r.log_ratio_hi - r.log_ratio_lo);
  const __m256d one = _mm256_set1_pd(1.0), two = _mm256_set1_pd(2.0), two52 = _mm256_set1_pd(kTwo52);
  for (int64_t j = 0; j < count; j += 4) {
    const __m256d target = _mm256_mul_pd(
        _mm256_load_pd(l.area + j),
        _mm256_add_pd(scale_lo, _mm256_mul_pd(_mm256_mul_pd(_mm256_load_pd(l.scale_word + j), two_m32), scale_width)));
    const __m256d x =
        _mm256_add_pd(ratio_lo, _mm256_mul_pd(_mm256_mul_pd(_mm256_load_pd(l.ratio_word + j), two_m32), ratio_width));
    const __m256i hx = _mm256_and_si256(_mm256_srli_epi64(_mm256_castpd_si256(x), 32), _mm256_set1_epi64x(0x7fffffff));
    const __m256d negative = _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LT_OQ);
    const __m256d big = _mm256_castsi256_pd(_mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(kOneAndHalfLn2Hx - 1)));
    const __m256d mid = _mm256_castsi256_pd(_mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(kHalfLn2Hx)));
    const __m256d not_tiny = _mm256_castsi256_pd(_mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(kTinyHx)));
    const __m256d half = blend(negative, _mm256_set1_pd(0.5), _mm256_set1_pd(-0.5));
    const __m256d k_big = _mm256_cvtepi32_pd(_mm256_cvttpd_epi32(_mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(pm::kInvLn2), x), half)));
    const __m256d k_mid = blend(negative, one, _mm256_set1_pd(-1.0));
    const __m256d dk = blend(big, _mm256_and_pd(mid, k_mid), k_big);
    const __m256d hi = _mm256_sub_pd(x, _mm256_mul_pd(dk, _mm256_set1_pd(pm::kLn2Hi)));
    const __m256d lo = _mm256_mul_pd(dk, _mm256_set1_pd(pm::kLn2Lo));
    const __m256d rd = _mm256_sub_pd(hi, lo);
    const __m256d rr = _mm256_mul_pd(rd, rd);
    __m256d poly = _mm256_add_pd(_mm256_set1_pd(pm::kExpP4), _mm256_mul_pd(rr, _mm256_set1_pd(pm::kExpP5)));
    poly = _mm256_add_pd(_mm256_set1_pd(pm::kExpP3), _mm256_mul_pd(rr, poly));
    poly = _mm256_add_pd(_mm256_set1_pd(pm::kExpP2), _mm256_mul_pd(rr, poly));
    poly = _mm256_add_pd(_mm256_set1_pd(pm::kExpP1), _mm256_mul_pd(rr, poly));
    const __m256d c = _mm256_sub_pd(rd, _mm256_mul_pd(rr, poly));
    const __m256d y = _mm256_add_pd(
        one, _mm256_add_pd(_mm256_sub_pd(_mm256_div_pd(_mm256_mul_pd(rd, c), _mm256_sub_pd(two, c)), lo), hi));
    const __m256i k64 = _mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(dk));
    const __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k64, _mm256_set1_epi64x(1023)), 52));
    const __m256d aspect = blend(not_tiny, _mm256_add_pd(one, x), _mm256_mul_pd(y, scale));
    const __m256d sa = _mm256_sqrt_pd(_mm256_mul_pd(target, aspect));
    const __m256d sb = _mm256_sqrt_pd(_mm256_div_pd(target, aspect));
    const __m256d a_small = _mm256_cmp_pd(sa, two52, _CMP_LT_OQ);
    const __m256d b_small = _mm256_cmp_pd(sb, two52, _CMP_LT_OQ);
    _mm256_store_pd(l.with_ratio + j, blend(a_small, sa, _mm256_sub_pd(_mm256_add_pd(sa, two52), two52)));
    _mm256_store_pd(l.against_ratio + j, blend(b_small, sb, _mm256_sub_pd(_mm256_add_pd(sb, two52), two52)));
  }
}

#endif  // TORCHRNG_X86_SIMD

}  // namespace

bool area_ratio_sides_simd_with(Isa isa, const samplers::AreaRatioRange& range, const uint32_t* words, int64_t count,
                                const int64_t* sizes, int64_t height, int64_t width, samplers::AreaRatioSides* sides) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kAreaRatioMaxCount || !in_domain(range)) {
    return false;
  }
  Lanes l;
  const int64_t lanes = isa == Isa::Avx512 ? 8 : 4;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  const double constant_area = static_cast<double>(height) * static_cast<double>(width);
  for (int64_t j = 0; j < padded; ++j) {
    const bool real = j < count;
    l.scale_word[j] = real ? static_cast<double>(words[4 * j]) : 0.0;
    l.ratio_word[j] = real ? static_cast<double>(words[4 * j + 1]) : 0.0;
    l.area[j] = !real ? 1.0
                : sizes ? static_cast<double>(sizes[2 * j]) * static_cast<double>(sizes[2 * j + 1])
                        : constant_area;
  }
  if (isa == Isa::Avx512) {
    avx512_sides(range, l, padded);
  } else {
    avx2_sides(range, l, padded);
  }
  for (int64_t j = 0; j < count; ++j) sides[j] = {l.with_ratio[j], l.against_ratio[j]};
  return true;
#else
  (void)isa, (void)range, (void)words, (void)count, (void)sizes, (void)height, (void)width, (void)sides;
  return false;
#endif
}

bool area_ratio_sides_simd(const samplers::AreaRatioRange& range, const uint32_t* words, int64_t count,
                           const int64_t* sizes, int64_t height, int64_t width, samplers::AreaRatioSides* sides) {
  return area_ratio_sides_simd_with(philox_blocks_isa(), range, words, count, sizes, height, width, sides);
}

}  // namespace cpu
}  // namespace torchrng
