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

}  // namespace samplers
}  // namespace torchrng
