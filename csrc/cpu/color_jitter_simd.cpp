// SIMD ColorJitter rows (see color_jitter_simd.h). A row is eight doubles: the order's four int64
// bit patterns from the table, then the factors, each half one 256-bit store. AVX-512 CPUs run
// the same AVX2 code (the rows are four wide); only the order indices use the wider lanes.
#include "color_jitter_simd.h"

#include "bounded_ints_simd.h"
#include "x86_intrinsics.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kOrders = static_cast<int64_t>(samplers::factorial(4));

// The fn_idx columns of each order index, as the int64 bits the CPU backend stores.
struct OrderTable {
  alignas(32) int64_t rows[kOrders][4];
  OrderTable() {
    for (int64_t k = 0; k < kOrders; ++k) samplers::permutation_from_index<4>(static_cast<uint64_t>(k), rows[k]);
  }
};

const OrderTable& order_table() {
  static const OrderTable table;
  return table;
}

#if TORCHRNG_X86_SIMD
#pragma GCC push_options
#pragma GCC target("avx2,fma")

void rows_avx2(const samplers::ColorJitter& jitter, const int64_t* order, const uint32_t* factor_words, int64_t count,
               double* rows) {
  const OrderTable& table = order_table();
  // samplers::uniform_f32 in float32 lanes: fma(u, float32(hi) - float32(lo), float32(lo)).
  const __m128 lo = _mm256_cvtpd_ps(_mm256_loadu_pd(jitter.lo));
  const __m128 width = _mm_sub_ps(_mm256_cvtpd_ps(_mm256_loadu_pd(jitter.hi)), lo);
  const __m128 scale = _mm_set1_ps(0x1p-24f);
  const __m256d keep = _mm256_castsi256_pd(_mm256_setr_epi64x(-int64_t{jitter.enabled[0]}, -int64_t{jitter.enabled[1]},
                                                              -int64_t{jitter.enabled[2]}, -int64_t{jitter.enabled[3]}));
  const __m256d nan = _mm256_set1_pd(core::pm_detail::nan_value());
  for (int64_t j = 0; j < count; ++j) {
    double* row = rows + 8 * j;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(row),
                        _mm256_load_si256(reinterpret_cast<const __m256i*>(table.rows[order[j]])));
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(factor_words + 4 * j));
    const __m128 u = _mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32(w, 8)), scale);  // exact: 24-bit integers
    const __m128 factor = _mm_fmadd_ps(u, width, lo);
    _mm256_storeu_pd(row + 4, _mm256_blendv_pd(nan, _mm256_cvtps_pd(factor), keep));
  }
}

#pragma GCC pop_options
#endif

}  // namespace

bool color_jitter_rows_simd_with(Isa isa, const samplers::ColorJitter& jitter, const uint32_t* words, int64_t count,
                                 double* rows) {
#if TORCHRNG_X86_SIMD
  constexpr int64_t kMaxCount = 64;  // the CPU backend's tile
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kMaxCount) return false;
  int64_t order[kMaxCount];
  if (!bounded_ints_simd_with(isa, words, count, static_cast<uint64_t>(kOrders), order)) return false;
  rows_avx2(jitter, order, words + 4 * count, count, rows);
  return true;
#else
  (void)isa, (void)jitter, (void)words, (void)count, (void)rows;
  return false;
#endif
}

bool color_jitter_rows_simd(const samplers::ColorJitter& jitter, const uint32_t* words, int64_t count, double* rows) {
  return color_jitter_rows_simd_with(philox_blocks_isa(), jitter, words, count, rows);
}

}  // namespace cpu
}  // namespace torchrng
