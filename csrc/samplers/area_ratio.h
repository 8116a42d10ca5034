// The (scale, log-ratio) attempt that RandomResizedCrop and RandomErasing repeat up to ten times:
// a box of area `area * U(scale)` and aspect ratio `exp(U(log_ratio))`, whose sides are
// round(sqrt(target * aspect)) and round(sqrt(target / aspect)). Both samplers take the first
// attempt either from this scalar code or, on the CPU, from a SIMD evaluation of it for a tile of
// samples (cpu/area_ratio_simd.h), which gives the same bits.
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

struct AreaRatioRange {
  double scale_lo, scale_hi, log_ratio_lo, log_ratio_hi;
};

struct AreaRatioSides {
  double with_ratio;     // round(sqrt(target * aspect)): the crop's width, the erased box's height
  double against_ratio;  // round(sqrt(target / aspect)): the crop's height, the erased box's width
};

TORCHRNG_HD AreaRatioSides area_ratio_sides(uint32_t scale_word, uint32_t ratio_word, double area,
                                            const AreaRatioRange& r) {
  const double target = area * uniform_in(scale_word, r.scale_lo, r.scale_hi);
  const double aspect = core::pm_exp(uniform_in(ratio_word, r.log_ratio_lo, r.log_ratio_hi));
  return {py_round(core::pm_sqrt(target * aspect)), py_round(core::pm_sqrt(target / aspect))};
}

TORCHRNG_HD double image_area(int64_t height, int64_t width) {
  return static_cast<double>(height) * static_cast<double>(width);
}

// Attempt 0 of a sampler that draws it from words 0-1 of block `first_block`.
template <class Blocks>
TORCHRNG_HD AreaRatioSides first_attempt(const Blocks& blocks, int first_block, int64_t height, int64_t width,
                                         const AreaRatioRange& r) {
  const u32x4 b = blocks(first_block);
  return area_ratio_sides(b.v[0], b.v[1], image_area(height, width), r);
}

// Attempt `attempt` of ten: 0 is `first` (already evaluated), 1 comes from words 2-3 of block
// `first_block`, 2-9 two per block from block `later_block` on.
template <class Blocks>
TORCHRNG_HD AreaRatioSides nth_attempt(const Blocks& blocks, int attempt, int first_block, int later_block, double area,
                                       const AreaRatioRange& r, const AreaRatioSides& first) {
  if (attempt == 0) return first;
  const u32x4 b = blocks(attempt < 2 ? first_block : later_block + (attempt - 2) / 2);
  const int k = (attempt % 2) * 2;
  return area_ratio_sides(b.v[k], b.v[k + 1], area, r);
}

// The accepted box of sampler S at uniform offsets: its height is the side with the ratio where
// S::kHeightWithRatio (RandomErasing), else the side against it (RandomResizedCrop); the top and
// left offsets are randints from blocks S::kTopBlock and S::kLeftBlock; S::write_box writes them.
template <class S>
TORCHRNG_HD double box_height(const AreaRatioSides& sides) {
  return S::kHeightWithRatio ? sides.with_ratio : sides.against_ratio;
}
template <class S>
TORCHRNG_HD double box_width(const AreaRatioSides& sides) {
  return S::kHeightWithRatio ? sides.against_ratio : sides.with_ratio;
}
template <class S, class Blocks>
TORCHRNG_HD void place_box(const Blocks& blocks, int64_t height, int64_t width, const AreaRatioSides& sides,
                           int64_t* row) {
  const int64_t hi = to_i64(box_height<S>(sides)), wi = to_i64(box_width<S>(sides));
  S::write_box(row, randint_in(blocks(S::kTopBlock), 0, height - hi + 1),
               randint_in(blocks(S::kLeftBlock), 0, width - wi + 1), hi, wi);
}

}  // namespace samplers
}  // namespace torchrng
