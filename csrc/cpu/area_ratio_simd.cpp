// SIMD evaluation of samplers::area_ratio_sides (see area_ratio_simd.h): the inputs of a tile
// gathered into arrays, then the kernel of area_ratio_lanes.inc in AVX-512 or AVX2 lanes.
#include "area_ratio_simd.h"

#include <cmath>

#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

// The inputs of one tile, one contiguous array per operand, padded to a whole number of vectors,
// and the outputs.
struct AreaRatioInputs {
  alignas(64) double scale_word[kAreaRatioMaxCount];
  alignas(64) double ratio_word[kAreaRatioMaxCount];
  alignas(64) double area[kAreaRatioMaxCount];
  alignas(64) double with_ratio[kAreaRatioMaxCount];
  alignas(64) double against_ratio[kAreaRatioMaxCount];
};

constexpr double kTwo52 = 0x1p52;
constexpr int64_t kHalfLn2Hx = 0x3fd62e42;  // pm_exp's thresholds on the high word
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

}  // namespace

#define TORCHRNG_LANES_KERNEL "area_ratio_lanes.inc"
#include "simd_lanes_kernel.h"

bool area_ratio_sides_simd_with(Isa isa, const samplers::AreaRatioRange& range, const uint32_t* words, int64_t count,
                                const int64_t* sizes, int64_t height, int64_t width, samplers::AreaRatioSides* sides) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kAreaRatioMaxCount || !in_domain(range)) {
    return false;
  }
  AreaRatioInputs l;
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  const double constant_area = samplers::image_area(height, width);
  for (int64_t j = 0; j < padded; ++j) {
    const bool real = j < count;
    l.scale_word[j] = real ? static_cast<double>(words[4 * j]) : 0.0;
    l.ratio_word[j] = real ? static_cast<double>(words[4 * j + 1]) : 0.0;
    l.area[j] = !real ? 1.0
                : sizes ? samplers::image_area(sizes[2 * j], sizes[2 * j + 1])
                        : constant_area;
  }
  if (isa == Isa::Avx512) {
    lanes_avx512::area_ratio_lanes(range, l, padded);
  } else {
    lanes_avx2::area_ratio_lanes(range, l, padded);
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
