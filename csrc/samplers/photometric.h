// Samplers of the random photometric transforms of torchvision.transforms.v2 (0.29): ColorJitter
// and RandomPhotometricDistort. The plain p gates (RandomGrayscale, RandomInvert, RandomPosterize,
// RandomSolarize, RandomAdjustSharpness, RandomAutocontrast, RandomEqualize), GaussianBlur's
// sigma and JPEG's quality are the same draws as Flip, Rotation and Resize (geometry.h: one word
// against p, one uniform word, one bounded integer per block) and reuse those samplers.
// docs/samplers.md lists the block budgets.
#pragma once

#include "permutation.h"

namespace torchrng {
namespace samplers {

// ColorJitter: the order of the four adjustments (torch.randperm(4): one block, block 0) and the
// factors of the configured ones (block 1, word k for factor k = brightness, contrast, saturation,
// hue, each a float32 uniform as torchvision's _generate_value draws it). An unconfigured factor
// (torchvision's None) is NaN. Columns: fn_idx[4], brightness,
// contrast, saturation, hue.
struct ColorJitter {
  using Value = double;
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 8;
  bool enabled[4];
  double lo[4], hi[4];
  TORCHRNG_HD ColumnRange int_columns() const { return {0, 4}; }  // fn_idx
  // The order as one index below 4! (permutation_from_index): random_permutation's bits.
  TORCHRNG_HD DrawnBlocks drawn_blocks() const { return {0, 1, {factorial(4), factorial(4)}}; }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    write(blocks, OwnDraws<Blocks>{blocks, drawn_blocks()}, row);
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row, DrawnInts order) const {
    write(blocks, order, row);
  }
  template <class Blocks, class Draws>
  TORCHRNG_HD void write(const Blocks& blocks, const Draws& order, double* row) const {
    permutation_from_index<4>(order[0], row);
    const u32x4 b = blocks(1);
    for (int k = 0; k < 4; ++k) row[4 + k] = enabled[k] ? uniform_f32(b.v[k], lo[k], hi[k]) : core::pm_detail::nan_value();
  }
};

// RandomPhotometricDistort: block 0 holds the four factor gates (torch.rand(1) < p), block 1 the
// four factors, block 2 the contrast_before coin (word 0, torch.rand(()) < 0.5) and the channel
// permutation gate (word 1); blocks 3.. the permutation of the C channels (read only when its gate
// fires). Columns: brightness, contrast, saturation, hue (NaN where the gate did not fire),
// contrast_before, apply_channel_permutation, then the permutation (identity where not applied).
struct PhotometricDistort {
  using Value = double;
  static constexpr int kBlocks = -1;  // 3 + permutation_blocks(channels)
  double lo[4], hi[4];
  double p;
  int64_t channels;
  TORCHRNG_HD int64_t blocks_per_sample() const { return 3 + permutation_blocks(channels); }
  TORCHRNG_HD int64_t columns() const { return 6 + channels; }
  TORCHRNG_HD int64_t eager_blocks() const { return 3; }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    const u32x4 gates = blocks(0), factors = blocks(1), coins = blocks(2);
    for (int k = 0; k < 4; ++k) {
      row[k] = core::bernoulli_from32(gates.v[k], p) ? uniform_f32(factors.v[k], lo[k], hi[k]) : core::pm_detail::nan_value();
    }
    row[4] = unit(coins.v[0]) < 0.5 ? 1.0 : 0.0;
    const bool permute = core::bernoulli_from32(coins.v[1], p);
    row[5] = permute ? 1.0 : 0.0;
    if (permute) {
      random_permutation(blocks, 3, channels, row + 6);
    } else {
      for (int64_t c = 0; c < channels; ++c) row[6 + c] = static_cast<double>(c);
    }
  }
};

}  // namespace samplers
}  // namespace torchrng
