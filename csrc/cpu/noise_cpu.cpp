// CPU backend of the per-element normal fields: the Philox words of a chunk of groups come from
// the SIMD block generator, then Box-Muller (in SIMD lanes where the CPU has AVX-512); parallel
// over (sample, chunk) pairs.
#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>
#include <torch/library.h>

#include <algorithm>

#include "../ops/noise_entry.h"
#include "box_muller_simd.h"
#include "philox_blocks.h"

namespace torchrng {
namespace {

constexpr int64_t kChunkGroups = 1024;  // groups of 4 elements per work item

struct CpuField {
  template <typename T>
  static void field(const at::Tensor&, const ops::FieldArgs& a, core::Stream s, const std::optional<at::Generator>& gen) {
    TORCH_CHECK(!gen.has_value() || !gen->defined(), "torchrng: a torch.Generator reaches CPU kernels only as a key");
    if (a.n == 0 || a.per_sample == 0) return;
    const int64_t groups = (a.per_sample + 3) / 4;
    const int64_t chunks = (groups + kChunkGroups - 1) / kChunkGroups;
    at::parallel_for(0, a.n * chunks, 1, [&](int64_t begin, int64_t end) {
      uint32_t words[4 * kChunkGroups];
      double normals[4 * kChunkGroups];
      for (int64_t w = begin; w < end; ++w) {
        const int64_t i = w / chunks, q0 = (w % chunks) * kChunkGroups;
        const int64_t count = std::min(kChunkGroups, groups - q0);
        const core::u32x2 key = samplers::field_key(s, ops::field_index(a, i));
        cpu::philox_blocks(key, 0, static_cast<uint64_t>(q0), count, words);
        T* row = static_cast<T*>(a.out) + i * a.per_sample;
        if (cpu::box_muller_32_simd(words, count, normals)) {
          const int64_t e0 = 4 * q0, m = std::min<int64_t>(4 * count, a.per_sample - e0);
          for (int64_t k = 0; k < m; ++k) row[e0 + k] = samplers::field_value<T>(a.mean, a.std, normals[k]);
          continue;
        }
        for (int64_t j = 0; j < count; ++j) {
          double z[4];
          const uint32_t* b = words + 4 * j;
          core::box_muller_32(b[0], b[1], &z[0], &z[1]);
          core::box_muller_32(b[2], b[3], &z[2], &z[3]);
          const int64_t e0 = 4 * (q0 + j);
          const int64_t m = std::min<int64_t>(4, a.per_sample - e0);
          for (int64_t k = 0; k < m; ++k) row[e0 + k] = samplers::field_value<T>(a.mean, a.std, z[k]);
        }
      }
    });
  }
};

void normal_field_cpu(const at::Tensor& out, double mean, double std, const std::optional<at::Tensor>& indices,
                      c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  ops::normal_field<CpuField>(out, mean, std, indices, stream, gen);
}

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CPU, m) { m.impl("normal_field", &normal_field_cpu); }

}  // namespace torchrng
