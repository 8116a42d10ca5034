// samplers::random_permutation of one group (n <= 20): the Fisher-Yates swaps of an independent
// copy here, digit for digit, for every size 0..20 and many random blocks; every result is a
// permutation and nothing is written past the row.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "samplers/permutation.h"

namespace {

using torchrng::core::u32x4;

struct OneBlock {
  u32x4 block;
  u32x4 operator()(uint64_t) const { return block; }
};

// Fisher-Yates from the top on the row itself, one group (n <= 20), digits as in permutation.h.
std::vector<int64_t> row_swaps(const u32x4& block, int64_t n) {
  std::vector<int64_t> row(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) row[static_cast<size_t>(i)] = i;
  uint64_t lo = (static_cast<uint64_t>(block.v[1]) << 32) | block.v[0];
  uint64_t hi = (static_cast<uint64_t>(block.v[3]) << 32) | block.v[2];
  for (int64_t s = n - 1; s >= 1; --s) {
    const auto j = static_cast<size_t>(torchrng::samplers::next_digit(&hi, &lo, static_cast<uint64_t>(s + 1)));
    std::swap(row[static_cast<size_t>(s)], row[j]);
  }
  return row;
}

}  // namespace

TORCHRNG_TEST(one_group_permutations_are_fisher_yates) {
  std::mt19937_64 rng(4);
  int bad = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const u32x4 block{{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()),
                       static_cast<uint32_t>(rng())}};
    const int64_t n = trial % 21;
    std::vector<int64_t> got(static_cast<size_t>(n) + 1, -7);
    torchrng::samplers::random_permutation(OneBlock{block}, 0, n, got.data());
    const std::vector<int64_t> want = row_swaps(block, n);
    std::vector<int> seen(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t v = got[static_cast<size_t>(i)];
      if (v != want[static_cast<size_t>(i)] || v < 0 || v >= n || seen[static_cast<size_t>(v)]++) {
        if (bad++ == 0) torchrng_test::fail(__FILE__, __LINE__, "n = " + std::to_string(n) + ": position " + std::to_string(i));
        break;
      }
    }
    CHECK_EQ(got[static_cast<size_t>(n)], -7);  // nothing written past the row
  }
  CHECK_EQ(bad, 0);
}

namespace {

// permutation_from_index<N> against random_permutation for one N, on random and extreme blocks.
template <int N>
int from_index_mismatches(std::mt19937_64& rng) {
  std::vector<u32x4> blocks = {u32x4{{0, 0, 0, 0}}, u32x4{{~0u, ~0u, ~0u, ~0u}}, u32x4{{~0u, ~0u, ~0u, 0}},
                               u32x4{{0, 0, 0, ~0u}}};
  for (int t = 0; t < 3000; ++t) {
    blocks.push_back(u32x4{{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()),
                            static_cast<uint32_t>(rng())}});
  }
  int bad = 0;
  for (const u32x4& block : blocks) {
    int64_t want[N + 1], got[N + 1];
    want[N] = got[N] = -7;
    torchrng::samplers::random_permutation(OneBlock{block}, 0, N, want);
    const uint64_t index = torchrng::core::uniform_below(block, torchrng::samplers::factorial(N));
    torchrng::samplers::permutation_from_index<N>(index, got);
    for (int i = 0; i <= N; ++i) {
      if (got[i] != want[i]) {
        if (bad++ == 0) torchrng_test::fail(__FILE__, __LINE__, "N = " + std::to_string(N) + ": position " + std::to_string(i));
        break;
      }
    }
  }
  return bad;
}

template <int... N>
int all_from_index_mismatches(std::mt19937_64& rng, std::integer_sequence<int, N...>) {
  return (from_index_mismatches<N + 1>(rng) + ...);
}

}  // namespace

// The index form (one uniform_below of N! per block, then swaps) is random_permutation exactly,
// for every N from 1 to 20.
TORCHRNG_TEST(permutation_from_index_is_random_permutation) {
  std::mt19937_64 rng(24);
  CHECK_EQ(all_from_index_mismatches(rng, std::make_integer_sequence<int, 20>{}), 0);
}
