// cpu::affine_rows_simd: every SIMD ISA this CPU supports gives exactly the bits of the scalar
// samplers::Affine, for random words, hyperparameters (translation, scale and shear each on or
// off, 2 or 4 shear bounds) and per-sample or constant image sizes, partial vectors, and the
// rounding's ties and signed zeros; and it refuses hyperparameters outside its domain.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/affine_simd.h"
#include "harness.h"
#include "simd_isas.h"
#include "tile_words.h"

namespace {

using torchrng::cpu::Isa;
using torchrng::samplers::Affine;
using torchrng_test::bits;
using torchrng_test::TileWords;
using torchrng_test::simd_isas_to_compare;

constexpr int64_t kMax = torchrng::cpu::kAffineMaxCount;
const int64_t kSides[] = {1, 2, 3, 7, 224, 480, 65535, (int64_t{1} << 31) - 1};

// Hyperparameters that reach every branch: translation, scale and shear each on or off (2 or 4
// shear bounds), one-value ranges (every fifth trial), tiny and huge bounds.
Affine random_affine(std::mt19937_64& rng, int trial) {
  const double degrees[] = {0.0, 1e-300, 10.0, 30.0, 180.0, 1e300};
  // < 0: no translation; above 1 only through the raw op (translations beyond 31 bits)
  const double fractions[] = {-1.0, 0.0, 1e-9, 0.1, 0.45, 1.0, 3.0, 1e6};
  const double scales[] = {-1.0, 1e-300, 0.5, 0.8, 1.0, 1.2, 3.0};  // < 0: no scaling
  const double shears[] = {0.0, 5.0, 10.0, 45.0, 1e300};
  Affine a{};
  a.deg_lo = -degrees[rng() % 6];
  a.deg_hi = trial % 5 == 0 ? a.deg_lo : degrees[rng() % 6];
  a.translate_x = fractions[rng() % 8];
  a.translate_y = a.translate_x < 0 ? -1.0 : fractions[1 + rng() % 7];
  a.scale_lo = scales[rng() % 7];
  a.scale_hi = a.scale_lo < 0 ? -1.0 : a.scale_lo * (1.0 + static_cast<double>(rng() % 4));
  a.shear_count = static_cast<int>(rng() % 3) * 2;
  for (int k = 0; k < a.shear_count; k += 2) {
    a.shear[k] = -shears[rng() % 5];
    a.shear[k + 1] = shears[rng() % 5];
  }
  return a;
}

// Compares one tile; returns the number of mismatching samples (and reports the first).
int compare_tile(Isa isa, const Affine& a, const std::vector<uint32_t>& words, const int64_t* sizes, int64_t height,
                 int64_t width, int64_t count) {
  double got[6 * kMax];
  if (!torchrng::cpu::affine_rows_simd_with(isa, a, words.data(), count, sizes, height, width, got)) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused in-domain hyperparameters");
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    double want[6];
    a(TileWords{words.data(), count, j}, sizes ? sizes[2 * j] : height, sizes ? sizes[2 * j + 1] : width, want);
    torchrng_test::store_as_int64_bits(want, 1, 3);  // the translation (Affine::int_columns)
    for (int c = 0; c < 6; ++c) {
      if (bits(got[6 * j + c]) != bits(want[c])) {
        if (bad++ == 0) {
          torchrng_test::fail(__FILE__, __LINE__,
                              std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) +
                                  " column " + std::to_string(c) + ": " + std::to_string(got[6 * j + c]) +
                                  " != " + std::to_string(want[c]));
        }
        break;
      }
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(affine_simd_matches_scalar) {
  const std::vector<Isa> isas = simd_isas_to_compare();
  if (isas.empty()) return;
  std::mt19937_64 rng(7027);
  // Words where -m + u * 2m lands on ties and zeros for m = 1 (translate 1, side 1): u = 1/4 gives
  // -0.5 (rounds to -0), 3/4 gives 0.5 (rounds to +0), 1/2 gives 0, 0 gives -1.
  const uint32_t special[] = {0u, 1u << 30, 3u << 30, 1u << 31, 0xffffffffu, (1u << 30) + 1, (1u << 30) - 1};
  std::vector<uint32_t> words(2 * 4 * kMax);
  std::vector<int64_t> sizes(2 * kMax);
  int bad = 0, tiles = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const Affine a = random_affine(rng, trial);
    const int64_t count = 1 + static_cast<int64_t>(rng() % kMax);
    for (int64_t k = 0; k < 2 * 4 * count; ++k) {
      words[static_cast<size_t>(k)] = rng() % 4 == 0 ? special[rng() % 7] : static_cast<uint32_t>(rng());
    }
    for (int64_t j = 0; j < count; ++j) {
      sizes[2 * j] = trial % 7 == 0 ? 1 : kSides[rng() % 8];
      sizes[2 * j + 1] = trial % 7 == 0 ? 1 : kSides[rng() % 8];
    }
    const bool per_sample = trial % 2 == 0;
    for (Isa isa : isas) {
      bad += compare_tile(isa, a, words, per_sample ? sizes.data() : nullptr, sizes[0], sizes[1], count);
      ++tiles;
    }
  }
  CHECK_EQ(bad, 0);
  std::printf("  %d tiles compared on %zu ISA(s)\n", tiles, isas.size());
}

TORCHRNG_TEST(affine_simd_refuses_outside_its_domain) {
  const std::vector<uint32_t> words(8, 7u);
  double out[6];
  const double inf = INFINITY;
  Affine finite{-30.0, 30.0, 0.1, 0.1, 0.8, 1.2, 2, {-10.0, 10.0, 0.0, 0.0}};
  Affine refused[] = {finite, finite, finite, finite, finite};
  refused[0].deg_hi = inf;
  refused[1].deg_lo = -1.7e308, refused[1].deg_hi = 1.7e308;  // the range's width overflows
  refused[2].translate_x = 0x1p1000;
  refused[3].shear[1] = inf;
  refused[4].scale_hi = inf;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    for (const Affine& a : refused) CHECK(!torchrng::cpu::affine_rows_simd_with(isa, a, words.data(), 1, nullptr, 4, 4, out));
  }
  CHECK(!torchrng::cpu::affine_rows_simd_with(Isa::Scalar, finite, words.data(), 1, nullptr, 4, 4, out));
  CHECK(!torchrng::cpu::affine_rows_simd_with(Isa::Avx2, finite, words.data(), 0, nullptr, 4, 4, out));
  CHECK(!torchrng::cpu::affine_rows_simd_with(Isa::Avx2, finite, words.data(), kMax + 1, nullptr, 4, 4, out));
}

// The fused path (blocks made in the lanes): every row equals the scalar sampler's on the blocks of
// core::stream_block, for random keys, block numbers (up to the 2^64 wrap) and first indices (up
// to the last one before the low word wraps), counts around the vector widths, one image size or
// per-sample sizes.
TORCHRNG_TEST(affine_range_simd_matches_scalar) {
  const std::vector<Isa> isas = simd_isas_to_compare();
  if (isas.empty()) return;
  std::mt19937_64 rng(7028);
  const int64_t counts[] = {1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 257};
  std::vector<double> got(6 * 257);
  std::vector<int64_t> sizes(2 * 257);
  int bad = 0, ranges = 0, refused = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const Affine a = random_affine(rng, trial);
    const torchrng::core::Stream s{{{static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng())}},
                                   0,
                                   trial % 11 == 0 ? ~uint64_t{0} : rng()};  // block_base + 1 wraps
    const int64_t count = counts[rng() % 16];
    // Indices anywhere, or ending exactly where the low word wraps.
    const uint64_t first = trial % 3 == 0 ? (rng() | 0xffffffffu) - static_cast<uint64_t>(count) + 1 : rng();
    const int64_t height = kSides[rng() % 8], width = kSides[rng() % 8];
    const bool per_sample = trial % 2 == 1;
    int64_t max_height = height, max_width = width;
    for (int64_t j = 0; per_sample && j < count; ++j) {
      sizes[static_cast<size_t>(2 * j)] = trial % 4 == 1 ? kSides[rng() % 5] : kSides[rng() % 8];  // mostly small
      sizes[static_cast<size_t>(2 * j + 1)] = trial % 4 == 1 ? kSides[rng() % 5] : kSides[rng() % 8];
      max_height = j == 0 ? sizes[0] : std::max(max_height, sizes[static_cast<size_t>(2 * j)]);
      max_width = j == 0 ? sizes[1] : std::max(max_width, sizes[static_cast<size_t>(2 * j + 1)]);
    }
    const int64_t* sample_sizes = per_sample ? sizes.data() : nullptr;
    const bool fits = std::fabs(a.translate_x) * static_cast<double>(max_width) < 0x1p30 &&
                      std::fabs(a.translate_y) * static_cast<double>(max_height) < 0x1p30 &&
                      (first & 0xffffffffu) + static_cast<uint64_t>(count) <= (uint64_t{1} << 32);
    for (Isa isa : isas) {
      const bool ran = torchrng::cpu::affine_range_simd_with(isa, a, s.key, s.block_base, first, count, sample_sizes,
                                                             height, width, got.data());
      CHECK_EQ(ran, fits);
      if (!ran) {
        ++refused;
        continue;
      }
      ++ranges;
      for (int64_t j = 0; j < count; ++j) {
        double want[6];
        a(torchrng::core::SampleBlocks{s, first + static_cast<uint64_t>(j)},
          per_sample ? sizes[static_cast<size_t>(2 * j)] : height, per_sample ? sizes[static_cast<size_t>(2 * j + 1)] : width,
          want);
        torchrng_test::store_as_int64_bits(want, 1, 3);
        for (int c = 0; c < 6; ++c) {
          if (bits(got[static_cast<size_t>(6 * j + c)]) != bits(want[c])) {
            if (bad++ == 0) {
              torchrng_test::fail(__FILE__, __LINE__,
                                  std::string(torchrng::cpu::isa_name(isa)) + ": sample " + std::to_string(j) +
                                      " of " + std::to_string(count) + " column " + std::to_string(c));
            }
            break;
          }
        }
      }
    }
  }
  CHECK_EQ(bad, 0);
  CHECK(refused > 0);
  std::printf("  %d ranges compared, %d refused (translations of 2^30 or more)\n", ranges, refused);
}

TORCHRNG_TEST(affine_range_simd_refuses_what_it_cannot_do) {
  const Affine finite{-30.0, 30.0, 0.1, 0.1, 0.8, 1.2, 2, {-10.0, 10.0, 0.0, 0.0}};
  const torchrng::core::u32x2 key{{1, 2}};
  double out[6 * 4];
  const uint64_t last_before_wrap = 0xffffffffu;
  for (Isa isa : {Isa::Avx2, Isa::Avx512}) {
    if (!torchrng::cpu::isa_supported(isa)) continue;
    CHECK(torchrng::cpu::affine_range_simd_with(isa, finite, key, 0, last_before_wrap, 1, nullptr, 4, 4, out));
    CHECK(!torchrng::cpu::affine_range_simd_with(isa, finite, key, 0, last_before_wrap, 2, nullptr, 4, 4, out));  // wraps
    CHECK(!torchrng::cpu::affine_range_simd_with(isa, finite, key, 0, 0, 0, nullptr, 4, 4, out));
    Affine far = finite;
    far.translate_x = 1.0;
    CHECK(!torchrng::cpu::affine_range_simd_with(isa, far, key, 0, 0, 1, nullptr, 4, int64_t{1} << 30, out));
    const int64_t one_wide[] = {4, 4, 4, int64_t{1} << 30};  // the second sample's width
    CHECK(!torchrng::cpu::affine_range_simd_with(isa, far, key, 0, 0, 2, one_wide, 4, 4, out));
    CHECK(torchrng::cpu::affine_range_simd_with(isa, far, key, 0, 0, 1, one_wide, 4, 4, out));
    Affine infinite = finite;
    infinite.deg_hi = INFINITY;
    CHECK(!torchrng::cpu::affine_range_simd_with(isa, infinite, key, 0, 0, 1, nullptr, 4, 4, out));
  }
  CHECK(!torchrng::cpu::affine_range_simd_with(Isa::Scalar, finite, key, 0, 0, 1, nullptr, 4, 4, out));
}
