// cpu::beta_simd: every SIMD ISA this CPU supports gives exactly the bits of the scalar
// core::beta_variate (MixUp's and CutMix's lambda) for random tiles and shapes on both sides of
// the boost (alpha < 1), equal and unequal shapes, extreme shapes whose ratios leave the vector
// exp's range, and words that force rejected first attempts; and it refuses what it cannot do.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cpu/beta_simd.h"
#include "harness.h"
#include "simd_isas.h"
#include "tile_words.h"

namespace {

using torchrng::core::GammaShape;
using torchrng::core::gamma_shape;
using torchrng::cpu::Isa;
using torchrng::cpu::kBetaMaxCount;

using torchrng_test::bits;
using torchrng_test::simd_isas_to_compare;
using torchrng_test::TileWords;

constexpr int64_t kTileBlocks = torchrng::core::kBetaBlocks;

// Compares one tile; returns the number of mismatching samples (and reports the first).
int compare_tile(Isa isa, double alpha, double beta, const std::vector<uint32_t>& words, int64_t count) {
  const GammaShape a = gamma_shape(alpha), b = gamma_shape(beta);
  double got[kBetaMaxCount];
  if (!torchrng::cpu::beta_simd_with(isa, a, b, words.data(), count, got)) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused finite shapes");
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    const double want = torchrng::core::beta_variate(TileWords{words.data(), count, j}, 0, a, b);
    if (bits(got[j]) != bits(want) && bad++ == 0) {
      torchrng_test::fail(__FILE__, __LINE__,
                          std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) +
                              " of Beta(" + std::to_string(alpha) + ", " + std::to_string(beta) + ") differs: " +
                              std::to_string(got[j]) + " vs " + std::to_string(want));
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(beta_simd_matches_scalar) {
  const std::vector<Isa> isas = simd_isas_to_compare();
  if (isas.empty()) return;
  // Boosted (< 1) and not, around 1, large; 1e-310 (subnormal) and 1e-300 push the boost term and
  // the logs to -inf or far beyond the vector exp's range.
  const double shapes[] = {1e-310, 1e-300, 1e-3, 0.2, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1e3, 1e8};
  // Words that put the Box-Muller pair at its extremes (u1 = 1 or 2^-32, angles 0 and just below
  // 2 pi) and the acceptance uniforms at 0 and 1 - 2^-32, so that attempts are rejected.
  const uint32_t special[] = {0u, 0xffffffffu, 1u, 0x80000000u, 0xfffffff0u};
  std::mt19937_64 rng(2027);
  int bad = 0, tiles = 0;
  for (int trial = 0; trial < 6000; ++trial) {
    const int64_t count = 1 + static_cast<int64_t>(rng() % kBetaMaxCount);
    std::vector<uint32_t> words(4 * kTileBlocks * count);
    for (uint32_t& w : words) w = rng() % 16 == 0 ? special[rng() % 5] : static_cast<uint32_t>(rng());
    const double alpha = shapes[rng() % 12];
    const double beta = trial % 2 == 0 ? alpha : shapes[rng() % 12];
    for (Isa isa : isas) {
      bad += compare_tile(isa, alpha, beta, words, count);
      ++tiles;
    }
  }
  CHECK_EQ(bad, 0);
  std::printf("  %d tiles compared on %zu ISA(s)\n", tiles, isas.size());
}

TORCHRNG_TEST(beta_simd_refuses_what_it_cannot_do) {
  const std::vector<uint32_t> words(4 * kTileBlocks * (kBetaMaxCount + 1), 7u);
  double lam[kBetaMaxCount + 1];
  const GammaShape one = gamma_shape(1.0);
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    CHECK(!torchrng::cpu::beta_simd_with(isa, one, gamma_shape(NAN), words.data(), 4, lam));
    CHECK(!torchrng::cpu::beta_simd_with(isa, gamma_shape(INFINITY), one, words.data(), 4, lam));
    CHECK(!torchrng::cpu::beta_simd_with(isa, gamma_shape(-1.0), one, words.data(), 4, lam));
    CHECK(!torchrng::cpu::beta_simd_with(isa, one, one, words.data(), 0, lam));
    CHECK(!torchrng::cpu::beta_simd_with(isa, one, one, words.data(), kBetaMaxCount + 1, lam));
    const bool took = torchrng::cpu::beta_simd_with(isa, one, one, words.data(), 4, lam);
    CHECK_EQ(took, isa != Isa::Scalar && torchrng::cpu::isa_supported(isa));
  }
}
