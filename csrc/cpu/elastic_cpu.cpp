// CPU backend of the elastic displacement field.
#include <ATen/Parallel.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>
#include <torch/library.h>

#include <memory>

#include "../ops/elastic_entry.h"
#include "philox_blocks.h"

namespace torchrng {
namespace {

struct CpuElastic {
  static void elastic(const at::Tensor& out, const samplers::ElasticPlan& plan, ops::ElasticArgs a, core::Stream s,
                      const std::optional<at::Generator>& gen) {
    TORCH_CHECK(!gen.has_value() || !gen->defined(), "torchrng: a torch.Generator reaches CPU kernels only as a key");
    const int64_t plane = a.height * a.width, per_sample = 2 * plane;
    if (a.n == 0) return;
    at::Tensor noise = at::empty({a.n, 2, a.height, a.width}, out.options());
    at::Tensor blurred = at::empty_like(noise);
    a.noise = noise.data_ptr<float>();
    a.blurred = blurred.data_ptr<float>();
    // Noise: per sample, the uniform fill under the sample's key (SIMD blocks, then [-1, 1)).
    at::parallel_for(0, a.n, 1, [&](int64_t begin, int64_t end) {
      const int64_t groups = (per_sample + 3) / 4;
      std::unique_ptr<uint32_t[]> words(new uint32_t[4 * groups]);
      for (int64_t i = begin; i < end; ++i) {
        const uint64_t index = a.indices ? static_cast<uint64_t>(a.indices[i]) : static_cast<uint64_t>(i);
        cpu::philox_blocks(samplers::elastic_sample_key(s, index), 0, 0, groups, words.get());
        float* dst = a.noise + i * per_sample;
        for (int64_t e = 0; e < per_sample; ++e) dst[e] = core::u01_f32(words[e]) * 2.0f - 1.0f;
      }
    });
    const int64_t total = a.n * per_sample;
    at::parallel_for(0, total, 4096, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) ops::elastic_horizontal(a, plan, k);
    });
    at::parallel_for(0, total, 4096, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) ops::elastic_vertical(a, plan, k);
    });
  }
};

void elastic_cpu(const at::Tensor& out, c10::ArrayRef<double> hyper, const std::optional<at::Tensor>& indices,
                 c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  ops::elastic_field<CpuElastic>(out, hyper, indices, stream, gen);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CPU, m) { m.impl("elastic_field", &elastic_cpu); }

}  // namespace torchrng
