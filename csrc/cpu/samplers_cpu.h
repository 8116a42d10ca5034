// The CPU backend of the sample_rows op, callable without the dispatcher (csrc/python_rows.cpp, the
// eager fast path of torchrng.sample, runs it directly).
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <optional>

namespace torchrng {
namespace cpu {

void sample_rows(const at::Tensor& out, int64_t sampler, c10::ArrayRef<double> hyper, c10::IntArrayRef image_size,
                 const std::optional<at::Tensor>& sizes, const std::optional<at::Tensor>& indices,
                 c10::IntArrayRef stream, const std::optional<at::Generator>& gen,
                 const std::optional<at::Tensor>& boxes, const std::optional<at::Tensor>& box_counts);

}  // namespace cpu
}  // namespace torchrng
