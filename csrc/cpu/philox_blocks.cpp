// Many Philox4x32-10 blocks at once: scalar, AVX2 and AVX-512 kernels, chosen at run time.
//
// How the SIMD kernels work (both give exactly the bits of core::philox4x32<10>):
//
// * Counter words 0 and 1 (the block number) are the same for every block of a call, and word 3
//   (the high half of the sample index) is the same for every block until the low half wraps. The
//   kernels work on groups of blocks whose index low words do not wrap inside the group, so word 3
//   is a scalar there; where a group would straddle a 2^32 boundary (at most once per 2^32
//   blocks, the 2^64 wrap included), the blocks up to the boundary go through the scalar path.
//   With words 0, 1, 3 scalar, rounds 1 and 2 need one vector multiply each instead of two.
// * Each 32-bit lane holds one block's word; the rounds themselves are in philox_rounds.h.
// * Lanes are assigned to blocks so that the in-lane 4x4 transposes (unpacklo/hi epi32 and epi64)
//   already leave consecutive blocks together: no cross-lane shuffle is needed before the stores.
//   AVX2: lane 4q + r holds block 2r + q; AVX-512: lane 4q + r holds block 4r + q.
// * Four independent vectors are interleaved per loop iteration for instruction-level parallelism
//   (32 blocks for AVX2, 64 for AVX-512); what is left goes one vector at a time, and the last
//   partial vector is computed whole into a scratch buffer and the needed blocks copied out.
#include "philox_blocks.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "../core/stream.h"

#include "philox_rounds.h"
#include "x86_intrinsics.h"

namespace torchrng {
namespace cpu {

namespace {

using core::u32x2;
using core::u32x4;
using philox_simd::kRounds;
using philox_simd::make_plan;
using philox_simd::Plan;

// ---------------------------------------------------------------------------------------------
// Scalar reference path.

void scalar_blocks(u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out) {
  const uint32_t b0 = core::lo32(block), b1 = core::hi32(block);
  for (int64_t j = 0; j < count; ++j) {
    const uint64_t i = first_index + static_cast<uint64_t>(j);  // wraps modulo 2^64
    const u32x4 r = core::philox4x32<kRounds>(u32x4{{b0, b1, core::lo32(i), core::hi32(i)}}, key);
    std::memcpy(out + 4 * j, r.v, sizeof(r.v));
  }
}

#if TORCHRNG_X86_SIMD

// Where a SIMD path has got to in its output.
struct Cursor {
  uint64_t idx;    // sample index of the next block
  int64_t count;   // blocks still to write
  uint32_t* out;   // where they go
};

// While at least G blocks are left: `groups_fn(plan, lo, groups, out)` writes `groups` groups of G
// blocks starting at index low word lo (the caller guarantees lo + groups * G <= 2^32, so the
// high word is the plan's throughout). A group that would straddle the carry into the high word is
// cut at the boundary and its first part done by the scalar path. Leaves fewer than G blocks.
template <int G, typename GroupsFn>
inline void run_groups(u32x2 key, uint64_t block, Cursor& c, GroupsFn groups_fn) {
  while (c.count >= G) {
    const uint32_t lo = core::lo32(c.idx);
    const uint64_t room = (uint64_t{1} << 32) - lo;  // blocks before the low word wraps (>= 1)
    if (room < static_cast<uint64_t>(G)) {
      const int64_t n = static_cast<int64_t>(room);
      scalar_blocks(key, block, c.idx, n, c.out);
      c.idx += static_cast<uint64_t>(n);
      c.out += 4 * n;
      c.count -= n;
      continue;  // now at low word 0
    }
    uint64_t groups = static_cast<uint64_t>(c.count / G);
    if (groups > room / G) groups = room / G;
    groups_fn(make_plan(key, block, core::hi32(c.idx)), lo, groups, c.out);
    c.idx += groups * G;
    c.out += 4 * G * groups;
    c.count -= static_cast<int64_t>(groups * G);
  }
}

// The last 0 < count < G blocks: one SIMD group into a scratch buffer, of which the first count
// blocks are copied out, unless the carry into the high word falls among those blocks (then the
// scalar path). Lanes past count may wrap their low word; they are computed but thrown away.
template <int G, typename GroupsFn>
inline void run_tail(u32x2 key, uint64_t block, Cursor& c, GroupsFn groups_fn) {
  if (c.count <= 0) return;
  const uint32_t lo = core::lo32(c.idx);
  const uint64_t room = (uint64_t{1} << 32) - lo;
  if (static_cast<uint64_t>(c.count) > room) {
    scalar_blocks(key, block, c.idx, c.count, c.out);
  } else {
    alignas(64) uint32_t scratch[4 * G];
    groups_fn(make_plan(key, block, core::hi32(c.idx)), lo, 1, scratch);
    std::memcpy(c.out, scratch, sizeof(uint32_t) * 4 * static_cast<size_t>(c.count));
  }
  c.idx += static_cast<uint64_t>(c.count);
  c.out += 4 * c.count;
  c.count = 0;
}

// ---------------------------------------------------------------------------------------------
// AVX2: 8 blocks per vector; the main loop interleaves kAvx2Vectors independent vectors.

#define TORCHRNG_AVX2_INLINE __attribute__((target("avx2"), always_inline)) inline
#define TORCHRNG_AVX2 __attribute__((target("avx2")))

constexpr int kAvx2Vectors = 4;  // measured: 4 > 3 > 2 > 1 on Sapphire Rapids, despite some spills

// 8 * V blocks from index low word lo (high word and block number in the plan) to out[0, 32 * V).
template <int V>
TORCHRNG_AVX2_INLINE void avx2_group(const Plan& p, uint32_t lo, uint32_t* out) {
  // Lane 4q + r holds block 2r + q of its vector (see the transpose below).
  const __m256i lanes = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  __m256i c0[V], c1[V], c2[V], c3[V];
  philox_simd::avx2_rounds<V>(p, lo, lanes, c0, c1, c2, c3);
  // In-lane 4x4 transposes. With the lane assignment above, u_r holds blocks 2r and 2r + 1.
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    const __m256i t0 = _mm256_unpacklo_epi32(c0[v], c1[v]);
    const __m256i t1 = _mm256_unpackhi_epi32(c0[v], c1[v]);
    const __m256i t2 = _mm256_unpacklo_epi32(c2[v], c3[v]);
    const __m256i t3 = _mm256_unpackhi_epi32(c2[v], c3[v]);
    __m256i* o = reinterpret_cast<__m256i*>(out + 32 * v);
    _mm256_storeu_si256(o + 0, _mm256_unpacklo_epi64(t0, t2));
    _mm256_storeu_si256(o + 1, _mm256_unpackhi_epi64(t0, t2));
    _mm256_storeu_si256(o + 2, _mm256_unpacklo_epi64(t1, t3));
    _mm256_storeu_si256(o + 3, _mm256_unpackhi_epi64(t1, t3));
  }
}

template <int V>
TORCHRNG_AVX2 void avx2_groups(const Plan& p, uint32_t lo, uint64_t groups, uint32_t* out) {
  for (uint64_t g = 0; g < groups; ++g) {
    avx2_group<V>(p, lo, out);
    lo += 8u * V;
    out += 32 * V;
  }
}

void avx2_blocks(u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out) {
  Cursor c{first_index, count, out};
  run_groups<8 * kAvx2Vectors>(key, block, c, avx2_groups<kAvx2Vectors>);
  run_groups<8>(key, block, c, avx2_groups<1>);
  run_tail<8>(key, block, c, avx2_groups<1>);
}

// ---------------------------------------------------------------------------------------------
// AVX-512 (F only): 16 blocks per vector; the main loop interleaves kAvx512Vectors vectors.

#define TORCHRNG_AVX512_INLINE __attribute__((target("avx512f"), always_inline)) inline
#define TORCHRNG_AVX512 __attribute__((target("avx512f")))

constexpr int kAvx512Vectors = 4;  // measured: 4 slightly ahead of 2 and 1 on Sapphire Rapids

// 16 * V blocks from index low word lo to out[0, 64 * V).
template <int V>
TORCHRNG_AVX512_INLINE void avx512_group(const Plan& p, uint32_t lo, uint32_t* out) {
  // Lane 4q + r holds block 4r + q of its vector (see the transpose below).
  const __m512i lanes = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  __m512i c0[V], c1[V], c2[V], c3[V];
  philox_simd::avx512_rounds<V>(p, lo, lanes, c0, c1, c2, c3);
  // In-lane 4x4 transposes. With the lane assignment above, u_r holds blocks 4r .. 4r + 3.
#pragma GCC unroll 8
  for (int v = 0; v < V; ++v) {
    const __m512i t0 = _mm512_unpacklo_epi32(c0[v], c1[v]);
    const __m512i t1 = _mm512_unpackhi_epi32(c0[v], c1[v]);
    const __m512i t2 = _mm512_unpacklo_epi32(c2[v], c3[v]);
    const __m512i t3 = _mm512_unpackhi_epi32(c2[v], c3[v]);
    uint32_t* o = out + 64 * v;
    _mm512_storeu_si512(o + 0, _mm512_unpacklo_epi64(t0, t2));
    _mm512_storeu_si512(o + 16, _mm512_unpackhi_epi64(t0, t2));
    _mm512_storeu_si512(o + 32, _mm512_unpacklo_epi64(t1, t3));
    _mm512_storeu_si512(o + 48, _mm512_unpackhi_epi64(t1, t3));
  }
}

template <int V>
TORCHRNG_AVX512 void avx512_groups(const Plan& p, uint32_t lo, uint64_t groups, uint32_t* out) {
  for (uint64_t g = 0; g < groups; ++g) {
    avx512_group<V>(p, lo, out);
    lo += 16u * V;
    out += 64 * V;
  }
}

void avx512_blocks(u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out) {
  Cursor c{first_index, count, out};
  run_groups<16 * kAvx512Vectors>(key, block, c, avx512_groups<kAvx512Vectors>);
  run_groups<16>(key, block, c, avx512_groups<1>);
  run_tail<16>(key, block, c, avx512_groups<1>);
}

#endif  // TORCHRNG_X86_SIMD

// ---------------------------------------------------------------------------------------------
// Run-time selection.

bool cpu_has(Isa isa) {
#if TORCHRNG_X86_SIMD
  switch (isa) {
    case Isa::Scalar:
      return true;
    // The SIMD kernels' float32 uniforms use FMA (simd_lanes.h), which every AVX2 and AVX-512 CPU
    // made has; one without it gets the scalar path.
    case Isa::Avx2:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::Avx512:
      __builtin_cpu_init();
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  }
  return false;
#else
  return isa == Isa::Scalar;
#endif
}

Isa best_supported() {
  if (cpu_has(Isa::Avx512)) return Isa::Avx512;
  if (cpu_has(Isa::Avx2)) return Isa::Avx2;
  return Isa::Scalar;
}

Isa choose_isa() {
  const Isa best = best_supported();
  const char* env = std::getenv("TORCHRNG_CPU_ISA");
  if (env == nullptr || *env == '\0') return best;
  const std::string want(env);
  Isa isa;
  if (want == "scalar") {
    isa = Isa::Scalar;
  } else if (want == "avx2") {
    isa = Isa::Avx2;
  } else if (want == "avx512") {
    isa = Isa::Avx512;
  } else {
    std::fprintf(stderr, "torchrng: unknown TORCHRNG_CPU_ISA=%s (expected scalar, avx2 or avx512); using %s\n",
                 env, isa_name(best));
    return best;
  }
  if (!cpu_has(isa)) {
    std::fprintf(stderr, "torchrng: TORCHRNG_CPU_ISA=%s is not supported on this CPU; using %s\n", env,
                 isa_name(best));
    return best;
  }
  return isa;
}

void run(Isa isa, u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out) {
  if (count <= 0) return;
  switch (isa) {
#if TORCHRNG_X86_SIMD
    case Isa::Avx512:
      avx512_blocks(key, block, first_index, count, out);
      return;
    case Isa::Avx2:
      avx2_blocks(key, block, first_index, count, out);
      return;
#endif
    default:
      scalar_blocks(key, block, first_index, count, out);
      return;
  }
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Scalar:
      return "scalar";
    case Isa::Avx2:
      return "avx2";
    case Isa::Avx512:
      return "avx512";
  }
  return "unknown";
}

bool isa_supported(Isa isa) { return cpu_has(isa); }

Isa philox_blocks_isa() {
  static const Isa isa = choose_isa();  // thread-safe initialisation (C++11 magic statics)
  return isa;
}

void philox_blocks(core::u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out) {
  run(philox_blocks_isa(), key, block, first_index, count, out);
}

void philox_blocks_with(Isa isa, core::u32x2 key, uint64_t block, uint64_t first_index, int64_t count,
                        uint32_t* out) {
  if (!isa_supported(isa)) {
    throw std::invalid_argument(std::string("torchrng: philox_blocks_with: ISA ") + isa_name(isa) +
                                " is not supported on this CPU");
  }
  run(isa, key, block, first_index, count, out);
}

}  // namespace cpu
}  // namespace torchrng
