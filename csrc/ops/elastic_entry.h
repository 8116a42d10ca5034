// Host entry of the elastic displacement field: checks, the blur plan, then the backend's
//   Backend::elastic(out, noise, plan, args, stream, generator)
// which fills the uniform noise, blurs it horizontally into `noise` order, then vertically into
// `out` (n, H, W, 2) float32, using the shared per-element functions below.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <optional>

#include "../samplers/elastic.h"
#include "checks.h"

namespace torchrng {
namespace ops {

struct ElasticArgs {
  float* out;      // (n, H, W, 2)
  float* noise;    // (n, 2, H, W) scratch
  float* blurred;  // (n, 2, H, W) scratch
  int64_t n, height, width;
  const int64_t* indices;  // or null for 0..n-1
};

// Horizontal pass for element (i, c, y, x) of the scratch layout.
TORCHRNG_HD void elastic_horizontal(const ElasticArgs& a, const samplers::ElasticPlan& plan, int64_t e) {
  const int64_t x = e % a.width, line = e / a.width;  // line = (i * 2 + c) * H + y
  const int64_t c = (line / a.height) % 2;
  const float* row = a.noise + line * a.width;
  a.blurred[e] = static_cast<float>(samplers::blur_line(row, 1, a.width, x, plan.horizontal[c]));
}

// Vertical pass and scale for element (i, c, y, x), written to out[i, y, x, c].
TORCHRNG_HD void elastic_vertical(const ElasticArgs& a, const samplers::ElasticPlan& plan, int64_t e) {
  const int64_t hw = a.height * a.width;
  const int64_t plane = e / hw, p = e % hw;  // plane = i * 2 + c
  const int64_t c = plane % 2, i = plane / 2, y = p / a.width, x = p % a.width;
  const float* column = a.blurred + plane * hw + x;
  const double v = samplers::blur_line(column, a.width, a.height, y, plan.vertical[c]);
  a.out[((i * a.height + y) * a.width + x) * 2 + c] = static_cast<float>(v * plan.scale[c]);
}

template <class Backend>
void elastic_field(const at::Tensor& out, c10::ArrayRef<double> hyper, const std::optional<at::Tensor>& indices,
                   c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  constexpr const char* op = "torchrng.sample.elastic";
  TORCH_CHECK(out.scalar_type() == at::kFloat && out.dim() == 4 && out.size(3) == 2 && out.is_contiguous(), op,
              ": out must be a contiguous (n, H, W, 2) float32 tensor");
  TORCH_CHECK(hyper.size() == 4, op, ": expected [alpha_x, alpha_y, sigma_x, sigma_y]");
  for (double h : hyper) check_finite(h, op, "alpha and sigma");
  // The field is float32: noise in [-1, 1], blurred, times alpha / size stays finite below this.
  for (int c = 0; c < 2; ++c) {
    TORCH_CHECK(std::abs(hyper[c]) <= 3.4028234663852886e38, op, ": alpha values must be at most 3.40282e+38 in magnitude (a float32 field), got ",
                hyper[c]);
  }
  const int64_t n = out.size(0), H = out.size(1), W = out.size(2);
  TORCH_CHECK(H >= 1 && W >= 1, op, ": image size must be at least 1x1");
  samplers::ElasticPlan plan;
  for (int c = 0; c < 2; ++c) {
    const double sigma_c = hyper[2 + c];
    // The kernel size int(8 sigma + 1), made odd; checked before the cast (a huge sigma would make
    // it undefined) and only computed when there is a blur.
    TORCH_CHECK(sigma_c <= 0 || 8 * sigma_c + 1 < samplers::kMaxElasticTaps + 1, op, ": sigma ", sigma_c,
                " needs a kernel of int(8 * sigma + 1) taps, above the supported ", samplers::kMaxElasticTaps);
    int64_t ks = sigma_c > 0 ? static_cast<int64_t>(8 * sigma_c + 1) : 1;
    if (ks % 2 == 0) ks += 1;
    TORCH_CHECK(sigma_c <= 0 || (hyper[2] > 0 && hyper[3] > 0), op,
                ": sigma values must both be > 0 or both be <= 0 (torchvision's blur rejects the mix), got ",
                hyper[2], " and ", hyper[3]);
    samplers::make_taps(sigma_c > 0 ? hyper[2] : 0.0, ks, &plan.horizontal[c]);
    samplers::make_taps(sigma_c > 0 ? hyper[3] : 0.0, ks, &plan.vertical[c]);
  }
  plan.scale[0] = hyper[0] / static_cast<double>(W);
  plan.scale[1] = hyper[1] / static_cast<double>(H);
  ElasticArgs args{out.data_ptr<float>(), nullptr, nullptr, n, H, W, sample_indices(indices, n, out, op)};
  const core::Stream s = parse_stream(stream, op);
  Backend::elastic(out, plan, args, s, gen);
}

}  // namespace ops
}  // namespace torchrng
