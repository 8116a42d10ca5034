// Host entry point of the parameter samplers: checks the tensors, builds the sampler from its
// hyperparameters and hands one row per sample to the device backend, which provides
//
//   Backend::rows(out, sampler, args, stream, blocks_per_sample, generator)
//
// and calls run_sample(sampler, blocks, args, i) for every sample i (a backend that evaluated part
// of a sample already, such as the CPU's SIMD first crop attempt, passes it on as a trailing
// argument of the sampler's call).
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <optional>

#include "../samplers/registry.h"
#include "checks.h"

namespace torchrng {
namespace ops {

// Everything a kernel needs about the batch, as raw pointers (device pointers on CUDA).
struct RowsArgs {
  void* out;  // (n, columns) of the sampler's Value type
  int64_t n, columns;
  int64_t height, width;   // used when sizes is null
  const int64_t* sizes;    // (n, 2) per-sample (height, width), or null
  const int64_t* indices;  // (n,) sample indices, or null for 0..n-1
  const double* boxes;     // (n, max_boxes, 4) xyxy, or null
  const int64_t* box_counts;
  int64_t max_boxes;
};

// Image heights and widths must be below 2^31: areas then stay below 2^62, and every size a
// sampler derives from them (torchrng.sample bounds the scale factors) fits int64.
constexpr int64_t kMaxImageSide = int64_t{1} << 31;

TORCHRNG_HD uint64_t sample_index(const RowsArgs& a, int64_t i) {
  return a.indices ? static_cast<uint64_t>(a.indices[i]) : static_cast<uint64_t>(i);
}

template <class S, class Blocks, class... Given>
TORCHRNG_HD void run_sample(const S& s, const Blocks& blocks, const RowsArgs& a, int64_t i, const Given&... given) {
  const int64_t h = a.sizes ? a.sizes[2 * i] : a.height;
  const int64_t w = a.sizes ? a.sizes[2 * i + 1] : a.width;
  TORCHRNG_DEVICE_ASSERT(h >= 1 && w >= 1 && h < kMaxImageSide && w < kMaxImageSide);
  using Value = typename S::Value;
  Value* row = static_cast<Value*>(a.out) + i * a.columns;
  if constexpr (samplers::UsesBoxes<S>::value) {
    // A count outside [0, max_boxes] would read and write past the sample's slots: checked on the
    // host for CPU tensors, a device-side assert on the GPU, and clamped either way.
    const int64_t count = a.box_counts[i];
    TORCHRNG_DEVICE_ASSERT(count >= 0 && count <= a.max_boxes);
    const int64_t safe = count < 0 ? 0 : (count > a.max_boxes ? a.max_boxes : count);
    s(blocks, h, w, row, samplers::SampleBoxes{a.boxes + i * a.max_boxes * 4, safe});
  } else {
    s(blocks, h, w, row, given...);
  }
  if constexpr (std::is_same_v<Value, double>) {
    const samplers::ColumnRange ints = samplers::int_columns_of(s);
    for (int64_t c = ints.begin; c < ints.end; ++c) {
      row[c] = samplers::stored_int(samplers::to_i64(row[c]));
    }
  }
}

template <class Backend>
void sample_rows(const at::Tensor& out, int64_t sampler, c10::ArrayRef<double> hyper, c10::IntArrayRef image_size,
                 const std::optional<at::Tensor>& sizes, const std::optional<at::Tensor>& indices,
                 c10::IntArrayRef stream, const std::optional<at::Generator>& gen,
                 const std::optional<at::Tensor>& boxes, const std::optional<at::Tensor>& box_counts) {
  constexpr const char* op = "torchrng.sample";
  TORCH_CHECK(out.dim() == 2 && out.is_contiguous(), op, ": out must be a contiguous (n, columns) tensor");
  const int64_t n = out.size(0);
  RowsArgs args{out.data_ptr(), n, out.size(1), 0, 0, nullptr, nullptr, nullptr, nullptr, 0};
  if (sizes.has_value()) {
    const at::Tensor& t = *sizes;
    TORCH_CHECK(t.scalar_type() == at::kLong && t.dim() == 2 && t.size(0) == n && t.size(1) == 2 && t.is_contiguous(),
                op, ": sizes must be a contiguous (n, 2) int64 tensor, got ", t.sizes());
    TORCH_CHECK(t.device() == out.device(), op, ": sizes must be on ", out.device());
    args.sizes = t.data_ptr<int64_t>();
    if (t.is_cpu()) {  // on a GPU a bad size trips the kernel's device-side assert instead
      for (int64_t k = 0; k < 2 * n; ++k) {
        TORCH_CHECK(args.sizes[k] >= 1 && args.sizes[k] < kMaxImageSide, op,
                    ": sizes must hold heights and widths in [1, 2**31), got ", args.sizes[k]);
      }
    }
  } else {
    TORCH_CHECK(image_size.size() == 2 && image_size[0] >= 1 && image_size[1] >= 1 &&
                    image_size[0] < kMaxImageSide && image_size[1] < kMaxImageSide,
                op, ": image_size must be (height, width) with both in [1, 2**31), got ", image_size);
    args.height = image_size[0];
    args.width = image_size[1];
  }
  args.indices = sample_indices(indices, n, out, op);
  if (boxes.has_value()) {
    const at::Tensor& b = *boxes;
    TORCH_CHECK(b.scalar_type() == at::kDouble && b.dim() == 3 && b.size(0) == n && b.size(2) == 4 && b.is_contiguous(),
                op, ": boxes must be a contiguous (n, max_boxes, 4) float64 tensor");
    TORCH_CHECK(box_counts.has_value() && box_counts->scalar_type() == at::kLong && box_counts->dim() == 1 &&
                    box_counts->size(0) == n && box_counts->is_contiguous(),
                op, ": box_counts must be a contiguous (n,) int64 tensor");
    TORCH_CHECK(b.device() == out.device() && box_counts->device() == out.device(), op, ": boxes must be on ",
                out.device());
    args.boxes = b.data_ptr<double>();
    args.box_counts = box_counts->data_ptr<int64_t>();
    args.max_boxes = b.size(1);
    if (box_counts->is_cpu()) {
      for (int64_t k = 0; k < n; ++k) {
        TORCH_CHECK(args.box_counts[k] >= 0 && args.box_counts[k] <= args.max_boxes, op,
                    ": box_counts must lie in [0, ", args.max_boxes, "], got ", args.box_counts[k]);
      }
    }
  }
  const core::Stream s = parse_stream(stream, op);
  samplers::visit_sampler(sampler, hyper, [&](const auto& smp) {
    using S = std::decay_t<decltype(smp)>;
    using Value = typename S::Value;
    constexpr auto dtype = std::is_same_v<Value, bool>      ? at::kBool
                           : std::is_same_v<Value, int64_t> ? at::kLong
                                                            : at::kDouble;
    TORCH_CHECK(out.scalar_type() == dtype, op, ": out must be ", dtype, " for this sampler, got ", out.scalar_type());
    const int64_t expected = samplers::columns_of(smp);
    TORCH_CHECK(args.columns == expected, op, ": out must have ", expected, " columns, got ", args.columns);
    if constexpr (samplers::UsesBoxes<S>::value) {
      TORCH_CHECK(boxes.has_value() && args.max_boxes == smp.max_boxes, op, ": this sampler needs boxes with ",
                  smp.max_boxes, " slots");
    }
    Backend::rows(out, smp, args, s, samplers::blocks_of(smp), gen);
  });
}

}  // namespace ops
}  // namespace torchrng
