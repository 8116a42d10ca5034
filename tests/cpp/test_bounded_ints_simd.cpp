// cpu::bounded_ints_simd: the AVX-512 and AVX2 paths give exactly core::uniform_below for random
// blocks and for the extreme blocks (all zero, all ones, one word saturated), for bounds from 1 to
// 2^32 - 1 (the small ones the samplers use and powers of two around the limb width), for every
// count from 1 to a few vectors (whole vectors plus the scalar tail), and refuse what they cannot do.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/uniform.h"
#include "cpu/bounded_ints_simd.h"
#include "harness.h"
#include "simd_isas.h"

namespace {

// Blocks the lanes could get wrong: carries through every limb, and random ones.
std::vector<uint32_t> test_words(int64_t random_blocks) {
  std::vector<uint32_t> w = {0, 0, 0, 0,
                             0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
                             0xffffffffu, 0xffffffffu, 0xffffffffu, 0,
                             0, 0, 0, 0xffffffffu,
                             0xffffffffu, 0, 0xffffffffu, 0,
                             1, 0, 0, 0x80000000u};
  std::mt19937_64 rng(20261204);
  for (int64_t i = 0; i < 4 * random_blocks; ++i) w.push_back(static_cast<uint32_t>(rng()));
  return w;
}

int compare(torchrng::cpu::Isa isa, const std::vector<uint32_t>& words, int64_t count, uint64_t range) {
  std::vector<int64_t> got(static_cast<size_t>(count), -1);
  if (!torchrng::cpu::bounded_ints_simd_with(isa, words.data(), count, range, got.data())) {
    torchrng_test::fail(__FILE__, __LINE__, "the SIMD path refused range " + std::to_string(range));
    return 1;
  }
  int bad = 0;
  for (int64_t j = 0; j < count; ++j) {
    const uint32_t* p = words.data() + 4 * j;
    const auto want = static_cast<int64_t>(torchrng::core::uniform_below(torchrng::core::u32x4{{p[0], p[1], p[2], p[3]}}, range));
    if (got[static_cast<size_t>(j)] != want && bad++ == 0) {
      torchrng_test::fail(__FILE__, __LINE__,
                          std::string(torchrng::cpu::isa_name(isa)) + ": block " + std::to_string(j) + " below " + std::to_string(range) +
                              " gives " + std::to_string(got[static_cast<size_t>(j)]) + ", want " + std::to_string(want));
    }
  }
  return bad;
}

}  // namespace

TORCHRNG_TEST(bounded_ints_simd_matches_uniform_below) {
  const std::vector<torchrng::cpu::Isa> isas = torchrng_test::simd_isas_to_compare();
  if (isas.empty()) return;
  const std::vector<uint32_t> words = test_words(4000);
  const int64_t blocks = static_cast<int64_t>(words.size() / 4);
  const std::vector<uint64_t> ranges = {1, 2, 3, 14, 24, 120, 720, 5040, 65535, 65536, 65537, 1u << 31,
                                        (uint64_t{1} << 32) - 1, 0x9e3779b9u};
  for (torchrng::cpu::Isa isa : isas) {
    for (uint64_t range : ranges) CHECK(compare(isa, words, blocks, range) == 0);
    for (int64_t count = 1; count <= 40; ++count) CHECK(compare(isa, words, count, 24) == 0);
  }
}

TORCHRNG_TEST(bounded_ints_simd_refuses_what_it_cannot_do) {
  std::vector<uint32_t> words(64, 7);
  std::vector<int64_t> out(16, -5);
  using torchrng::cpu::Isa;
  CHECK(!torchrng::cpu::bounded_ints_simd_with(Isa::Scalar, words.data(), 16, 24, out.data()));
  for (Isa isa : torchrng_test::simd_isas()) {
    CHECK(!torchrng::cpu::bounded_ints_simd_with(isa, words.data(), 16, 0, out.data()));
    CHECK(!torchrng::cpu::bounded_ints_simd_with(isa, words.data(), 16, uint64_t{1} << 32, out.data()));
    CHECK(!torchrng::cpu::bounded_ints_simd_with(isa, words.data(), 0, 24, out.data()));
    CHECK(!torchrng::cpu::bounded_ints_simd_with(isa, words.data(), -3, 24, out.data()));
  }
  for (int64_t v : out) CHECK(v == -5);  // refusals write nothing
}
