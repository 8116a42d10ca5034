// The raw sampling ops, written once for both devices.
//
// Element-wise fills (uniform, normal, bernoulli, randint) pack kValuesPerBlock values (P) into
// block 0 of a sample index: element e of a call is lane e % P of sample index index_base + e / P,
// so each element is a pure function of (key, index_base, e), and a call uses whole sample indices
// (a stateful generator moves by ceil(numel / P), never sharing a block between calls or ops).
// A fill functor turns one block into its P values; the CPU and CUDA drivers only decide which
// blocks to make.
// Row ops (randperm, dirichlet) and the per-element gamma/beta use one sample index per row or
// element and read a fixed number of blocks from it.
#pragma once

#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include "../core/distributions.h"

namespace torchrng {
namespace ops {

using core::u32x4;

// Output conversion: float math is done in float (float32 and below) or double (float64), then
// rounded once to the output type (round to nearest even on both host and device).
template <typename T>
struct Compute {
  using type = float;
};
template <>
struct Compute<double> {
  using type = double;
};

template <typename T, typename C>
TORCHRNG_HD T to_output(C x) {
  return static_cast<T>(x);
}

// ---------------------------------------------------------------------------------------------
// uniform(low, high): low + u * (high - low), with u in [0, 1). A value that rounds up to high
// (possible when the range is not a power of two) is replaced by the largest value below high,
// `below_high`, computed on the host, so results always lie in [low, high).
template <typename T>
struct UniformFill {
  using C = typename Compute<T>::type;
  static constexpr int kValuesPerBlock = sizeof(C) == 4 ? 4 : 2;
  static constexpr bool kOneWordPerValue = sizeof(C) == 4;
  C low, range, high;
  T below_high;
  // The value of one word (float32 and below).
  TORCHRNG_HD T one(uint32_t w) const {
    const T v = to_output<T>(low + core::u01_f32(w) * range);
    return static_cast<C>(v) < high ? v : below_high;
  }
  TORCHRNG_HD void operator()(u32x4 b, T* out) const {
    if constexpr (sizeof(C) == 4) {
TORCHRNG_UNROLL
      for (int i = 0; i < 4; ++i) out[i] = one(b.v[i]);
    } else {
TORCHRNG_UNROLL
      for (int i = 0; i < 2; ++i) {
        const C u = core::u01_f64(b.v[2 * i], b.v[2 * i + 1]);
        const C v = low + u * range;
        out[i] = v < high ? v : below_high;
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------
// normal(mean, std): Box-Muller in double, then mean + std * z rounded once to the output type.
// float32 and below use two words per pair (four values per block); float64 uses 53-bit uniforms
// (two values per block).
template <typename T>
struct NormalFill {
  static constexpr int kValuesPerBlock = sizeof(typename Compute<T>::type) == 4 ? 4 : 2;
  static constexpr bool kOneWordPerValue = false;
  double mean, std;
  TORCHRNG_HD void operator()(u32x4 b, T* out) const {
    double z[4];
    if constexpr (kValuesPerBlock == 4) {
      core::box_muller_32(b.v[0], b.v[1], &z[0], &z[1]);
      core::box_muller_32(b.v[2], b.v[3], &z[2], &z[3]);
    } else {
      core::box_muller_53(b, &z[0], &z[1]);
    }
TORCHRNG_UNROLL
    for (int i = 0; i < kValuesPerBlock; ++i) out[i] = to_output<T>(mean + std * z[i]);
  }
};

// ---------------------------------------------------------------------------------------------
// bernoulli(p): one word per value, true with probability p (resolution 2^-32).
template <typename T>
struct BernoulliFill {
  static constexpr int kValuesPerBlock = 4;
  static constexpr bool kOneWordPerValue = true;
  double p;
  TORCHRNG_HD T one(uint32_t w) const { return static_cast<T>(core::bernoulli_from32(w, p) ? 1 : 0); }
  TORCHRNG_HD void operator()(u32x4 b, T* out) const {
TORCHRNG_UNROLL
    for (int i = 0; i < 4; ++i) out[i] = one(b.v[i]);
  }
};

// ---------------------------------------------------------------------------------------------
// randint(low, high): low + uniform_below(range) with one whole block per value. `range` is
// high - low as an unsigned 64-bit number (0 stands for 2^64).
template <typename T>
struct RandintFill {
  static constexpr int kValuesPerBlock = 1;
  static constexpr bool kOneWordPerValue = false;
  int64_t low;
  uint64_t range;
  TORCHRNG_HD void operator()(u32x4 b, T* out) const {
    const uint64_t offset = core::uniform_below(b, range);
    out[0] = static_cast<T>(static_cast<int64_t>(static_cast<uint64_t>(low) + offset));
  }
};

// ---------------------------------------------------------------------------------------------
// Fisher-Yates on one row of n values, in place: step k (k = n-1 .. 1) swaps position k with a
// uniform position in [0, k], read from block n-1-k. n-1 blocks per row.
template <typename T>
TORCHRNG_HD void randperm_row(const core::SampleBlocks& blocks, T* row, int64_t n) {
  for (int64_t i = 0; i < n; ++i) row[i] = static_cast<T>(i);
  for (int64_t k = n - 1; k >= 1; --k) {
    const int64_t j = static_cast<int64_t>(core::uniform_below(blocks(static_cast<uint64_t>(n - 1 - k)), k + 1));
    const T tmp = row[k];
    row[k] = row[j];
    row[j] = tmp;
  }
}

// Gamma(alpha) * scale per element: kGammaBlocks blocks from sample index E.
template <typename T>
TORCHRNG_HD T gamma_value(const core::SampleBlocks& blocks, double alpha, double scale) {
  return to_output<T>(core::pm_exp(core::log_gamma_variate(blocks, 0, alpha)) * scale);
}

template <typename T>
TORCHRNG_HD T beta_value(const core::SampleBlocks& blocks, double a, double b) {
  return to_output<T>(core::beta_variate(blocks, 0, a, b));
}

// Dirichlet(alpha[0..k)) for one row: gamma i reads blocks [i * kGammaBlocks, (i+1) * kGammaBlocks).
// The log-gammas are computed twice (once for their maximum and sum, once to write) so that no
// scratch memory is needed and tiny concentrations do not underflow to 0/0.
template <typename T>
TORCHRNG_HD void dirichlet_row(const core::SampleBlocks& blocks, const double* alpha, int64_t k, T* row) {
  double max_log = core::log_gamma_variate(blocks, 0, alpha[0]);
  double sum = 1.0;
  for (int64_t i = 1; i < k; ++i) {
    const double l = core::log_gamma_variate(blocks, static_cast<uint64_t>(i) * core::kGammaBlocks, alpha[i]);
    if (l > max_log) {
      sum = sum * core::pm_exp(max_log - l) + 1.0;
      max_log = l;
    } else {
      const double d = l - max_log;  // NaN only when both are -inf: a tie, weight 1 like max_log's
      sum = sum + (d == d ? core::pm_exp(d) : 1.0);
    }
  }
  if (!(max_log > -1.7976931348623157e308)) {
    // Every log-gamma is -inf (concentrations below about 1e-307 overflow the boost term
    // log(U) / alpha): l - max_log would be NaN. The gammas are indistinguishable: equal shares.
    for (int64_t i = 0; i < k; ++i) row[i] = to_output<T>(1.0 / static_cast<double>(k));
    return;
  }
  for (int64_t i = 0; i < k; ++i) {
    const double l = core::log_gamma_variate(blocks, static_cast<uint64_t>(i) * core::kGammaBlocks, alpha[i]);
    row[i] = to_output<T>(core::pm_exp(l - max_log) / sum);
  }
}

}  // namespace ops
}  // namespace torchrng
