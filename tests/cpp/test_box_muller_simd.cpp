// cpu::box_muller_32_simd / box_muller_53_simd: the AVX-512 and AVX2 paths give exactly the bits
// of core::box_muller_32 / box_muller_53 for random words, for the extreme words (u = 0, u1 = 1,
// the largest radius), for every angle word whose angle falls near the kernels' and the reduction's thresholds (pi/4, multiples of pi/2,
// where the second and third Cody-Waite stages fire; 32-bit and 53-bit angles), and for partial
// vectors.
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/distributions.h"
#include "cpu/box_muller_simd.h"
#include "harness.h"
#include "simd_isas.h"

namespace {

using torchrng_test::bits;

// Compares blocks made of the given (radius, angle) word pairs; returns the mismatches.
int compare(torchrng::cpu::Isa isa, const std::vector<uint32_t>& words) {
  const int64_t blocks = static_cast<int64_t>(words.size() / 4);
  std::vector<double> got(4 * words.size() / 4);
  if (!torchrng::cpu::box_muller_32_simd_with(isa, words.data(), blocks, got.data())) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused to run");
    return 1;
  }
  int bad = 0;
  for (int64_t p = 0; p < 2 * blocks; ++p) {
    double z0, z1;
    torchrng::core::box_muller_32(words[2 * p], words[2 * p + 1], &z0, &z1);
    if (bits(z0) != bits(got[2 * p]) || bits(z1) != bits(got[2 * p + 1])) {
      if (bad++ == 0) {
        torchrng_test::fail(__FILE__, __LINE__,
                            std::string(torchrng::cpu::isa_name(isa)) + ": pair " + std::to_string(p) + " differs: words " + std::to_string(words[2 * p]) + " " +
                                std::to_string(words[2 * p + 1]));
      }
    }
  }
  return bad;
}

// The float64 form: one pair per block.
int compare53(torchrng::cpu::Isa isa, const std::vector<uint32_t>& words) {
  const int64_t blocks = static_cast<int64_t>(words.size() / 4);
  std::vector<double> got(2 * static_cast<size_t>(blocks));
  if (!torchrng::cpu::box_muller_53_simd_with(isa, words.data(), blocks, got.data())) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused to run");
    return 1;
  }
  int bad = 0;
  for (int64_t t = 0; t < blocks; ++t) {
    double z0, z1;
    const torchrng::core::u32x4 b{{words[4 * t], words[4 * t + 1], words[4 * t + 2], words[4 * t + 3]}};
    torchrng::core::box_muller_53(b, &z0, &z1);
    if (bits(z0) != bits(got[2 * t]) || bits(z1) != bits(got[2 * t + 1])) {
      if (bad++ == 0) torchrng_test::fail(__FILE__, __LINE__, "53-bit block " + std::to_string(t) + " differs");
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(box_muller_simd_matches_scalar) {
  const std::vector<torchrng::cpu::Isa> isas = torchrng_test::simd_isas_to_compare();
  if (isas.empty()) return;
  CHECK(!torchrng::cpu::box_muller_32_simd_with(torchrng::cpu::Isa::Scalar, nullptr, 1, nullptr));
  int bad = 0;
  // Angle words around each multiple of pi/4 of the turn (2 pi w / 2^32 = j pi / 4), and the
  // radius words at both ends.
  std::vector<uint32_t> words;
  for (uint64_t j = 0; j <= 8; ++j) {
    const int64_t centre = static_cast<int64_t>((j << 32) / 8);
    for (int64_t d = -3000; d <= 3000; ++d) {
      const int64_t a = centre + d;
      if (a < 0 || a > 0xffffffffll) continue;
      words.push_back(static_cast<uint32_t>((a * 2654435761ll) & 0xffffffff));
      words.push_back(static_cast<uint32_t>(a));
    }
  }
  for (uint32_t a : {0u, 1u, 2u, 3u, 0xffffffffu, 0x80000000u, 0x40000000u, 0xc0000000u}) {
    for (uint32_t r : {0u, 1u, 0xffffffffu, 0xfffffffeu, 0x80000000u}) {
      words.push_back(r);
      words.push_back(a);
    }
  }
  while (words.size() % 4) words.push_back(7u);
  for (torchrng::cpu::Isa isa : isas) {
    bad += compare(isa, words);
    bad += compare53(isa, words);  // the same words as (radius lo, hi, angle lo, hi) blocks
  }
  // 53-bit angles around every multiple of pi/4 of the turn: u = (j 2^50 + d) 2^-53.
  std::vector<uint32_t> blocks53;
  for (int64_t j = 0; j <= 7; ++j) {
    for (int64_t d = -2000; d <= 2000; ++d) {
      const int64_t m = (j << 50) + d;
      if (m < 0) continue;
      const uint64_t x = static_cast<uint64_t>(m) << 11;
      blocks53.push_back(static_cast<uint32_t>(d * 2654435761ll));
      blocks53.push_back(static_cast<uint32_t>(j * 40503 + d));
      blocks53.push_back(static_cast<uint32_t>(x));
      blocks53.push_back(static_cast<uint32_t>(x >> 32));
    }
  }
  for (torchrng::cpu::Isa isa : isas) bad += compare53(isa, blocks53);
  // Random words, runs of every length up to 70 blocks (partial vectors).
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint32_t> w(4 * (1 + rng() % 70));
    for (uint32_t& x : w) x = static_cast<uint32_t>(rng());
    for (torchrng::cpu::Isa isa : isas) {
      bad += compare(isa, w);
      bad += compare53(isa, w);
    }
  }
  CHECK_EQ(bad, 0);
}
