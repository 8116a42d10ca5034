// Uniform random permutations with a fixed block budget, shared by RandomChannelPermutation,
// RandomPhotometricDistort's channel shuffle, ColorJitter's order and RandomOrder.
//
// Fisher-Yates from the top: for s = n-1 down to 1, swap position s with a uniform position in
// [0, s]. Consecutive steps are grouped while the product P of their radices (s + 1) stays below
// 2^64, and each group reads one block: its swap positions are the mixed-radix digits, most
// significant first, of core::uniform_below(block, P) = floor(X * P / 2^128) (X the block's 128
// bits), extracted by exact 128-bit multiply-shifts (digit = floor(X * m / 2^128), then X becomes
// X * m mod 2^128) rather than divisions. A uniform integer in [0, P) has independent uniform
// digits, so this is Fisher-Yates. n <= 20 takes one block (20! < 2^64), n = 21..33 two, and so
// on; the number of blocks depends on n only.
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

// The largest permutation a sampler draws (channels, transforms).
constexpr int64_t kMaxPermutationSize = 1 << 16;

// Steps top, top-1, ..., 1 all fit one group when (top + 1)! < 2^64, that is top <= 19 (20! is
// about 2^61, 21! above 2^65).
constexpr int64_t kLastOneGroupTop = 19;

// Steps s = top, top-1, ... whose radices (s + 1) multiply to at most 2^64 - 1: lowers *k to the
// first step not taken. A small remainder is one group without the 64-bit divisions of the general
// test, which are the costliest part of a small permutation.
TORCHRNG_HD void permutation_group(int64_t* k) {
  if (*k <= kLastOneGroupTop) {
    *k = 0;
    return;
  }
  uint64_t prod = 1;
  while (*k >= 1 && prod <= ~uint64_t{0} / static_cast<uint64_t>(*k + 1)) {
    prod *= static_cast<uint64_t>(*k + 1);
    --*k;
  }
}

// Blocks read by a permutation of n values.
TORCHRNG_HD int64_t permutation_blocks(int64_t n) {
  int64_t blocks = 0;
  for (int64_t k = n - 1; k >= 1; ++blocks) permutation_group(&k);
  return blocks;
}

// The next mixed-radix digit (radix m) of the 128-bit fraction hi:lo / 2^128, which becomes the
// remaining fraction: floor(X * m / 2^128), X <- X * m mod 2^128, exactly.
TORCHRNG_HD uint64_t next_digit(uint64_t* hi, uint64_t* lo, uint64_t m) {
  uint64_t a_hi, b_hi;
  const uint64_t a_lo = core::mulhilo64(*hi, m, &a_hi);
  const uint64_t b_lo = core::mulhilo64(*lo, m, &b_hi);
  const uint64_t mid = a_lo + b_hi;
  *hi = mid;
  *lo = b_lo;
  return a_hi + (mid < a_lo ? 1u : 0u);
}

// Writes a uniform permutation of 0..n-1 into row[0..n), reading blocks first_block onwards.
template <class Blocks, class T>
TORCHRNG_HD void random_permutation(const Blocks& blocks, uint64_t first_block, int64_t n, T* row) {
  for (int64_t i = 0; i < n; ++i) row[i] = static_cast<T>(i);
  uint64_t b = first_block;
  for (int64_t k = n - 1; k >= 1;) {
    const int64_t top = k;
    permutation_group(&k);
    const u32x4 block = blocks(b++);
    uint64_t lo = (static_cast<uint64_t>(block.v[1]) << 32) | block.v[0];
    uint64_t hi = (static_cast<uint64_t>(block.v[3]) << 32) | block.v[2];
    for (int64_t s = top; s > k; --s) {
      const int64_t j = static_cast<int64_t>(next_digit(&hi, &lo, static_cast<uint64_t>(s + 1)));
      const T tmp = row[s];
      row[s] = row[j];
      row[j] = tmp;
    }
  }
}

// The permutation random_permutation(blocks, b, N, row) writes when block b gives
// index = core::uniform_below(block, N!), for N <= 20 (one group): the swap positions are index's
// mixed-radix digits, radix N most significant, because floor(x * N!) = d * (N-1)! + floor(x' * (N-1)!)
// for d = floor(x * N), x' = frac(x * N), which is how next_digit reads them. A backend that
// draws the indices of many samples at once (cpu::bounded_ints_simd) then only swaps. N is a
// template argument so that the divisions by constant factorials become multiplications.
template <int N, class T>
TORCHRNG_HD void permutation_from_index(uint64_t index, T* row) {
  static_assert(N >= 1 && N <= kLastOneGroupTop + 1, "one group only");
  uint64_t weight = 1;  // (N-1)!
  for (int s = 2; s < N; ++s) weight *= static_cast<uint64_t>(s);
  for (int i = 0; i < N; ++i) row[i] = static_cast<T>(i);
  for (int s = N - 1; s >= 1; --s) {
    const uint64_t j = index / weight;
    index -= j * weight;
    weight /= static_cast<uint64_t>(s);
    const T tmp = row[s];
    row[s] = row[j];
    row[j] = tmp;
  }
}

// N! for the permutation_from_index sizes.
TORCHRNG_HD constexpr uint64_t factorial(int n) { return n <= 1 ? 1 : static_cast<uint64_t>(n) * factorial(n - 1); }

// RandomChannelPermutation (randperm(C)) and RandomOrder (randperm(len(transforms))).
// Columns: the permutation.
struct Permutation {
  using Value = int64_t;
  static constexpr int kBlocks = -1;  // permutation_blocks(count)
  int64_t count;
  TORCHRNG_HD int64_t blocks_per_sample() const { return permutation_blocks(count); }
  TORCHRNG_HD int64_t columns() const { return count; }
  TORCHRNG_HD int64_t eager_blocks() const { return blocks_per_sample(); }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t, int64_t, int64_t* row) const {
    random_permutation(blocks, 0, count, row);
  }
};

}  // namespace samplers
}  // namespace torchrng
