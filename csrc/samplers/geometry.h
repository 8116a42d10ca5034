// Samplers of the random geometric transforms of torchvision.transforms.v2 (0.29), one struct
// each, following torchvision's make_params draw for draw (see docs/samplers.md for the block
// budgets and the few places where a fixed budget replaces an open loop).
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

// RandomHorizontalFlip / RandomVerticalFlip: the p gate. Columns: apply.
struct Flip {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  double p;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    row[0] = core::bernoulli_from32(blocks(0).v[0], p) ? 1.0 : 0.0;
  }
};

// RandomResizedCrop: ten (scale, log-ratio) attempts in blocks 0-4 (two per block), the offsets
// in blocks 5 and 6, torchvision's central-crop fallback. Columns: top, left, height, width.
struct ResizedCrop {
  static constexpr int kBlocks = 7;
  static constexpr int kColumns = 4;
  double scale_lo, scale_hi, log_ratio_lo, log_ratio_hi, ratio_min, ratio_max;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const double area = H * W;
    for (int attempt = 0; attempt < 10; ++attempt) {
      const u32x4 b = blocks(attempt / 2);
      const int k = (attempt % 2) * 2;
      const double target_area = area * uniform_in(b.v[k], scale_lo, scale_hi);
      const double aspect = core::pm_exp(uniform_in(b.v[k + 1], log_ratio_lo, log_ratio_hi));
      const double w = py_round(core::pm_sqrt(target_area * aspect));
      const double h = py_round(core::pm_sqrt(target_area / aspect));
      if (0 < w && w <= W && 0 < h && h <= H) {
        row[0] = static_cast<double>(randint_in(blocks(5), 0, height - static_cast<int64_t>(h) + 1));
        row[1] = static_cast<double>(randint_in(blocks(6), 0, width - static_cast<int64_t>(w) + 1));
        row[2] = h;
        row[3] = w;
        return;
      }
    }
    const double in_ratio = W / H;
    double w = W, h = H;
    if (in_ratio < ratio_min) {
      h = py_round(w / ratio_min);
    } else if (in_ratio > ratio_max) {
      w = py_round(h * ratio_max);
    }
    row[0] = static_cast<double>(floor_div(height - static_cast<int64_t>(h), 2));
    row[1] = static_cast<double>(floor_div(width - static_cast<int64_t>(w), 2));
    row[2] = h;
    row[3] = w;
  }
};

// RandomCrop: deterministic padding, then a randint per dimension that needs a crop (blocks 0 and
// 1). Columns: needs_crop, top, left, height, width, needs_pad, pad_left, pad_top, pad_right,
// pad_bottom.
struct Crop {
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 10;
  int64_t crop_h, crop_w, pad_left, pad_right, pad_top, pad_bottom;
  bool pad_if_needed;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    int64_t pl = pad_left, pr = pad_right, pt = pad_top, pb = pad_bottom;
    int64_t ph = height + pt + pb, pw = width + pl + pr;
    if (pad_if_needed) {
      if (ph < crop_h) {
        const int64_t diff = crop_h - ph;
        pt += diff;
        pb += diff;
        ph += 2 * diff;
      }
      if (pw < crop_w) {
        const int64_t diff = crop_w - pw;
        pl += diff;
        pr += diff;
        pw += 2 * diff;
      }
    }
    TORCHRNG_DEVICE_ASSERT(ph >= crop_h && pw >= crop_w);
    const bool vert = ph > crop_h, horz = pw > crop_w;
    row[0] = (vert || horz) ? 1.0 : 0.0;
    row[1] = vert ? static_cast<double>(randint_in(blocks(0), 0, ph - crop_h + 1)) : 0.0;
    row[2] = horz ? static_cast<double>(randint_in(blocks(1), 0, pw - crop_w + 1)) : 0.0;
    row[3] = static_cast<double>(crop_h);
    row[4] = static_cast<double>(crop_w);
    row[5] = (pl || pt || pr || pb) ? 1.0 : 0.0;
    row[6] = static_cast<double>(pl);
    row[7] = static_cast<double>(pt);
    row[8] = static_cast<double>(pr);
    row[9] = static_cast<double>(pb);
  }
};

// RandomRotation. Columns: angle.
struct Rotation {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  double lo, hi;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    row[0] = uniform_in(blocks(0).v[0], lo, hi);
  }
};

// RandomAffine: angle, translation (rounded half to even, as Python's round), scale, shear.
// Block 0: angle, tx, ty, scale; block 1: shear_x, shear_y. Columns: angle, tx, ty, scale,
// shear_x, shear_y.
struct Affine {
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 6;
  double deg_lo, deg_hi;
  double translate_x, translate_y;  // fractions of the width and height; < 0 when not set
  double scale_lo, scale_hi;        // scale_lo < 0 when not set
  int shear_count;                  // 0, 2 or 4
  double shear[4];
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const u32x4 b = blocks(0);
    row[0] = uniform_in(b.v[0], deg_lo, deg_hi);
    row[1] = row[2] = 0.0;
    if (translate_x >= 0) {
      const double max_dx = translate_x * static_cast<double>(width);
      const double max_dy = translate_y * static_cast<double>(height);
      row[1] = py_round(uniform_in(b.v[1], -max_dx, max_dx));
      row[2] = py_round(uniform_in(b.v[2], -max_dy, max_dy));
    }
    row[3] = scale_lo >= 0 ? uniform_in(b.v[3], scale_lo, scale_hi) : 1.0;
    row[4] = row[5] = 0.0;
    if (shear_count > 0) {
      const u32x4 s = blocks(1);
      row[4] = uniform_in(s.v[0], shear[0], shear[1]);
      if (shear_count == 4) row[5] = uniform_in(s.v[1], shear[2], shear[3]);
    }
  }
};

// Whether three of four integer points are collinear (exact: integer cross products). Then no
// perspective transform maps one quadrilateral to the other and the 8x8 system is singular.
TORCHRNG_HD bool degenerate_quad(const double* pts) {
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) {
      for (int c = b + 1; c < 4; ++c) {
        const int64_t abx = static_cast<int64_t>(pts[2 * b] - pts[2 * a]);
        const int64_t aby = static_cast<int64_t>(pts[2 * b + 1] - pts[2 * a + 1]);
        const int64_t acx = static_cast<int64_t>(pts[2 * c] - pts[2 * a]);
        const int64_t acy = static_cast<int64_t>(pts[2 * c + 1] - pts[2 * a + 1]);
        if (abx * acy - aby * acx == 0) return true;
      }
    }
  }
  return false;
}

// Solves the 8x8 system of torchvision's _get_perspective_coeffs (Gaussian elimination with
// partial pivoting in float64), rounded to float32 as torchvision rounds its result. When three
// corners of either quadrilateral are collinear the system is singular: torchvision's least-squares
// solver then returns values made of rounding noise, and this returns the identity transform.
TORCHRNG_HD void perspective_coefficients(const double* start, const double* end, double* coeffs) {
  if (degenerate_quad(start) || degenerate_quad(end)) {
    const double identity[8] = {1, 0, 0, 0, 1, 0, 0, 0};
    for (int j = 0; j < 8; ++j) coeffs[j] = identity[j];
    return;
  }
  double a[8][9];
  for (int i = 0; i < 4; ++i) {
    const double x = end[2 * i], y = end[2 * i + 1], sx = start[2 * i], sy = start[2 * i + 1];
    const double r0[9] = {x, y, 1, 0, 0, 0, -sx * x, -sx * y, sx};
    const double r1[9] = {0, 0, 0, x, y, 1, -sy * x, -sy * y, sy};
    for (int j = 0; j < 9; ++j) {
      a[2 * i][j] = r0[j];
      a[2 * i + 1][j] = r1[j];
    }
  }
  for (int col = 0; col < 8; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 8; ++r) {
      const double v = a[r][col] < 0 ? -a[r][col] : a[r][col];
      const double best = a[pivot][col] < 0 ? -a[pivot][col] : a[pivot][col];
      if (v > best) pivot = r;
    }
    if (pivot != col) {
      for (int j = 0; j < 9; ++j) {
        const double t = a[col][j];
        a[col][j] = a[pivot][j];
        a[pivot][j] = t;
      }
    }
    for (int r = col + 1; r < 8; ++r) {
      const double f = a[r][col] / a[col][col];
      for (int j = col; j < 9; ++j) a[r][j] = a[r][j] - f * a[col][j];
    }
  }
  for (int r = 7; r >= 0; --r) {
    double s = a[r][8];
    for (int j = r + 1; j < 8; ++j) s = s - a[r][j] * coeffs[j];
    coeffs[r] = s / a[r][r];
  }
  for (int j = 0; j < 8; ++j) coeffs[j] = static_cast<double>(static_cast<float>(coeffs[j]));
}

// RandomPerspective: the p gate (block 0), then eight corner randints (blocks 1-8) in
// torchvision's order. Columns: apply, 8 coefficients, 8 endpoint coordinates (tl, tr, br, bl).
struct Perspective {
  static constexpr int kBlocks = 9;
  static constexpr int kColumns = 17;
  double p, distortion_scale;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    row[0] = core::bernoulli_from32(blocks(0).v[0], p) ? 1.0 : 0.0;
    const int64_t bound_h = static_cast<int64_t>(py_int(distortion_scale * static_cast<double>(height / 2))) + 1;
    const int64_t bound_w = static_cast<int64_t>(py_int(distortion_scale * static_cast<double>(width / 2))) + 1;
    double* end = row + 9;
    end[0] = static_cast<double>(randint_in(blocks(1), 0, bound_w));
    end[1] = static_cast<double>(randint_in(blocks(2), 0, bound_h));
    end[2] = static_cast<double>(randint_in(blocks(3), width - bound_w, width));
    end[3] = static_cast<double>(randint_in(blocks(4), 0, bound_h));
    end[4] = static_cast<double>(randint_in(blocks(5), width - bound_w, width));
    end[5] = static_cast<double>(randint_in(blocks(6), height - bound_h, height));
    end[6] = static_cast<double>(randint_in(blocks(7), 0, bound_w));
    end[7] = static_cast<double>(randint_in(blocks(8), height - bound_h, height));
    const double w1 = static_cast<double>(width - 1), h1 = static_cast<double>(height - 1);
    const double start[8] = {0, 0, w1, 0, w1, h1, 0, h1};
    perspective_coefficients(start, end, row + 1);
  }
};

// RandomZoomOut: block 0 holds the p gate, the side ratio and the two placement fractions.
// Columns: apply, pad_left, pad_top, pad_right, pad_bottom.
struct ZoomOut {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 5;
  double p, side_lo, side_hi;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const u32x4 b = blocks(0);
    row[0] = core::bernoulli_from32(b.v[0], p) ? 1.0 : 0.0;
    const double r = side_lo + unit(b.v[1]) * (side_hi - side_lo);
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const double canvas_w = py_int(W * r), canvas_h = py_int(H * r);
    const double left = py_int((canvas_w - W) * unit(b.v[2]));
    const double top = py_int((canvas_h - H) * unit(b.v[3]));
    row[1] = left;
    row[2] = top;
    row[3] = canvas_w - (left + W);
    row[4] = canvas_h - (top + H);
  }
};

// ScaleJitter (torchvision's formula, including its min(target[1] / H, target[0] / W)).
// Columns: height, width.
struct ScaleJitter {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 2;
  double target_h, target_w, scale_lo, scale_hi;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const double scale = scale_lo + unit(blocks(0).v[0]) * (scale_hi - scale_lo);
    const double r = min_d(target_w / H, target_h / W) * scale;
    row[0] = py_int(H * r);
    row[1] = py_int(W * r);
  }
};

// RandomShortestSize: one of the configured shortest-side sizes, capped by max_size.
// Columns: height, width.
struct ShortestSize {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 2;
  int count;
  double sizes[kMaxListValues];
  double max_size;  // < 0 when not set
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const double min_size = sizes[randint_in(blocks(0), 0, count)];
    double r = min_size / min_d(H, W);
    if (max_size >= 0) r = min_d(r, max_size / max_d(H, W));
    row[0] = py_int(H * r);
    row[1] = py_int(W * r);
  }
};

// RandomResize: a size in [min_size, max_size) (max_size exclusive, as torchvision's randint).
// Columns: size.
struct Resize {
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  int64_t min_size, max_size;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    row[0] = static_cast<double>(randint_in(blocks(0), min_size, max_size));
  }
};

}  // namespace samplers
}  // namespace torchrng
