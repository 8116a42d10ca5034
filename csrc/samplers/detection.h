// RandomIoUCrop (SSD-style crop), with a fixed budget in place of torchvision's `while True`.
//
// torchvision loops forever: draw an IoU threshold option; if it is >= 1, leave the sample as is;
// otherwise try `trials` random crops and return the first whose box centers and IoU qualify.
// Here each sample gets `rounds` option draws (block r * (1 + trials)) of `trials` crops each (one
// block per crop: two scale fractions, two placement fractions). When every round fails the
// sample is left as is, the same outcome as drawing the leave-as-is option.
//
// Columns: apply (1 if cropped), top, left, height, width, then one is_within_crop_area flag per
// box slot (max_boxes of them; slots past the sample's box count stay 0).
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

struct SampleBoxes {
  const double* xyxy;  // (max_boxes, 4)
  int64_t count;
};

struct IoUCrop {
  using Value = int64_t;
  static constexpr int kBlocks = -1;  // rounds * (1 + trials), see blocks_per_sample()
  double min_scale, max_scale, min_aspect, max_aspect;
  int64_t trials, rounds, max_boxes;
  int option_count;
  double options[kMaxListValues];

  TORCHRNG_HD int64_t blocks_per_sample() const { return rounds * (1 + trials); }
  TORCHRNG_HD int64_t columns() const { return 5 + max_boxes; }

  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row,
                              const SampleBoxes& boxes) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    for (int64_t j = 0; j < columns(); ++j) row[j] = 0;
    for (int64_t round = 0; round < rounds; ++round) {
      const int64_t base = round * (1 + trials);
      const double min_iou = options[randint_in(blocks(base), 0, option_count)];
      if (min_iou >= 1.0) return;  // leave as is
      for (int64_t t = 0; t < trials; ++t) {
        const u32x4 b = blocks(base + 1 + t);
        const double new_w = py_int(W * (min_scale + (max_scale - min_scale) * unit(b.v[0])));
        const double new_h = py_int(H * (min_scale + (max_scale - min_scale) * unit(b.v[1])));
        if (new_h == 0) continue;  // torchvision would divide by zero here
        const double aspect = new_w / new_h;
        if (!(min_aspect <= aspect && aspect <= max_aspect)) continue;
        const double left = py_int((W - new_w) * unit(b.v[2]));
        const double top = py_int((H - new_h) * unit(b.v[3]));
        const double right = left + new_w, bottom = top + new_h;
        if (left == right || top == bottom) continue;
        bool any_within = false;
        double best_iou = 0.0;
        const double crop_area = new_w * new_h;
        for (int64_t m = 0; m < boxes.count; ++m) {
          const double* bx = boxes.xyxy + 4 * m;
          const double cx = 0.5 * (bx[0] + bx[2]), cy = 0.5 * (bx[1] + bx[3]);
          if (!(left < cx && cx < right && top < cy && cy < bottom)) continue;
          any_within = true;
          const double iw = min_d(right, bx[2]) - max_d(left, bx[0]);
          const double ih = min_d(bottom, bx[3]) - max_d(top, bx[1]);
          const double inter = (iw > 0 ? iw : 0.0) * (ih > 0 ? ih : 0.0);
          const double box_area = (bx[2] - bx[0]) * (bx[3] - bx[1]);
          const double iou = inter / (box_area + crop_area - inter);
          if (iou > best_iou) best_iou = iou;
        }
        if (!any_within || best_iou < min_iou) continue;
        row[0] = 1;
        row[1] = to_i64(top);
        row[2] = to_i64(left);
        row[3] = to_i64(new_h);
        row[4] = to_i64(new_w);
        for (int64_t m = 0; m < boxes.count; ++m) {
          const double* bx = boxes.xyxy + 4 * m;
          const double cx = 0.5 * (bx[0] + bx[2]), cy = 0.5 * (bx[1] + bx[3]);
          row[5 + m] = (left < cx && cx < right && top < cy && cy < bottom) ? 1 : 0;
        }
        return;
      }
    }
  }
};

}  // namespace samplers
}  // namespace torchrng
