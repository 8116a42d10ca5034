// cpu::area_ratio_rows_simd: every SIMD ISA this CPU supports gives exactly the bits of the scalar
// RandomResizedCrop and RandomErasing samplers: attempt 0 (samplers::area_ratio_sides) of every
// sample, which samples miss both attempts 0 and 1, and the whole row of every sample one of them
// fits (the second attempt and the offsets drawn in lanes), for random words and image sizes, per sample and per tile, ranges across every branch of
// the vector exp (|x| <= 2^-28, k = 0, k = +-1, larger k up to |x| = 700), log ratios exactly at its
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
#include "tile_words.h"

namespace {

using torchrng::cpu::AreaRatioTile;
using torchrng::cpu::Isa;
using torchrng::cpu::kAreaRatioMaxCount;
using torchrng::samplers::AreaRatioRange;
using torchrng::samplers::AreaRatioSides;
using torchrng::samplers::Erasing;
using torchrng::samplers::ResizedCrop;

using torchrng_test::bits;
using torchrng_test::from_bits;
using torchrng_test::simd_isas_to_compare;
using torchrng_test::TileWords;

constexpr int64_t kTileBlocks = 4;  // blocks 0-3: every block the kernel reads, for both samplers
int64_t second_attempts_in_lanes = 0;  // samples whose row came from the kernel's second run

// Compares one tile of sampler `s` (sizes per sample, or all height x width when `per_sample` is
// false); returns the number of mismatching samples (and reports the first).
template <class S>
int compare_tile(Isa isa, const S& s, const std::vector<uint32_t>& words, const std::vector<int64_t>& sizes,
                 int64_t count, bool per_sample) {
  AreaRatioTile tile;
  std::vector<int64_t> got(S::kColumns * kAreaRatioMaxCount, -7);
  if (!torchrng::cpu::area_ratio_rows_simd_with(isa, s, words.data(), count, per_sample ? sizes.data() : nullptr,
                                                sizes[0], sizes[1], got.data(), tile)) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused an in-domain range");
    return 1;
  }
  int bad = 0;
  if (count < 64) CHECK_EQ(tile.misses >> count, uint64_t{0});  // no bit beyond the tile
  const AreaRatioRange& r = s.area_ratio_range();
  std::vector<AreaRatioSides> first(count), second(count);
  int first_misses = 0;
  for (int64_t j = 0; j < count; ++j) {
    const int64_t height = per_sample ? sizes[2 * j] : sizes[0], width = per_sample ? sizes[2 * j + 1] : sizes[1];
    const TileWords blocks{words.data(), count, j};
    first[j] = torchrng::samplers::first_attempt(blocks, S::kFirstAttemptBlock, height, width, r);
    second[j] = torchrng::samplers::nth_attempt(blocks, 1, S::kFirstAttemptBlock, kTileBlocks,
                                                static_cast<double>(height) * static_cast<double>(width), r, first[j]);
    first_misses += !S::fits(first[j], static_cast<double>(height), static_cast<double>(width));
  }
  const bool second_run = first_misses >= 4;  // the kernel tries attempt 1 itself for tiles with several misses
  for (int64_t j = 0; j < count; ++j) {
    const int64_t height = per_sample ? sizes[2 * j] : sizes[0], width = per_sample ? sizes[2 * j + 1] : sizes[1];
    const double H = static_cast<double>(height), W = static_cast<double>(width);
    const TileWords blocks{words.data(), count, j};
    const bool first_fits = S::fits(first[j], H, W), second_fits = S::fits(second[j], H, W);
    const bool missed = (tile.misses >> j) & 1;
    bool same = bits(tile.first[j].with_ratio) == bits(first[j].with_ratio) &&
                bits(tile.first[j].against_ratio) == bits(first[j].against_ratio) &&
                missed == (!first_fits && !(second_run && second_fits));
    if (same && !missed) {  // then the scalar sampler reads only blocks 0-3
      int64_t row[S::kColumns];
      s(blocks, height, width, row);
      same = std::memcmp(row, got.data() + S::kColumns * j, sizeof(row)) == 0;
      second_attempts_in_lanes += !first_fits;
    }
    if (!same && bad++ == 0) {
      torchrng_test::fail(__FILE__, __LINE__,
                          std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) +
                              " differs: log ratio range [" + std::to_string(r.log_ratio_lo) + ", " +
                              std::to_string(r.log_ratio_hi) + "], image " + std::to_string(height) + "x" +
                              std::to_string(width) + ", attempts 0 and 1 fit: " + std::to_string(first_fits) + " " +
                              std::to_string(second_fits));
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(area_ratio_simd_matches_scalar) {
  const std::vector<Isa> isas = simd_isas_to_compare();
  if (isas.empty()) return;
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
  std::vector<int64_t> sizes(2 * kAreaRatioMaxCount);
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
    const int64_t count = 1 + static_cast<int64_t>(rng() % kAreaRatioMaxCount);
    std::vector<uint32_t> words(4 * kTileBlocks * count);
    for (uint32_t& w : words) w = static_cast<uint32_t>(rng());
    for (int64_t j = 0; j < count; ++j) {
      for (int64_t b : {0, 1}) {  // the attempt words of both samplers at their extremes, now and then
        uint32_t* attempt = &words[4 * (b * count + j)];
        if (rng() % 8 == 0) attempt[0] = rng() % 2 ? 0u : 0xffffffffu;
        if (rng() % 8 == 0) attempt[1] = rng() % 2 ? 0u : 0xffffffffu;
      }
      sizes[2 * j] = sides[rng() % 8];
      sizes[2 * j + 1] = sides[rng() % 8];
    }
    const bool per_sample = trial % 4 != 0;
    const ResizedCrop crop{r, 0.75, 4.0 / 3.0};
    const Erasing erasing{static_cast<double>(rng() % 3) / 2.0, r};
    for (Isa isa : isas) {
      bad += compare_tile(isa, crop, words, sizes, count, per_sample);
      bad += compare_tile(isa, erasing, words, sizes, count, per_sample);
      tiles += 2;
    }
  }
  CHECK_EQ(bad, 0);
  CHECK(second_attempts_in_lanes > 1000);
  std::printf("  %d tiles compared on %zu ISA(s); %lld rows from attempt 1 in lanes\n", tiles, isas.size(),
              static_cast<long long>(second_attempts_in_lanes));
}

TORCHRNG_TEST(area_ratio_simd_refuses_outside_its_domain) {
  const std::vector<uint32_t> words(4 * kTileBlocks, 7u);
  const std::vector<int64_t> sizes = {10, 10};
  AreaRatioTile tile;
  int64_t rows[6];
  const double inf = INFINITY, nan = NAN;
  const AreaRatioRange refused[] = {
      {0.0, 1.0, -700.5, 0.0}, {0.0, 1.0, 0.0, 701.0}, {-0.1, 1.0, 0.0, 0.1},  {0.0, inf, 0.0, 0.1},
      {0.0, 1.0, nan, 0.1},    {nan, 1.0, 0.0, 0.1},   {0.0, 1.0, -inf, 0.0},  {-1e308, 1e308, 0.0, 0.1},
  };
  const AreaRatioRange taken = {0.08, 1.0, -0.3, 0.3};
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    for (const AreaRatioRange& r : refused) {
      CHECK(!torchrng::cpu::area_ratio_rows_simd_with(isa, ResizedCrop{r, 0.75, 1.25}, words.data(), 1, sizes.data(),
                                                      0, 0, rows, tile));
      CHECK(!torchrng::cpu::area_ratio_rows_simd_with(isa, Erasing{0.5, r}, words.data(), 1, sizes.data(), 0, 0, rows,
                                                      tile));
    }
    // Scalar never takes it; the SIMD ISAs take an in-domain range when the CPU has them.
    const bool took = torchrng::cpu::area_ratio_rows_simd_with(isa, ResizedCrop{taken, 0.75, 1.25}, words.data(), 1,
                                                               sizes.data(), 0, 0, rows, tile);
    CHECK_EQ(took, isa != Isa::Scalar && torchrng::cpu::isa_supported(isa));
    CHECK(!torchrng::cpu::area_ratio_rows_simd_with(isa, Erasing{0.5, taken}, words.data(), 0, sizes.data(), 0, 0,
                                                    rows, tile));
    CHECK(!torchrng::cpu::area_ratio_rows_simd_with(isa, Erasing{0.5, taken}, words.data(), kAreaRatioMaxCount + 1,
                                                    sizes.data(), 0, 0, rows, tile));
  }
}
