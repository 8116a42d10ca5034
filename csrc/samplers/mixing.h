// Batch mixing and container decisions of torchvision.transforms.v2 (0.29): MixUp's and CutMix's
// Beta lambda (and CutMix's box), and RandomChoice's weighted pick. RandomApply's coin is a p gate
// (the Flip sampler) and RandomOrder's permutation the Permutation sampler (permutation.h).
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

// A Beta draw (blocks 0-9) made in advance: the CPU draws a tile's lambdas in SIMD lanes
// (cpu/beta_simd.h) and hands each sample its own, with the bits of core::beta_variate. The
// samplers drawing one declare TORCHRNG_HD const core::GammaShape& beta_shape() const.
struct GivenLam {
  double lam;
};

// MixUp: lam ~ Beta(alpha, alpha), blocks 0-9 (core::beta_variate). Columns: lam.
struct MixUp {
  using Value = double;
  static constexpr int kBlocks = core::kBetaBlocks;
  static constexpr int kColumns = 1;
  core::GammaShape shape;  // core::gamma_shape(alpha)
  TORCHRNG_HD const core::GammaShape& beta_shape() const { return shape; }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    (*this)(blocks, height, width, row, GivenLam{core::beta_variate(blocks, 0, shape, shape)});
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks&, int64_t, int64_t, double* row, GivenLam given) const {
    row[0] = given.lam;
  }
};

// CutMix: lam ~ Beta(alpha, alpha) (blocks 0-9), the box centre r_x = randint(W) (block 10) and
// r_y = randint(H) (block 11), then torchvision's box: half sides int(r * W), int(r * H) with
// r = 0.5 * sqrt(1 - lam), clamped to the image, and lam_adjusted = 1 - box area / image area.
// Columns: x1, y1, x2, y2, lam_adjusted.
struct CutMix {
  using Value = double;
  static constexpr int kBlocks = core::kBetaBlocks + 2;
  static constexpr int kColumns = 5;
  core::GammaShape shape;  // core::gamma_shape(alpha)
  TORCHRNG_HD const core::GammaShape& beta_shape() const { return shape; }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    (*this)(blocks, height, width, row, GivenLam{core::beta_variate(blocks, 0, shape, shape)});
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row, GivenLam given) const {
    const double lam = given.lam;
    const int64_t r_x = randint_in(blocks(core::kBetaBlocks), 0, width);
    const int64_t r_y = randint_in(blocks(core::kBetaBlocks + 1), 0, height);
    const double r = 0.5 * core::pm_sqrt(1.0 - lam);
    const int64_t half_w = to_i64(py_int(r * static_cast<double>(width)));
    const int64_t half_h = to_i64(py_int(r * static_cast<double>(height)));
    const int64_t x1 = r_x - half_w > 0 ? r_x - half_w : 0;
    const int64_t y1 = r_y - half_h > 0 ? r_y - half_h : 0;
    const int64_t x2 = r_x + half_w < width ? r_x + half_w : width;
    const int64_t y2 = r_y + half_h < height ? r_y + half_h : height;
    row[0] = static_cast<double>(x1);
    row[1] = static_cast<double>(y1);
    row[2] = static_cast<double>(x2);
    row[3] = static_cast<double>(y2);
    // Areas as doubles: the same values as the int64 products below 2^53, no overflow above.
    row[4] = 1.0 - static_cast<double>(x2 - x1) * static_cast<double>(y2 - y1) /
                       (static_cast<double>(width) * static_cast<double>(height));
  }
};

constexpr int kMaxChoices = 256;

// RandomChoice: torch.multinomial(p, 1) as the first index whose cumulative weight exceeds a
// 53-bit uniform (block 0, words 0-1). `cumulative` is computed on the host from the normalised
// weights, in order, with the last positive entry set to exactly 1; zero weights are never picked.
// Columns: index.
struct Choice {
  using Value = int64_t;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  int count;
  double cumulative[kMaxChoices];
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, int64_t* row) const {
    const u32x4 b = blocks(0);
    const double u = core::u01_f64(b.v[0], b.v[1]);
    int64_t pick = count - 1;
    for (int k = 0; k < count; ++k) {
      if (u < cumulative[k]) {
        pick = k;
        break;
      }
    }
    row[0] = pick;
  }
};

}  // namespace samplers
}  // namespace torchrng
