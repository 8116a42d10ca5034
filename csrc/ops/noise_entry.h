// Host entry of the per-element normal fields (samplers/noise.h): checks, then the backend's
//   Backend::field<T>(out, args, stream, generator)
// which writes out[i, ...] = mean + std * z for every element of every sample.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <optional>

#include "../samplers/noise.h"
#include "checks.h"

namespace torchrng {
namespace ops {

struct FieldArgs {
  void* out;                // (n, per_sample) of the output type
  int64_t n, per_sample;
  double mean, std;
  const int64_t* indices;   // (n,) sample indices, or null for 0..n-1
};

// Writes the elements of group q (elements 4q .. 4q + 3, those below per_sample) of sample i.
template <typename T>
TORCHRNG_HD void field_group(const FieldArgs& a, core::u32x2 key, int64_t i, int64_t q) {
  double z[4];
  samplers::field_normals(key, static_cast<uint64_t>(q), z);
  T* row = static_cast<T*>(a.out) + i * a.per_sample;
  const int64_t e0 = 4 * q;
  for (int k = 0; k < 4 && e0 + k < a.per_sample; ++k) row[e0 + k] = samplers::field_value<T>(a.mean, a.std, z[k]);
}

TORCHRNG_HD uint64_t field_index(const FieldArgs& a, int64_t i) {
  return a.indices ? static_cast<uint64_t>(a.indices[i]) : static_cast<uint64_t>(i);
}

template <class Backend>
void normal_field(const at::Tensor& out, double mean, double std, const std::optional<at::Tensor>& indices,
                  c10::IntArrayRef stream, const std::optional<at::Generator>& gen) {
  constexpr const char* op = "torchrng.normal_field";
  TORCH_CHECK(out.dim() >= 1 && out.is_contiguous(), op, ": out must be a contiguous (n, ...) tensor");
  const auto t = out.scalar_type();
  TORCH_CHECK(t == at::kFloat || t == at::kDouble || t == at::kHalf || t == at::kBFloat16 || t == at::kShort, op,
              ": out must be float32, float64, float16, bfloat16 or int16, got ", t);
  check_finite(mean, op, "mean");
  TORCH_CHECK(std::isfinite(std) && std >= 0, op, ": std must be finite and >= 0, got ", std);
  const int64_t n = out.size(0);
  FieldArgs args{out.data_ptr(), n, n == 0 ? 0 : out.numel() / n, mean, std,
                 sample_indices(indices, n, out, op)};
  const core::Stream s = parse_stream(stream, op);
  switch (t) {
    case at::kFloat:
      return Backend::template field<float>(out, args, s, gen);
    case at::kDouble:
      return Backend::template field<double>(out, args, s, gen);
    case at::kHalf:
      return Backend::template field<c10::Half>(out, args, s, gen);
    case at::kBFloat16:
      return Backend::template field<c10::BFloat16>(out, args, s, gen);
    default:
      return Backend::template field<int16_t>(out, args, s, gen);
  }
}

}  // namespace ops
}  // namespace torchrng
