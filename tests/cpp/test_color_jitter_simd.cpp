// cpu::color_jitter_rows_simd: every SIMD ISA this CPU supports gives exactly the rows the CPU
// backend stores from the scalar samplers::ColorJitter (fn_idx as int64 bits, factors, NaN where
// unconfigured), for random words, every on/off combination of the four factors with random
// ranges, every tile size from 1 to 64, and all 24 orders; and it refuses what it cannot do.
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/color_jitter_simd.h"
#include "harness.h"
#include "simd_isas.h"
#include "tile_words.h"

namespace {

using torchrng::cpu::Isa;
using torchrng::samplers::ColorJitter;
using torchrng_test::bits;
using torchrng_test::TileWords;

// The scalar row as the CPU backend stores it: fn_idx columns as int64 bit patterns.
void scalar_row(const ColorJitter& cj, const std::vector<uint32_t>& words, int64_t count, int64_t j, double* row) {
  cj(TileWords{words.data(), count, j}, 1, 1, row);
  torchrng_test::store_as_int64_bits(row, 0, 4);
}

int compare_tile(Isa isa, const ColorJitter& cj, const std::vector<uint32_t>& words, int64_t count, bool* seen) {
  double got[8 * 64];
  if (!torchrng::cpu::color_jitter_rows_simd_with(isa, cj, words.data(), count, got)) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused a tile of " + std::to_string(count));
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    double want[8];
    scalar_row(cj, words, count, j, want);
    int64_t order = 0;
    for (int c = 0; c < 8; ++c) {
      if (bits(got[8 * j + c]) != bits(want[c]) && bad++ == 0) {
        torchrng_test::fail(__FILE__, __LINE__,
                            std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) + " column " +
                                std::to_string(c) + " of a tile of " + std::to_string(count));
      }
      if (c < 4) order = order * 4 + static_cast<int64_t>(bits(want[c]));
    }
    seen[order % 256] = true;
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(color_jitter_simd_matches_scalar) {
  const std::vector<Isa> isas = torchrng_test::simd_isas_to_compare();
  if (isas.empty()) return;
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> pos(0.0, 3.0), hue(-0.5, 0.5);
  bool seen[256] = {};
  for (Isa isa : isas) {
    for (int mask = 0; mask < 16; ++mask) {
      ColorJitter cj{};
      for (int k = 0; k < 4; ++k) {
        cj.enabled[k] = (mask >> k) & 1;
        const double a = k == 3 ? hue(rng) : pos(rng), b = k == 3 ? hue(rng) : pos(rng);
        cj.lo[k] = a < b ? a : b;
        cj.hi[k] = a < b ? b : a;
      }
      for (int64_t count = 1; count <= 64; ++count) {
        std::vector<uint32_t> words(8 * static_cast<size_t>(count));
        for (uint32_t& w : words) w = static_cast<uint32_t>(rng());
        if (count == 64) words[4] = words[5] = words[6] = words[7] = ~0u;  // the largest order index
        CHECK_EQ(compare_tile(isa, cj, words, count, seen), 0);
      }
    }
  }
  int orders = 0;
  for (bool s : seen) orders += s;
  CHECK_EQ(orders, 24);  // every permutation of 4 came up
}

TORCHRNG_TEST(color_jitter_simd_refuses_what_it_cannot_do) {
  ColorJitter cj{};
  std::vector<uint32_t> words(8 * 65, 1);
  double rows[8 * 65];
  for (double& r : rows) r = -3.0;
  CHECK(!torchrng::cpu::color_jitter_rows_simd_with(Isa::Scalar, cj, words.data(), 8, rows));
  for (Isa isa : torchrng_test::simd_isas()) {
    CHECK(!torchrng::cpu::color_jitter_rows_simd_with(isa, cj, words.data(), 0, rows));
    CHECK(!torchrng::cpu::color_jitter_rows_simd_with(isa, cj, words.data(), 65, rows));  // beyond a tile
  }
  for (double r : rows) CHECK_EQ(r, -3.0);
}
