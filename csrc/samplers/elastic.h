// ElasticTransform's displacement field, generated on the target device.
//
// torchvision draws two H x W uniform fields in [-1, 1), blurs each with a Gaussian (kernel size
// int(8 sigma + 1) made odd, reflect padding) and scales them by alpha / W and alpha / H. Here
// sample i's noise is the element-wise uniform fill under its own key (the first two words of block
// 0 of sample i's stream), channel-major ([dx field, dy field]); the blur is separable, summed in
// float64 in a fixed order, so CPU and CUDA agree bit for bit. Reflection repeats as often as
// needed, so images smaller than the kernel radius (where torchvision's reflect padding raises)
// are handled too.
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

constexpr int kMaxElasticTaps = 513;  // kernel sizes up to 513: sigma up to 63.9 (kernel parameters stay small)

struct GaussianTaps {
  int radius;  // taps = 2 * radius + 1; radius 0 with weight 1 means no blur
  double w[kMaxElasticTaps];
};

// The per-sample key of sample `index`.
TORCHRNG_HD core::u32x2 elastic_sample_key(const core::Stream& s, uint64_t index) {
  const core::u32x4 b = core::stream_block(s, index, 0);
  return core::u32x2{{b.v[0], b.v[1]}};
}

// Uniform noise in [-1, 1) for element e (channel-major) of a sample with key k.
TORCHRNG_HD float elastic_noise(core::u32x2 k, uint64_t e) {
  const core::u32x4 b = core::philox4x32<10>(core::u32x4{{0, 0, core::lo32(e / 4), core::hi32(e / 4)}}, k);
  return core::u01_f32(b.v[e % 4]) * 2.0f - 1.0f;
}

// Mirror index without repeating the edge (numpy/torch "reflect"), for any distance.
TORCHRNG_HD int64_t reflect_index(int64_t i, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - i;
}

// Weighted sum along one line: sum_k w[k] * line[reflect(pos + k - r) * stride].
TORCHRNG_HD double blur_line(const float* line, int64_t stride, int64_t n, int64_t pos, const GaussianTaps& t) {
  double sum = 0.0;
  for (int k = -t.radius; k <= t.radius; ++k) {
    sum = sum + t.w[k + t.radius] * static_cast<double>(line[reflect_index(pos + k, n) * stride]);
  }
  return sum;
}

// torchvision's Gaussian kernel for a sigma and a kernel size (normalised exp(-x^2 / (2 sigma^2))).
inline void make_taps(double sigma, int64_t kernel_size, GaussianTaps* taps) {
  if (sigma <= 0) {
    taps->radius = 0;
    taps->w[0] = 1.0;
    return;
  }
  taps->radius = static_cast<int>(kernel_size / 2);
  double sum = 0.0;
  for (int k = -taps->radius; k <= taps->radius; ++k) {
    const double x = static_cast<double>(k) / sigma;
    taps->w[k + taps->radius] = core::pm_exp(-0.5 * x * x);
    sum = sum + taps->w[k + taps->radius];
  }
  for (int k = 0; k <= 2 * taps->radius; ++k) taps->w[k] = taps->w[k] / sum;
}

// The four passes of one field: horizontal blur taps and vertical blur taps for each channel, and
// the scale alpha / size per channel.
struct ElasticPlan {
  GaussianTaps horizontal[2];
  GaussianTaps vertical[2];
  double scale[2];
};

}  // namespace samplers
}  // namespace torchrng
