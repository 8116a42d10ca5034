// cpu::philox_blocks: every ISA this CPU supports gives exactly the bits of the scalar reference
// core::philox4x32<10>, for awkward counters (carry from word 2 into word 3, wrap at 2^64), group
// and tail sizes, and unaligned output. Also prints (never asserts) a throughput figure per ISA.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/philox.h"
#include "core/stream.h"
#include "cpu/philox_blocks.h"
#include "harness.h"

namespace {

using torchrng::core::u32x2;
using torchrng::core::u32x4;
using torchrng::cpu::Isa;

constexpr Isa kAllIsas[] = {Isa::Scalar, Isa::Avx2, Isa::Avx512};

std::vector<Isa> supported_isas() {
  std::vector<Isa> v;
  for (Isa isa : kAllIsas)
    if (torchrng::cpu::isa_supported(isa)) v.push_back(isa);
  return v;
}

// Straight from the definition, one block at a time.
std::vector<uint32_t> reference(u32x2 key, uint64_t block, uint64_t first_index, int64_t count) {
  std::vector<uint32_t> out(4 * static_cast<size_t>(count));
  for (int64_t j = 0; j < count; ++j) {
    const uint64_t i = first_index + static_cast<uint64_t>(j);
    const u32x4 r = torchrng::core::philox4x32<10>(
        u32x4{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), static_cast<uint32_t>(i),
               static_cast<uint32_t>(i >> 32)}},
        key);
    for (int w = 0; w < 4; ++w) out[4 * j + w] = r.v[w];
  }
  return out;
}

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr uint32_t kGuard = 0xA5A5A5A5u;

// Runs one ISA into a buffer at word offset `misalign` with guard words around it; returns the
// number of mismatching words (guards included), and reports the first mismatch.
int check_one(Isa isa, u32x2 key, uint64_t block, uint64_t first_index, int64_t count, int misalign,
              const std::vector<uint32_t>& want) {
  const size_t n = 4 * static_cast<size_t>(count);
  std::vector<uint32_t> buf(n + 64 + 16, kGuard);
  uint32_t* out = buf.data() + 16 + misalign;
  torchrng::cpu::philox_blocks_with(isa, key, block, first_index, count, out);
  int bad = 0;
  for (size_t w = 0; w < buf.size(); ++w) {
    const uint32_t* p = buf.data() + w;
    const bool inside = p >= out && p < out + n;
    const uint32_t expect = inside ? want[static_cast<size_t>(p - out)] : kGuard;
    if (buf[w] != expect) {
      if (bad == 0) {
        std::fprintf(stderr,
                     "  %s mismatch: key=(%08x,%08x) block=%016llx first_index=%016llx count=%lld "
                     "misalign=%d word=%lld (%s): got %08x want %08x\n",
                     torchrng::cpu::isa_name(isa), key.v[0], key.v[1], static_cast<unsigned long long>(block),
                     static_cast<unsigned long long>(first_index), static_cast<long long>(count), misalign,
                     static_cast<long long>(p - out), inside ? "output" : "guard", buf[w], expect);
      }
      ++bad;
    }
  }
  return bad;
}

int check_all(u32x2 key, uint64_t block, uint64_t first_index, int64_t count, int misalign) {
  const std::vector<uint32_t> want = reference(key, block, first_index, count);
  int bad = 0;
  for (Isa isa : supported_isas()) bad += check_one(isa, key, block, first_index, count, misalign, want);
  return bad;
}

}  // namespace

TORCHRNG_TEST(philox_blocks_known_answers) {
  // Random123's known-answer vectors for Philox4x32-10, through the block/index layout.
  struct Kat {
    u32x2 key;
    uint64_t block, index;
    uint32_t want[4];
  };
  const Kat kats[] = {
      {{{0u, 0u}}, 0u, 0u, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{{0xffffffffu, 0xffffffffu}}, ~uint64_t{0}, ~uint64_t{0}, {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{{0xa4093822u, 0x299f31d0u}},
       0x85a308d3243f6a88ull,
       0x0370734413198a2eull,
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (Isa isa : supported_isas()) {
    for (const Kat& k : kats) {
      // Put the known block in the middle of a full SIMD group and of the tail.
      for (int64_t at : {int64_t{0}, int64_t{5}, int64_t{16}, int64_t{37}}) {
        const int64_t count = 40;
        std::vector<uint32_t> out(4 * count);
        torchrng::cpu::philox_blocks_with(isa, k.key, k.block, k.index - static_cast<uint64_t>(at), count, out.data());
        for (int w = 0; w < 4; ++w) CHECK_EQ(out[4 * at + w], k.want[w]);
      }
    }
  }
}

TORCHRNG_TEST(philox_blocks_matches_scalar_reference) {
  const std::vector<u32x2> keys = {
      {{0u, 0u}}, {{0xffffffffu, 0xffffffffu}}, {{0x12345678u, 0x9abcdef0u}}, {{1u, 0u}}, {{0u, 1u}}};
  const std::vector<uint64_t> blocks = {0u, 1u, 0xffffffffull, 0x100000000ull, 0xfedcba9876543210ull, ~uint64_t{0}};
  std::vector<uint64_t> firsts = {0u, 1u, 3u, 1000u, 0x0123456789abcdefull, 0x100000000ull};
  // Low word just below 2^32 (carry into word 3 inside a group or the tail) and near 2^64 (wrap).
  for (uint64_t d : {1u, 2u, 3u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 63u, 64u, 65u, 500u}) {
    firsts.push_back(0x100000000ull - d);
    firsts.push_back(0x7300000000ull - d);
    firsts.push_back(0ull - d);
  }
  const int64_t counts[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 80, 95, 129, 1000};
  int bad = 0, cases = 0;
  for (const u32x2& key : keys)
    for (uint64_t block : blocks)
      for (uint64_t first : firsts)
        for (int64_t count : counts) {
          bad += check_all(key, block, first, count, static_cast<int>(cases % 5));
          ++cases;
        }
  CHECK_EQ(bad, 0);
}

TORCHRNG_TEST(philox_blocks_random_cases) {
  uint64_t s = 20240611u;
  int bad = 0;
  for (int t = 0; t < 400; ++t) {
    const u32x2 key{{static_cast<uint32_t>(splitmix64(s)), static_cast<uint32_t>(splitmix64(s))}};
    const uint64_t block = splitmix64(s);
    uint64_t first = splitmix64(s);
    if (t % 3 == 1) first = (first | 0xffffffffull) - (splitmix64(s) % 300);  // carry inside the run
    if (t % 7 == 2) first = ~uint64_t{0} - (splitmix64(s) % 300);               // 2^64 wrap inside the run
    const int64_t count = static_cast<int64_t>(splitmix64(s) % 700);
    bad += check_all(key, block, first, count, static_cast<int>(splitmix64(s) % 16));
  }
  CHECK_EQ(bad, 0);
}

TORCHRNG_TEST(philox_blocks_default_isa) {
  const Isa isa = torchrng::cpu::philox_blocks_isa();
  CHECK(torchrng::cpu::isa_supported(isa));
  CHECK(torchrng::cpu::isa_supported(Isa::Scalar));
  CHECK_EQ(std::string(torchrng::cpu::isa_name(Isa::Scalar)), std::string("scalar"));
  CHECK_EQ(std::string(torchrng::cpu::isa_name(Isa::Avx2)), std::string("avx2"));
  CHECK_EQ(std::string(torchrng::cpu::isa_name(Isa::Avx512)), std::string("avx512"));
  // The chosen ISA is the override when it names a supported one, else the best supported one.
  Isa best = Isa::Scalar;
  for (Isa i : supported_isas()) best = i;
  Isa expect = best;
  if (const char* env = std::getenv("TORCHRNG_CPU_ISA")) {
    for (Isa i : kAllIsas)
      if (std::string(env) == torchrng::cpu::isa_name(i) && torchrng::cpu::isa_supported(i)) expect = i;
  }
  CHECK_EQ(std::string(torchrng::cpu::isa_name(isa)), std::string(torchrng::cpu::isa_name(expect)));
  std::printf("  philox_blocks ISA in use: %s\n", torchrng::cpu::isa_name(isa));

  // The dispatching entry point agrees with the reference, including across a carry.
  const u32x2 key{{0xdeadbeefu, 0x01234567u}};
  const uint64_t first = 0x5ffffff00ull;
  const int64_t count = 777;
  std::vector<uint32_t> out(4 * count);
  torchrng::cpu::philox_blocks(key, 42u, first, count, out.data());
  CHECK(out == reference(key, 42u, first, count));

  // An unsupported ISA is refused rather than silently replaced.
  for (Isa i : kAllIsas) {
    if (torchrng::cpu::isa_supported(i)) continue;
    bool threw = false;
    try {
      torchrng::cpu::philox_blocks_with(i, key, 0, 0, 1, out.data());
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    CHECK(threw);
  }
}

TORCHRNG_TEST(philox_blocks_throughput) {
  // Printed only, never asserted: timing depends on the machine and its load.
  const u32x2 key{{0x01234567u, 0x89abcdefu}};
  const int64_t big = int64_t{1} << 22;    // 64 MiB of output: includes the memory stores
  const int64_t small = int64_t{1} << 13;  // 128 KiB, repeated: compute-bound, cache-resident
  std::vector<uint32_t> out(4 * static_cast<size_t>(big));
  for (Isa isa : supported_isas()) {
    auto best_of = [&](int64_t count, int reps) {
      double best = 1e30;
      for (int trial = 0; trial < 3; ++trial) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r)
          torchrng::cpu::philox_blocks_with(isa, key, 7u, static_cast<uint64_t>(r) * count, count, out.data());
        const auto t1 = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
        if (ns < best) best = ns;
      }
      return best / (4.0 * static_cast<double>(count) * reps);
    };
    const double ns_big = best_of(big, 1);
    const double ns_small = best_of(small, 512);
    volatile uint32_t sink = out[12345];
    (void)sink;
    std::printf("  philox_blocks %-6s: %.3f ns/word (2^22 blocks), %.3f ns/word (2^13 blocks in cache)\n",
                torchrng::cpu::isa_name(isa), ns_big, ns_small);
  }
}
