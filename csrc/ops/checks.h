// Argument checks shared by the CPU and CUDA entry points (host code only). User errors raise
// with a message naming the argument and its value; the Python fake kernels repeat the same checks.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <cmath>
#include <limits>
#include <optional>

#include "../core/stream.h"

namespace torchrng {
namespace ops {

// `stream` is [key0, key1, index_base, block_base]: two 32-bit key words, then two unsigned 64-bit
// bases passed as int64 (two's complement).
inline core::Stream parse_stream(c10::IntArrayRef stream, const char* op) {
  TORCH_CHECK(stream.size() == 4, op, ": stream must hold 4 integers [key0, key1, index_base, block_base], got ",
              stream.size());
  for (int i = 0; i < 2; ++i) {
    TORCH_CHECK(stream[i] >= 0 && stream[i] <= 0xFFFFFFFFLL, op, ": key word ", i, " must be in [0, 2**32), got ",
                stream[i]);
  }
  return core::Stream{core::u32x2{{static_cast<uint32_t>(stream[0]), static_cast<uint32_t>(stream[1])}},
                      static_cast<uint64_t>(stream[2]), static_cast<uint64_t>(stream[3])};
}

inline void check_output(const at::Tensor& out, const char* op) {
  TORCH_CHECK(out.is_contiguous(), op, ": out must be contiguous");
  TORCH_CHECK(!out.is_complex(), op, ": complex outputs are not supported, got ", out.scalar_type());
}

inline void check_floating_output(const at::Tensor& out, const char* op) {
  check_output(out, op);
  const auto t = out.scalar_type();
  TORCH_CHECK(t == at::kFloat || t == at::kDouble || t == at::kHalf || t == at::kBFloat16, op,
              ": dtype must be float32, float64, float16 or bfloat16, got ", t);
}

inline void check_integral_output(const at::Tensor& out, const char* op) {
  TORCH_CHECK(at::isIntegralType(out.scalar_type(), /*includeBool=*/false), op,
              ": out dtype must be uint8, int8, int16, int32 or int64, got ", out.scalar_type());
}

// The optional (n,) int64 sample indices of a sampler or field op: their data, or null for samples
// 0..n-1.
inline const int64_t* sample_indices(const std::optional<at::Tensor>& indices, int64_t n, const at::Tensor& out,
                                     const char* op) {
  if (!indices.has_value()) return nullptr;
  const at::Tensor& t = *indices;
  TORCH_CHECK(t.scalar_type() == at::kLong && t.dim() == 1 && t.size(0) == n && t.is_contiguous(), op,
              ": indices must be a contiguous (n,) int64 tensor");
  TORCH_CHECK(t.device() == out.device(), op, ": indices must be on ", out.device());
  return t.data_ptr<int64_t>();
}

inline void check_finite(double x, const char* op, const char* name) {
  TORCH_CHECK(std::isfinite(x), op, ": ", name, " must be finite, got ", x);
}

inline void check_positive(double x, const char* op, const char* name) {
  TORCH_CHECK(std::isfinite(x) && x > 0, op, ": ", name, " must be a finite number > 0, got ", x);
}

// Largest value of T strictly below x (x finite). Used to keep uniform results below `high`.
template <typename T>
T next_below(T x) {
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    return std::nextafter(x, -std::numeric_limits<T>::infinity());
  } else {  // c10::Half, c10::BFloat16: step the 16-bit pattern
    T r = x;
    const bool negative = (x.x & 0x8000) != 0;
    if ((x.x & 0x7FFF) == 0) {
      r.x = 0x8001;  // below +-0: the smallest negative subnormal
    } else if (negative) {
      r.x = static_cast<uint16_t>(x.x + 1);
    } else {
      r.x = static_cast<uint16_t>(x.x - 1);
    }
    return r;
  }
}

}  // namespace ops
}  // namespace torchrng
