// Samplers of the random geometric transforms of torchvision.transforms.v2 (0.29), one struct
// each, following torchvision's make_params draw for draw (see docs/samplers.md for the block
// budgets and the few places where a fixed budget replaces an open loop).
#pragma once

#include "area_ratio.h"
#include "common.h"

namespace torchrng {
namespace samplers {

// RandomHorizontalFlip / RandomVerticalFlip: the p gate. Columns: apply.
struct Flip {
  using Value = bool;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  double p;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, bool* row) const {
    row[0] = core::bernoulli_from32(blocks(0).v[0], p);
  }
};

// RandomResizedCrop: ten (scale, log-ratio) attempts, two per block, torchvision's central-crop
// fallback. Block 0 holds attempts 0 and 1, blocks 1 and 2 the offsets, blocks 3-6 attempts 2-9:
// most samples accept within the first two attempts, so the CPU makes blocks 0-2 in advance
// (kEagerBlocks) and the rest only when needed, and may hand in attempt 0 already evaluated
// (kFirstAttemptBlock: words 0 and 1 of block 0). Columns: top, left, height, width.
struct ResizedCrop {
  using Value = int64_t;
  static constexpr int kBlocks = 7;
  static constexpr int kEagerBlocks = 3;
  static constexpr int kFirstAttemptBlock = 0;
  static constexpr int kTopBlock = 1, kLeftBlock = 2;  // the accepted box's offsets (place_box)
  static constexpr bool kHeightWithRatio = false;     // the crop's height is the side against it
  static constexpr int kColumns = 4;
  AreaRatioRange range;
  double ratio_min, ratio_max;
  TORCHRNG_HD const AreaRatioRange& area_ratio_range() const { return range; }
  // Whether an attempt's box fits the image (torchvision: 0 < w <= width and 0 < h <= height).
  static TORCHRNG_HD bool fits(const AreaRatioSides& sides, double H, double W) {
    const double w = sides.with_ratio, h = sides.against_ratio;
    return 0 < w && w <= W && 0 < h && h <= H;
  }
  static TORCHRNG_HD void write_box(int64_t* row, int64_t top, int64_t left, int64_t h, int64_t w) {
    row[0] = top;
    row[1] = left;
    row[2] = h;
    row[3] = w;
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
    (*this)(blocks, height, width, row, first_attempt(blocks, kFirstAttemptBlock, height, width, range));
  }
  // The same, with attempt 0 given.
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row,
                              AreaRatioSides first) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    // Attempt 0, which most samples accept, first and on its own: the loop below is the rare path.
    if (fits(first, H, W)) return place_box<ResizedCrop>(blocks, height, width, first, row);
    const double area = image_area(height, width);
    for (int attempt = 1; attempt < 10; ++attempt) {
      const AreaRatioSides sides = nth_attempt(blocks, attempt, kFirstAttemptBlock, 3, area, range, first);
      if (fits(sides, H, W)) return place_box<ResizedCrop>(blocks, height, width, sides, row);
    }
    const double in_ratio = W / H;
    double w = W, h = H;
    if (in_ratio < ratio_min) {
      h = py_round(w / ratio_min);
    } else if (in_ratio > ratio_max) {
      w = py_round(h * ratio_max);
    }
    const int64_t hi = to_i64(h), wi = to_i64(w);
    row[0] = floor_div(height - hi, 2);
    row[1] = floor_div(width - wi, 2);
    row[2] = hi;
    row[3] = wi;
  }
};

// RandomCrop: deterministic padding, then a randint per dimension that needs a crop (blocks 0 and
// 1). Columns: needs_crop, top, left, height, width, needs_pad, pad_left, pad_top, pad_right,
// pad_bottom.
struct Crop {
  using Value = int64_t;
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 10;
  int64_t crop_h, crop_w, pad_left, pad_right, pad_top, pad_bottom;
  bool pad_if_needed;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
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
    row[0] = (vert || horz) ? 1 : 0;
    row[1] = vert ? randint_in(blocks(0), 0, ph - crop_h + 1) : 0;
    row[2] = horz ? randint_in(blocks(1), 0, pw - crop_w + 1) : 0;
    row[3] = crop_h;
    row[4] = crop_w;
    row[5] = (pl || pt || pr || pb) ? 1 : 0;
    row[6] = pl;
    row[7] = pt;
    row[8] = pr;
    row[9] = pb;
  }
};

// RandomRotation (and GaussianBlur's sigma): one float32 uniform. Columns: angle.
struct Rotation {
  using Value = double;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  float lo, hi;  // the range rounded to float32 once (uniform_f32 rounds it the same way)
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, double* row) const {
    row[0] = uniform_f32(blocks(0).v[0], lo, hi);
  }
};

// RandomAffine: angle, translation (rounded half to even, as Python's round), scale, shear, each a
// float32 uniform as torchvision draws it (the translation's bounds are float(translate * side)).
// Block 0: angle, tx, ty, scale; block 1: shear_x, shear_y. Columns: angle, tx, ty, scale,
// shear_x, shear_y.
struct Affine {
  using Value = double;
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 6;
  double deg_lo, deg_hi;
  double translate_x, translate_y;  // fractions of the width and height; < 0 when not set
  double scale_lo, scale_hi;        // scale_lo < 0 when not set
  int shear_count;                  // 0, 2 or 4
  double shear[4];
  TORCHRNG_HD ColumnRange int_columns() const { return {1, 3}; }  // the translation
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const u32x4 b = blocks(0);
    row[0] = uniform_f32(b.v[0], deg_lo, deg_hi);
    row[1] = row[2] = 0.0;
    if (translate_x >= 0) {
      const double max_dx = translate_x * static_cast<double>(width);
      const double max_dy = translate_y * static_cast<double>(height);
      row[1] = py_round(uniform_f32(b.v[1], -max_dx, max_dx));
      row[2] = py_round(uniform_f32(b.v[2], -max_dy, max_dy));
    }
    row[3] = scale_lo >= 0 ? uniform_f32(b.v[3], scale_lo, scale_hi) : 1.0;
    row[4] = row[5] = 0.0;
    if (shear_count > 0) {
      const u32x4 s = blocks(1);
      row[4] = uniform_f32(s.v[0], shear[0], shear[1]);
      if (shear_count == 4) row[5] = uniform_f32(s.v[1], shear[2], shear[3]);
    }
  }
};

// Whether three of four integer points are collinear (exact: integer cross products). Then no
// perspective transform maps one quadrilateral to the other and the 8x8 system is singular. The
// coordinates are whole numbers in [0, 2^31) (image sides are below 2^31), so the casts are exact
// and the cross products, below 2^63 in magnitude, cannot overflow.
TORCHRNG_HD bool collinear(const int64_t* x, const int64_t* y, int a, int b, int c) {
  return (x[b] - x[a]) * (y[c] - y[a]) == (y[b] - y[a]) * (x[c] - x[a]);
}

TORCHRNG_HD bool degenerate_quad(const double* pts) {
  int64_t x[4], y[4];
  for (int a = 0; a < 4; ++a) {
    x[a] = static_cast<int64_t>(pts[2 * a]);
    y[a] = static_cast<int64_t>(pts[2 * a + 1]);
  }
  return collinear(x, y, 0, 1, 2) || collinear(x, y, 0, 1, 3) || collinear(x, y, 0, 2, 3) || collinear(x, y, 1, 2, 3);
}

// torchvision's _get_perspective_coefficients solves an 8x8 least-squares system for the map
// from the end quadrilateral back to the image rectangle. The same map in closed form: the
// rectangle-to-quad homography (Heckbert's square-to-quad, scaled to the rectangle), inverted by
// its adjugate and normalised so that its last entry is 1, then rounded to float32 as torchvision
// rounds its result. When three corners of either quadrilateral are collinear no such map exists
// (torchvision's solver then returns rounding noise): this returns the identity.
TORCHRNG_HD void perspective_coefficients(const double* start, const double* end, double* coeffs) {
  const double identity[8] = {1, 0, 0, 0, 1, 0, 0, 0};
  // start is the image rectangle (0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1): three of its corners
  // are collinear exactly when it has no width or no height.
  if (start[4] == 0 || start[5] == 0 || degenerate_quad(end)) {
    for (int j = 0; j < 8; ++j) coeffs[j] = identity[j];
    return;
  }
  const double x0 = end[0], y0 = end[1], x1 = end[2], y1 = end[3];
  const double x2 = end[4], y2 = end[5], x3 = end[6], y3 = end[7];
  const double dx1 = x1 - x2, dx2 = x3 - x2, dx3 = x0 - x1 + x2 - x3;
  const double dy1 = y1 - y2, dy2 = y3 - y2, dy3 = y0 - y1 + y2 - y3;
  double g = 0, h = 0;
  if (dx3 != 0 || dy3 != 0) {
    const double den = dx1 * dy2 - dx2 * dy1;
    g = (dx3 * dy2 - dx2 * dy3) / den;
    h = (dx1 * dy3 - dx3 * dy1) / den;
  }
  // unit square -> quad, then scaled so that the rectangle's far corner (sx, sy) maps to the unit one
  const double sx = start[4], sy = start[5];
  const double m[3][3] = {{(x1 - x0 + g * x1) / sx, (x3 - x0 + h * x3) / sy, x0},
                          {(y1 - y0 + g * y1) / sx, (y3 - y0 + h * y3) / sy, y0},
                          {g / sx, h / sy, 1.0}};
  // adjugate = inverse up to a scale, which the normalisation removes
  const double c22 = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  if (c22 == 0) {
    for (int j = 0; j < 8; ++j) coeffs[j] = identity[j];
    return;
  }
  const double inv[8] = {
      m[1][1] * m[2][2] - m[1][2] * m[2][1], m[0][2] * m[2][1] - m[0][1] * m[2][2],
      m[0][1] * m[1][2] - m[0][2] * m[1][1], m[1][2] * m[2][0] - m[1][0] * m[2][2],
      m[0][0] * m[2][2] - m[0][2] * m[2][0], m[0][2] * m[1][0] - m[0][0] * m[1][2],
      m[1][0] * m[2][1] - m[1][1] * m[2][0], m[0][1] * m[2][0] - m[0][0] * m[2][1],
  };
  for (int j = 0; j < 8; ++j) coeffs[j] = static_cast<double>(static_cast<float>(inv[j] / c22));
}

// RandomPerspective: the p gate (block 0), then eight corner randints (blocks 1-8) in
// torchvision's order. Columns: apply, 8 coefficients, 8 endpoint coordinates (tl, tr, br, bl).
//
// Each corner coordinate is torch.randint(lo, hi) with hi - lo the x bound for x and the y bound
// for y, so blocks 1-8 are bounded draws whose ranges alternate; for a batch of one image size
// (with_image_size) the CPU draws them for a tile at once (DrawnBlocks).
struct Perspective {
  using Value = double;
  static constexpr int kBlocks = 9;
  static constexpr int kColumns = 17;
  double p, distortion_scale;
  int64_t sized_height = 0, sized_width = 0;  // set by with_image_size
  TORCHRNG_HD ColumnRange int_columns() const { return {9, 17}; }  // the endpoints
  TORCHRNG_HD int64_t bound(int64_t side) const {  // the corner jitter's exclusive bound
    return to_i64(py_int(distortion_scale * static_cast<double>(side / 2))) + 1;
  }
  Perspective with_image_size(int64_t height, int64_t width) const {
    Perspective r = *this;
    r.sized_height = height;
    r.sized_width = width;
    return r;
  }
  // Blocks 1-8 are draws below (x bound, y bound, x bound, ...); none for a sampler of no fixed size.
  TORCHRNG_HD DrawnBlocks drawn_blocks() const {
    if (sized_height == 0) return {1, 0, {1, 1}};
    return {1, 8, {static_cast<uint64_t>(bound(sized_width)), static_cast<uint64_t>(bound(sized_height))}};
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const DrawnBlocks corners{1, 8, {static_cast<uint64_t>(bound(width)), static_cast<uint64_t>(bound(height))}};
    write(blocks, height, width, row, OwnDraws<Blocks>{blocks, corners});
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row, DrawnInts corners) const {
    TORCHRNG_DEVICE_ASSERT(height == sized_height && width == sized_width);
    write(blocks, height, width, row, corners);
  }
  template <class Blocks, class Draws>
  TORCHRNG_HD void write(const Blocks& blocks, int64_t height, int64_t width, double* row, const Draws& d) const {
    row[0] = core::bernoulli_from32(blocks(0).v[0], p) ? 1.0 : 0.0;
    double* end = row + 9;
    endpoints(height, width, d, end);
    const double w1 = static_cast<double>(width - 1), h1 = static_cast<double>(height - 1);
    const double start[8] = {0, 0, w1, 0, w1, h1, 0, h1};
    perspective_coefficients(start, end, row + 1);
  }
  // The corners (tl, tr, br, bl as x, y) from the eight draws.
  template <class Draws>
  TORCHRNG_HD void endpoints(int64_t height, int64_t width, const Draws& d, double* end) const {
    const int64_t far_x = width - bound(width), far_y = height - bound(height);  // lo of the far corners
    end[0] = static_cast<double>(static_cast<int64_t>(d[0]));
    end[1] = static_cast<double>(static_cast<int64_t>(d[1]));
    end[2] = static_cast<double>(far_x + static_cast<int64_t>(d[2]));
    end[3] = static_cast<double>(static_cast<int64_t>(d[3]));
    end[4] = static_cast<double>(far_x + static_cast<int64_t>(d[4]));
    end[5] = static_cast<double>(far_y + static_cast<int64_t>(d[5]));
    end[6] = static_cast<double>(static_cast<int64_t>(d[6]));
    end[7] = static_cast<double>(far_y + static_cast<int64_t>(d[7]));
  }
};

// RandomZoomOut: block 0 holds the p gate, the side ratio and the two placement fractions.
// Columns: apply, pad_left, pad_top, pad_right, pad_bottom.
struct ZoomOut {
  using Value = int64_t;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 5;
  double p, side_lo, side_hi;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
    const u32x4 b = blocks(0);
    row[0] = core::bernoulli_from32(b.v[0], p) ? 1 : 0;
    // In float32, as torchvision's: r = lo + rand(1) * (hi - lo), then int(side * r) and
    // int((canvas - side) * rand), each product of a Python number and a float32 tensor.
    const float r = static_cast<float>(side_lo) + core::u01_f32(b.v[1]) * static_cast<float>(side_hi - side_lo);
    const int64_t canvas_w = trunc_f32(static_cast<float>(width) * r);
    const int64_t canvas_h = trunc_f32(static_cast<float>(height) * r);
    const int64_t left = trunc_f32(static_cast<float>(canvas_w - width) * core::u01_f32(b.v[2]));
    const int64_t top = trunc_f32(static_cast<float>(canvas_h - height) * core::u01_f32(b.v[3]));
    row[1] = left;
    row[2] = top;
    row[3] = canvas_w - (left + width);
    row[4] = canvas_h - (top + height);
  }
};

// ScaleJitter (torchvision's formula, including its min(target[1] / H, target[0] / W)).
// Columns: height, width.
struct ScaleJitter {
  using Value = int64_t;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 2;
  double target_h, target_w, scale_lo, scale_hi;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    // In float32, as torchvision's: scale = lo + rand(1) * (hi - lo), r = min(...) * scale and
    // int(side * r), each a Python number times a float32 tensor.
    const float scale =
        static_cast<float>(scale_lo) + core::u01_f32(blocks(0).v[0]) * static_cast<float>(scale_hi - scale_lo);
    const float r = static_cast<float>(min_d(target_w / H, target_h / W)) * scale;
    row[0] = trunc_f32(static_cast<float>(height) * r);
    row[1] = trunc_f32(static_cast<float>(width) * r);
  }
};

// RandomShortestSize: one of the configured shortest-side sizes, capped by max_size.
// Columns: height, width.
struct ShortestSize {
  using Value = int64_t;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 2;
  int count;
  double sizes[kMaxListValues];
  double max_size;  // < 0 when not set
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, int64_t* row) const {
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const double min_size = sizes[randint_in(blocks(0), 0, count)];
    double r = min_size / min_d(H, W);
    if (max_size >= 0) r = min_d(r, max_size / max_d(H, W));
    row[0] = to_i64(py_int(H * r));
    row[1] = to_i64(py_int(W * r));
  }
};

// RandomResize: a size in [min_size, max_size) (max_size exclusive, as torchvision's randint).
// Columns: size.
struct Resize {
  using Value = int64_t;
  static constexpr int kBlocks = 1;
  static constexpr int kColumns = 1;
  int64_t min_size, max_size;
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, int64_t* row) const {
    row[0] = randint_in(blocks(0), min_size, max_size);
  }
};

}  // namespace samplers
}  // namespace torchrng
