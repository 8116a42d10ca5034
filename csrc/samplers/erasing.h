// RandomErasing (torchvision.transforms.v2, 0.29): the p gate, ten (scale, log-ratio) attempts and
// the erased box, with torchvision's no-erase outcome when every attempt fails.
//
// Block 0, word 0: the p gate. Block 1: attempts 0 and 1 (two words each: scale, log-ratio).
// Blocks 2 and 3: the top (i) and left (j) randints of the accepted box. Blocks 4-7: attempts 2-9.
// Most samples accept within the first two attempts, so the CPU makes blocks 0-3 in advance.
// The attempts are drawn whatever the gate says (a fixed budget), so `apply` only gates.
// value='random' fills come from a separate per-pixel field (noise.h), keyed by block 8.
//
// Columns: apply (the p gate), found (an attempt fit; 0 is torchvision's no-erase outcome
// i = j = 0, h = H, w = W, v = None), i, j, h, w.
#pragma once

#include "area_ratio.h"

namespace torchrng {
namespace samplers {

struct Erasing {
  using Value = int64_t;
  static constexpr int kBlocks = 8;
  static constexpr int kEagerBlocks = 4;
  static constexpr int kFirstAttemptBlock = 1;  // the CPU may hand in attempt 0 evaluated
  static constexpr int kTopBlock = 2, kLeftBlock = 3;  // the accepted box's offsets (place_box)
  static constexpr bool kHeightWithRatio = true;      // the erased box's height is the side with it
  static constexpr int kColumns = 6;
  double p;
  AreaRatioRange range;
  TORCHRNG_HD const AreaRatioRange& area_ratio_range() const { return range; }
  // Whether an attempt's box fits the image (torchvision: h < img_h and w < img_w).
  static TORCHRNG_HD bool fits(const AreaRatioSides& sides, double H, double W) {
    return sides.with_ratio < H && sides.against_ratio < W;
  }
  // Everything but the gate (row[0]) of a sample whose attempt fit.
  static TORCHRNG_HD void write_box(int64_t* row, int64_t top, int64_t left, int64_t h, int64_t w) {
    row[1] = 1;
    row[2] = top;
    row[3] = left;
    row[4] = h;
    row[5] = w;
  }
  TORCHRNG_HD bool gate(uint32_t word) const { return core::bernoulli_from32(word, p); }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
    (*this)(blocks, height, width, row, first_attempt(blocks, kFirstAttemptBlock, height, width, range));
  }
  // The same, with attempt 0 given.
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row,
                              AreaRatioSides first) const {
    row[0] = gate(blocks(0).v[0]) ? 1 : 0;
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    // Attempt 0, which most samples accept, first and on its own: the loop below is the rare path.
    if (fits(first, H, W)) return place_box<Erasing>(blocks, height, width, first, row);
    const double area = image_area(height, width);
    for (int attempt = 1; attempt < 10; ++attempt) {
      const AreaRatioSides sides = nth_attempt(blocks, attempt, kFirstAttemptBlock, 4, area, range, first);
      if (fits(sides, H, W)) return place_box<Erasing>(blocks, height, width, sides, row);
    }
    row[1] = 0;
    row[2] = 0;
    row[3] = 0;
    row[4] = height;
    row[5] = width;
  }
};

}  // namespace samplers
}  // namespace torchrng
