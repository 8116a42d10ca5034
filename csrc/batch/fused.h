// Per-pixel code of the fused batch kernel (torchrng::resized_crop), shared by the CPU backend
// (csrc/cpu/batch_cpu.cpp) and the CUDA backend (csrc/cuda/batch_cuda.cu).
//
// For sample b and output pixel (oy, ox) the kernel computes, in torchvision's order and with its
// formulas:
//   1. crop (top, left, height, width) and resize to (out_h, out_w): torch's interpolate with
//      align_corners=False (nearest, nearest-exact, bilinear, bicubic; antialias as torch's _aa
//      kernels), written as a separable sum: out = sum_ky wy[ky] * (sum_kx wx[kx] * in[y][x]);
//      the result is quantised to the input dtype (uint8: round half to even, clamp to [0, 255]);
//   2. horizontal flip of the resized image (flip[b]);
//   3. ColorJitter in the sample's order (brightness, contrast, saturation, hue), each step
//      quantised to the input dtype as torchvision's uint8 / float kernels do;
//   4. ToDtype(out dtype, scale) and Normalize(mean, std) in the output dtype's arithmetic.
//
// Everything is float32 IEEE arithmetic (plus a few double steps where torch uses double, and
// explicit fmaf where torch fuses a + alpha * b), with FMA contraction off on both sides, so the
// CPU and CUDA backends give the same bits. The CPU
// backend evaluates the separable sum as two passes over a buffer and the jitter op by op over the
// image; the CUDA backend evaluates the same expressions per output pixel in the same order.
#pragma once

#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <cmath>
#include <cstdint>

#include "../core/config.h"

namespace torchrng {
namespace batch {

// Interpolation modes (torchrng.batch maps torchvision's InterpolationMode onto these).
enum Interp : int { kNearest = 0, kNearestExact = 1, kBilinear = 2, kBicubic = 3 };

// What the values between the steps are rounded to: the input dtype.
enum Domain : int { kU8 = 0, kF32 = 1, kF16 = 2, kBF16 = 3 };

constexpr int kMaxChannels = 16;  // channels the normalisation arrays hold
constexpr int kLocalTaps = 8;     // taps whose weights a Taps holds (more: evaluated on the fly)
constexpr int kJitterColumns = 8;  // fn_idx[4], brightness, contrast, saturation, hue (NaN: off)

// Float <-> int helpers that are exact and identical on host and device.
TORCHRNG_HD float f_floor(float x) { return ::floorf(x); }
TORCHRNG_HD float f_rint(float x) { return ::rintf(x); }
TORCHRNG_HD float f_abs(float x) { return x < 0.f ? -x : x; }
TORCHRNG_HD float f_min(float a, float b) { return b < a ? b : a; }
TORCHRNG_HD float f_max(float a, float b) { return a < b ? b : a; }
TORCHRNG_HD float f_clamp(float x, float lo, float hi) { return f_min(f_max(x, lo), hi); }
TORCHRNG_HD int64_t i_min(int64_t a, int64_t b) { return b < a ? b : a; }
TORCHRNG_HD int64_t i_max(int64_t a, int64_t b) { return a < b ? b : a; }
TORCHRNG_HD bool f_isnan(double x) { return x != x; }
// torch computes `a.add_(b, alpha=s)` as one fused multiply-add on both backends (vectorised fmadd
// on CPU, contracted a + alpha * b on CUDA); fmaf is correctly rounded on both sides.
TORCHRNG_HD float f_fma(float a, float b, float c) { return ::fmaf(a, b, c); }

TORCHRNG_HD float round_domain(float x, int domain) {
  if (domain == kF16) return static_cast<float>(c10::Half(x));
  if (domain == kBF16) return static_cast<float>(c10::BFloat16(x));
  return x;
}

// torch's float -> uint8 conversion of a value already clamped to [0, 255]: truncation.
TORCHRNG_HD float trunc_u8(float x) { return static_cast<float>(static_cast<int>(x)); }

// --- resampling taps ------------------------------------------------------------------------------

// The source taps of one output coordinate along one axis: indices start + k (clamped to the
// crop), k < count, with weights weight(k). Antialiased weights are torch's
// _compute_indices_min_size_weights_aa: filter values normalised by their sum; up to kLocalTaps of
// them are stored, wider filters (strong downscaling) are evaluated on the fly from
// (center, invscale, total), which gives the same values.
struct Taps {
  int64_t start;
  int64_t in_size;
  int count;
  int kind;  // 0: explicit weights w[], 1: antialiased bilinear, 2: antialiased bicubic
  float w[kLocalTaps];
  float center, invscale, total;

  TORCHRNG_HD int64_t index(int k) const { return i_min(i_max(start + k, 0), in_size - 1); }

  TORCHRNG_HD static float aa_bilinear(float x) {
    x = f_abs(x);
    return x < 1.0f ? 1.0f - x : 0.0f;
  }
  TORCHRNG_HD static float aa_bicubic(float x) {
    const double a = -0.5;  // torch's aa_filter for bicubic (Keys' a = -0.5); double like torch
    x = f_abs(x);
    if (x < 1.0f) return static_cast<float>(((a + 2.0) * x - (a + 3.0)) * x * x + 1);
    if (x < 2.0f) return static_cast<float>((((x - 5) * x + 8) * x - 4) * a);
    return 0.0f;
  }
  TORCHRNG_HD float raw(int k) const {
    // torch: filter((j + xmin - center + 0.5) * invscale), int64 + float -> float, then double.
    const float d = static_cast<float>(k + start) - center;
    const float x = static_cast<float>((static_cast<double>(d) + 0.5) * static_cast<double>(invscale));
    return kind == 1 ? aa_bilinear(x) : aa_bicubic(x);
  }
  TORCHRNG_HD float weight(int k) const {
    if (kind == 0) return w[k];
    const float r = raw(k);
    return total != 0.0f ? r / total : r;
  }
};

// torch's cubic convolution coefficients (upsample_bicubic2d, A = -0.75), in its opmath (float).
TORCHRNG_HD void cubic_coefficients(float t, float* c) {
  const float A = -0.75f;
  const float x1 = t;
  c[0] = ((A * (x1 + 1.0f) - 5.0f * A) * (x1 + 1.0f) + 8.0f * A) * (x1 + 1.0f) - 4.0f * A;
  c[1] = ((A + 2.0f) * x1 - (A + 3.0f)) * x1 * x1 + 1.0f;
  const float x2 = 1.0f - t;
  c[2] = ((A + 2.0f) * x2 - (A + 3.0f)) * x2 * x2 + 1.0f;
  c[3] = ((A * (x2 + 1.0f) - 5.0f * A) * (x2 + 1.0f) + 8.0f * A) * (x2 + 1.0f) - 4.0f * A;
}

// The taps of output coordinate i when resizing in_size -> out_size (align_corners=False).
TORCHRNG_HD Taps make_taps(int interp, bool antialias, int64_t in_size, int64_t out_size, int64_t i) {
  Taps t;
  t.in_size = in_size;
  t.kind = 0;
  t.center = t.invscale = t.total = 0.0f;
  TORCHRNG_UNROLL
  for (int k = 0; k < kLocalTaps; ++k) t.w[k] = 0.0f;
  t.w[0] = 1.0f;
  if (in_size == out_size) {  // torchvision returns the crop as is
    t.start = i;
    t.count = 1;
    return t;
  }
  const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
  if (interp == kNearest || interp == kNearestExact) {
    const float src = interp == kNearest ? static_cast<float>(i) * scale : (static_cast<float>(i) + 0.5f) * scale;
    int64_t idx = static_cast<int64_t>(f_floor(src));
    if (interp == kNearest && out_size == 2 * in_size) idx = i >> 1;  // torch's exact 2x shortcut
    t.start = i_min(idx, in_size - 1);
    t.count = 1;
    return t;
  }
  if (antialias) {
    // torch _compute_indices_min_size_weights_aa, scalar_t = float
    const float interp_size = interp == kBilinear ? 2.0f : 4.0f;
    const float support = scale >= 1.0f ? (interp_size * 0.5f) * scale : interp_size * 0.5f;
    const float center = static_cast<float>(static_cast<double>(scale) * (static_cast<double>(i) + 0.5));
    const float invscale = scale >= 1.0f ? 1.0f / scale : 1.0f;
    const int64_t max_interp = static_cast<int64_t>(::ceilf(support)) * 2 + 1;
    const int64_t xmin = i_max(static_cast<int64_t>(static_cast<double>(center - support) + 0.5), 0);
    int64_t xsize = i_min(static_cast<int64_t>(static_cast<double>(center + support) + 0.5), in_size) - xmin;
    xsize = i_min(i_max(xsize, 0), max_interp);
    t.kind = interp == kBilinear ? 1 : 2;
    t.start = xmin;
    t.count = static_cast<int>(xsize);
    t.center = center;
    t.invscale = invscale;
    float total = 0.0f;
    for (int k = 0; k < t.count; ++k) total += t.raw(k);
    t.total = total;
    if (t.count <= kLocalTaps) {  // store the normalised weights: weight(k) == w[k]
      for (int k = 0; k < t.count; ++k) t.w[k] = t.weight(k);
      t.kind = 0;
    }
    return t;
  }
  if (interp == kBilinear) {
    // area_pixel_compute_source_index (not cubic): max(scale * (i + 0.5) - 0.5, 0)
    float src = scale * (static_cast<float>(i) + 0.5f) - 0.5f;
    if (src < 0.0f) src = 0.0f;
    const int64_t i0 = static_cast<int64_t>(src);
    const float l1 = src - static_cast<float>(i0);
    t.start = i0;
    t.count = 2;
    t.w[0] = 1.0f - l1;
    t.w[1] = l1;
    return t;
  }
  // bicubic: source index not clamped, taps clamped on access
  const float src = scale * (static_cast<float>(i) + 0.5f) - 0.5f;
  const float fl = f_floor(src);
  cubic_coefficients(src - fl, t.w);
  t.start = static_cast<int64_t>(fl) - 1;
  t.count = 4;
  return t;
}

// One channel of one resized pixel: sum_kx wx * (sum_ky wy * in), the CPU backend's two passes
// (a vertical pass over the crop's columns, then a horizontal one) in the same order. `plane` is
// the sample's channel plane, row stride `W`.
template <typename T>
TORCHRNG_HD float resample_pixel(const T* plane, int64_t W, int64_t top, int64_t left, const Taps& ty,
                                 const Taps& tx) {
  float acc = 0.0f;
  if (ty.kind == 0 && tx.kind == 0) {
    // stored weights, loops unrolled so that they stay in registers on the device; the same sums
    // in the same order as the general loop below
    TORCHRNG_UNROLL
    for (int kx = 0; kx < kLocalTaps; ++kx) {
      if (kx < tx.count) {
        const T* col = plane + top * W + left + tx.index(kx);
        float v = 0.0f;
        TORCHRNG_UNROLL
        for (int ky = 0; ky < kLocalTaps; ++ky) {
          if (ky < ty.count) v += ty.w[ky] * static_cast<float>(col[ty.index(ky) * W]);
        }
        acc += tx.w[kx] * v;
      }
    }
    return acc;
  }
  for (int kx = 0; kx < tx.count; ++kx) {
    const T* col = plane + top * W + left + tx.index(kx);
    float v = 0.0f;
    for (int ky = 0; ky < ty.count; ++ky) v += ty.weight(ky) * static_cast<float>(col[ty.index(ky) * W]);
    acc += tx.weight(kx) * v;
  }
  return acc;
}

// The resized value rounded to the input dtype, as torchvision's resize returns it (an exact
// integer stays itself, so the untouched same-size crop needs no special case).
TORCHRNG_HD float quantize_resized(float v, int domain) {
  if (domain == kU8) return f_clamp(f_rint(v), 0.0f, 255.0f);
  return round_domain(v, domain);
}

// --- ColorJitter, torchvision's formulas ---------------------------------------------------------

struct Jitter {
  int order[4];
  float f[4];        // factor as float32 (torch casts the Python float scalar to the opmath type)
  float one_minus[4];  // (1.0 - factor) computed in double, then float32, as torch's alpha
  bool on[4];
};

TORCHRNG_HD Jitter load_jitter(const double* row) {
  Jitter j;
  for (int k = 0; k < 4; ++k) {
    j.order[k] = static_cast<int>(row[k]);
    const double f = row[4 + k];
    j.on[k] = !f_isnan(f);
    j.f[k] = j.on[k] ? static_cast<float>(f) : 0.0f;
    j.one_minus[k] = j.on[k] ? static_cast<float>(1.0 - f) : 0.0f;
  }
  return j;
}

// r.mul(0.2989).add_(g, alpha=0.587).add_(b, alpha=0.114), floored for integer images.
TORCHRNG_HD float gray_of(const float* px, int channels, int domain) {
  if (channels == 1) return px[0];
  float g = px[0] * 0.2989f;
  g = f_fma(0.587f, px[1], g);
  g = f_fma(0.114f, px[2], g);
  return domain == kU8 ? f_floor(g) : g;
}

TORCHRNG_HD float finish_step(float y, int domain) {
  return domain == kU8 ? trunc_u8(y) : round_domain(y, domain);
}

// _blend(image1, image2, ratio): image1 * ratio + (1 - ratio) * image2, clamped, cast back.
TORCHRNG_HD float blend(float x, float other, float f, float one_minus, float bound, int domain) {
  const float y = f_fma(one_minus, other, x * f);
  return finish_step(f_clamp(y, 0.0f, bound), domain);
}

// fmod(a, 1), exactly: a - trunc(a) is exact (the fraction bits of a) and fmod keeps a's sign.
// Branch-free, so that the CPU loops vectorise.
TORCHRNG_HD float fmod1(float a) { return ::copysignf(a - ::truncf(a), a); }

TORCHRNG_HD float remainder1(float a) {  // torch.remainder(a, 1.0) for floats
  const float m = fmod1(a);
  return m < 0.0f ? m + 1.0f : m;
}

// adjust_hue, in three stages (the CPU backend runs them as three vectorisable loops; hue_pixel
// chains them for one pixel).
// Stage 1: _rgb_to_hsv of the pixel (in [0, 1] units), then h.add_(hue).remainder_(1.0).
TORCHRNG_HD void hue_to_hsv(const float* px, float hue, int domain, float* hsv) {
  float r = px[0], g = px[1], b = px[2];
  if (domain == kU8) {  // to_dtype_image(uint8 -> float32, scale): x * float32(1 / 255)
    const float s255 = static_cast<float>(1.0 / 255.0);
    r = r * s255;
    g = g * s255;
    b = b * s255;
  }
  const float maxc = f_max(f_max(r, g), b);
  const float minc = f_min(f_min(r, g), b);
  const bool eqc = maxc == minc;
  const float cr = maxc - minc;
  const float s = cr / (eqc ? 1.0f : maxc);
  const float crd = eqc ? 1.0f : cr;
  const float rc = (maxc - r) / crd, gc = (maxc - g) / crd, bc = (maxc - b) / crd;
  const bool neq_r = maxc != r, eq_g = maxc == g;
  const float hg = ((rc + 2.0f) - bc) * ((eq_g && neq_r) ? 1.0f : 0.0f);
  const float hr = (bc - gc) * (!neq_r ? 1.0f : 0.0f);
  const float hb = ((gc + 4.0f) - rc) * ((neq_r && !eq_g) ? 1.0f : 0.0f);
  float h = (hr + hg) + hb;
  h = fmod1(h * static_cast<float>(1.0 / 6.0) + 1.0f);
  hsv[0] = remainder1(h + hue);
  hsv[1] = s;
  hsv[2] = maxc;
}

// Stage 2 of _hsv_to_rgb: v, p, q, t and the sector i (as a float, 0..5).
TORCHRNG_HD void hsv_vpqt(const float* hsv, float* vpqt, float* sector) {
  const float h = hsv[0], s = hsv[1], v = hsv[2];
  const float h6 = h * 6.0f;
  const float fi = f_floor(h6);
  const float f = h6 - fi;
  // NaN (or an out-of-range value) gives INT_MIN, as x86's conversion does for torchvision's
  // floor(h6).to(int32); a plain cast would be undefined behaviour.
  int i = (fi >= -2147483648.0f && fi < 2147483648.0f) ? static_cast<int>(fi) : (-2147483647 - 1);
  const float sxf = s * f;
  const float one_minus_s = 1.0f - s;
  vpqt[0] = v;
  vpqt[1] = f_clamp(one_minus_s * v, 0.0f, 1.0f);           // p
  vpqt[2] = f_clamp((1.0f - sxf) * v, 0.0f, 1.0f);          // q
  vpqt[3] = f_clamp((sxf + one_minus_s) * v, 0.0f, 1.0f);   // t
  i = ((i % 6) + 6) % 6;
  *sector = static_cast<float>(i);
}

// Stage 3: vpqt.gather(select[:, i]) with select = [[v q p p t v], [t v v q p p], [p p t v v q]],
// converted back to the domain (uint8: mul(255 + 1 - 1e-3), truncate).
TORCHRNG_HD void hsv_select(const float* vpqt, float sector, int domain, float* px) {
  const float v = vpqt[0], p = vpqt[1], q = vpqt[2], t = vpqt[3];
  const int i = static_cast<int>(sector);
  float o0 = p, o1 = p, o2 = q;
  o0 = (i == 1) ? q : o0;
  o0 = (i == 4) ? t : o0;
  o0 = (i == 0 || i == 5) ? v : o0;
  o1 = (i == 3) ? q : o1;
  o1 = (i == 1 || i == 2) ? v : o1;
  o1 = (i == 0) ? t : o1;
  o2 = (i == 2) ? t : o2;
  o2 = (i == 3 || i == 4) ? v : o2;
  o2 = (i == 0 || i == 1) ? p : o2;
  if (domain == kU8) {
    const float m = static_cast<float>(255.0 + 1.0 - 1e-3);
    px[0] = trunc_u8(o0 * m);
    px[1] = trunc_u8(o1 * m);
    px[2] = trunc_u8(o2 * m);
  } else {
    px[0] = round_domain(o0, domain);
    px[1] = round_domain(o1, domain);
    px[2] = round_domain(o2, domain);
  }
}

// adjust_hue on one RGB pixel (values in the domain's units).
TORCHRNG_HD void hue_pixel(float* px, float hue, int domain) {
  float hsv[3], vpqt[4], sector;
  hue_to_hsv(px, hue, domain, hsv);
  hsv_vpqt(hsv, vpqt, &sector);
  hsv_select(vpqt, sector, domain, px);
}

// One ColorJitter step `op` (0 brightness, 1 contrast, 2 saturation, 3 hue) on one pixel.
// `mean` is the sample's grayscale mean at this step (contrast only).
TORCHRNG_HD void jitter_step(int op, const Jitter& j, float mean, float* px, int channels, int domain) {
  const float bound = domain == kU8 ? 255.0f : 1.0f;
  if (op == 0) {
    for (int c = 0; c < channels; ++c) px[c] = finish_step(f_clamp(px[c] * j.f[0], 0.0f, bound), domain);
  } else if (op == 1) {
    for (int c = 0; c < channels; ++c) px[c] = blend(px[c], mean, j.f[1], j.one_minus[1], bound, domain);
  } else if (op == 2) {
    if (channels != 3) return;
    const float g = gray_of(px, channels, domain);
    for (int c = 0; c < channels; ++c) px[c] = blend(px[c], g, j.f[2], j.one_minus[2], bound, domain);
  } else {
    if (channels != 3) return;
    hue_pixel(px, j.f[3], domain);
  }
}

// --- ToDtype + Normalize --------------------------------------------------------------------------

// Output dtypes.
enum OutType : int { kOutU8 = 0, kOutF32 = 1, kOutF16 = 2, kOutBF16 = 3 };

TORCHRNG_HD float round_out(float x, int out) {
  if (out == kOutF16) return static_cast<float>(c10::Half(x));
  if (out == kOutBF16) return static_cast<float>(c10::BFloat16(x));
  return x;
}

// to_dtype_image(x, out, scale) followed by normalize (in the output dtype's arithmetic).
// `mean`/`std` are already rounded to the output dtype.
TORCHRNG_HD float finish_pixel(float x, int domain, int out, bool scale, bool normalize, float mean, float std) {
  float v;
  if (domain == kU8) {
    if (out == kOutU8) {
      v = x;
    } else {
      v = round_out(static_cast<float>(x), out);  // image.to(dtype): exact for 0..255
      if (scale) v = round_out(v * static_cast<float>(1.0 / 255.0), out);
    }
  } else if (out == kOutU8) {
    v = scale ? trunc_u8(f_clamp(x * static_cast<float>(255.0 + 1.0 - 1e-3), 0.0f, 255.0f)) : trunc_u8(f_clamp(x, 0.0f, 255.0f));
  } else {
    v = round_out(x, out);
  }
  if (normalize) {
    v = round_out(v - mean, out);
    v = round_out(v / std, out);
  }
  return v;
}

// --- the whole batch's description, as the kernels receive it -------------------------------------

struct FusedArgs {
  const void* in;
  void* out;
  int64_t batch, channels, out_h, out_w;
  int64_t height, width;    // uniform sample size (4-D input)
  const int64_t* offsets;   // packed input: (B,) element offset of each sample, or null
  const int64_t* sizes;     // packed input: (B, 2) (height, width), or null
  const int64_t* crops;     // (B, 4) top, left, height, width
  const bool* flip;         // (B,) or null
  const double* jitter;     // (B, 8) or null
  double* row_sums;         // (B, out_h) workspace for the contrast means (CUDA)
  float* means;             // (B,) contrast means (CUDA)
  int interp;
  bool antialias;
  int domain;
  int out_type;
  bool scale;
  bool normalize;
  float mean[kMaxChannels];
  float std[kMaxChannels];
};

struct SampleGeom {
  int64_t base;  // element offset of the sample's first value
  int64_t H, W;
  int64_t top, left, ch, cw;  // crop, clamped into the image
};

TORCHRNG_HD SampleGeom sample_geom(const FusedArgs& a, int64_t b) {
  SampleGeom g;
  if (a.offsets) {
    g.base = a.offsets[b];
    g.H = a.sizes[2 * b];
    g.W = a.sizes[2 * b + 1];
  } else {
    g.H = a.height;
    g.W = a.width;
    g.base = b * a.channels * g.H * g.W;
  }
  // The host validates crops it can read (CPU); on the device they are clamped so that a bad
  // crop can never read out of bounds.
  const int64_t* c = a.crops + 4 * b;
  g.top = i_min(i_max(c[0], 0), g.H - 1);
  g.left = i_min(i_max(c[1], 0), g.W - 1);
  g.ch = i_min(i_max(c[2], 1), g.H - g.top);
  g.cw = i_min(i_max(c[3], 1), g.W - g.left);
  return g;
}

// The taps of output pixel (oy, ox) of sample b, the flip applied (ox is an output column).
struct PixelTaps {
  Taps ty, tx;
};

TORCHRNG_HD PixelTaps pixel_taps(const FusedArgs& a, const SampleGeom& g, int64_t b, int64_t oy, int64_t ox) {
  const int64_t sx = (a.flip != nullptr && a.flip[b]) ? a.out_w - 1 - ox : ox;
  return PixelTaps{make_taps(a.interp, a.antialias, g.ch, a.out_h, oy), make_taps(a.interp, a.antialias, g.cw, a.out_w, sx)};
}

// Channel c of the resized, flipped and quantised pixel, before jitter.
template <typename T>
TORCHRNG_HD float resized_value(const FusedArgs& a, const SampleGeom& g, const PixelTaps& t, int64_t c) {
  const T* plane = static_cast<const T*>(a.in) + g.base + c * g.H * g.W;
  return quantize_resized(resample_pixel(plane, g.W, g.top, g.left, t.ty, t.tx), a.domain);
}

// The pixel after the jitter steps before step `upto` (4: all of them); px holds C <= 3 values.
TORCHRNG_HD void jitter_prefix(const Jitter& j, int upto, float mean, float* px, int channels, int domain) {
  for (int k = 0; k < upto; ++k) {
    const int op = j.order[k];
    if (op >= 0 && op < 4 && j.on[op]) jitter_step(op, j, mean, px, channels, domain);
  }
}

// Where contrast sits in the sample's order (4 when it is off).
TORCHRNG_HD int contrast_position(const Jitter& j) {
  if (!j.on[1]) return 4;
  for (int k = 0; k < 4; ++k) {
    if (j.order[k] == 1) return k;
  }
  return 4;
}

}  // namespace batch
}  // namespace torchrng
