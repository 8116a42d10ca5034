// cpu::perspective_rows_simd: every SIMD ISA this CPU supports gives exactly the rows the CPU
// backend stores from the scalar samplers::Perspective (the endpoints as int64 bits), for random
// words, distortion scales from 0 to 1, p gates, image sizes from 1x1 (a flat rectangle) through
// tiny ones (where collinear corners and parallelograms, the scalar code's two branches, are
// common) to 2^30 x (2^31 - 1), every tile size; and it refuses what it cannot do.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cpu/perspective_simd.h"
#include "harness.h"
#include "simd_isas.h"
#include "tile_words.h"

namespace {

using torchrng::cpu::Isa;
using torchrng::samplers::Perspective;
using torchrng_test::bits;
using torchrng_test::TileWords;

constexpr int64_t kColumns = Perspective::kColumns;

struct Branches {  // how often each scalar branch was compared
  int64_t identity = 0, affine = 0, projective = 0;
};

int compare_tile(Isa isa, const Perspective& plain, int64_t height, int64_t width, const std::vector<uint32_t>& words,
                 int64_t count, Branches& seen) {
  const Perspective sized = plain.with_image_size(height, width);
  std::vector<double> got(static_cast<size_t>(kColumns * count));
  if (!torchrng::cpu::perspective_rows_simd_with(isa, sized, words.data(), count, got.data())) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused a sized sampler");
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    double want[kColumns];
    plain(TileWords{words.data(), count, j}, height, width, want);  // the per-sample form
    if (want[1] == 1 && want[2] == 0 && want[4] == 0 && want[5] == 1) {
      ++seen.identity;
    } else if (want[7] == 0 && want[8] == 0) {
      ++seen.affine;
    } else {
      ++seen.projective;
    }
    torchrng_test::store_as_int64_bits(want, 9, 17);
    for (int64_t c = 0; c < kColumns; ++c) {
      if (bits(got[static_cast<size_t>(j * kColumns + c)]) != bits(want[c]) && bad++ == 0) {
        torchrng_test::fail(__FILE__, __LINE__,
                            std::string(torchrng::cpu::isa_name(isa)) + ": " + std::to_string(height) + "x" +
                                std::to_string(width) + " sample " + std::to_string(j) + " column " +
                                std::to_string(c));
      }
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(perspective_simd_matches_scalar) {
  const std::vector<Isa> isas = torchrng_test::simd_isas_to_compare();
  if (isas.empty()) return;
  std::mt19937_64 rng(5);
  const int64_t sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 3}, {2, 5}, {4, 4}, {224, 224}, {37, 1001},
                              {1 << 30, (int64_t{1} << 31) - 1}};
  const double scales[] = {0.0, 0.01, 0.5, 1.0};
  const double gates[] = {0.0, 0.5, 1.0};
  Branches seen;
  for (Isa isa : isas) {
    for (const auto& hw : sizes) {
      for (double scale : scales) {
        for (double p : gates) {
          const Perspective plain{p, scale};
          for (int64_t count : {int64_t{1}, int64_t{3}, int64_t{8}, int64_t{17}, int64_t{64}}) {
            std::vector<uint32_t> words(4 * static_cast<size_t>(Perspective::kBlocks * count));
            for (uint32_t& w : words) w = static_cast<uint32_t>(rng());
            CHECK_EQ(compare_tile(isa, plain, hw[0], hw[1], words, count, seen), 0);
          }
        }
      }
    }
  }
  // Each branch of the scalar code was compared many times.
  CHECK(seen.identity > 1000);
  CHECK(seen.affine > 100);
  CHECK(seen.projective > 1000);
}

TORCHRNG_TEST(perspective_simd_refuses_what_it_cannot_do) {
  std::vector<uint32_t> words(4 * 9 * 65, 5);
  std::vector<double> rows(17 * 65, -3.0);
  const Perspective plain{0.5, 0.5};
  const Perspective sized = plain.with_image_size(224, 224);
  CHECK(!torchrng::cpu::perspective_rows_simd_with(Isa::Scalar, sized, words.data(), 8, rows.data()));
  for (Isa isa : torchrng_test::simd_isas()) {
    CHECK(!torchrng::cpu::perspective_rows_simd_with(isa, plain, words.data(), 8, rows.data()));  // size unknown
    CHECK(!torchrng::cpu::perspective_rows_simd_with(isa, sized, words.data(), 0, rows.data()));
    CHECK(!torchrng::cpu::perspective_rows_simd_with(isa, sized, words.data(), 65, rows.data()));
  }
  for (double r : rows) CHECK_EQ(r, -3.0);
}
