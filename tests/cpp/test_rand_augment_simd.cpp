// cpu::rand_augment_rows_simd: every SIMD ISA this CPU supports gives exactly the rows the CPU
// backend stores from the scalar samplers::RandAugment (op, magnitude_bin and sign as int64 bits),
// for random words, num_ops 1..12, several magnitude bins and image sizes (the translations'
// magnitudes), every tile size; and it refuses what it cannot do.
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/rand_augment_simd.h"
#include "harness.h"
#include "simd_isas.h"
#include "tile_words.h"

namespace {

using torchrng::cpu::Isa;
using torchrng::samplers::RandAugment;
using torchrng_test::bits;
using torchrng_test::TileWords;

RandAugment make(int64_t num_ops, int64_t bin, int64_t bins) {
  RandAugment a{num_ops, bin, bins, {}, {}, {}};
  a.prepare();
  return a;
}

int compare_tile(Isa isa, const RandAugment& plain, int64_t height, int64_t width, const std::vector<uint32_t>& words,
                 int64_t count) {
  const RandAugment sized = plain.with_image_size(height, width);
  const int64_t n = plain.num_ops, columns = 4 * n;
  std::vector<double> got(static_cast<size_t>(columns * count));
  if (!torchrng::cpu::rand_augment_rows_simd_with(isa, sized, words.data(), count, got.data())) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused num_ops " + std::to_string(n));
    return 1;
  }
  int bad = 0;
  std::vector<double> want(static_cast<size_t>(columns));
  for (int64_t j = 0; j < count; ++j) {
    plain(TileWords{words.data(), count, j}, height, width, want.data());  // the per-sample form
    torchrng_test::store_as_int64_bits(want.data(), 0, 3 * n);
    for (int64_t c = 0; c < columns; ++c) {
      if (bits(got[static_cast<size_t>(j * columns + c)]) != bits(want[static_cast<size_t>(c)]) && bad++ == 0) {
        torchrng_test::fail(__FILE__, __LINE__,
                            std::string(torchrng::cpu::isa_name(isa)) + ": num_ops " + std::to_string(n) + " sample " +
                                std::to_string(j) + " column " + std::to_string(c));
      }
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(rand_augment_simd_matches_scalar) {
  const std::vector<Isa> isas = torchrng_test::simd_isas_to_compare();
  if (isas.empty()) return;
  std::mt19937_64 rng(14);
  const int64_t sizes[][2] = {{224, 224}, {1, 1}, {37, 1001}};
  const int64_t bins_bin[][2] = {{31, 9}, {31, 0}, {31, 30}, {2, 1}, {10, 5}};
  for (Isa isa : isas) {
    for (int64_t n = 1; n <= 12; ++n) {
      for (const auto& bb : bins_bin) {
        const RandAugment a = make(n, bb[1], bb[0]);
        for (const auto& hw : sizes) {
          for (int64_t count : {int64_t{1}, int64_t{3}, int64_t{17}, int64_t{64}}) {
            const int64_t blocks = a.blocks_per_sample();
            std::vector<uint32_t> words(4 * static_cast<size_t>(blocks * count));
            for (uint32_t& w : words) w = static_cast<uint32_t>(rng());
            // Sign words at and around the coin's threshold 2^31.
            for (int64_t k = 0; k < n; ++k) words[4 * ((n + k / 4) * count) + k % 4] = 0x80000000u + (k % 3) - 1;
            CHECK_EQ(compare_tile(isa, a, hw[0], hw[1], words, count), 0);
          }
        }
      }
    }
  }
}

TORCHRNG_TEST(rand_augment_simd_refuses_what_it_cannot_do) {
  std::vector<uint32_t> words(4 * 17 * 64, 5);
  std::vector<double> rows(4 * 13 * 64, -3.0);
  const RandAugment sized = make(2, 9, 31).with_image_size(224, 224);
  CHECK(!torchrng::cpu::rand_augment_rows_simd_with(Isa::Scalar, sized, words.data(), 8, rows.data()));
  for (Isa isa : torchrng_test::simd_isas()) {
    CHECK(!torchrng::cpu::rand_augment_rows_simd_with(isa, make(2, 9, 31), words.data(), 8, rows.data()));  // size unknown
    CHECK(!torchrng::cpu::rand_augment_rows_simd_with(isa, make(0, 9, 31).with_image_size(9, 9), words.data(), 8, rows.data()));
    CHECK(!torchrng::cpu::rand_augment_rows_simd_with(isa, make(13, 9, 31).with_image_size(9, 9), words.data(), 8, rows.data()));
    CHECK(!torchrng::cpu::rand_augment_rows_simd_with(isa, sized, words.data(), 0, rows.data()));
    CHECK(!torchrng::cpu::rand_augment_rows_simd_with(isa, sized, words.data(), 65, rows.data()));
  }
  for (double r : rows) CHECK_EQ(r, -3.0);
}
