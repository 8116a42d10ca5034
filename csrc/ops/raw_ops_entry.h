// Host entry points of the raw ops: check the arguments, build the shared functors, and hand them
// to a device backend. The CPU and CUDA files instantiate these with their Backend, which provides:
//
//   Backend::fill(out, data, numel, stream, fill, generator)
//       element-wise fill: element e is lane e % P of sample index stream.index_base + e / P, P the
//       fill's kValuesPerBlock (see raw_ops.h);
//   Backend::per_index(out, count, stream, blocks_per_index, fn, generator)
//       fn(SampleBlocks{stream, i}, i) for i in [0, count).
//
// `generator` is only ever a CUDA torch.Generator (and only on the CUDA backend): the backend then
// takes the key and block base from the generator's Philox seed and offset.
#pragma once

#include <ATen/Dispatch.h>
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty_like.h>

#include <optional>
#include <vector>

#include "checks.h"
#include "raw_ops.h"

namespace torchrng {
namespace ops {

using at::Tensor;
using OptGen = std::optional<at::Generator>;

template <typename T>
struct RandpermRows {
  T* data;
  int64_t n;
  TORCHRNG_HD void operator()(const core::SampleBlocks& blocks, int64_t row) const {
    randperm_row(blocks, data + row * n, n);
  }
};

template <typename T>
struct GammaValues {
  T* data;
  double alpha, scale;
  TORCHRNG_HD void operator()(const core::SampleBlocks& blocks, int64_t i) const {
    data[i] = gamma_value<T>(blocks, alpha, scale);
  }
};

template <typename T>
struct BetaValues {
  T* data;
  double a, b;
  TORCHRNG_HD void operator()(const core::SampleBlocks& blocks, int64_t i) const {
    data[i] = beta_value<T>(blocks, a, b);
  }
};

// The concentrations travel by value so the same functor works on the device without a copy.
constexpr int64_t kMaxDirichletK = 256;

template <typename T>
struct DirichletRows {
  T* data;
  int64_t k;
  double alpha[kMaxDirichletK];
  TORCHRNG_HD void operator()(const core::SampleBlocks& blocks, int64_t row) const {
    dirichlet_row(blocks, alpha, k, data + row * k);
  }
};

template <class Backend>
struct RawOps {
  static void uniform(const Tensor& out, double low, double high, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.uniform";
    check_floating_output(out, op);
    check_finite(low, op, "low");
    check_finite(high, op, "high");
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_uniform", [&] {
      using C = typename Compute<scalar_t>::type;
      const scalar_t low_t = static_cast<scalar_t>(low);
      const scalar_t high_t = static_cast<scalar_t>(high);
      TORCH_CHECK(static_cast<C>(low_t) < static_cast<C>(high_t), op, ": low must be < high in ", out.scalar_type(),
                  ", got low=", low, ", high=", high);
      TORCH_CHECK(std::isfinite(static_cast<C>(low_t)) && std::isfinite(static_cast<C>(high_t)), op,
                  ": low and high must be finite in ", out.scalar_type(), ", got low=", low, ", high=", high);
      const C range = static_cast<C>(high_t) - static_cast<C>(low_t);
      TORCH_CHECK(std::isfinite(range), op, ": high - low overflows ", out.scalar_type(), ", got low=", low,
                  ", high=", high);
      UniformFill<scalar_t> fill{static_cast<C>(low_t), range, static_cast<C>(high_t), next_below(high_t)};
      Backend::fill(out, out.data_ptr<scalar_t>(), out.numel(), s, fill, gen);
    });
  }

  static void normal(const Tensor& out, double mean, double std, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.normal";
    check_floating_output(out, op);
    check_finite(mean, op, "mean");
    TORCH_CHECK(std::isfinite(std) && std >= 0, op, ": std must be a finite number >= 0, got ", std);
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_normal", [&] {
      Backend::fill(out, out.data_ptr<scalar_t>(), out.numel(), s, NormalFill<scalar_t>{mean, std}, gen);
    });
  }

  static void bernoulli(const Tensor& out, double p, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.bernoulli";
    check_output(out, op);
    TORCH_CHECK(p >= 0 && p <= 1, op, ": p must be in [0, 1], got ", p);
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_ALL_TYPES_AND3(at::kBool, at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_bernoulli", [&] {
      Backend::fill(out, out.data_ptr<scalar_t>(), out.numel(), s, BernoulliFill<scalar_t>{p}, gen);
    });
  }

  static void randint(const Tensor& out, int64_t low, int64_t high, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.randint";
    check_output(out, op);
    check_integral_output(out, op);
    TORCH_CHECK(low < high, op, ": low must be < high, got low=", low, ", high=", high);
    const core::Stream s = parse_stream(stream, op);
    const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
    AT_DISPATCH_INTEGRAL_TYPES(out.scalar_type(), "torchrng_randint", [&] {
      TORCH_CHECK(low >= static_cast<int64_t>(std::numeric_limits<scalar_t>::lowest()) &&
                      high - 1 <= static_cast<int64_t>(std::numeric_limits<scalar_t>::max()),
                  op, ": [low, high) = [", low, ", ", high, ") does not fit in ", out.scalar_type());
      Backend::fill(out, out.data_ptr<scalar_t>(), out.numel(), s, RandintFill<scalar_t>{low, range}, gen);
    });
  }

  static void randperm(const Tensor& out, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.randperm";
    check_output(out, op);
    check_integral_output(out, op);
    TORCH_CHECK(out.dim() == 2, op, ": out must be 2-D (rows, n), got ", out.dim(), "-D");
    const core::Stream s = parse_stream(stream, op);
    const int64_t rows = out.size(0), n = out.size(1);
    AT_DISPATCH_INTEGRAL_TYPES(out.scalar_type(), "torchrng_randperm", [&] {
      TORCH_CHECK(n - 1 <= static_cast<int64_t>(std::numeric_limits<scalar_t>::max()), op, ": n=", n,
                  " does not fit in ", out.scalar_type());
      Backend::per_index(out, rows, s, n > 1 ? n - 1 : 0, RandpermRows<scalar_t>{out.data_ptr<scalar_t>(), n}, gen);
    });
  }

  static void gamma(const Tensor& out, double alpha, double scale, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.gamma";
    check_floating_output(out, op);
    check_positive(alpha, op, "alpha");
    check_positive(scale, op, "scale");
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_gamma", [&] {
      Backend::per_index(out, out.numel(), s, core::kGammaBlocks,
                         GammaValues<scalar_t>{out.data_ptr<scalar_t>(), alpha, scale}, gen);
    });
  }

  static void beta(const Tensor& out, double a, double b, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.beta";
    check_floating_output(out, op);
    check_positive(a, op, "a");
    check_positive(b, op, "b");
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_beta", [&] {
      Backend::per_index(out, out.numel(), s, core::kBetaBlocks, BetaValues<scalar_t>{out.data_ptr<scalar_t>(), a, b},
                         gen);
    });
  }

  static void dirichlet(const Tensor& out, c10::ArrayRef<double> alpha, c10::IntArrayRef stream, const OptGen& gen) {
    constexpr const char* op = "torchrng.dirichlet";
    check_floating_output(out, op);
    const int64_t k = static_cast<int64_t>(alpha.size());
    TORCH_CHECK(k >= 1 && k <= kMaxDirichletK, op, ": alpha must hold 1 to ", kMaxDirichletK,
                " concentrations, got ", k);
    for (int64_t i = 0; i < k; ++i) check_positive(alpha[i], op, "alpha");
    TORCH_CHECK(out.dim() == 2 && out.size(1) == k, op, ": out must have shape (rows, ", k, "), got ", out.sizes());
    const core::Stream s = parse_stream(stream, op);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, out.scalar_type(), "torchrng_dirichlet", [&] {
      DirichletRows<scalar_t> fn{out.data_ptr<scalar_t>(), k, {}};
      for (int64_t i = 0; i < k; ++i) fn.alpha[i] = alpha[i];
      Backend::per_index(out, out.size(0), s, k * core::kGammaBlocks, fn, gen);
    });
  }

  // Raw Philox blocks: counter (..., 4) and key (..., 2) int64 words in [0, 2^32), same leading shape.
  static Tensor philox(const Tensor& counter, const Tensor& key) {
    constexpr const char* op = "torchrng.philox4x32_10";
    TORCH_CHECK(counter.scalar_type() == at::kLong && key.scalar_type() == at::kLong, op,
                ": counter and key must be int64, got ", counter.scalar_type(), " and ", key.scalar_type());
    TORCH_CHECK(counter.dim() >= 1 && counter.size(-1) == 4, op, ": counter must have shape (..., 4), got ",
                counter.sizes());
    TORCH_CHECK(key.dim() >= 1 && key.size(-1) == 2, op, ": key must have shape (..., 2), got ", key.sizes());
    TORCH_CHECK(counter.sizes().slice(0, counter.dim() - 1) == key.sizes().slice(0, key.dim() - 1), op,
                ": counter and key must have the same leading shape, got ", counter.sizes(), " and ", key.sizes());
    TORCH_CHECK(counter.device() == key.device(), op, ": counter and key must be on the same device, got ",
                counter.device(), " and ", key.device());
    const Tensor c = counter.contiguous(), k = key.contiguous();
    Tensor out = at::empty_like(c);
    Backend::philox(c.data_ptr<int64_t>(), k.data_ptr<int64_t>(), out.data_ptr<int64_t>(), c.numel() / 4, out);
    return out;
  }
};

}  // namespace ops
}  // namespace torchrng
