// cpu::area_ratio_sides_simd: every SIMD ISA this CPU supports gives exactly the bits of the scalar
// samplers::area_ratio_sides, for random words and image sizes, ranges across every branch of the
// vector exp (|x| <= 2^-28, k = 0, k = +-1, larger k up to |x| = 700), log ratios exactly at its
// thresholds, sides beyond 2^52 and overflowing to inf, partial vectors; and it refuses the ranges
// outside its domain.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/area_ratio_simd.h"
#include "harness.h"
#include "simd_isas.h"

namespace {

using torchrng::cpu::Isa;
using torchrng::samplers::AreaRatioRange;
using torchrng::samplers::AreaRatioSides;

using torchrng_test::bits;
using torchrng_test::simd_isas;
using torchrng_test::from_bits;

// Compares one tile; returns the number of mismatching samples (and reports the first).
int compare_tile(Isa isa, const AreaRatioRange& r, const std::vector<uint32_t>& words, const std::vector<int64_t>& sizes,
                 int64_t count) {
  AreaRatioSides got[torchrng::cpu::kAreaRatioMaxCount];
  if (!torchrng::cpu::area_ratio_sides_simd_with(isa, r, words.data(), count, sizes.data(), 0, 0, got)) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused an in-domain range");
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    const double area = static_cast<double>(sizes[2 * j]) * static_cast<double>(sizes[2 * j + 1]);
    const AreaRatioSides want =
        torchrng::samplers::area_ratio_sides(words[4 * j], words[4 * j + 1], area, r);
    if (bits(got[j].with_ratio) != bits(want.with_ratio) || bits(got[j].against_ratio) != bits(want.against_ratio)) {
      if (bad++ == 0) {
        torchrng_test::fail(__FILE__, __LINE__,
                            std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) +
                                " differs: log ratio range [" + std::to_string(r.log_ratio_lo) + ", " +
                                std::to_string(r.log_ratio_hi) + "], words " + std::to_string(words[4 * j]) + " " +
                                std::to_string(words[4 * j + 1]));
      }
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(area_ratio_simd_matches_scalar) {
  const std::vector<Isa> isas = simd_isas();
  if (isas.empty()) {
    std::printf("  (no AVX2 on this CPU: nothing to compare)\n");
    return;
  }
  // pm_exp's thresholds on |x|'s high word, with the doubles just around them.
  std::vector<double> edges;
  for (uint64_t hw : {0x3e300000ull, 0x3fd62e42ull, 0x3ff0a2b2ull}) {
    for (uint64_t lo : {0x0ull, 0x1ull, 0xffffffffull}) {
      for (int64_t d : {-1, 0, 1}) {
        const double x = from_bits(((hw + static_cast<uint64_t>(d)) << 32) | lo);
        edges.push_back(x);
        edges.push_back(-x);
      }
    }
  }
  const double scales[] = {0.0, 1e-300, 0.02, 0.08, 0.33, 1.0, 5.0, 1e300};
  const double logs[] = {0.0, -0.0, 1e-12, -1e-12, 3e-9, 0.2, -0.2877, 0.2877, 0.5, -1.2, 1.19, 3.0, -40.0, 300.0, -700.0, 700.0};
  std::mt19937_64 rng(2026);
  std::vector<uint32_t> words(4 * torchrng::cpu::kAreaRatioMaxCount);
  std::vector<int64_t> sizes(2 * torchrng::cpu::kAreaRatioMaxCount);
  const int64_t sides[] = {1, 2, 3, 224, 480, 640, 65535, (int64_t{1} << 31) - 1};
  int bad = 0, tiles = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    AreaRatioRange r;
    r.scale_lo = scales[rng() % 8];
    r.scale_hi = scales[rng() % 8];
    if (r.scale_hi < r.scale_lo) std::swap(r.scale_lo, r.scale_hi);
    if (trial % 3 == 0) {  // exactly at (or around) a threshold: lo == hi gives x exactly
      r.log_ratio_lo = r.log_ratio_hi = edges[rng() % edges.size()];
    } else {
      r.log_ratio_lo = logs[rng() % 16];
      r.log_ratio_hi = trial % 3 == 1 ? logs[rng() % 16] : r.log_ratio_lo + std::ldexp(1.0, -static_cast<int>(rng() % 60));
    }
    if (std::fabs(r.log_ratio_hi) > 700) continue;  // outside the domain (tested below)
    const int64_t count = 1 + static_cast<int64_t>(rng() % torchrng::cpu::kAreaRatioMaxCount);
    for (int64_t j = 0; j < count; ++j) {
      for (int w = 0; w < 4; ++w) words[4 * j + w] = static_cast<uint32_t>(rng());
      if (rng() % 8 == 0) words[4 * j] = rng() % 2 ? 0u : 0xffffffffu;
      if (rng() % 8 == 0) words[4 * j + 1] = rng() % 2 ? 0u : 0xffffffffu;
      sizes[2 * j] = sides[rng() % 8];
      sizes[2 * j + 1] = sides[rng() % 8];
    }
    for (Isa isa : isas) {
      bad += compare_tile(isa, r, words, sizes, count);
      ++tiles;
    }
  }
  CHECK_EQ(bad, 0);
  std::printf("  %d tiles compared on %zu ISA(s)\n", tiles, isas.size());
}

TORCHRNG_TEST(area_ratio_simd_refuses_outside_its_domain) {
  const std::vector<uint32_t> words(4, 7u);
  const std::vector<int64_t> sizes = {10, 10};
  AreaRatioSides out[1];
  const double inf = INFINITY, nan = NAN;
  const AreaRatioRange refused[] = {
      {0.0, 1.0, -700.5, 0.0}, {0.0, 1.0, 0.0, 701.0}, {-0.1, 1.0, 0.0, 0.1},  {0.0, inf, 0.0, 0.1},
      {0.0, 1.0, nan, 0.1},    {nan, 1.0, 0.0, 0.1},   {0.0, 1.0, -inf, 0.0},  {-1e308, 1e308, 0.0, 0.1},
  };
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    for (const AreaRatioRange& r : refused) {
      CHECK(!torchrng::cpu::area_ratio_sides_simd_with(isa, r, words.data(), 1, sizes.data(), 0, 0, out));
    }
    // Scalar never takes it; the SIMD ISAs take an in-domain range when the CPU has them.
    const bool took = torchrng::cpu::area_ratio_sides_simd_with(isa, {0.08, 1.0, -0.3, 0.3}, words.data(), 1,
                                                                sizes.data(), 0, 0, out);
    CHECK_EQ(took, isa != Isa::Scalar && torchrng::cpu::isa_supported(isa));
    CHECK(!torchrng::cpu::area_ratio_sides_simd_with(isa, {0.08, 1.0, -0.3, 0.3}, words.data(), 0, sizes.data(), 0, 0,
                                                     out));
    CHECK(!torchrng::cpu::area_ratio_sides_simd_with(isa, {0.08, 1.0, -0.3, 0.3}, words.data(),
                                                     torchrng::cpu::kAreaRatioMaxCount + 1, sizes.data(), 0, 0, out));
  }
}
