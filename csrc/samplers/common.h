// Building blocks of the parameter samplers: how one Philox word becomes a torchvision-style draw.
//
// A sampler is a small struct with its hyperparameters, `Value` (the element type of its output
// rows: bool, int64_t or double), kBlocks (the fixed number of Philox blocks it may read per
// sample), optionally kEagerBlocks (how many of them the CPU makes in advance; the rest are made
// on demand), kColumns (values per sample) and
//   template <class Blocks> TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height,
//                                                       int64_t width, Value* row) const;
// `blocks(b)` returns block b of the sample's stream (b < kBlocks). A sampler may skip blocks it
// does not need (a crop accepted on its first attempt), but block b always feeds the same draw, so
// the outcome never shifts a later draw or another sample. torchrng.sample turns the columns into
// torchvision's make_params dict.
#pragma once

#include <cmath>

#include "../core/distributions.h"

#if defined(__x86_64__) && !defined(__CUDA_ARCH__)
#include <emmintrin.h>  // SSE2, part of x86-64
#endif

#if defined(__CUDA_ARCH__)
#include <c10/macros/Macros.h>
// A bad per-sample input that lives on the GPU (an image size below the crop size) cannot be
// reported without a host sync; it trips a device-side assert, as PyTorch's own index checks do.
#define TORCHRNG_DEVICE_ASSERT(cond) CUDA_KERNEL_ASSERT(cond)
#else
// On the host the Python layer validates per-sample inputs before the kernel runs.
#define TORCHRNG_DEVICE_ASSERT(cond) ((void)0)
#endif

namespace torchrng {
namespace samplers {

using core::u32x4;

// A uniform in [lo, hi) in float64: lo + u * (hi - lo) with u in [0, 1) on a 2^-32 grid.
TORCHRNG_HD double uniform_in(uint32_t w, double lo, double hi) { return lo + core::u01_f64_from32(w) * (hi - lo); }

// torch.empty(1).uniform_(lo, hi).item(), a float32 tensor, as torch's CPU kernel computes it
// (`x * (to - from) + from`, compiled to a fused multiply-add; checked against torch's own draws in
// tests/test_float32_uniforms.py): from and to rounded to float32, to - from rounded to float32,
// then u * (to - from) + from with one rounding (fmaf: correctly rounded on the host and on CUDA
// alike), u on a 2^-24 grid. A one-value range gives float32(lo) exactly, as torchvision does. The
// callers' hyperparameters lie within float32's range (checked in Python, as torch checks them).
TORCHRNG_HD double uniform_f32(uint32_t w, float from, float to) {
  return static_cast<double>(::fmaf(core::u01_f32(w), to - from, from));
}
TORCHRNG_HD double uniform_f32(uint32_t w, double lo, double hi) {
  return uniform_f32(w, static_cast<float>(lo), static_cast<float>(hi));
}

// torch.rand(1): u in [0, 1).
TORCHRNG_HD double unit(uint32_t w) { return core::u01_f64_from32(w); }

// torch.randint(lo, hi): uniform integer in [lo, hi), one whole block. Requires lo < hi.
TORCHRNG_HD int64_t randint_in(u32x4 block, int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(core::uniform_below(block, static_cast<uint64_t>(hi - lo)));
}

// Bounded integers drawn in advance. A sampler whose blocks first, first+1, ... each feed one
// core::uniform_below(block, range) declares them with
//   TORCHRNG_HD DrawnBlocks drawn_blocks() const;
// and takes a trailing DrawnInts argument in a second operator(): value k is the draw of block
// first + k (the first operator() reads the same values through OwnDraws). The CPU draws them for a tile of samples at once in SIMD lanes (the bits of the
// one-at-a-time form, which the first operator() computes itself). The ranges alternate, even k
// below range[0] and odd k below range[1] (RandomPerspective's corners alternate x and y); a
// sampler with no such draws for the batch declares count 0.
struct DrawnBlocks {
  int64_t first, count;
  uint64_t range[2];
  TORCHRNG_HD uint64_t range_of(int64_t k) const { return range[k % 2]; }
};

struct DrawnInts {
  const int64_t* values;  // value k at values[k * stride]
  int64_t stride;
  TORCHRNG_HD uint64_t operator[](int64_t k) const { return static_cast<uint64_t>(values[k * stride]); }
};

// The same draws made one at a time from the sample's own blocks.
template <class Blocks>
struct OwnDraws {
  const Blocks& blocks;
  DrawnBlocks drawn;
  TORCHRNG_HD uint64_t operator[](int64_t k) const {
    return core::uniform_below(blocks(static_cast<uint64_t>(drawn.first + k)), drawn.range_of(k));
  }
};

// Python's int(x) for a finite double: truncation toward zero.
TORCHRNG_HD double py_int(double x) { return core::pm_trunc(x); }

// Python's round(x): round half to even.
TORCHRNG_HD double py_round(double x) { return core::pm_rint(x); }

// A double as int64 without undefined behaviour: values at or beyond the int64 limits saturate and
// NaN gives 0. The same as static_cast for every value the validated samplers produce; the raw op
// can be handed hyperparameters no wrapper would pass, whose sizes would overflow the cast.
TORCHRNG_HD int64_t to_i64_slow(double x) {
  if (!(x == x)) return 0;
  if (x >= 9223372036854775807.0) return INT64_MAX;  // the literal is 2^63
  if (x <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(x);
}

TORCHRNG_HD int64_t to_i64(double x) {
#if defined(__x86_64__) && !defined(__CUDA_ARCH__)
  // cvttsd2si truncates like the cast and gives INT64_MIN for NaN and out-of-range values, so only
  // that result needs the careful form: one well-predicted test per integer column of every row.
  const int64_t r = _mm_cvttsd_si64(_mm_set_sd(x));
  return r != INT64_MIN ? r : to_i64_slow(x);
#else
  return to_i64_slow(x);
#endif
}

// int(t) of a one-element float32 tensor: truncation toward zero (to_i64's own), as int64.
TORCHRNG_HD int64_t trunc_f32(float x) { return to_i64(static_cast<double>(x)); }

TORCHRNG_HD double min_d(double a, double b) { return a < b ? a : b; }
TORCHRNG_HD double max_d(double a, double b) { return a > b ? a : b; }
TORCHRNG_HD int64_t floor_div(int64_t a, int64_t b) {  // Python's a // b for b > 0
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// The columns [begin, end) of a float64 row that hold integers, for samplers that declare them
// with int_columns(): the sample_rows op stores those as int64 bit patterns, so that Python views
// them as int64 in place (a strided float64 -> int64 cast costs more than drawing them). The
// sampler structs themselves write plain doubles (sample_one returns those).
struct ColumnRange {
  int64_t begin, end;
};

// How the op stores a value of those columns: the int64's bit pattern in the float64 slot.
TORCHRNG_HD double stored_int(int64_t v) { return core::pm_detail::double_of(static_cast<uint64_t>(v)); }

// The maximum number of values a sampler keeps inline (lists in hyperparameters).
constexpr int kMaxListValues = 64;

}  // namespace samplers
}  // namespace torchrng
