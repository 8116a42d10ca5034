// CPU backend of torchrng::batch_resized_crop: one sample per task (at::parallel_for), evaluated
// with the shared per-pixel code of csrc/batch/fused.h in the same order as the CUDA kernel:
//   1. vertical pass over the crop's columns (sum_ky wy * in), one output row at a time,
//   2. horizontal pass (sum_kx wx * that), quantised to the input dtype, flip applied,
//   3. the ColorJitter steps in the sample's order over the whole image (the contrast mean is a
//      row-major double sum of the grayscale values, as the CUDA kernel sums it),
//   4. ToDtype + Normalize into the output.
// A sample's result depends only on its own data, so it does not depend on the thread count.
//
// The per-sample code is compiled twice: for the baseline ISA and, behind a run-time CPU check,
// with AVX2 + FMA enabled so that its loops vectorise (the same IEEE operations in the same order:
// FMA contraction stays off, explicit fmaf calls become single instructions with the same
// correctly rounded result). TORCHRNG_CPU_ISA=scalar selects the baseline code.
// Value-safe (no FP exceptions are observed): lets GCC if-convert the branch-free selects of the
// jitter loops so that they vectorise.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#include <ATen/Parallel.h>
#include <torch/library.h>

#include <vector>

#include "../batch/fused_entry.h"
#include "philox_blocks.h"

namespace torchrng {
namespace {

using batch::FusedArgs;
using batch::SampleGeom;
using batch::Taps;

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define TORCHRNG_BATCH_X86 1
#define TORCHRNG_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define TORCHRNG_ALWAYS_INLINE inline
#endif

template <typename O>
TORCHRNG_ALWAYS_INLINE O to_out(float v) {
  if constexpr (std::is_same_v<O, uint8_t>) {
    return static_cast<uint8_t>(v);
  } else {
    return static_cast<O>(v);
  }
}

struct Scratch {
  std::vector<Taps> tys;
  std::vector<float> wx, vbuf, acc, img, hsv;
  std::vector<int32_t> ix;
};

// One ColorJitter step over the whole image (C planes of `plane` values), written per operation
// so that the loops are branch-free.
TORCHRNG_ALWAYS_INLINE void jitter_image(int op, const batch::Jitter& j, float* img, int64_t C, int64_t OH,
                                         int64_t OW, int domain, std::vector<float>& scratch) {
  const int64_t plane = OH * OW;
  const int channels = static_cast<int>(C);
  const float bound = domain == batch::kU8 ? 255.0f : 1.0f;
  if (op == 0) {
    const float f = j.f[0];
    for (int64_t k = 0; k < C * plane; ++k) img[k] = batch::finish_step(batch::f_clamp(img[k] * f, 0.0f, bound), domain);
    return;
  }
  if (op == 1) {
    double total = 0.0;
    for (int64_t oy = 0; oy < OH; ++oy) {
      double row = 0.0;
      for (int64_t ox = 0; ox < OW; ++ox) {
        float px[3];
        for (int c = 0; c < channels; ++c) px[c] = img[c * plane + oy * OW + ox];
        row += static_cast<double>(batch::gray_of(px, channels, domain));
      }
      total += row;
    }
    const float mean = static_cast<float>(total) / static_cast<float>(plane);
    const float f = j.f[1], om = j.one_minus[1];
    for (int64_t k = 0; k < C * plane; ++k) img[k] = batch::blend(img[k], mean, f, om, bound, domain);
    return;
  }
  if (channels != 3) return;  // saturation and hue leave 1-channel images alone
  float* r = img;
  float* g = img + plane;
  float* b = img + 2 * plane;
  if (op == 2) {
    const float f = j.f[2], om = j.one_minus[2];
    for (int64_t p = 0; p < plane; ++p) {
      const float px[3] = {r[p], g[p], b[p]};
      const float gray = batch::gray_of(px, 3, domain);
      r[p] = batch::blend(px[0], gray, f, om, bound, domain);
      g[p] = batch::blend(px[1], gray, f, om, bound, domain);
      b[p] = batch::blend(px[2], gray, f, om, bound, domain);
    }
    return;
  }
  // hue: the three stages of batch::hue_pixel as three loops over the image
  const float hue = j.f[3];
  scratch.resize(static_cast<size_t>(8 * plane));
  float* hh = scratch.data();
  float* ss = hh + plane;
  float* vv = ss + plane;
  float* pp = vv + plane;
  float* qq = pp + plane;
  float* tt = qq + plane;
  float* ii = tt + plane;
  for (int64_t p = 0; p < plane; ++p) {
    const float px[3] = {r[p], g[p], b[p]};
    float hsv[3];
    batch::hue_to_hsv(px, hue, domain, hsv);
    hh[p] = hsv[0];
    ss[p] = hsv[1];
    vv[p] = hsv[2];
  }
  for (int64_t p = 0; p < plane; ++p) {
    const float hsv[3] = {hh[p], ss[p], vv[p]};
    float vpqt[4], sector;
    batch::hsv_vpqt(hsv, vpqt, &sector);
    pp[p] = vpqt[1];
    qq[p] = vpqt[2];
    tt[p] = vpqt[3];
    ii[p] = sector;
  }
  for (int64_t p = 0; p < plane; ++p) {
    const float vpqt[4] = {vv[p], pp[p], qq[p], tt[p]};
    float px[3];
    batch::hsv_select(vpqt, ii[p], domain, px);
    r[p] = px[0];
    g[p] = px[1];
    b[p] = px[2];
  }
}

template <typename T>
constexpr int domain_of_type() {
  if constexpr (std::is_same_v<T, uint8_t>) return batch::kU8;
  if constexpr (std::is_same_v<T, float>) return batch::kF32;
  if constexpr (std::is_same_v<T, c10::Half>) return batch::kF16;
  return batch::kBF16;
}

template <typename O>
constexpr int out_of_type() {
  if constexpr (std::is_same_v<O, uint8_t>) return batch::kOutU8;
  if constexpr (std::is_same_v<O, float>) return batch::kOutF32;
  if constexpr (std::is_same_v<O, c10::Half>) return batch::kOutF16;
  return batch::kOutBF16;
}

template <typename T, typename O>
TORCHRNG_ALWAYS_INLINE void process_sample(const FusedArgs& a, int64_t b, Scratch& s) {
  // the dtypes fix the domain and the output type at compile time (the loops need no branches)
  constexpr int D = domain_of_type<T>();
  constexpr int OT = out_of_type<O>();
  const bool scale = a.scale, normalize = a.normalize;
  const int64_t C = a.channels, OH = a.out_h, OW = a.out_w, plane = OH * OW;
  const SampleGeom g = batch::sample_geom(a, b);
  const bool flipped = a.flip != nullptr && a.flip[b];
  s.tys.resize(static_cast<size_t>(OH));
  for (int64_t oy = 0; oy < OH; ++oy) s.tys[oy] = batch::make_taps(a.interp, a.antialias, g.ch, OH, oy);
  // horizontal taps as (kmax, OW) arrays, padded with zero weights (adding an exact 0 leaves each
  // sum as the CUDA kernel computes it, tap by tap)
  int kmax = 1;
  for (int64_t ox = 0; ox < OW; ++ox) {
    const Taps t = batch::make_taps(a.interp, a.antialias, g.cw, OW, flipped ? OW - 1 - ox : ox);
    kmax = t.count > kmax ? t.count : kmax;
  }
  s.wx.assign(static_cast<size_t>(kmax * OW), 0.0f);
  s.ix.assign(static_cast<size_t>(kmax * OW), 0);
  for (int64_t ox = 0; ox < OW; ++ox) {
    const Taps t = batch::make_taps(a.interp, a.antialias, g.cw, OW, flipped ? OW - 1 - ox : ox);
    for (int k = 0; k < kmax; ++k) {
      s.ix[k * OW + ox] = static_cast<int32_t>(t.index(k < t.count ? k : 0));
      s.wx[k * OW + ox] = k < t.count ? t.weight(k) : 0.0f;
    }
  }
  s.vbuf.resize(static_cast<size_t>(g.cw));
  s.acc.resize(static_cast<size_t>(OW));
  s.img.resize(static_cast<size_t>(C * plane));
  float* img = s.img.data();
  const T* in = static_cast<const T*>(a.in) + g.base;
  for (int64_t c = 0; c < C; ++c) {
    const T* cplane = in + c * g.H * g.W + g.top * g.W + g.left;
    for (int64_t oy = 0; oy < OH; ++oy) {
      // 1. vertical pass over the crop's columns: v[x] = sum_ky wy * in[y_ky][x]
      const Taps& ty = s.tys[oy];
      float* v = s.vbuf.data();
      for (int64_t x = 0; x < g.cw; ++x) v[x] = 0.0f;
      for (int k = 0; k < ty.count; ++k) {
        const float wy = ty.weight(k);
        const T* row = cplane + ty.index(k) * g.W;
        for (int64_t x = 0; x < g.cw; ++x) v[x] += wy * static_cast<float>(row[x]);
      }
      // 2. horizontal pass: out[ox] = sum_kx wx * v[x_kx], quantised
      float* h = s.acc.data();
      for (int64_t ox = 0; ox < OW; ++ox) h[ox] = 0.0f;
      for (int k = 0; k < kmax; ++k) {
        const float* w = s.wx.data() + k * OW;
        const int32_t* idx = s.ix.data() + k * OW;
        for (int64_t ox = 0; ox < OW; ++ox) h[ox] += w[ox] * v[idx[ox]];
      }
      float* dst = img + c * plane + oy * OW;
      for (int64_t ox = 0; ox < OW; ++ox) dst[ox] = batch::quantize_resized(h[ox], D);
    }
  }
  // 3. ColorJitter, op by op over the image
  if (a.jitter != nullptr) {
    const batch::Jitter j = batch::load_jitter(a.jitter + batch::kJitterColumns * b);
    for (int k = 0; k < 4; ++k) {
      const int op = j.order[k];
      if (op < 0 || op > 3 || !j.on[op]) continue;
      jitter_image(op, j, img, C, OH, OW, D, s.hsv);
    }
  }
  // 4. ToDtype + Normalize
  O* out = static_cast<O*>(a.out) + b * C * plane;
  for (int64_t c = 0; c < C; ++c) {
    const int64_t m = c < batch::kMaxChannels ? c : 0;
    const float mean = a.mean[m], std = a.std[m];
    const float* src = img + c * plane;
    O* dst = out + c * plane;
    if (normalize) {
      if (scale) {
        for (int64_t p = 0; p < plane; ++p) dst[p] = to_out<O>(batch::finish_pixel(src[p], D, OT, true, true, mean, std));
      } else {
        for (int64_t p = 0; p < plane; ++p) dst[p] = to_out<O>(batch::finish_pixel(src[p], D, OT, false, true, mean, std));
      }
    } else if (scale) {
      for (int64_t p = 0; p < plane; ++p) dst[p] = to_out<O>(batch::finish_pixel(src[p], D, OT, true, false, mean, std));
    } else {
      for (int64_t p = 0; p < plane; ++p) dst[p] = to_out<O>(batch::finish_pixel(src[p], D, OT, false, false, mean, std));
    }
  }
}

template <typename T, typename O>
void run_baseline(const FusedArgs& a, int64_t b0, int64_t b1) {
  Scratch s;
  for (int64_t b = b0; b < b1; ++b) process_sample<T, O>(a, b, s);
}

#ifdef TORCHRNG_BATCH_X86
template <typename T, typename O>
__attribute__((target("avx2,fma"), flatten)) void run_avx2(const FusedArgs& a, int64_t b0, int64_t b1) {
  Scratch s;
  for (int64_t b = b0; b < b1; ++b) process_sample<T, O>(a, b, s);
}

bool use_avx2() {
  static const bool yes = cpu::philox_blocks_isa() != cpu::Isa::Scalar && __builtin_cpu_supports("avx2") &&
                          __builtin_cpu_supports("fma");
  return yes;
}
#endif

struct CpuFused {
  template <typename T, typename O>
  static void run(const FusedArgs& a, const at::Tensor&, const at::Tensor&) {
#ifdef TORCHRNG_BATCH_X86
    const bool avx2 = use_avx2();
#else
    const bool avx2 = false;
#endif
    at::parallel_for(0, a.batch, 1, [&](int64_t b0, int64_t b1) {
#ifdef TORCHRNG_BATCH_X86
      if (avx2) {
        run_avx2<T, O>(a, b0, b1);
        return;
      }
#endif
      (void)avx2;
      run_baseline<T, O>(a, b0, b1);
    });
  }
};

at::Tensor resized_crop_cpu(const at::Tensor& images, const at::Tensor& crops, c10::IntArrayRef size,
                            int64_t interpolation, bool antialias, const std::optional<at::Tensor>& flip,
                            const std::optional<at::Tensor>& jitter, c10::ArrayRef<double> mean,
                            c10::ArrayRef<double> std, bool scale, std::optional<at::ScalarType> dtype,
                            const std::optional<at::Tensor>& offsets, const std::optional<at::Tensor>& sizes,
                            int64_t channels) {
  return batch::resized_crop<CpuFused>(images, crops, size, interpolation, antialias, flip, jitter, mean, std, scale,
                                       dtype, offsets, sizes, channels);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CPU, m) { m.impl("batch_resized_crop", &resized_crop_cpu); }

}  // namespace torchrng
